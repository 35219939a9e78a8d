import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { reviewButtonId } from "../../../src/agents/review-manager/model/cards";
import { decodeAction, encodeAction, MAX_ACTION_LENGTH } from "../../../src/chat/actions";
import { unmarked } from "../../../src/chat/markup";
import { settings } from "../../../src/settings/stub";
import { chatContext, click, run, shown, slack } from "../../commands/helpers";
import {
  CHANNEL,
  deliver,
  githubRequests,
  type Harness,
  HOUR,
  MONDAY_9,
  only,
  postText,
  prEvent,
  REPO,
  reviewManager,
  setupTenant,
  slackPosts,
} from "./support";

const as = (tenant: string, id: string, name: string) =>
  chatContext(tenant, { actor: slack(id, name), channelId: CHANNEL.channelId });

describe("review card buttons", () => {
  it("Start review, Reassign and Snooze 2h update the card in place", async () => {
    const tenant = "t-rev-buttons";
    await setupTenant(tenant, undefined, 8);
    const h = await reviewManager(tenant);
    await deliver(h, prEvent("opened", { number: 1 }, h.clock.t));
    const bob = as(tenant, "U0BOB", "bob");

    const claimed = await click(encodeAction("review.claim", `${REPO}#1`), bob);
    expect(claimed.replaceOriginal).toBe(true);
    expect(unmarked(claimed.text)).toBe("<@U0BOB> started the review of acme/widgets#1.");
    expect(shown(claimed)).toContain("**in review** (started by <@U0BOB>)");
    expect(claimed.buttons.map((b) => b.label)).toEqual(["Reassign", "Snooze 2h"]);
    const again = await click(encodeAction("review.claim", `${REPO}#1`), bob);
    expect(again).toMatchObject({ ephemeral: true, replaceOriginal: false });

    h.sent.length = 0;
    const moved = await click(encodeAction("review.reassign", `${REPO}#1`), bob);
    expect(moved.replaceOriginal).toBe(true);
    expect(unmarked(moved.text)).toBe(
      "Reassigned acme/widgets#1 from <@U0BOB> to <@U0CAROL> (asked by <@U0BOB>).",
    );
    expect(shown(moved)).toContain(
      "Why <@U0CAROL>: in working hours now; fewest open reviews: 0 of 5 (0 in the last 30 days)",
    );
    expect(githubRequests(h.sent)).toMatchObject([{ body: { reviewers: ["carol"] } }]);
    expect(only(slackPosts(h.sent, "U0CAROL"))).toBeDefined();
    // Clicked in the linked channel: that card was replaced, no second post there.
    expect(slackPosts(h.sent)).toEqual([]);

    h.clock.t = MONDAY_9 + HOUR;
    const carol = as(tenant, "U0CAROL", "carol");
    const snoozed = await click(encodeAction("review.snooze", `${REPO}#1`), carol);
    expect(snoozed.replaceOriginal).toBe(true);
    // Carol's 8 h started Monday 09:00 (the reassignment); 2 h of snooze: due Tuesday 11:00.
    expect(unmarked(snoozed.text)).toBe(
      "<@U0CAROL> snoozed the review clock of acme/widgets#1 by 2 h. Now due: carol: Tue 2030-01-08 11:00 UTC.",
    );
    const state = await h.agent.pullRequest({ repo: REPO, number: 1 });
    expect(state.ok && state.value?.reviewers.find((r) => r.login === "carol")?.snoozes).toBe(1);
  });

  it("another member's Start review takes the review over; others need to be a reviewer or an admin", async () => {
    const tenant = "t-rev-buttons-rights";
    await setupTenant(tenant);
    const h = await reviewManager(tenant);
    await deliver(h, prEvent("opened", { number: 2 }, h.clock.t));

    const outsider = await click(encodeAction("review.snooze", `${REPO}#2`), as(tenant, "U0ALICE", "alice"));
    expect(outsider).toMatchObject({ ephemeral: true, replaceOriginal: false, title: "Not allowed" });
    expect(unmarked(outsider.text)).toBe("Only a reviewer of acme/widgets#2 or a chat admin can snooze it.");
    const notMember = await click(encodeAction("review.claim", `${REPO}#2`), as(tenant, "U0ALICE", "alice"));
    expect(unmarked(notMember.text)).toContain("Only team members can start a review");

    h.sent.length = 0;
    const taken = await click(encodeAction("review.claim", `${REPO}#2`), as(tenant, "U0CAROL", "carol"));
    expect(unmarked(taken.text)).toBe("<@U0CAROL> started the review of acme/widgets#2.");
    expect(githubRequests(h.sent)).toMatchObject([{ body: { reviewers: ["carol"] } }]);
    const state = await h.agent.pullRequest({ repo: REPO, number: 2 });
    expect(state.ok && state.value?.reviewers.map((r) => [r.login, r.status])).toEqual([
      ["bob", "released"],
      ["carol", "in_progress"],
    ]);

    // The lead is an admin: may reassign someone else's review.
    const lead = await click(encodeAction("review.reassign", `${REPO}#2`), as(tenant, "U0LENA", "lena"));
    expect(unmarked(lead.text)).toBe(
      "Reassigned acme/widgets#2 from <@U0CAROL> to <@U0LENA> (asked by <@U0LENA>).",
    );
  });

  it("channel posts never ping the author and name the reviewers told by DM; breaches still ping", async () => {
    const tenant = "t-rev-pings";
    await setupTenant(tenant, undefined, 8);
    const other = { ...CHANNEL, channelId: "C0OTHER" };
    expect((await settings(env, tenant).link("github", REPO, other, "test")).ok).toBe(true);
    const h = await reviewManager(tenant);
    // carol (on the team) wrote it: bob is asked.
    await deliver(h, prEvent("opened", { number: 3, author: "carol" }, h.clock.t));
    expect(postText(only(slackPosts(h.sent, "U0BOB")))).toContain("You are asked to review acme/widgets#3");
    for (const channel of [CHANNEL.channelId, other.channelId]) {
      const card = postText(only(slackPosts(h.sent, channel)));
      expect(card).toContain("*bob* is asked to review acme/widgets#3");
      expect(card).toContain("by *carol*");
      expect(card).not.toMatch(/<@U0(BOB|CAROL)>/);
    }

    // The breach: bob was not told of it by DM and the lead is asked to look, so both are pinged.
    await alarmAt(h, MONDAY_9 + 4 * HOUR);
    await alarmAt(h, MONDAY_9 + 8 * HOUR);
    const breach = postText(only(slackPosts(h.sent)));
    expect(breach).toContain("SLA breached: acme/widgets#3 has waited 8 h of working time for <@U0BOB>");
    expect(breach).toContain("<@U0LENA> FYI");
    expect(breach).not.toContain("<@U0CAROL>");

    // Reassigned from the first channel: the other one hears of it without pings (lena gets a DM).
    h.sent.length = 0;
    const moved = await click(encodeAction("review.reassign", `${REPO}#3`), as(tenant, "U0BOB", "bob"));
    expect(unmarked(moved.text)).toBe(
      "Reassigned acme/widgets#3 from <@U0BOB> to <@U0LENA> (asked by <@U0BOB>).",
    );
    expect(slackPosts(h.sent)).toEqual([]);
    // 17:00: lena's day is over, so the Context Optimizer keeps her DM for the morning.
    expect(slackPosts(h.sent, "U0LENA")).toEqual([]);
    const elsewhere = postText(only(slackPosts(h.sent, other.channelId)));
    expect(elsewhere).toContain("Reassigned acme/widgets#3 from *bob* to *lena* (asked by *bob*)");
    expect(elsewhere).not.toMatch(/<@U0(BOB|CAROL|LENA)>/);
  });

  it("button ids fit in 100 characters: a long repository name falls back to the PR's short id", () => {
    const pr = { id: 17, repo: `acme/${"w".repeat(90)}`, number: 123456 };
    const id = reviewButtonId("review.reassign", pr);
    expect(id).toBe("fm1:review.reassign:p17");
    expect(decodeAction(id)).toEqual({ verb: "review.reassign", arg: "p17" });
    const short = reviewButtonId("review.snooze", { id: 3, repo: REPO, number: 42 });
    expect(short).toBe("fm1:review.snooze:acme/widgets#42");
    expect(short.length).toBeLessThanOrEqual(MAX_ACTION_LENGTH);
    expect(decodeAction("fm1:review.claim:not a pr")).toBeNull();
    expect(decodeAction("fm1:review.claim:acme/widgets#0")).toBeNull();
  });
});

