/**
 * The Context Optimizer routes the Review Manager's messages to people: batched into windows,
 * held through focus blocks and days away, sent at once when urgent. Driven end to end through the
 * Review Manager (real GitHub events) on a controlled clock; releases run on the optimizer's alarm.
 */
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { contextOptimizerAgent } from "../../../src/agents/context-optimizer";
import { coordinator } from "../../../src/agents/coordinator/stub";
import { encodeAction } from "../../../src/chat/actions";
import { unmarked } from "../../../src/chat/markup";
import type { DeliveryMessage } from "../../../src/delivery/types";
import { unwrap } from "../../../src/platform/errors";
import { settings } from "../../../src/settings/stub";
import { chatContext, click, slack } from "../../commands/helpers";
import {
  deliver,
  githubRequests,
  type Harness,
  HOUR,
  MONDAY_9,
  prEvent,
  reviewManager,
  reviewRequest,
  setupTenant,
  slackPosts,
} from "../review-manager/support";

const MINUTE = 60_000;
const BOB = { platform: "slack" as const, id: "U0BOB" };
const CAROL = { platform: "slack" as const, id: "U0CAROL" };
const dmsTo = (sent: DeliveryMessage[], user: string) => slackPosts(sent, user);

async function optimizer(tenant: string) {
  const standing = unwrap(await coordinator(env, tenant).standingAgents(tenant, { correlationId: "t" }));
  return contextOptimizerAgent(env, standing["context-optimizer"]);
}

/** A team where only `who` can be asked (carol away unless `withCarol`), with bob's notify prefs set. */
async function team(tenant: string, patch: Record<string, unknown>, withCarol = false): Promise<Harness> {
  await setupTenant(tenant, [
    { id: "U0BOB", login: "bob" },
    { id: "U0CAROL", login: "carol", ooo: !withCarol },
  ]);
  const s = settings(env, tenant);
  expect((await s.setNotifyPrefs(BOB, patch, "test")).ok).toBe(true);
  return reviewManager(tenant);
}

async function releaseAt(h: Harness, t: number): Promise<void> {
  h.clock.t = t;
  h.sent.length = 0;
  await runDurableObjectAlarm(h.optimizer);
}

