/**
 * The evaluation of the forecasts (sim/evaluate.ts) on a made-up history: its arguments (one seed or
 * many), the train/test split, both targets (first review and merge) against the repository-median
 * baseline, and the medians over seeds. Deterministic; no simulation run.
 */
import { describe, expect, it } from "vitest";
import {
  type EvaluationReport,
  evaluateHistory,
  parseEvaluateArgs,
  summarise,
  TRAIN_SHARE,
} from "../../sim/evaluate";
import type { HistoryRow } from "../../sim/forecast-data";
import { auc, quantile } from "../../sim/forecast-data";
import { reviewerTiming, wallHours } from "../../src/domain/forecast";
import { HOUR_MS } from "../../src/domain/time";

const MONDAY = Date.UTC(2027, 2, 1);
const unit = (i: number, salt: number) => {
  const x = Math.sin(i * 12.9898 + salt * 78.233) * 43758.5453;
  return x - Math.floor(x);
};

/** Requests every 3 hours; waits of working hours growing with size, laid onto the reviewer's week. */
function rows(n: number): HistoryRow[] {
  return Array.from({ length: n }, (_, i) => {
    const atMs = MONDAY + i * 3 * HOUR_MS;
    const timing = reviewerTiming({ tz: "Europe/Berlin" }, atMs);
    const lines = 10 + Math.floor(unit(i, 1) * 500);
    const working = Math.exp(-1.2 + 0.3 * Math.log1p(lines) + (unit(i, 2) - 0.5));
    const hours = wallHours(timing.reviewerWindows, working);
    return {
      pr: i + 1,
      reviewer: "dora",
      requestedAtMs: atMs,
      facts: {
        repo: "acme/app",
        author: "alice",
        lines,
        openReviews: 0,
        requests30d: 3,
        urgent: false,
        ...timing,
      },
      hours: i % 17 === 5 ? null : hours,
      mergeHours: i % 13 === 7 ? null : wallHours(timing.reviewerWindows, working + 1.5) + 1,
      slaWallH: wallHours(timing.reviewerWindows, 2),
      breached: hours > wallHours(timing.reviewerWindows, 2),
    };
  });
}

describe("parseEvaluateArgs", () => {
  it("takes one seed, or a range or list of seeds", () => {
    expect(parseEvaluateArgs(["--seed", "7"])).toMatchObject({ seed: 7, seeds: null });
    expect(parseEvaluateArgs(["--seeds", "1-4"]).seeds).toEqual([1, 2, 3, 4]);
    expect(parseEvaluateArgs(["--seeds=3,5,9", "--json"])).toMatchObject({ seeds: [3, 5, 9], json: true });
  });

  it("refuses a bad list, an empty range, too many seeds, and --seed with --seeds", () => {
    for (const args of [
      ["--seeds", "x"],
      ["--seeds", "5-1"],
      ["--seeds", "1-500"],
      ["--seed", "1", "--seeds", "1-2"],
    ])
      expect(() => parseEvaluateArgs(args)).toThrow();
  });
});

describe("evaluateHistory", () => {
  const history = rows(300);
  const report = evaluateHistory(history);

  it("fits on the first 70 % of the reviewed requests and tests on the rest, for both targets", () => {
    const reviewed = history.filter((r) => r.hours !== null).length;
    expect(report.train).toBe(Math.floor(reviewed * TRAIN_SHARE));
    expect(report.train + report.test).toBe(reviewed);
    const merged = history.filter((r) => r.mergeHours !== null).length;
    expect(report.merge.unmerged).toBe(history.length - merged);
    expect(report.merge.train + report.merge.test).toBe(merged);
    expect(report.model.clock).toBe("reviewer");
  });

  it("beats the repository median when the waits follow the reviewer's working time", () => {
    expect(report.metrics.mae).toBeLessThan(report.metrics.baselineMae);
    expect(report.metrics.maeImprovementPct).toBeGreaterThan(20);
    expect(report.metrics.pinball80).toBeLessThan(report.metrics.baselinePinball80);
    expect(report.metrics.coverage80).toBeGreaterThan(0.6);
    expect(report.merge.metrics.mae).toBeLessThan(report.merge.metrics.baselineMae);
    expect(report.goals.maeImprovement20).toBe(true);
    expect(report.metrics.breachAuc === null || report.metrics.breachAuc > 0.5).toBe(true);
  });
});

describe("summarise", () => {
  const base = evaluateHistory(rows(200));
  const at = (seed: number, better: number, auc: number | null): EvaluationReport => ({
    scenario: "made-up",
    seed,
    weeks: 8,
    strategy: "foreman",
    target: "wall-clock hours from the first review request to the first review",
    prs: 200,
    unreviewed: 0,
    ...base,
    metrics: { ...base.metrics, maeImprovementPct: better, breachAuc: auc },
    goals: { ...base.goals, maeImprovement20: better >= 20, auc075: auc === null ? null : auc >= 0.75 },
  });

  it("gives each seed's row and the medians, AUC over the seeds where it is measurable", () => {
    const s = summarise([at(1, 10, null), at(2, 30, 0.9), at(3, 25, 0.7)]);
    expect(s.seeds).toEqual([1, 2, 3]);
    expect(s.runs.map((r) => r.metrics.maeImprovementPct)).toEqual([10, 30, 25]);
    expect(s.median.metrics.maeImprovementPct).toBe(25);
    expect(s.median.metrics.breachAuc).toBe(0.8);
    expect(s.median.aucMeasuredOn).toBe(2);
    expect(s.goalsMet).toMatchObject({ maeImprovement20: 2, auc075: 1 });
    expect(s.median.merge.metrics.mae).toBe(base.merge.metrics.mae);
  });
});

describe("metric helpers", () => {
  it("rank by AUC with ties as half, and interpolate quantiles", () => {
    expect(auc([0.1, 0.4, 0.35, 0.8], [false, false, true, true])).toBe(0.75);
    expect(auc([0.5, 0.5], [false, true])).toBe(0.5);
    expect(auc([0.1], [true])).toBeNull();
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([], 0.8)).toBe(0);
  });
});
