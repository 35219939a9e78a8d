import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { coordinator } from "../../../src/agents/coordinator/stub";
import { integrationDashboard } from "../../../src/agents/integration-dashboard";
import { unwrap } from "../../../src/platform/errors";
import {
  alarmsAt,
  deliver,
  type Harness,
  HOUR,
  MONDAY_9,
  pastReviews,
  postText,
  prEvent,
  REPO,
  reviewComment,
  reviewManager,
  reviewSubmitted,
  setupTenant,
  slackPosts,
} from "./support";

async function withHistory(tenant: string, config?: Record<string, unknown>, slaHours = 8): Promise<Harness> {
  await setupTenant(tenant, undefined, slaHours);
  const h = await reviewManager(tenant, config);
  const imported = unwrap(await h.agent.importHistory(pastReviews()));
  expect(imported).toEqual({ imported: 40, trainedOn: 40 });
  return h;
}

async function item(h: Harness, number: number) {
  const queue = unwrap(await h.agent.reviewQueue({}));
  const found = queue.items.find((i) => i.number === number);
  if (!found) throw new Error(`#${number} is not in the queue`);
  return found;
}

async function nudgeAt(h: Harness, prNumber: number): Promise<number | null> {
  const state = unwrap(await h.agent.pullRequest({ repo: REPO, number: prNumber }));
  const task = (await h.agent.schedules()).find((s) => s.key === `nudge:${state?.pr.id}`);
  return task ? Date.parse(task.at) : null;
}

const nudges = (h: Harness, user: string) =>
  slackPosts(h.sent, user)
    .map(postText)
    .filter((t) => t.includes("Nudge:"));

