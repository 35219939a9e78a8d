/** Review quality (src/domain/review-quality.ts): sizes, rubber stamps, rounds, silos and the size effect. */
import { describe, expect, it } from "vitest";
import type { WorkClock } from "../../src/domain/insights";
import type { PrFacts } from "../../src/domain/review-metrics";
import {
  concentration,
  judgeApproval,
  reviewQuality,
  reviewRounds,
  sizeDistribution,
  sizeEffect,
  sizeEffectText,
} from "../../src/domain/review-quality";
import { HOUR_MS, MINUTE_MS } from "../../src/domain/time";
import { prFacts } from "../helpers/pr-facts";

const T = Date.parse("2026-11-16T09:00:00Z");
const wall: WorkClock = (_login, from, to) => Math.max(0, to - from);
const window = { fromMs: T - 1, toMs: T + 30 * 24 * HOUR_MS, clock: wall };

const pr = (partial: Partial<PrFacts> & { number: number }): PrFacts => prFacts(partial, { ready: [T] });

describe("size", () => {
  it("buckets known sizes against the effective range", () => {
    const d = sizeDistribution([10, 50, 51, 400, 401, 2000, null]);
    expect(d).toMatchObject({ prs: 6, unknown: 1, withinRange: 4, overRange: 2, medianLines: 226 });
    expect(d.buckets.map((b) => [b.label, b.count])).toEqual([
      ["1-50", 2],
      ["51-200", 1],
      ["201-400", 1],
      ["401-1000", 1],
      ["over 1000", 1],
    ]);
  });
});

describe("rubber stamps", () => {
  const approve = (atMs: number, id = 1) => ({ reviewer: "bob", atMs, id, state: "approved" as const });

  it("an approval within 5 minutes of the request is quick, unless the PR is trivial", () => {
    const asked = { reviewer: "bob", atMs: T + HOUR_MS };
    const big = pr({ number: 1, lines: 300, requests: [asked] });
    expect(judgeApproval(big, approve(T + HOUR_MS + 4 * MINUTE_MS)).quick).toBe(true);
    expect(judgeApproval(big, approve(T + HOUR_MS + 6 * MINUTE_MS)).quick).toBe(false);
    expect(judgeApproval({ ...big, lines: 12 }, approve(T + HOUR_MS + MINUTE_MS)).quick).toBe(false);
    // Never requested: counted from the PR becoming ready.
    expect(judgeApproval(pr({ number: 2, lines: 300 }), approve(T + 2 * MINUTE_MS)).quick).toBe(true);
  });

  it("an approval of a PR over 400 lines without any comment is silent", () => {
    const large = pr({ number: 3, lines: 900 });
    expect(judgeApproval(large, approve(T + HOUR_MS, 7)).silentLarge).toBe(true);
    // A comment attached to the approving review (even stamped a moment later) is a comment.
    const attached = { ...large, comments: [{ author: "bob", atMs: T + HOUR_MS + 1000, reviewId: 7 }] };
    expect(judgeApproval(attached, approve(T + HOUR_MS, 7)).silentLarge).toBe(false);
    // So is an earlier "request changes" review; someone else's comment is not.
    const earlier = {
      ...large,
      reviews: [{ reviewer: "bob", atMs: T + 1, state: "changes_requested" as const }],
    };
    expect(judgeApproval(earlier, approve(T + HOUR_MS)).silentLarge).toBe(false);
    const others = { ...large, comments: [{ author: "carol", atMs: T + 1, reviewId: null }] };
    expect(judgeApproval(others, approve(T + HOUR_MS)).silentLarge).toBe(true);
    // Small or of unknown size: never silent-large.
    expect(judgeApproval(pr({ number: 4, lines: 400 }), approve(T + HOUR_MS)).silentLarge).toBe(false);
    expect(judgeApproval(pr({ number: 5 }), approve(T + HOUR_MS)).silentLarge).toBe(false);
  });
});

