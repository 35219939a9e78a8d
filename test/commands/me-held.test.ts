/**
 * `me` shows what the tenant's Context Optimizer holds for the person: each item's one-line text
 * (outside text in it inert), why it is held and when it goes, and today's counts.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { contextOptimizerAgent, type PersonItem } from "../../src/agents/context-optimizer";
import { renderDiscord } from "../../src/chat/discord/render";
import { literal } from "../../src/chat/markup";
import type { ChatUserRef } from "../../src/chat/platform";
import { reply } from "../../src/chat/reply";
import { renderSlack } from "../../src/chat/slack/render";
import { WEEKDAYS } from "../../src/domain/time";
import { settings } from "../../src/settings/stub";
import { noonZone, spawnOptimizer } from "../integration/people-support";
import { chatContext, run, shown, slack } from "./helpers";

const BOB = slack("U0BOB", "bob");
const LEAD = slack("U0LEAD", "lead");
const EVIL = "<@U0EVIL> [click](https://evil.example)";

/** Bob at work every day 08:00-16:00 in a zone where it is noon, in a focus block all day. */
async function tenantWithOptimizer(tenant: string): Promise<string> {
  const s = settings(env, tenant);
  const tz = noonZone();
  const workingHours = { days: [...WEEKDAYS], start: "08:00", end: "16:00" };
  expect((await s.addMember({ user: LEAD, github: "lead", tz, lead: true }, "test")).ok).toBe(true);
  expect((await s.addMember({ user: BOB, github: "bob", tz, workingHours }, "test")).ok).toBe(true);
  const focus = { days: [...WEEKDAYS], start: "00:00", end: "24:00" };
  expect((await s.setNotifyPrefs(BOB, { mode: "immediate", addFocus: focus }, "test")).ok).toBe(true);
  // Nothing it sends leaves the test.
  const { agentId } = await spawnOptimizer(tenant);
  return agentId;
}

function item(user: ChatUserRef, number: number): PersonItem {
  const url = `https://github.com/acme/held/pull/${number}`;
  return {
    key: `test:me-held:${user.id}:${number}`,
    user,
    login: "bob",
    kind: "review",
    urgent: false,
    pr: { repo: "acme/held", number, title: EVIL, url, lines: 10 },
    reply: reply(`Please review acme/held#${number}: ${literal(EVIL)}`),
    atMs: Date.now(),
  };
}

describe("me: what is held", () => {
  it("lists each held item with why and when, and today's counts", async () => {
    const tenant = "me-held";
    const agentId = await tenantWithOptimizer(tenant);
    const routed = await contextOptimizerAgent(env, agentId).route([item(BOB, 1), item(BOB, 2)], "c");
    expect(routed).toMatchObject({ ok: true, value: { sent: 0, held: 2 } });

    const ctx = chatContext(tenant, { actor: BOB });
    const page = await run("me", ctx);
    const all = shown(page);
    expect(all).toContain("2 items held for you; everything held goes out together as one message.");
    const lines = page.sections.find((s) => s.title === "Held for you")?.lines ?? [];
    expect(lines).toHaveLength(2);
    for (const [i, line] of lines.entries()) {
      expect(line).toContain(`Please review acme/held#${i + 1}`);
      expect(line).toMatch(/ — during your focus block; goes \w{3} \d{4}-\d\d-\d\d \d\d:\d\d Etc\/GMT/);
    }
    expect(all).toMatch(/Today \(\d{4}-\d\d-\d\d\)/);
    expect(all).toContain("Messages sent: **0** of your daily cap of 6");
    expect(all).toContain("Held: 2 · Merged into others: 0 · Interruptions avoided: 2");

    // The PR title from outside is text on both platforms: no mention, no link.
    const slackText = JSON.stringify(renderSlack(page));
    expect(slackText).not.toContain("<@U0EVIL>");
    expect(slackText).toContain("&lt;@U0EVIL&gt;");
    expect(JSON.stringify(renderDiscord(page))).not.toMatch(/(?<!\\)<@U0EVIL>/);
  });

  it("says when message routing is paused: messages then go directly", async () => {
    const tenant = "me-held-paused";
    const agentId = await tenantWithOptimizer(tenant);
    const lead = chatContext(tenant, { actor: LEAD });
    expect((await run(`agent pause ${agentId}`, lead)).tone).toBe("success");
    const page = shown(await run("me", chatContext(tenant, { actor: BOB })));
    expect(page).toContain("Message routing is paused in this workspace");
    expect(page).toContain("Nothing is held for you right now.");
  });

  it("without a Context Optimizer nothing is held, and the page still answers", async () => {
    const tenant = "me-held-none";
    await settings(env, tenant).addMember({ user: BOB, github: "bob" }, "test");
    const page = await run("me", chatContext(tenant, { actor: BOB }));
    expect(page.tone).toBeUndefined();
    expect(shown(page)).toContain("Nothing is held for you right now.");
  });
});
