/**
 * The forecast's clocks (hours counted in someone's working time and laid back onto wall-clock
 * hours), its spread per request, the choice of clock when fitting, and `remaining` — the forecast
 * made again after a wait. Deterministic histories; no timed assertion.
 */
import { describe, expect, it } from "vitest";
import {
  clockHours,
  type ForecastModel,
  predict,
  type ReviewRequestFacts,
  remaining,
  reviewerTiming,
  wallHours,
  workingWindows,
} from "../../src/domain/forecast";
import { type ForecastTrainingRow, fitForecast } from "../../src/domain/forecast-fit";
import { HOUR_MS } from "../../src/domain/time";

const BERLIN = { tz: "Europe/Berlin" };
const NEW_YORK = { tz: "America/New_York" };
/** Monday 2027-03-01 00:00 UTC. */
const MONDAY = Date.UTC(2027, 2, 1);
/** A deterministic number in [0, 1). */
const unit = (i: number, salt: number) => {
  const x = Math.sin(i * 12.9898 + salt * 78.233) * 43758.5453;
  return x - Math.floor(x);
};

/** The facts of a request at `atMs` to a reviewer in Berlin by an author in New York. */
function factsAt(atMs: number, i: number): ReviewRequestFacts {
  return {
    repo: "acme/app",
    author: ["alice", "bob", "chen"][i % 3] as string,
    reviewer: ["dora", "emil"][i % 2] as string,
    lines: 10 + Math.floor(unit(i, 1) * 400),
    openReviews: i % 3,
    requests30d: 5 + (i % 7),
    ...reviewerTiming(BERLIN, atMs),
    urgent: i % 9 === 0,
    authorWindows: workingWindows(NEW_YORK, atMs),
  };
}

/**
 * A history whose working-hours wait grows with size and queue, with a noise that is wide for urgent
 * requests and narrow otherwise, counted on the reviewer's or the author's clock.
 */
function history(n: number, clock: "reviewer" | "author", wideNoise = 1.2): ForecastTrainingRow[] {
  return Array.from({ length: n }, (_, i) => {
    const atMs = MONDAY + Math.floor(unit(i, 2) * 28 * 24) * HOUR_MS + 17 * 60_000;
    const facts = factsAt(atMs, i);
    const noise = (unit(i, 3) - 0.5) * (facts.urgent ? wideNoise : 0.3);
    const working = Math.exp(-1 + 0.25 * Math.log1p(facts.lines) + 0.3 * facts.openReviews + noise);
    const windows =
      clock === "author" ? (facts.authorWindows as number[]) : (facts.reviewerWindows as number[]);
    return { facts, hours: wallHours(windows, working) };
  });
}

describe("clockHours and wallHours", () => {
  const w = [2, 10, 26, 34];
  it("count working hours inside the windows and lay them back onto the wall clock", () => {
    expect([1, 5, 20, 30].map((h) => clockHours(w, h))).toEqual([0, 3, 8, 12]);
    expect([0, 3, 8, 12].map((c) => wallHours(w, c))).toEqual([2, 5, 10, 30]);
    for (let c = 0; c <= 16; c += 0.5) expect(clockHours(w, wallHours(w, c))).toBeCloseTo(c, 9);
  });

  it("go on at the windows' average rate past the last one, and are the wall clock without windows", () => {
    // 16 working hours in the 32 from the first start to the last end: half a working hour an hour.
    expect(clockHours(w, 38)).toBeCloseTo(18, 9);
    expect(wallHours(w, 20)).toBeCloseTo(42, 9);
    expect(clockHours([], 7.5)).toBe(7.5);
    expect(wallHours([], 7.5)).toBe(7.5);
    expect(wallHours([3, 3], 2)).toBe(2);
  });
});

