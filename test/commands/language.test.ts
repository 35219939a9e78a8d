/**
 * Replies speak the team's language: out of office for oneself without admin rights, help in the
 * order a team uses it, Discord syntax on Discord, who is out today by name, times in the reader's
 * zone without seconds, SLA bounds as the parser takes them.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { unmarked } from "../../src/chat/markup";
import { commandFromDiscord } from "../../src/commands/discord";
import { specFor } from "../../src/commands/grammar";
import { runParsed } from "../../src/commands/run";
import { SECTIONS } from "../../src/commands/sections";
import { settings } from "../../src/settings/stub";
import { CHANNEL, deliver, prEvent, reviewManager, setupTenant } from "../agents/review-manager/support";
import { discordData } from "./cases";
import { chatContext, discord, run, shown, slack } from "./helpers";

/** A tenant with a lead (so nobody is admin by first run) and bob, a member without rights. */
async function withLead(tenant: string) {
  const s = settings(env, tenant);
  await s.addMember({ user: slack("U0LENA", "lena"), github: "lena", lead: true }, "test");
  await s.addMember({ user: slack("U0BOB", "bob"), github: "bob", tz: "Europe/Berlin" }, "test");
  return chatContext(tenant, { actor: slack("U0BOB", "bob") });
}

describe("out of office for oneself", () => {
  it("`ooo`, `ooo me`, `ooo until …` and `back` work for a member without admin rights", async () => {
    const bob = await withLead("lang-ooo-self");
    const open = await run("ooo", bob);
    expect(open.tone).toBe("success");
    expect(open.text).toBe("You are out of office until marked back (`/foreman back`).");
    expect(shown(open)).toContain("Review assignment skips people while they are out");
    const me = await run("ooo me", bob);
    expect(me.text).toBe("You are out of office until marked back (`/foreman back`).");
    const until = await run("ooo until 2099-12-10", bob);
    expect(until.text).toBe("You are out of office until 2099-12-10 (inclusive).");
    expect(shown(until)).toContain("Replaces the earlier entry (until back).");
    const entries = await settings(env, "lang-ooo-self").outOfOfficeOn("2099-12-10");
    expect(entries.map((e) => [e.user.id, e.until])).toEqual([["U0BOB", "2099-12-10"]]);
    expect((await run("back me", bob)).text).toBe("You are back: no longer marked out of office.");
    expect((await run("back", bob)).text).toBe("You were not marked out of office.");
  });

  it("someone else stays admin-only, and the refusal says how to mark oneself", async () => {
    const bob = await withLead("lang-ooo-other");
    const refused = await run("ooo <@U0LENA|lena> until 2099-12-10", bob);
    expect(refused.title).toBe("Not allowed");
    expect(refused.text).toBe("Only chat admins can mark someone else out of office.");
    expect(shown(refused)).toContain("Anyone can mark themselves: `/foreman ooo`.");
    const lena = chatContext("lang-ooo-other", { actor: slack("U0LENA", "lena") });
    expect(unmarked((await run("ooo <@U0BOB|bob>", lena)).text)).toBe(
      "<@U0BOB> is out of office until marked back (`/foreman back <@U0BOB>`).",
    );
  });

  it("on Discord the user option may be left out", async () => {
    const tenant = "lang-ooo-discord";
    await withLead(tenant);
    const dora = chatContext(tenant, { actor: discord("323456789012345678") });
    const open = await runParsed(commandFromDiscord(discordData(["ooo"], { until: "2099-12-10" })), dora);
    expect(open.text).toBe("You are out of office until 2099-12-10 (inclusive).");
    const back = await runParsed(commandFromDiscord(discordData(["back"])), dora);
    expect(back.text).toBe("You are back: no longer marked out of office.");
  });
});

describe("help", () => {
  it("leads with reviews, team, digest and SLA; settings next; workflows and agents last; ooo and back not admin", async () => {
    const help = await run("help", chatContext("lang-help"));
    // The order itself is pinned in test/commands/help.test.ts.
    expect(help.sections.slice(1).map((s) => s.title)).toEqual(SECTIONS.map((s) => s.title));
    expect(help.sections[1]?.title).toBe("Reviews");
    expect(help.sections.at(-1)?.title).toBe("Agents");
    const lines = help.sections.flatMap((s) => s.lines ?? []);
    const line = (usage: string) => lines.find((l) => l.startsWith(`\`${usage}`)) ?? "";
    expect(line("/foreman ooo")).not.toContain("(admin)");
    expect(line("/foreman back")).not.toContain("(admin)");
    expect(line("/foreman team add")).toContain("(admin)");
    expect(line("/foreman ooo")).toContain("Mark yourself");
  });
});

