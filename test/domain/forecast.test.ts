import { describe, expect, it } from "vitest";
import {
  FORECAST_FEATURES,
  type ForecastModel,
  GLOBAL_DEFAULT_MEDIAN_H,
  MIN_TRAINING_ROWS,
  predict,
  type ReviewRequestFacts,
  reviewerTiming,
  reviewerWindowsOf,
  wallHours,
  workingWindows,
} from "../../src/domain/forecast";
import { type ForecastTrainingRow, fitForecast } from "../../src/domain/forecast-fit";
import type { WorkingSchedule } from "../../src/domain/working-hours";

const base: ReviewRequestFacts = {
  repo: "acme/app",
  author: "alice",
  lines: 80,
  openReviews: 1,
  requests30d: 10,
  hoursUntilWorking: 0,
  workingHoursLeft: 5,
  gapAfterWindowH: 16,
  urgent: false,
};

/** A deterministic history where time to first review grows with size, queue and time off work. */
function history(n: number): ForecastTrainingRow[] {
  const rows: ForecastTrainingRow[] = [];
  for (let i = 0; i < n; i++) {
    const lines = 10 + ((i * 37) % 400);
    const openReviews = i % 4;
    const hoursUntilWorking = i % 5 === 0 ? 14 : 0;
    const noise = Math.sin(i * 12.9898) * 0.4;
    const hours =
      Math.exp(
        -1 + 0.3 * Math.log1p(lines) + 0.35 * openReviews + 0.5 * Math.log1p(hoursUntilWorking) + noise,
      ) +
      hoursUntilWorking * 0.2;
    rows.push({
      facts: {
        ...base,
        repo: i % 3 === 0 ? "acme/api" : "acme/app",
        author: ["alice", "bob", "chen"][i % 3] as string,
        lines,
        openReviews,
        requests30d: 5 + (i % 7),
        hoursUntilWorking,
        workingHoursLeft: 1 + (i % 8),
        gapAfterWindowH: i % 6 === 0 ? 64 : 16,
        urgent: i % 11 === 0,
      },
      hours,
    });
  }
  return rows;
}

const model = fitForecast(history(200), Date.UTC(2027, 0, 1));

