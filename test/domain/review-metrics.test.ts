import { describe, expect, it } from "vitest";
import {
  aggregate,
  firstReviewSamples,
  mergeSamples,
  type PrFacts,
  reviewerSamples,
  rounds,
  slowestRepo,
  summarize,
  weekKey,
  weekKeys,
  weekStartMs,
} from "../../src/domain/review-metrics";
import { HOUR_MS } from "../../src/domain/time";
import { prFacts } from "../helpers/pr-facts";

const at = (iso: string) => Date.parse(iso);
/** Monday 2026-11-16 09:00 UTC. */
const MON = at("2026-11-16T09:00:00Z");

const pr = (partial: Partial<PrFacts> & { number: number }): PrFacts =>
  prFacts(partial, { repo: "acme/widgets" });

describe("weeks", () => {
  it("names a week by its Monday in UTC", () => {
    expect(weekKey(at("2026-11-16T00:00:00Z"))).toBe("2026-11-16"); // Monday 00:00
    expect(weekKey(at("2026-11-22T23:59:59.999Z"))).toBe("2026-11-16"); // Sunday, last ms
    expect(weekKey(at("2026-11-23T00:00:00Z"))).toBe("2026-11-23");
    // Sunday evening in New York is already Monday in UTC.
    expect(weekKey(at("2026-11-23T03:00:00Z"))).toBe("2026-11-23");
    expect(weekKey(at("2027-01-01T12:00:00Z"))).toBe("2026-12-28"); // across the year
    expect(weekKey(at("1970-01-01T00:00:00Z"))).toBe("1969-12-29");
    expect(weekStartMs(at("2026-11-18T15:30:00Z"))).toBe(at("2026-11-16T00:00:00Z"));
  });

  it("lists the weeks ending with the current one, oldest first", () => {
    expect(weekKeys(at("2026-11-18T10:00:00Z"), 3)).toEqual(["2026-11-02", "2026-11-09", "2026-11-16"]);
    expect(weekKeys(MON, 1)).toEqual(["2026-11-16"]);
    expect(weekKeys(MON, 52)).toHaveLength(52);
  });
});