describe("Context Optimizer", () => {
  it("batched: five review requests before the window are one DM at the window, with every button", async () => {
    const h = await team("co-batched", { mode: "batched", windows: ["09:32"] });
    for (let n = 1; n <= 5; n++) {
      h.clock.t = MONDAY_9 + n * 10_000;
      await deliver(h, prEvent("opened", { number: n }, h.clock.t));
    }
    expect(githubRequests(h.sent)).toHaveLength(5);
    expect(dmsTo(h.sent, "U0BOB")).toEqual([]);
    const held = unwrap(await (await optimizer("co-batched")).person(BOB));
    expect(held?.held).toHaveLength(5);
    expect(held?.nextReleaseAt).toBe(new Date(MONDAY_9 + 32 * MINUTE).toISOString());

    await releaseAt(h, MONDAY_9 + 32 * MINUTE);
    const dm = dmsTo(h.sent, "U0BOB");
    expect(dm).toHaveLength(1);
    const text = JSON.stringify(dm[0]?.body);
    expect(text).toContain("5 reviews for you");
    for (let n = 1; n <= 5; n++) {
      expect(text).toContain(`acme/widgets#${n}`);
      expect(text).toContain(`review.claim:acme/widgets#${n}`);
    }
    const after = unwrap(await (await optimizer("co-batched")).person(BOB));
    expect(after).toMatchObject({ held: [], today: { sent: 1, merged: 4 } });

    // The five are one block of work in acme/widgets: one click starts them all.
    expect(text).toContain("fm1:review.block:acme/widgets");
    const started = await click(
      encodeAction("review.block", "acme/widgets"),
      chatContext("co-batched", { actor: slack("U0BOB", "bob"), channelId: "D0BOB" }),
    );
    expect(unmarked(started.text)).toMatch(
      /^Started 5 reviews in acme\/widgets, about \d+ min: in this order\.$/,
    );
    expect(started.ephemeral).toBe(true);
    for (let n = 1; n <= 5; n++) {
      const pr = unwrap(await h.agent.pullRequest({ repo: "acme/widgets", number: n }));
      expect(pr?.reviewers.map((r) => [r.login, r.status])).toEqual([["bob", "in_progress"]]);
    }
  });

  it("immediate: five review requests are five DMs", async () => {
    const h = await team("co-immediate", { mode: "immediate" });
    for (let n = 1; n <= 5; n++) await deliver(h, prEvent("opened", { number: n }, h.clock.t));
    expect(dmsTo(h.sent, "U0BOB")).toHaveLength(5);
  });

  it("urgent: a hotfix PR reaches a batched person in working hours at once", async () => {
    const h = await team("co-hotfix", { mode: "batched" }, true);
    await deliver(h, prEvent("opened", { number: 7, labels: ["hotfix"] }, h.clock.t));
    const dm = dmsTo(h.sent, "U0BOB");
    expect(dm).toHaveLength(1);
    expect(JSON.stringify(dm[0]?.body)).toContain("acme/widgets#7");
  });

  it("urgent: a hotfix requested of someone away is not sent to them and goes to the next reviewer", async () => {
    const h = await team("co-hotfix-away", { mode: "batched" }, true);
    await settings(env, "co-hotfix-away").setOoo(CAROL, null, "test");
    // The author asks carol on GitHub; she is out of office.
    const pr = { number: 8, labels: ["hotfix"], requested: ["carol"] };
    await deliver(h, prEvent("opened", pr, h.clock.t), reviewRequest(pr, { login: "carol" }, h.clock.t));
    expect(dmsTo(h.sent, "U0CAROL")).toEqual([]);
    expect(JSON.stringify(h.sent)).toContain("is away and the PR is urgent");
    const toBob = dmsTo(h.sent, "U0BOB");
    expect(toBob.length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(toBob)).toContain("acme/widgets#8");
    const carol = unwrap(await (await optimizer("co-hotfix-away")).person(CAROL));
    expect(carol?.held).toEqual([]);
  });

  it("focus: nothing reaches a person in a focus block until it ends; what waits is shown", async () => {
    const h = await team("co-focus", {
      mode: "immediate",
      addFocus: { days: ["mon"], start: "09:00", end: "11:00" },
    });
    await deliver(h, prEvent("opened", { number: 3 }, h.clock.t));
    expect(dmsTo(h.sent, "U0BOB")).toEqual([]);
    const state = unwrap(await (await optimizer("co-focus")).person(BOB));
    expect(state?.held.map((i) => [i.kind, i.reason])).toEqual([["review", "focus"]]);
    expect(state?.held[0]?.releaseAt).toBe(new Date(MONDAY_9 + 2 * HOUR).toISOString());
    expect(state?.today.avoided).toBe(1);

    await releaseAt(h, MONDAY_9 + HOUR); // still in focus: the alarm finds nothing due
    expect(dmsTo(h.sent, "U0BOB")).toEqual([]);
    await releaseAt(h, MONDAY_9 + 2 * HOUR);
    expect(dmsTo(h.sent, "U0BOB")).toHaveLength(1);
  });

  it("off hours and days away: held until the person is back, then one message", async () => {
    const h = await team(
      "co-away",
      { mode: "immediate", addHoliday: { from: "2030-01-07", until: "2030-01-08" } },
      true,
    );
    // Bob is on holiday Monday and Tuesday: carol is asked; a request of bob on GitHub waits for him.
    await deliver(h, prEvent("opened", { number: 4, requested: ["bob"] }, h.clock.t));
    expect(dmsTo(h.sent, "U0BOB")).toEqual([]);
    const routed = await (await optimizer("co-away")).route(
      [
        {
          key: "test:away:1",
          user: BOB,
          login: "bob",
          kind: "note",
          urgent: false,
          pr: null,
          reply: { ephemeral: false, text: "A note for bob", sections: [], buttons: [] },
          atMs: h.clock.t,
        },
      ],
      "test",
    );
    expect(unwrap(routed)).toEqual({ sent: 0, held: 1, repeat: 0 });
    const state = unwrap(await (await optimizer("co-away")).person(BOB));
    expect(state?.held[0]?.reason).toBe("away");
    expect(state?.nextReleaseAt).toBe(new Date(MONDAY_9 + 48 * HOUR).toISOString());
    await releaseAt(h, MONDAY_9 + 48 * HOUR);
    expect(dmsTo(h.sent, "U0BOB")).toHaveLength(1);
  });

  it("a breach with no channel linked goes to the leads who are here, not the one away", async () => {
    const tenant = "co-breach-leads";
    const s = settings(env, tenant);
    const add = async (id: string, login: string, lead = false) =>
      expect(
        (await s.addMember({ user: { platform: "slack", id, name: login }, github: login, lead }, "t")).ok,
      ).toBe(true);
    await add("U0BOB", "bob");
    await add("U0LENA", "lena", true);
    await add("U0LARS", "lars", true);
    expect((await s.setOoo({ platform: "slack", id: "U0LENA" }, null, "t")).ok).toBe(true);
    expect((await s.setTeamNotify({ mode: "immediate" }, "t")).ok).toBe(true);
    expect((await s.setSla({ hours: 2 }, "t")).ok).toBe(true);
    const h = await reviewManager(tenant);
    // Load balance asks whoever has fewest requests: make bob the one, with lars busy elsewhere.
    await deliver(h, prEvent("opened", { number: 1, author: "lars" }, h.clock.t));
    const reviewer = unwrap(await h.agent.pullRequest({ repo: "acme/widgets", number: 1 }))?.reviewers[0]
      ?.login;
    h.sent.length = 0;
    h.clock.t = MONDAY_9 + 2 * HOUR; // the breach
    await runDurableObjectAlarm(h.stub);
    await runDurableObjectAlarm(h.stub);
    const breach = (user: string) =>
      dmsTo(h.sent, user).filter((d) => JSON.stringify(d.body).includes("SLA breached"));
    expect(breach("U0LENA")).toEqual([]);
    // Not even kept for when she is back: the next lead had it.
    const lena = unwrap(await (await optimizer(tenant)).person({ platform: "slack", id: "U0LENA" }));
    expect(lena?.held).toEqual([]);
    expect(breach("U0LARS")).toHaveLength(1);
    expect(reviewer).toBe("bob");
    expect(breach("U0BOB")).toHaveLength(1);
  });

  it("a repeated item is routed once", async () => {
    const h = await team("co-repeat", { mode: "immediate" });
    const co = await optimizer("co-repeat");
    const item = {
      key: "test:repeat",
      user: BOB,
      login: "bob",
      kind: "note" as const,
      urgent: false,
      pr: null,
      reply: { ephemeral: false, text: "Once", sections: [], buttons: [] },
      atMs: h.clock.t,
    };
    expect(unwrap(await co.route([item], "a"))).toEqual({ sent: 1, held: 0, repeat: 0 });
    expect(unwrap(await co.route([item], "b"))).toEqual({ sent: 0, held: 0, repeat: 1 });
    expect(dmsTo(h.sent, "U0BOB")).toHaveLength(1);
  });
});