describe("fitForecast and predict", () => {
  it("fits every feature, and predicts longer waits for bigger PRs, longer queues, and off-hours requests", () => {
    expect(model.features).toEqual([...FORECAST_FEATURES]);
    expect(model.coef).toHaveLength(FORECAST_FEATURES.length);
    expect(model.trainedOn).toBe(200);
    // No author windows in the rows: the reviewer's clock (their windows from the three timing facts).
    expect(model.clock).toBe("reviewer");
    expect(model.spread?.coef).toHaveLength(8);
    const at = (facts: Partial<ReviewRequestFacts>) => predict(model, { ...base, ...facts });
    expect(at({ lines: 500 }).medianH).toBeGreaterThan(at({ lines: 20 }).medianH);
    expect(at({ openReviews: 3 }).medianH).toBeGreaterThan(at({ openReviews: 0 }).medianH);
    expect(at({ hoursUntilWorking: 14 }).medianH).toBeGreaterThan(at({ hoursUntilWorking: 0 }).medianH);
    const f = at({});
    expect(f.basis).toBe("model");
    expect(f.p80H).toBeGreaterThan(f.medianH);
  });

  it("gives a breach probability between 0 and 1 that grows as the SLA shrinks", () => {
    const f = predict(model, base);
    const slas = [0.25, 0.5, 1, 2, 4, 8, 24, 72, 500];
    const p = slas.map((h) => f.breachProbability(h));
    for (const x of p) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(1);
    }
    // Strictly while the probability is not yet 0 to double precision, never up after.
    for (let i = 1; i < p.length; i++) {
      if ((p[i - 1] as number) > 1e-9) expect(p[i]).toBeLessThan(p[i - 1] as number);
      else expect(p[i]).toBeLessThanOrEqual(p[i - 1] as number);
    }
    expect(p[5]).toBeGreaterThan(0);
    expect(f.breachProbability(f.medianH)).toBeCloseTo(0.5, 1);
    expect(f.breachProbability(0)).toBe(1);
  });

  it("survives a JSON round trip with the same predictions", () => {
    const copy = JSON.parse(JSON.stringify(model)) as ForecastModel;
    expect(copy).toEqual(model);
    const a = predict(model, base);
    const b = predict(copy, base);
    expect(b.medianH).toBe(a.medianH);
    expect(b.p80H).toBe(a.p80H);
    expect(b.breachProbability(4)).toBe(a.breachProbability(4));
  });

  it("falls back to the repository median, then the tenant median, then the global default", () => {
    const few = fitForecast(history(MIN_TRAINING_ROWS - 1), 0);
    expect(few.coef).toEqual([]);
    const repo = predict(few, { ...base, repo: "acme/api" });
    expect(repo.basis).toBe("repository");
    expect(repo.medianH).toBeCloseTo(few.repoMedians["acme/api"] as number, 6);
    const tenant = predict(few, { ...base, repo: "acme/unknown" });
    expect(tenant.basis).toBe("tenant");
    expect(tenant.medianH).toBeCloseTo(few.tenantMedian as number, 6);
    expect(tenant.p80H).toBeGreaterThan(tenant.medianH);
    const none = predict(fitForecast([], 0), base);
    expect(none.basis).toBe("default");
    // A working day of the reviewer's: the 5 hours left today, the night, 3 hours tomorrow.
    expect(none.medianH).toBeCloseTo(wallHours(reviewerWindowsOf(base), GLOBAL_DEFAULT_MEDIAN_H), 6);
    expect(none.medianH).toBeCloseTo(24, 6);
    expect(none.breachProbability(1)).toBeGreaterThan(none.breachProbability(40));
  });

  it("shrinks a repository seen a few times toward the tenant median", () => {
    const rows = history(100).map((r) => ({ ...r, facts: { ...r.facts, repo: "acme/app" } }));
    rows.push({ facts: { ...base, repo: "acme/rare" }, hours: 200 });
    const m = fitForecast(rows, 0);
    const rare = m.repoMedians["acme/rare"] as number;
    expect(rare).toBeLessThan(200);
    expect(rare).toBeGreaterThan(m.tenantMedian as number);
  });
});

describe("reviewerTiming", () => {
  const berlin: WorkingSchedule = { tz: "Europe/Berlin" };
  it("is zero hours away at work, with the rest of the day and the night after", () => {
    // Monday 2027-03-01 10:00 CET (09:00 UTC).
    const t = reviewerTiming(berlin, Date.UTC(2027, 2, 1, 9));
    expect(t).toMatchObject({ hoursUntilWorking: 0, workingHoursLeft: 7, gapAfterWindowH: 16 });
    // The next eight windows: the rest of Monday, Tuesday to Friday, then Monday to Wednesday.
    expect(t.reviewerWindows).toEqual([0, 7, 23, 31, 47, 55, 71, 79, 95, 103, 167, 175, 191, 199, 215, 223]);
  });

  it("counts the weekend on a Friday evening", () => {
    // Friday 2027-03-05 18:00 CET: next work Monday 09:00 (63 h), then its 8 hours and a night.
    const t = reviewerTiming(berlin, Date.UTC(2027, 2, 5, 17));
    expect(t).toMatchObject({ hoursUntilWorking: 63, workingHoursLeft: 8, gapAfterWindowH: 16 });
    expect(t.reviewerWindows.slice(0, 4)).toEqual([63, 71, 87, 95]);
    // Friday 16:00: one hour left, then the weekend.
    expect(reviewerTiming(berlin, Date.UTC(2027, 2, 5, 15)).gapAfterWindowH).toBe(64);
  });

  it("leaves out holidays (out-of-office days)", () => {
    // Monday 2027-03-01 18:00 CET; Tuesday and Wednesday off: next work Thursday 09:00.
    const away: WorkingSchedule = { tz: "Europe/Berlin", holidays: ["2027-03-02", "2027-03-03"] };
    expect(workingWindows(away, Date.UTC(2027, 2, 1, 17), 2)).toEqual([63, 71, 87, 95]);
    expect(reviewerTiming(away, Date.UTC(2027, 2, 1, 17))).toMatchObject({
      hoursUntilWorking: 63,
      gapAfterWindowH: 16,
    });
  });
});
