/**
 * Where the demo tenant's history lands (src/agents/coordinator/demo-history.ts): on the weekdays and
 * hours the simulation gave it, the scenario's last week on the seed's week, nothing after the seed.
 */
import { describe, expect, it } from "vitest";
import { demoPrs, demoSamples, historyEnd } from "../../../src/agents/coordinator/demo-history";
import history from "../../../src/agents/coordinator/demo-history.json";
import { WEEK_MS, weekStartMs } from "../../../src/domain/review-metrics";
import { DAY_MS } from "../../../src/domain/time";

const HOUR_MS = 3_600_000;
const simEnd = Date.parse(history.endedAt);
// Seeds on every day of one week, at night, in the morning and in the evening (UTC).
const seeds = [0, 1, 2, 3, 4, 5, 6].flatMap((d) =>
  [0.5, 9, 17.75].map((h) => Date.parse("2026-11-30T00:00:00Z") + d * DAY_MS + h * HOUR_MS),
);

describe("the demo tenant's history", () => {
  it("keeps each PR's weekday and hour, and puts the scenario's last week on the seed's", () => {
    for (const seed of seeds) {
      const shift = historyEnd(seed) - simEnd;
      expect(Math.abs(shift % WEEK_MS)).toBe(0);
      expect(weekStartMs(Date.parse(history.lastWeek) + shift)).toBe(weekStartMs(seed));
      for (const pr of demoPrs(seed)) {
        const row = history.rows.find((r) => r.number === pr.number);
        expect(pr.readyAtMs).toBe(simEnd - (row?.readyAgoMs ?? Number.NaN) + shift);
      }
    }
  });

  it("has nothing after the seed, and no PR half-told", () => {
    for (const seed of seeds) {
      const prs = demoPrs(seed);
      for (const pr of prs) {
        expect(pr.firstReviewAtMs).not.toBeNull();
        expect(pr.mergedAtMs ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(seed);
      }
      // Only the scenario's tail is left out: at most its last week and its drain.
      expect(prs.length).toBeGreaterThan(history.rows.length * 0.8);
      expect(demoSamples(seed).map((s) => s.key)).toEqual(prs.map((p) => `${p.repo}#${p.number}`));
    }
  });

  it("shows a Thursday seed's week as the scenario's Monday to Thursday, not a weekend's tail", () => {
    const seed = Date.parse("2026-12-03T17:45:00Z");
    const monday = weekStartMs(seed);
    const waits = demoPrs(seed)
      .filter((pr) => (pr.firstReviewAtMs ?? 0) >= monday)
      .map((pr) => ((pr.firstReviewAtMs ?? 0) - pr.readyAtMs) / HOUR_MS)
      .sort((a, b) => a - b);
    // Seeded at the run's very end, this week held two first reviews, median 36.5 h.
    expect(waits.length).toBeGreaterThanOrEqual(10);
    expect(waits[Math.floor(waits.length / 2)]).toBeLessThan(8);
  });
});