describe("review rounds", () => {
  it("is 1 + requests for changes in the merged round; 0 when merged without a review", () => {
    const merged = { closed: [{ atMs: T + 10 * HOUR_MS, merged: true }] };
    const twice = pr({
      number: 1,
      ...merged,
      reviews: [
        { reviewer: "bob", atMs: T + HOUR_MS, state: "changes_requested" },
        { reviewer: "bob", atMs: T + 3 * HOUR_MS, state: "changes_requested" },
        { reviewer: "bob", atMs: T + 5 * HOUR_MS, state: "approved" },
      ],
    });
    expect(reviewRounds(twice, window)).toBe(3);
    expect(reviewRounds(pr({ number: 2, ...merged }), window)).toBe(0);
    expect(reviewRounds(pr({ number: 3 }), window)).toBeNull(); // not merged
  });
});

describe("concentration", () => {
  it("a silo is one person with half of ten or more reviews", () => {
    const c = concentration([...Array(7).fill("bob"), "carol", "carol", "dan"]);
    expect(c).toEqual({
      reviews: 10,
      reviewers: 3,
      top: [
        { reviewer: "bob", reviews: 7, share: 0.7 },
        { reviewer: "carol", reviews: 2, share: 0.2 },
      ],
      silo: true,
    });
    expect(concentration([...Array(7).fill("bob"), "carol"]).silo).toBe(false); // too few to tell
  });
});

describe("size effect", () => {
  /** A PR of `lines` first reviewed `hours` after it became ready. */
  const sized = (number: number, lines: number | null, hours: number) =>
    pr({ number, lines, reviews: [{ reviewer: "bob", atMs: T + hours * HOUR_MS }] });

  it("compares the median time to first review over 400 lines with the rest", () => {
    const prs = [
      ...[1, 2, 3, 4, 5].map((n) => sized(n, 100, 1)),
      ...[6, 7, 8, 9, 10].map((n) => sized(n, 1200, 3)),
      sized(11, null, 50), // unknown size: left out
    ];
    const effect = sizeEffect(prs, window);
    expect(effect).toEqual({
      thresholdLines: 400,
      over: { count: 5, medianMs: 3 * HOUR_MS },
      under: { count: 5, medianMs: HOUR_MS },
      ratio: 3,
    });
    expect(sizeEffectText(effect)).toBe("reviews of PRs over 400 lines take 3x longer here");
    const few = sizeEffect(prs.slice(0, 8), window);
    expect(few.ratio).toBeNull();
    expect(sizeEffectText(few)).toBeNull();
  });
});

describe("the quality report", () => {
  it("per repository and per reviewer, only inside the window", () => {
    const inWindow = pr({
      number: 1,
      lines: 800,
      requests: [{ reviewer: "bob", atMs: T }],
      reviews: [{ reviewer: "bob", atMs: T + 2 * MINUTE_MS, id: 1, state: "approved" }],
      closed: [{ atMs: T + HOUR_MS, merged: true }],
    });
    const before = pr({
      number: 2,
      ready: [T - 40 * 24 * HOUR_MS],
      reviews: [{ reviewer: "carol", atMs: T - 39 * 24 * HOUR_MS, state: "approved" }],
    });
    const report = reviewQuality([inWindow, before], window);
    expect(report.repos).toHaveLength(1);
    expect(report.repos[0]).toMatchObject({
      repo: "acme/api",
      size: { prs: 1, overRange: 1 },
      approvals: { approvals: 1, quick: 1, silentLarge: 1 },
      rounds: { prs: 1, mean: 1, many: 0, mergedWithoutReview: 0 },
      concentration: { reviews: 1, reviewers: 1, silo: false },
    });
    expect(report.reviewers).toEqual([
      { reviewer: "bob", reviews: 1, approvals: 1, quick: 1, silentLarge: 1 },
    ]);
  });
});
