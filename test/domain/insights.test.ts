/** Bottleneck insights (src/domain/insights.ts): reviewer load and aging, stages per repository and week, trend. */
import { describe, expect, it } from "vitest";
import {
  AGING_WORKING_MS,
  bottlenecks,
  buildInsights,
  isAging,
  type OpenReview,
  quantiles,
  repoInsights,
  reviewerLoads,
  stageSamples,
  trendOf,
  type WorkClock,
  windowsEndingAt,
  workClock,
  workingTime,
} from "../../src/domain/insights";
import type { PrFacts } from "../../src/domain/review-metrics";
import { reviewQuality } from "../../src/domain/review-quality";
import { HOUR_MS, MINUTE_MS } from "../../src/domain/time";
import { UTC_OFFICE } from "../../src/domain/working-hours";
import { prFacts } from "../helpers/pr-facts";

/** Monday 2026-11-16 09:00 UTC. */
const MON_9 = Date.parse("2026-11-16T09:00:00Z");
const DAY = 24 * HOUR_MS;
const wall: WorkClock = (_login, from, to) => Math.max(0, to - from);

function open(login: string, number: number, waitedH: number, state: OpenReview["state"] = "ok"): OpenReview {
  return {
    login,
    repo: "acme/api",
    number,
    requestedAtMs: MON_9 - waitedH * HOUR_MS,
    waitingWorkingMs: waitedH * HOUR_MS,
    state,
  };
}

const pr = (partial: Partial<PrFacts> & { number: number }): PrFacts => prFacts(partial);

describe("aging", () => {
  it("is an SLA past its reminder, or half the default SLA without one", () => {
    expect(AGING_WORKING_MS).toBe(4 * HOUR_MS);
    expect(isAging({ state: "ok", waitingWorkingMs: 7 * HOUR_MS })).toBe(false); // a longer SLA: not yet
    expect(isAging({ state: "at_risk", waitingWorkingMs: HOUR_MS })).toBe(true);
    expect(isAging({ state: "breached", waitingWorkingMs: 0 })).toBe(true);
    expect(isAging({ state: null, waitingWorkingMs: 4 * HOUR_MS - 1 })).toBe(false);
    expect(isAging({ state: null, waitingWorkingMs: 4 * HOUR_MS })).toBe(true);
  });
});

describe("reviewer load", () => {
  it("names six aging reviews over a capacity of five as a bottleneck with the oldest to reassign", () => {
    const reviews = [1, 2, 3, 4, 5, 6].map((n) => open("Bob", n, n + 1, "at_risk"));
    const [bob] = reviewerLoads([...reviews, open("carol", 7, 1)], 5);
    expect(bob).toEqual({
      login: "Bob",
      open: 6,
      capacity: 5,
      aging: 6,
      oldestWaitingMs: 7 * HOUR_MS,
      oldest: { repo: "acme/api", number: 6 },
      overCapacity: true,
      bottleneck: true,
    });
    const [found] = bottlenecks(reviewerLoads(reviews, 5), []);
    expect(found).toMatchObject({ kind: "reviewer", login: "Bob", action: "rebalance" });
    expect(found?.suggestion).toBe("rebalance: reassign the oldest (acme/api#6, waiting 7 h)");
  });

  it("six reviews requested minutes ago: over capacity, not a bottleneck", () => {
    const fresh = [1, 2, 3, 4, 5, 6].map((n) => ({ ...open("bob", n, 0), waitingWorkingMs: n * MINUTE_MS }));
    const [bob] = reviewerLoads(fresh, 5);
    expect(bob).toMatchObject({ open: 6, aging: 0, overCapacity: true, bottleneck: false });
    expect(bottlenecks(reviewerLoads(fresh, 5), [])).toEqual([]);
  });

  it("at capacity is not over it; logins group in any case; most open first", () => {
    const loads = reviewerLoads(
      [...[1, 2, 3, 4, 5].map((n) => open("carol", n, 9, "breached")), open("BOB", 9, 1), open("bob", 10, 2)],
      5,
    );
    expect(loads.map((l) => [l.login, l.open, l.overCapacity, l.bottleneck])).toEqual([
      ["carol", 5, false, false],
      ["bob", 2, false, false],
    ]);
  });
});

describe("working time", () => {
  it("counts each person's hours, UTC office hours for others", () => {
    const clock = workClock(new Map([["ada", { tz: "UTC", days: ["mon"], start: "10:00", end: "12:00" }]]));
    expect(clock("Ada", MON_9, MON_9 + DAY)).toBe(2 * HOUR_MS);
    expect(clock("stranger", MON_9, MON_9 + DAY)).toBe(8 * HOUR_MS);
    expect(clock(null, MON_9 - 10 * HOUR_MS, MON_9)).toBe(0); // Sunday night to Monday 09:00
    expect(UTC_OFFICE.start).toBe("09:00");
    expect(workingTime(7 * HOUR_MS)).toBe("7 h");
    expect(workingTime(6.5 * HOUR_MS)).toBe("6.5 h");
    expect(workingTime(35 * MINUTE_MS)).toBe("35 min");
  });
});

