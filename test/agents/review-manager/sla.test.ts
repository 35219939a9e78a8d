import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { settings } from "../../../src/settings/stub";
import {
  alarmsAt,
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
  reviewRequest,
  reviewSubmitted,
  setupTenant,
  slackPosts,
} from "./support";

async function reviewer(h: Harness, number: number, login: string) {
  const state = await h.agent.pullRequest({ repo: REPO, number });
  if (!state.ok || !state.value) throw new Error("PR not tracked");
  const r = state.value.reviewers.find((x) => x.login === login);
  if (!r) throw new Error(`${login} is not a reviewer`);
  return r;
}

/** The agent's SLA steps (card refreshes and author notices are scheduled too, apart from the clocks). */
const slaSchedules = async (h: Harness) => (await h.agent.schedules()).filter((s) => s.kind === "review.sla");

describe("review SLA (8 working hours, 09:00-17:00 UTC)", () => {
  it("reminds at 50 %, reports the breach at 100 % and reassigns at 200 %, each once", async () => {
    const tenant = "t-rev-sla";
    await setupTenant(tenant, undefined, 8);
    const h = await reviewManager(tenant);
    await deliver(h, prEvent("opened", { number: 1 }, h.clock.t));
    expect((await reviewer(h, 1, "bob")).nextAtMs).toBe(MONDAY_9 + 4 * HOUR);
    const keys = (await slaSchedules(h)).map((s) => s.key);
    expect(keys).toEqual([`sla:${REPO}#1:bob`]);

    // Not due yet: nothing happens.
    await alarmsAt(h, MONDAY_9 + 3 * HOUR);
    expect(h.sent).toEqual([]);

    await alarmsAt(h, MONDAY_9 + 4 * HOUR); // Monday 13:00
    const reminder = only(slackPosts(h.sent, "U0BOB"));
    expect(postText(reminder)).toContain(
      "Reminder: <@U0BOB>, your review of acme/widgets#1 is due Mon 2030-01-07 17:00 UTC",
    );
    expect(postText(reminder)).toContain("4 h of working time left");
    expect(h.sent).toHaveLength(1);

    await alarmsAt(h, MONDAY_9 + 8 * HOUR); // Monday 17:00
    const breach = only(slackPosts(h.sent));
    expect(postText(breach)).toContain(
      "SLA breached: acme/widgets#1 has waited 8 h of working time for <@U0BOB>",
    );
    expect(postText(breach)).toContain("<@U0LENA> FYI");
    expect(h.sent).toHaveLength(1);

    await alarmsAt(h, MONDAY_9 + 32 * HOUR); // Tuesday 17:00: 16 working hours
    expect(githubRequests(h.sent)).toMatchObject([{ body: { reviewers: ["carol"] } }]);
    const removal = only(h.sent.filter((d) => d.action === "pulls.removeRequestedReviewers"));
    expect(removal.body).toMatchObject({ reviewers: ["bob"] });
    const moved = only(slackPosts(h.sent));
    // Carol is told by DM and bob is released: the channel names them without pinging either.
    expect(postText(moved)).toContain(
      "Reassigned acme/widgets#1 from *bob* to *carol* because the review SLA was breached",
    );
    expect(postText(moved)).not.toMatch(/<@U0(BOB|CAROL)>/);
    // Carol's working day ended at 17:00: the Context Optimizer keeps her DM for Wednesday 09:00.
    expect(slackPosts(h.sent, "U0CAROL")).toEqual([]);
    expect((await reviewer(h, 1, "bob")).status).toBe("reassigned");
    const carol = await reviewer(h, 1, "carol");
    expect(carol).toMatchObject({ status: "requested", previous: "bob", fired: 0 });
    // Carol's clock started at the reassignment (Tuesday 17:00): reminder Wednesday 13:00.
    expect(carol.nextAtMs).toBe(MONDAY_9 + 48 * HOUR + 4 * HOUR);
    expect((await slaSchedules(h)).map((s) => s.key)).toEqual([`sla:${REPO}#1:carol`]);
  });

  it("a submitted review stops the reviewer's clock", async () => {
    const tenant = "t-rev-sla-done";
    await setupTenant(tenant, undefined, 8);
    const h = await reviewManager(tenant);
    await deliver(h, prEvent("opened", { number: 2 }, h.clock.t));
    h.clock.t += HOUR;
    await deliver(h, reviewSubmitted({ number: 2 }, "bob", h.clock.t, "changes_requested"));
    expect(await reviewer(h, 2, "bob")).toMatchObject({
      status: "reviewed",
      reviewState: "changes_requested",
      nextAtMs: null,
    });
    expect(await slaSchedules(h)).toEqual([]);
    await alarmsAt(h, MONDAY_9 + 40 * HOUR);
    expect(h.sent).toEqual([]);
  });

  it("pauses while the PR is a draft and resumes with the working time already used", async () => {
    const tenant = "t-rev-sla-draft";
    await setupTenant(tenant, undefined, 8);
    const h = await reviewManager(tenant);
    await deliver(h, prEvent("opened", { number: 3 }, h.clock.t));
    h.clock.t = MONDAY_9 + 2 * HOUR; // 2 working hours used
    await deliver(h, prEvent("converted_to_draft", { number: 3, draft: true }, h.clock.t));
    expect(await slaSchedules(h)).toEqual([]);
    h.clock.t = MONDAY_9 + 24 * HOUR; // Tuesday 09:00
    await deliver(h, prEvent("ready_for_review", { number: 3 }, h.clock.t));
    // 2 more working hours to the reminder; no second assignment.
    expect((await reviewer(h, 3, "bob")).nextAtMs).toBe(MONDAY_9 + 26 * HOUR);
    expect(githubRequests(h.sent)).toHaveLength(1);
  });

  it("closing the PR stops every clock; a removed request stops that reviewer's", async () => {
    const tenant = "t-rev-sla-close";
    await setupTenant(tenant, undefined, 8);
    const h = await reviewManager(tenant);
    await deliver(h, prEvent("opened", { number: 4, requested: ["carol"] }, h.clock.t));
    await deliver(h, prEvent("opened", { number: 5 }, h.clock.t));
    expect((await slaSchedules(h)).map((s) => s.key).sort()).toEqual([
      `sla:${REPO}#4:carol`,
      `sla:${REPO}#5:bob`,
    ]);
    await deliver(h, prEvent("closed", { number: 4, state: "closed", merged: true }, h.clock.t + 1));
    expect((await reviewer(h, 4, "carol")).status).toBe("closed");
    expect((await slaSchedules(h)).map((s) => s.key)).toEqual([`sla:${REPO}#5:bob`]);
    await deliver(h, reviewRequest({ number: 5 }, { login: "bob" }, h.clock.t + 2, true));
    expect((await reviewer(h, 5, "bob")).status).toBe("removed");
    expect(await slaSchedules(h)).toEqual([]);
  });

  it("keeps its state and schedules across an eviction", async () => {
    const tenant = "t-rev-sla-evict";
    await setupTenant(tenant, undefined, 8);
    const h = await reviewManager(tenant);
    await deliver(h, prEvent("opened", { number: 6, title: "Survives" }, h.clock.t));
    await evictDurableObject(h.stub);
    await h.attach();
    const queue = await h.agent.reviewQueue({});
    expect(queue.ok && queue.value.items.map((i) => [i.number, i.reviewers[0]?.login])).toEqual([[6, "bob"]]);
    await alarmsAt(h, MONDAY_9 + 4 * HOUR);
    expect(postText(only(slackPosts(h.sent, "U0BOB")))).toContain("Reminder");
  });

  it("hands a review over at once when its reviewer is out of office at a step and has not started", async () => {
    const tenant = "t-rev-sla-away";
    await setupTenant(tenant, undefined, 8);
    const h = await reviewManager(tenant);
    await deliver(h, prEvent("opened", { number: 7 }, h.clock.t));
    expect((await reviewer(h, 7, "bob")).status).toBe("requested");
    await goneAway(tenant, "U0BOB");

    await alarmsAt(h, MONDAY_9 + 4 * HOUR); // the reminder point: no reminder, a handover
    expect(slackPosts(h.sent, "U0BOB")).toEqual([]);
    expect(githubRequests(h.sent)).toMatchObject([{ body: { reviewers: ["carol"] } }]);
    const removal = only(h.sent.filter((d) => d.action === "pulls.removeRequestedReviewers"));
    expect(removal.body).toMatchObject({ reviewers: ["bob"] });
    const moved = postText(only(slackPosts(h.sent)));
    expect(moved).toContain("Reassigned acme/widgets#7 from *bob* to *carol* because bob is out of office");
    expect(postText(only(slackPosts(h.sent, "U0CAROL")))).toContain(
      "You are asked to review acme/widgets#7, taking over from bob",
    );
    expect((await reviewer(h, 7, "bob")).status).toBe("reassigned");
    const carol = await reviewer(h, 7, "carol");
    expect(carol).toMatchObject({ status: "requested", previous: "bob", fired: 0 });
    // Carol's own clock starts at the handover (Monday 13:00): her reminder is at 17:00.
    expect(carol.nextAtMs).toBe(MONDAY_9 + 8 * HOUR);
    expect((await slaSchedules(h)).map((s) => s.key)).toEqual([`sla:${REPO}#7:carol`]);
  });

  it("still reminds an out-of-office reviewer who has started the review", async () => {
    const tenant = "t-rev-sla-away-started";
    await setupTenant(tenant, undefined, 8);
    const h = await reviewManager(tenant);
    await deliver(h, prEvent("opened", { number: 8 }, h.clock.t));
    const claimed = await h.agent.act({
      verb: "claim",
      target: `${REPO}#8`,
      actor: { platform: "slack", id: "U0BOB" },
      login: "bob",
      admin: false,
      place: CHANNEL,
      correlationId: "test-claim",
    });
    expect(claimed.ok).toBe(true);
    await goneAway(tenant, "U0BOB");

    await alarmsAt(h, MONDAY_9 + 4 * HOUR);
    // Reminded, not handed over; the reminder waits with the Context Optimizer until bob is back.
    expect(slackPosts(h.sent, "U0BOB")).toEqual([]);
    expect(githubRequests(h.sent)).toEqual([]);
    expect(await reviewer(h, 8, "bob")).toMatchObject({ status: "in_progress", fired: 1 });
  });
});

/** Marks the member out of office from now on, without an end. */
async function goneAway(tenant: string, id: string): Promise<void> {
  expect((await settings(env, tenant).setOoo({ platform: "slack", id }, null, "test")).ok).toBe(true);
}