describe("review commands", () => {
  it("review list and review mine show waiting PRs with their SLA state", async () => {
    const tenant = "t-rev-list";
    await setupTenant(tenant, undefined, 8);
    const h = await reviewManager(tenant);
    await deliver(h, prEvent("opened", { number: 1, title: "First" }, h.clock.t));
    h.clock.t += HOUR;
    await deliver(h, prEvent("opened", { number: 2, title: "Second" }, h.clock.t));
    h.clock.t = MONDAY_9 + 4.5 * HOUR; // 13:30: bob's reminder point (13:00) has passed, carol's (14:00) not

    const list = await run("review list", as(tenant, "U0LENA", "lena"));
    expect(unmarked(list.text)).toBe("2 pull requests waiting for review (1 at risk), oldest first.");
    const lines = (list.sections[0]?.lines ?? []).map(unmarked);
    expect(lines[0]).toContain("[acme/widgets#1](https://github.com/acme/widgets/pull/1) First");
    expect(lines[0]).toContain("waiting 4 h 30 min of working time");
    expect(lines[0]).toContain("<@U0BOB>: **at risk**, due Mon 2030-01-07 17:00 UTC");
    expect(lines[1]).toContain("<@U0CAROL>: **ok**, due Tue 2030-01-08 10:00 UTC");

    const mine = await run("review mine", as(tenant, "U0CAROL", "carol"));
    expect(unmarked(mine.text)).toBe("1 pull request waiting for your review, oldest first.");
    expect(shown(mine)).toContain("acme/widgets#2");
    expect(shown(mine)).not.toContain("acme/widgets#1");
    const stranger = await run("review mine", as(tenant, "U0ALICE", "alice"));
    expect(unmarked(stranger.text)).toContain("You are not on the team yet");
  });

  it("review list pages 20 at a time, counting the whole queue", async () => {
    const tenant = "t-rev-pages";
    await setupTenant(tenant, undefined, 8);
    const h = await reviewManager(tenant);
    const numbers = Array.from({ length: 23 }, (_, i) => i + 1);
    await deliver(
      h,
      ...numbers.map((n) => prEvent("opened", { number: n, title: `PR ${n}` }, h.clock.t + n)),
    );
    const lena = as(tenant, "U0LENA", "lena");
    const first = await run("review list", lena);
    expect(unmarked(first.text)).toBe("23 pull requests waiting for review, oldest first.");
    const lines = (first.sections[0]?.lines ?? []).map(unmarked);
    expect(lines).toHaveLength(21);
    expect(lines.at(-1)).toBe("Page 1 of 2 — `/foreman review list --page 2` for the next 3");
    const second = await run("review list --page 2", lena);
    expect(unmarked(second.text)).toBe("23 pull requests waiting for review, oldest first.");
    const rest = (second.sections[0]?.lines ?? []).map(unmarked);
    expect(rest).toHaveLength(4);
    expect(rest.at(-1)).toBe("Page 2 of 2");
    const past = await run("review list --page 3", lena);
    expect(unmarked(past.text)).toBe(
      "There are 2 pages of 23 pull requests waiting for review: page 3 is past the end.",
    );
    const bad = await run("review list --page 0", lena);
    expect(shown(bad)).toContain("page number");
  });

  it("review assign: unknown PRs wait for a webhook; a tracked PR nobody reviews is assigned now", async () => {
    const tenant = "t-rev-assign-cmd";
    await setupTenant(tenant, [
      { id: "U0BOB", login: "bob", ooo: true },
      { id: "U0LENA", login: "lena", lead: true },
    ]);
    const h = await reviewManager(tenant);
    const lena = as(tenant, "U0LENA", "lena");
    const unknown = await run("review assign acme/widgets#99", lena);
    expect(unmarked(unknown.text)).toContain("Foreman has not seen acme/widgets#99 yet");

    await deliver(h, prEvent("opened", { number: 3, author: "lena" }, h.clock.t));
    expect(githubRequests(h.sent)).toEqual([]); // bob is out, lena wrote it
    expect((await run("back <@U0BOB|bob>", lena)).tone).not.toBe("error");
    const assigned = await run("review assign acme/widgets#3", lena);
    expect(unmarked(assigned.text)).toBe("Assigned <@U0BOB> to review acme/widgets#3.");
    expect(githubRequests(h.sent)).toMatchObject([{ body: { reviewers: ["bob"] } }]);
    const twice = await run("review assign acme/widgets#3", lena);
    expect(unmarked(twice.text)).toContain("already has <@U0BOB> reviewing");
    expect(postText(only(slackPosts(h.sent, "U0BOB")))).toContain("You are asked to review acme/widgets#3");
  });
});

/** Runs the agent's alarm at `t`, with the recording emptied first. */
async function alarmAt(h: Harness, t: number): Promise<void> {
  h.clock.t = t;
  h.sent.length = 0;
  await runDurableObjectAlarm(h.stub);
}