describe("stages", () => {
  it("pickup, in review to the last approval, and the wait to merge, each in its person's hours", () => {
    const merged = pr({
      number: 1,
      ready: [MON_9],
      reviews: [
        { reviewer: "bob", atMs: MON_9 + 2 * HOUR_MS, state: "changes_requested" },
        { reviewer: "carol", atMs: MON_9 + 5 * HOUR_MS, state: "approved" },
        { reviewer: "bob", atMs: MON_9 + 6 * HOUR_MS, state: "approved" },
        { reviewer: "alice", atMs: MON_9 + 6.5 * HOUR_MS, state: "commented" }, // the author: not a review
      ],
      closed: [{ atMs: MON_9 + 7 * HOUR_MS, merged: true }],
    });
    const who: string[] = [];
    const clock: WorkClock = (login, from, to) => {
      who.push(login ?? "?");
      return to - from;
    };
    expect(stageSamples(merged, clock)).toEqual([
      { stage: "firstReview", atMs: MON_9 + 2 * HOUR_MS, ms: 2 * HOUR_MS },
      { stage: "inReview", atMs: MON_9 + 6 * HOUR_MS, ms: 4 * HOUR_MS },
      { stage: "toMerge", atMs: MON_9 + 7 * HOUR_MS, ms: HOUR_MS },
    ]);
    expect(who).toEqual(["bob", "bob", "alice"]);
    // Open and reviewed: only the pickup; never reviewed: nothing.
    const openPr = pr({ number: 2, ready: [MON_9], reviews: [{ reviewer: "bob", atMs: MON_9 + HOUR_MS }] });
    expect(stageSamples(openPr, wall).map((s) => s.stage)).toEqual(["firstReview"]);
    expect(stageSamples(pr({ number: 3, ready: [MON_9] }), wall)).toEqual([]);
  });

  it("quantiles are nearest rank", () => {
    expect(quantiles([4, 1, 3, 2])).toEqual({ count: 4, p50Ms: 2, p75Ms: 3 });
    expect(quantiles([])).toEqual({ count: 0, p50Ms: null, p75Ms: null });
  });
});

describe("repositories per week", () => {
  const now = MON_9 + 14 * DAY;
  const windows = windowsEndingAt(now, 3);
  /** A PR ready at `readyAt` and first reviewed `hours` later. */
  const reviewed = (repo: string, number: number, readyAt: number, hours: number) =>
    pr({ repo, number, ready: [readyAt], reviews: [{ reviewer: "bob", atMs: readyAt + hours * HOUR_MS }] });

  it("windows are the 7 days ending now, newest first", () => {
    expect(windows[0]).toEqual({ fromMs: now - 7 * DAY, toMs: now });
    expect(windows[2]).toEqual({ fromMs: now - 21 * DAY, toMs: now - 14 * DAY });
  });

  it("P50/P75 per window, slowest first, and a P75 that doubled is a bottleneck", () => {
    const lastWeek = now - 10 * DAY;
    const thisWeek = now - 3 * DAY;
    const prs = [
      ...[1, 2, 3, 4].map((h, i) => reviewed("acme/api", i + 1, lastWeek, h)),
      ...[2, 4, 6, 8].map((h, i) => reviewed("acme/api", i + 10, thisWeek, h)),
      reviewed("acme/web", 20, thisWeek, 1),
    ];
    const repos = repoInsights(prs, windows, wall);
    expect(repos.map((r) => r.repo)).toEqual(["acme/api", "acme/web"]);
    const [api] = repos;
    expect(api?.weeks.map((w) => w.firstReview)).toEqual([
      { count: 4, p50Ms: 4 * HOUR_MS, p75Ms: 6 * HOUR_MS },
      { count: 4, p50Ms: 2 * HOUR_MS, p75Ms: 3 * HOUR_MS },
      { count: 0, p50Ms: null, p75Ms: null },
    ]);
    expect(api?.trend).toEqual({ p50Ratio: 2, p75Ratio: 2, doubled: true });
    expect(api?.weeks[0]?.from).toBe(new Date(now - 7 * DAY).toISOString());
    expect(bottlenecks([], repos)).toEqual([
      expect.objectContaining({
        kind: "repo",
        repo: "acme/api",
        p75Ms: 6 * HOUR_MS,
        previousP75Ms: 3 * HOUR_MS,
      }),
    ]);
  });

  it("claims no doubling from too few samples or from fast reviews", () => {
    const few = { count: 2, p50Ms: HOUR_MS, p75Ms: 8 * HOUR_MS };
    const before = { count: 5, p50Ms: HOUR_MS, p75Ms: HOUR_MS };
    expect(trendOf(few, before).doubled).toBe(false);
    const fast = { count: 5, p50Ms: 10 * MINUTE_MS, p75Ms: 40 * MINUTE_MS };
    expect(trendOf(fast, { count: 5, p50Ms: 5 * MINUTE_MS, p75Ms: 10 * MINUTE_MS }).doubled).toBe(false);
    expect(trendOf(undefined, undefined)).toEqual({ p50Ratio: null, p75Ratio: null, doubled: false });
  });
});

describe("the report", () => {
  const quality = reviewQuality([], { fromMs: 0, toMs: 1, clock: wall });

  it("an empty tenant is empty, not an error", () => {
    const report = buildInsights({ nowMs: MON_9, weeks: 4, capacity: null, open: [], repos: [], quality });
    expect(report).toMatchObject({ empty: true, reviewers: [], repos: [], bottlenecks: [], capacity: null });
  });

  it("lists every reviewer with open reviews and the bottlenecks", () => {
    const reviews = [1, 2, 3, 4, 5, 6].map((n) => open("bob", n, 7, "at_risk"));
    const report = buildInsights({ nowMs: MON_9, weeks: 4, capacity: 5, open: reviews, repos: [], quality });
    expect(report.empty).toBe(false);
    expect(report.reviewers).toHaveLength(1);
    expect(report.bottlenecks.map((b) => b.kind === "reviewer" && b.login)).toEqual(["bob"]);
    expect(report.generatedAt).toBe(new Date(MON_9).toISOString());
  });
});