describe("forecasts in the Review Manager", () => {
  it("predicts each waiting review: likely first review and merge, breach risk and blocker", async () => {
    const h = await withHistory("t-fc-predict");
    await deliver(h, prEvent("opened", { number: 1, author: "carol" }, h.clock.t));
    const p = (await item(h, 1)).predicted;
    expect(p).toMatchObject({ basis: "model", atRisk: false });
    expect(p?.blocker).toMatchObject({ role: "reviewer", login: "bob", reason: "review" });
    const first = p?.firstReviewBy ?? 0;
    expect(first).toBeGreaterThan(MONDAY_9);
    expect(first).toBeLessThan(MONDAY_9 + 8 * HOUR);
    expect(p?.firstReviewP80By).toBeGreaterThanOrEqual(first);
    expect(p?.mergeBy).toBeGreaterThan(first);
    expect(p?.breachRisk).toBeLessThan(0.5);
    // The card says when the review is likely, next to when it is due.
    const card = slackPosts(h.sent).map(postText).join();
    expect(card).toContain("· likely Mon 2030-01-07");

    // Late in the day with no review: the likely time moves on (never into the past), the risk rises.
    h.clock.t = MONDAY_9 + 7.5 * HOUR;
    const late = (await item(h, 1)).predicted;
    expect(late?.firstReviewBy).toBeGreaterThanOrEqual(h.clock.t);
    expect(late?.breachRisk).toBeGreaterThan(p?.breachRisk ?? 1);
    expect(late?.atRisk).toBe(true);
  });

  it("nudges the reviewer once when the review is overdue against its forecast and idle", async () => {
    const h = await withHistory("t-fc-nudge");
    await deliver(h, prEvent("opened", { number: 2, author: "carol" }, h.clock.t));
    const at = await nudgeAt(h, 2);
    expect(at).not.toBeNull();
    const due = at ?? 0;
    // Not before it is due.
    h.sent.length = 0;
    await alarmsAt(h, due - 60_000);
    expect(nudges(h, "U0BOB")).toEqual([]);
    await alarmsAt(h, due);
    const [nudge, ...more] = nudges(h, "U0BOB");
    expect(more).toEqual([]);
    expect(nudge).toContain("Nudge: acme/widgets#2 has waited");
    expect(nudge).toContain("for your review");
    // Once: later alarms send nothing more, and the fixed reminder was left to the nudge.
    h.sent.length = 0;
    await alarmsAt(h, MONDAY_9 + 6 * HOUR);
    expect(nudges(h, "U0BOB")).toEqual([]);
    expect(slackPosts(h.sent, "U0BOB").map(postText).join()).not.toContain("Reminder:");
  });

  it("sends no nudge while the PR has fresh activity, and one after the quiet spell", async () => {
    const h = await withHistory("t-fc-active", { forecast: { idleMinutes: 30 } });
    await deliver(h, prEvent("opened", { number: 3, author: "carol" }, h.clock.t));
    const due = (await nudgeAt(h, 3)) ?? 0;
    // A comment just before it was due: the nudge waits for a quiet half hour after it.
    h.clock.t = due - 10 * 60_000;
    await deliver(h, reviewComment({ number: 3, author: "carol" }, "carol", h.clock.t));
    const moved = (await nudgeAt(h, 3)) ?? 0;
    expect(moved).toBe(h.clock.t + 30 * 60_000);
    h.sent.length = 0;
    await alarmsAt(h, due);
    expect(nudges(h, "U0BOB")).toEqual([]);
    await alarmsAt(h, moved);
    expect(nudges(h, "U0BOB")).toHaveLength(1);
  });

  it("holds a nudge that falls outside the reviewer's working hours until they are back", async () => {
    const h = await withHistory("t-fc-hours", undefined, 16);
    await deliver(h, prEvent("opened", { number: 7, author: "carol" }, h.clock.t));
    // Activity late in the day: two quiet hours end after 17:00.
    h.clock.t = MONDAY_9 + 7.5 * HOUR;
    await deliver(h, reviewComment({ number: 7, author: "carol" }, "carol", h.clock.t));
    expect(await nudgeAt(h, 7)).toBe(MONDAY_9 + 9.5 * HOUR);
    h.sent.length = 0;
    await alarmsAt(h, MONDAY_9 + 9.5 * HOUR);
    expect(nudges(h, "U0BOB")).toEqual([]);
    const tuesday9 = MONDAY_9 + 24 * HOUR;
    expect(await nudgeAt(h, 7)).toBe(tuesday9);
    await alarmsAt(h, tuesday9);
    expect(nudges(h, "U0BOB")).toHaveLength(1);
  });

  it("nudges the author, not the reviewer, after changes were asked for and nothing moved", async () => {
    const h = await withHistory("t-fc-author");
    await deliver(h, prEvent("opened", { number: 4, author: "carol" }, h.clock.t));
    h.clock.t = MONDAY_9 + HOUR;
    await deliver(h, reviewSubmitted({ number: 4, author: "carol" }, "bob", h.clock.t, "changes_requested"));
    expect((await item(h, 4).catch(() => null))?.predicted?.blocker ?? null).toBeNull();
    const at = (await nudgeAt(h, 4)) ?? 0;
    expect(at).toBeGreaterThanOrEqual(h.clock.t + 2 * HOUR);
    h.sent.length = 0;
    await alarmsAt(h, at);
    expect(nudges(h, "U0BOB")).toEqual([]);
    const [nudge, ...more] = nudges(h, "U0CAROL");
    expect(more).toEqual([]);
    expect(nudge).toContain("changes were asked for");
  });

  it("gives the demo tenant a history: forecasts and dashboard facts from the first PR on", async () => {
    const tenant = "t-fc-demo";
    const c = coordinator(env, tenant);
    expect(unwrap(await c.seedDemo(tenant))).toEqual({ seeded: true });
    const agents = unwrap(await c.standingAgents(tenant, { correlationId: "test" }));
    const dashboard = integrationDashboard(env, agents["integration-dashboard"]);
    const facts = unwrap(await dashboard.metricsSizes());
    expect(Object.values(facts).reduce((a, b) => a + b, 0)).toBeGreaterThan(600);
    // Seeding again (another isolate) records nothing new.
    expect(unwrap(await c.seedDemo(tenant))).toEqual({ seeded: false });
    expect(unwrap(await dashboard.metricsSizes())).toEqual(facts);
    await setupTenant(tenant, undefined, 8);
    const h = await reviewManager(tenant);
    await deliver(h, prEvent("opened", { number: 8, author: "carol" }, h.clock.t));
    expect((await item(h, 8)).predicted).toMatchObject({ basis: "model" });
  });

  it("keeps the fixed reminder, and sends no nudge, for a tenant with no history", async () => {
    await setupTenant("t-fc-none", undefined, 8);
    const h = await reviewManager("t-fc-none");
    await deliver(h, prEvent("opened", { number: 5, author: "carol" }, h.clock.t));
    expect(await nudgeAt(h, 5)).toBeNull();
    expect((await item(h, 5)).predicted).toMatchObject({ basis: null, firstReviewBy: null });
    h.sent.length = 0;
    await alarmsAt(h, MONDAY_9 + 4 * HOUR);
    expect(slackPosts(h.sent, "U0BOB").map(postText).join()).toContain("Reminder:");
  });

  it("turns nudges off with forecast.nudges false (the reminder stays)", async () => {
    const h = await withHistory("t-fc-off", { forecast: { nudges: false } });
    await deliver(h, prEvent("opened", { number: 6, author: "carol" }, h.clock.t));
    expect(await nudgeAt(h, 6)).toBeNull();
    h.sent.length = 0;
    await alarmsAt(h, MONDAY_9 + 4 * HOUR);
    expect(slackPosts(h.sent, "U0BOB").map(postText).join()).toContain("Reminder:");
  });
});