describe("summarize", () => {
  it("gives count, median, p75 and p90 (nearest rank) and mean, rounded to ms", () => {
    expect(summarize([])).toEqual({ count: 0, medianMs: null, p75Ms: null, p90Ms: null, meanMs: null });
    expect(summarize([5])).toEqual({ count: 1, medianMs: 5, p75Ms: 5, p90Ms: 5, meanMs: 5 });
    expect(summarize([4, 1, 3, 2])).toEqual({ count: 4, medianMs: 3, p75Ms: 3, p90Ms: 4, meanMs: 3 }); // median 2.5
    const ten = [10, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    expect(summarize(ten)).toEqual({ count: 10, medianMs: 6, p75Ms: 8, p90Ms: 9, meanMs: 6 }); // 5.5 -> 6
    expect(summarize([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100]).p90Ms).toBe(10);
  });
});

describe("per-PR samples", () => {
  it("measures from ready to the first review by someone other than the author", () => {
    const facts = pr({
      number: 1,
      ready: [MON],
      reviews: [
        { reviewer: "alice", atMs: MON + HOUR_MS }, // the author answering: not a review of theirs
        { reviewer: "renovate[bot]", atMs: MON + 2 * HOUR_MS },
        { reviewer: "bob", atMs: MON + 3 * HOUR_MS },
      ],
    });
    expect(firstReviewSamples(facts)).toEqual([{ atMs: MON + 2 * HOUR_MS, ms: 2 * HOUR_MS }]);
  });

  it("keeps the first ready moment until a close; a reopen starts a new round", () => {
    const facts = pr({
      number: 2,
      // opened, converted to draft and back (same round), closed, reopened, merged
      ready: [MON, MON + HOUR_MS, MON + 10 * HOUR_MS],
      closed: [
        { atMs: MON + 5 * HOUR_MS, merged: false },
        { atMs: MON + 30 * HOUR_MS, merged: true },
      ],
      reviews: [{ reviewer: "bob", atMs: MON + 12 * HOUR_MS }],
    });
    expect(rounds(facts)).toEqual([
      { startMs: MON, endMs: MON + 5 * HOUR_MS, merged: false },
      { startMs: MON + 10 * HOUR_MS, endMs: MON + 30 * HOUR_MS, merged: true },
    ]);
    expect(firstReviewSamples(facts)).toEqual([{ atMs: MON + 12 * HOUR_MS, ms: 2 * HOUR_MS }]);
    expect(mergeSamples(facts)).toEqual([{ atMs: MON + 30 * HOUR_MS, ms: 20 * HOUR_MS }]);
  });

  it("a review before the PR was ready (a draft review) does not count", () => {
    const facts = pr({
      number: 3,
      ready: [MON + 5 * HOUR_MS],
      reviews: [
        { reviewer: "bob", atMs: MON },
        { reviewer: "carol", atMs: MON + 6 * HOUR_MS },
      ],
    });
    expect(firstReviewSamples(facts)).toEqual([{ atMs: MON + 6 * HOUR_MS, ms: HOUR_MS }]);
  });

  it("answers each request with the reviewer's next review; a repeated request is the same wait", () => {
    const facts = pr({
      number: 4,
      requests: [
        { reviewer: "bob", atMs: MON },
        { reviewer: "bob", atMs: MON + HOUR_MS }, // asked again (e.g. by the Review Manager too)
        { reviewer: "bob", atMs: MON + 10 * HOUR_MS }, // re-requested after the review
        { reviewer: "carol", atMs: MON }, // never answered
      ],
      reviews: [
        { reviewer: "bob", atMs: MON + 3 * HOUR_MS },
        { reviewer: "bob", atMs: MON + 4 * HOUR_MS },
        { reviewer: "bob", atMs: MON + 11 * HOUR_MS },
        { reviewer: "dave", atMs: MON + 2 * HOUR_MS }, // reviewed unasked
      ],
    });
    expect(reviewerSamples(facts)).toEqual([
      { reviewer: "bob", atMs: MON + 3 * HOUR_MS, ms: 3 * HOUR_MS },
      { reviewer: "bob", atMs: MON + 11 * HOUR_MS, ms: HOUR_MS },
    ]);
  });
});

describe("aggregate", () => {
  const LAST_WEEK = MON - 7 * 24 * HOUR_MS;
  const facts: PrFacts[] = [
    pr({
      number: 1,
      ready: [LAST_WEEK],
      closed: [{ atMs: MON + HOUR_MS, merged: true }],
      reviews: [{ reviewer: "bob", atMs: LAST_WEEK + 4 * HOUR_MS }],
      requests: [{ reviewer: "bob", atMs: LAST_WEEK }],
    }),
    pr({
      number: 2,
      ready: [MON],
      reviews: [{ reviewer: "bob", atMs: MON + 2 * HOUR_MS }],
      requests: [{ reviewer: "bob", atMs: MON }],
      breaches: [{ reviewer: "carol", atMs: MON + 8 * HOUR_MS }],
    }),
    pr({
      repo: "acme/gadgets",
      number: 7,
      author: "bob",
      ready: [MON],
      closed: [{ atMs: MON + 9 * HOUR_MS, merged: true }],
      reviews: [
        { reviewer: "bob", atMs: MON + HOUR_MS }, // the author's own
        { reviewer: "carol", atMs: MON + 6 * HOUR_MS },
      ],
    }),
  ];

  it("totals every week of the range; repos and reviewers only where something happened", () => {
    const m = aggregate(facts, { nowMs: MON + 20 * HOUR_MS, weeks: 3 });
    expect(m.generatedAt).toBe("2026-11-17T05:00:00.000Z");
    expect(m.weeks).toEqual(["2026-11-02", "2026-11-09", "2026-11-16"]);
    expect(m.totals.map((t) => t.week)).toEqual(m.weeks);
    expect(m.totals[0]).toEqual({
      week: "2026-11-02",
      firstReview: { count: 0, medianMs: null, p75Ms: null, p90Ms: null, meanMs: null },
      merge: { count: 0, medianMs: null, p75Ms: null, p90Ms: null, meanMs: null },
      slaBreaches: 0,
      merged: 0,
    });
    expect(m.totals[1]).toMatchObject({ firstReview: { count: 1, medianMs: 4 * HOUR_MS }, merged: 0 });
    expect(m.totals[2]).toMatchObject({
      firstReview: {
        count: 2,
        medianMs: 4 * HOUR_MS,
        p75Ms: 6 * HOUR_MS,
        p90Ms: 6 * HOUR_MS,
        meanMs: 4 * HOUR_MS,
      },
      merge: { count: 2, medianMs: (9 * HOUR_MS + 7 * 24 * HOUR_MS + HOUR_MS) / 2 },
      slaBreaches: 1,
      merged: 2,
    });
    expect(m.repos.map((r) => [r.week, r.repo, r.firstReview.count, r.merged, r.slaBreaches])).toEqual([
      ["2026-11-09", "acme/widgets", 1, 0, 0],
      ["2026-11-16", "acme/gadgets", 1, 1, 0],
      ["2026-11-16", "acme/widgets", 1, 1, 1],
    ]);
    expect(
      m.reviewers.map((r) => [r.week, r.reviewer, r.firstReview.count, r.reviews, r.slaBreaches]),
    ).toEqual([
      ["2026-11-09", "bob", 1, 1, 0],
      ["2026-11-16", "bob", 1, 1, 0],
      ["2026-11-16", "carol", 0, 1, 1],
    ]);
  });

  it("filters all sections by repo, and only the reviewer rows by reviewer", () => {
    const byRepo = aggregate(facts, { nowMs: MON, weeks: 1, repo: "ACME/gadgets" });
    expect(byRepo.repos.map((r) => r.repo)).toEqual(["acme/gadgets"]);
    expect(byRepo.totals[0]).toMatchObject({ merged: 1, slaBreaches: 0 });
    expect(byRepo.reviewers.map((r) => r.reviewer)).toEqual(["carol"]);

    const byReviewer = aggregate(facts, { nowMs: MON, weeks: 1, reviewer: "Carol" });
    expect(byReviewer.reviewers.map((r) => r.reviewer)).toEqual(["carol"]);
    expect(byReviewer.totals[0]).toMatchObject({ merged: 2, slaBreaches: 1 });
  });

  it("leaves out what falls outside the weeks asked for", () => {
    const m = aggregate(facts, { nowMs: MON + 8 * 24 * HOUR_MS, weeks: 1 });
    expect(m.weeks).toEqual(["2026-11-23"]);
    expect(m.repos).toEqual([]);
    expect(m.reviewers).toEqual([]);
    expect(m.totals).toHaveLength(1);
  });
});

describe("slowestRepo", () => {
  it("picks the slowest median first review in the window", () => {
    const facts = [
      pr({ number: 1, ready: [MON], reviews: [{ reviewer: "bob", atMs: MON + HOUR_MS }] }),
      pr({ number: 2, ready: [MON], reviews: [{ reviewer: "bob", atMs: MON + 3 * HOUR_MS }] }),
      pr({
        repo: "acme/gadgets",
        number: 3,
        ready: [MON],
        reviews: [{ reviewer: "bob", atMs: MON + 5 * HOUR_MS }],
      }),
      // Slower still, but before the window.
      pr({
        repo: "acme/old",
        number: 4,
        ready: [MON - 100 * HOUR_MS],
        reviews: [{ reviewer: "x", atMs: MON - 1 }],
      }),
    ];
    expect(slowestRepo(facts, MON, MON + 24 * HOUR_MS)).toEqual({
      repo: "acme/gadgets",
      medianMs: 5 * HOUR_MS,
      count: 1,
    });
    expect(slowestRepo(facts, MON + 24 * HOUR_MS, MON + 48 * HOUR_MS)).toBeNull();
  });
});