describe("Discord replies show Discord syntax", () => {
  it("review mine for someone not on the team: `team add user:@you github:…` on Discord, the text form on Slack", async () => {
    const tenant = "lang-mine";
    await withLead(tenant);
    const onDiscord = await run("review mine", chatContext(tenant, { actor: discord("423456789012345678") }));
    expect(onDiscord.text).toBe(
      "You are not on the team yet: `/foreman team add user:@you github:your-login` so reviews can be matched to you.",
    );
    const onSlack = await run("review mine", chatContext(tenant, { actor: slack("U0NEW", "new") }));
    expect(onSlack.text).toContain("`/foreman team add @you github:your-login`");
  });

  it("usage, hints and help on Discord name their options", async () => {
    const ctx = chatContext("lang-discord-help", { actor: discord("523456789012345678") });
    const help = shown(await run("help team", ctx));
    expect(help).toContain("`/foreman team add user:<@user> github:<login> [tz:<IANA zone>] [lead:True]`");
    expect(help).toContain("`/foreman team add user:@alice github:alice tz:Europe/Berlin lead:True`");
    expect(help).not.toMatch(/`\/foreman[^`]* --/);
    const usage = shown(await runParsed(commandFromDiscord(discordData(["sla", "set"], { hours: 0 })), ctx));
    expect(usage).toContain("`/foreman sla set hours:<hours> [repo:<owner/repo>] [label:<name>]`");
  });
});

describe("status", () => {
  it("names who is out today, not only how many", async () => {
    const tenant = "lang-status-out";
    const bob = await withLead(tenant);
    const quiet = shown(await run("status", bob));
    expect(quiet).toContain("Nobody is out of office today.");
    await settings(env, tenant).setOoo(slack("U0LENA", "lena"), "2099-01-31", "test");
    await run("ooo", bob);
    const out = shown(await run("status", bob));
    expect(out).toContain("2 members, 2 out of office today");
    expect(out).toContain("Out of office today: <@U0LENA> (until 2099-01-31), <@U0BOB> (until back)");
  });

  it("reads the time in the reader's zone (a member's roster zone, else UTC, named), without seconds", async () => {
    const tenant = "lang-status-time";
    await withLead(tenant);
    const now = new Date("2026-11-24T07:02:44.720Z");
    const bob = chatContext(tenant, { actor: slack("U0BOB", "bob"), now });
    expect((await run("status", bob)).footer).toBe("As of Tue 2026-11-24 08:02 Europe/Berlin");
    const stranger = chatContext(tenant, { actor: slack("U0STRANGER"), now });
    expect((await run("status", stranger)).footer).toBe("As of Tue 2026-11-24 07:02 UTC");
  });
});

describe("review list", () => {
  it("due times read in the reader's zone when they are on the team, else in the reviewer's, zone named", async () => {
    const tenant = "lang-review-zone";
    await setupTenant(tenant);
    await settings(env, tenant).addMember(
      { user: slack("U0NYC", "nyc"), github: "nyc", tz: "America/New_York" },
      "test",
    );
    const h = await reviewManager(tenant);
    await deliver(h, prEvent("opened", { number: 1, author: "octocat" }, h.clock.t));
    const lines = async (actor: string) =>
      shown(
        await run("review list", chatContext(tenant, { actor: slack(actor), channelId: CHANNEL.channelId })),
      );
    const nyc = await lines("U0NYC");
    expect(nyc).toMatch(/due \w{3} 2030-01-\d\d \d\d:\d\d America\/New_York/);
    const stranger = await lines("U0STRANGER");
    expect(stranger).toMatch(/due \w{3} 2030-01-\d\d \d\d:\d\d UTC/);
    expect(`${nyc}\n${stranger}`).not.toMatch(/\d\d:\d\d:\d\d/);
  });
});

describe("sla set bounds", () => {
  it("more than 0 and at most 720 hours, as the help says", async () => {
    const ctx = chatContext("lang-sla");
    expect(specFor("sla.set").args[0]?.description).toContain("more than 0, at most 720");
    expect(unmarked((await run("sla set 0", ctx)).text)).toBe(
      'Invalid number of hours "0": it must be more than 0',
    );
    expect(unmarked((await run("sla set 721", ctx)).text)).toBe(
      'Invalid number of hours "721": it must be at most 720 (30 days)',
    );
    expect((await run("sla set 720", ctx)).tone).toBe("success");
    expect((await run("sla set 0.5", ctx)).tone).toBe("success");
  });
});