describe("a forecast on the reviewer's clock", () => {
  const model = fitForecast(history(240, "reviewer"), MONDAY);

  it("puts a Friday-evening request's forecast into the reviewer's Monday, and no risk grows over the weekend", () => {
    expect(model.clock).toBe("reviewer");
    // Friday 2027-03-05 18:00 in Berlin: the reviewer is next at work 63 hours later.
    const f = predict(model, factsAt(Date.UTC(2027, 2, 5, 17), 1));
    expect(f.basis).toBe("model");
    expect(f.medianH).toBeGreaterThanOrEqual(63);
    expect(f.medianH).toBeLessThan(71);
    expect(f.p80H).toBeGreaterThanOrEqual(f.medianH);
    expect(f.breachProbability(10)).toBe(f.breachProbability(60));
    expect(f.breachProbability(60)).toBe(1);
    expect(f.breachProbability(80)).toBeLessThan(0.5);
  });

  it("gives urgent requests, whose waits vary more, a wider spread (per request, in sigma too)", () => {
    expect(model.spread).toBeDefined();
    const at = Date.UTC(2027, 2, 2, 8); // Tuesday 09:00 in Berlin
    const calm = predict(model, { ...factsAt(at, 1), urgent: false });
    const wide = predict(model, { ...factsAt(at, 1), urgent: true });
    const ratio = (f: typeof calm) => Math.log((f.p80H + 0.1) / (f.medianH + 0.1));
    expect(ratio(wide)).toBeGreaterThan(1.5 * ratio(calm));
    expect(wide.working?.sigma).toBeGreaterThan(1.5 * (calm.working?.sigma ?? 0));
    expect(wide.sigma).toBeGreaterThan(calm.sigma);
  });

  it("is the same after a JSON round trip", () => {
    const copy = JSON.parse(JSON.stringify(model)) as ForecastModel;
    const facts = factsAt(Date.UTC(2027, 2, 3, 13), 4);
    expect(predict(copy, facts).medianH).toBe(predict(model, facts).medianH);
    expect(predict(copy, facts).breachProbability(3)).toBe(predict(model, facts).breachProbability(3));
  });
});

describe("remaining", () => {
  const model = fitForecast(history(240, "reviewer"), MONDAY);
  // Monday 2027-03-08 15:30 in Berlin: 1.5 working hours left today, then the night.
  const f = predict(model, { ...factsAt(Date.UTC(2027, 2, 8, 14, 30), 2), lines: 300, openReviews: 2 });

  it("is the forecast itself with no wait, and never earlier than the wait so far", () => {
    const now = remaining(f, 0);
    expect(now.medianH).toBeCloseTo(f.medianH, 3);
    expect(now.p80H).toBeCloseTo(f.p80H, 3);
    expect(now.quantileH(0.5)).toBe(now.medianH);
    for (const waited of [0.5, 1, 1.4, 3, 10, 20, 40]) {
      const r = remaining(f, waited);
      expect(r.medianH).toBeGreaterThanOrEqual(waited);
      expect(r.p80H).toBeGreaterThanOrEqual(r.medianH);
      expect(r.exceedProbability(waited)).toBe(1);
      expect(r.exceedProbability(waited + 30)).toBeLessThanOrEqual(r.exceedProbability(waited + 18));
    }
  });

  it("after waiting into the night, expects the review in the reviewer's next working window", () => {
    const w = f.working?.windows as number[];
    const r = remaining(f, 4); // 19:30, the window ended at 17:00
    expect(r.medianH).toBeGreaterThanOrEqual(w[2] as number);
    expect(r.medianH).toBeLessThanOrEqual(w[3] as number);
    // Nothing can happen overnight: the risk of no review by 08:59 is 1.
    expect(r.exceedProbability((w[2] as number) - 0.01)).toBe(1);
  });

  it("takes a plain wall-clock log-normal too", () => {
    const r = remaining({ mu: Math.log(2.1), sigma: 0.5 }, 0);
    expect(r.medianH).toBeCloseTo(2, 9);
    expect(remaining({ mu: Math.log(2.1), sigma: 0.5 }, 3).medianH).toBeGreaterThan(3);
  });
});

describe("choosing the clock", () => {
  it("counts on the author's clock when the outcome follows the author's working time", () => {
    expect(fitForecast(history(240, "author"), MONDAY).clock).toBe("author");
    expect(fitForecast(history(240, "reviewer"), MONDAY).clock).toBe("reviewer");
  });

  it("uses the reviewer's clock when a row has no author windows, and skips outcomes that are not hours", () => {
    const rows = history(60, "author");
    rows[3] = {
      ...(rows[3] as ForecastTrainingRow),
      facts: { ...(rows[3] as ForecastTrainingRow).facts, authorWindows: undefined },
    };
    rows.push({ facts: factsAt(MONDAY, 1), hours: Number.NaN }, { facts: factsAt(MONDAY, 2), hours: -1 });
    const m = fitForecast(rows, MONDAY);
    expect(m.clock).toBe("reviewer");
    expect(m.trainedOn).toBe(60);
    expect(fitForecast(rows, MONDAY)).toEqual(m);
  });

  it("reads a version 1 model (wall-clock hours, no clock) as its repository medians", () => {
    const old: ForecastModel = {
      version: 1,
      features: ["logLines"],
      coef: [0.2],
      intercept: 0.5,
      residualQuantiles: { q50: 0, q80: 0.6 },
      sigma: 0.8,
      repoMedians: { "acme/app": 3 },
      authorMedians: {},
      tenantMedian: 3,
      trainedOn: 200,
      trainedAt: 0,
    };
    const f = predict(old, factsAt(Date.UTC(2027, 2, 5, 17), 1));
    expect(f.basis).toBe("repository");
    expect(f.medianH).toBeCloseTo(3, 9);
  });
});
