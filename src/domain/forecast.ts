/**
 * A per-tenant forecast of how long a review request waits (time to first review, or to merge: the
 * same model fitted on another outcome). docs/predictions.md, docs/adr/0011-forecast-model.md.
 *
 * The model counts hours on a **clock**: the working time of the reviewer (or of the author), as the
 * working windows recorded with the request say (`reviewerWindows`, `authorWindows`). A request made
 * on a Friday evening waits a weekend of wall-clock hours but no working hours; in working hours the
 * waits are short and alike, and the wall-clock forecast is the working-hours one laid back onto the
 * windows. On that clock, log(hours + ε) is linear in the request's facts (a median regression), with
 * a spread that depends on the facts too (a second regression, on the size of the residuals). The
 * model is plain JSON; predicting is two dot products, a few exps and a walk over the windows.
 *
 * Cold start (fewer than MIN_TRAINING_ROWS rows): no regression; the repository's median on the
 * clock (shrunk toward the tenant's), else the tenant's, else GLOBAL_DEFAULT_MEDIAN_H, with the
 * spread of the rows there are (COLD_START_SIGMA with fewer than five).
 */
import { probit } from "simple-statistics";
import { HOUR_MS, localDayOf } from "./time";
import { compileSchedule, type ScheduleLike } from "./working-hours";

export const FORECAST_VERSION = 2;
/** Feature names, in the order of `coef`. Times are measured on the model's clock. */
export const FORECAST_FEATURES = [
  "logLines",
  "openReviews",
  "requests30d",
  "reviewerAway",
  "workingHoursLeft",
  "urgent",
  "logUntilReviewer",
  "logGapAfterWindow",
  "repoMedian",
  "authorMedian",
  "reviewerMedian",
] as const;
/** The first this many features (the request's own facts, not the medians) also set the spread. */
export const SPREAD_FEATURES = 8;
/** Added to hours before the log, so that a review within minutes does not dominate the fit (6 min). */
export const TARGET_EPSILON_H = 0.1;
/** Fewer training rows than this: the cold-start forecast (medians), no regression. */
export const MIN_TRAINING_ROWS = 30;
/** The forecast with no history at all: a working day (the default SLA is 8 working hours). */
export const GLOBAL_DEFAULT_MEDIAN_H = 8;
/** Spread of log(hours) assumed with fewer than five rows (an 80 % quantile about 2.3x the median). */
export const COLD_START_SIGMA = 1;
/** Target encoding: a repository or person with n rows gets (n·own + K·tenant) / (n + K), in log space. */
export const SHRINKAGE_ROWS = 5;
/** Working windows recorded with a request (two working weeks of a Monday-to-Friday schedule). */
export const WINDOW_COUNT = 8;
/** The smallest spread of log(hours) a forecast has (about ±5 %). */
export const MIN_SIGMA = 0.05;
/** z of the normal's 80 % quantile. */
export const Z80 = 0.8416212335729143;
/** Forecasts stop at a year: a clock with no working time ahead does not give Infinity. */
const MAX_LOG = Math.log(24 * 365);

/** What Foreman knows of a review request when it is made (keys for the target encoding, numbers). */
export interface ReviewRequestFacts {
  repo: string;
  author: string;
  /** Lines changed (additions + deletions). */
  lines: number;
  /** Reviews waiting for or under review by the requested reviewer at the request, this one not included. */
  openReviews: number;
  /** Review requests the reviewer received in the 30 days before. */
  requests30d: number;
  /** Hours until the reviewer is next in working hours (0 when at work). */
  hoursUntilWorking: number;
  /** Working hours left in the reviewer's working window from that point. */
  workingHoursLeft: number;
  /** Hours from the end of that window to the reviewer's next one (a night, a weekend, a holiday). */
  gapAfterWindowH: number;
  /** A label with a shorter SLA than the default (e.g. hotfix). */
  urgent: boolean;
  /** The reviewer asked (lower-cased for their median); absent: the tenant's median. */
  reviewer?: string;
  /**
   * The reviewer's next WINDOW_COUNT working windows (out-of-office days left out), as hours from the
   * request: [start, end, start, end, …] (`reviewerTiming` gives them). Absent: approximated from
   * the three hours above.
   */
  reviewerWindows?: number[];
  /** The author's, the same way (`workingWindows`): lets a model count on the author's clock. */
  authorWindows?: number[];
}

/** Whose working time a model counts hours in. */
export type ForecastClock = "reviewer" | "author";

export interface ForecastModel {
  version: number;
  /** The clock of the hours below; absent (a version 1 model): wall-clock hours. */
  clock?: ForecastClock;
  features: string[];
  /** One coefficient per feature ([] in a cold-start model): the median of log(hours + ε). */
  coef: number[];
  intercept: number;
  /** Quantiles of the leave-one-out residuals of log(hours + ε). */
  residualQuantiles: { q50: number; q80: number };
  /** Their standard deviation (the spread of a cold-start forecast). */
  sigma: number;
  /**
   * The spread per request: s = max(MIN_SIGMA, intercept + coef·x) over the first SPREAD_FEATURES
   * features; the 80 % quantile of the residuals over s is `q80`. A forecast's log-normal runs
   * through its median and its 80 % quantile (sigma = q80·s / z₀.₈).
   */
  spread?: { coef: number[]; intercept: number; q80: number };
  /** Median hours (on the clock) per repository / author / reviewer (lower case), shrunk toward the tenant's. */
  repoMedians: Record<string, number>;
  authorMedians: Record<string, number>;
  reviewerMedians?: Record<string, number>;
  /** Median hours over all training rows; null with none. */
  tenantMedian: number | null;
  trainedOn: number;
  /** When it was fitted (ms since the epoch). */
  trainedAt: number;
}

export type ForecastBasis = "model" | "repository" | "tenant" | "default";

/** The exact distribution behind a forecast: log(working hours on `windows` + ε) ~ N(mu, sigma²). */
export interface ForecastWorking {
  /** The clock's working windows, hours from the request ([] : wall-clock hours). */
  windows: number[];
  mu: number;
  sigma: number;
}

export interface Forecast {
  medianH: number;
  p80H: number;
  /** Probability that the outcome comes later than `slaH` wall-clock hours after the request. */
  breachProbability(slaH: number): number;
  basis: ForecastBasis;
  /**
   * A wall-clock log-normal through the median and the 80 % quantile: log(hours + ε) ~ N(mu, sigma²),
   * per request. An approximation (waits jump over nights); `remaining` uses `working`, exact.
   */
  mu: number;
  sigma: number;
  working?: ForecastWorking;
}

/** A forecast made again once the request has waited `elapsedH` hours with no outcome. */
export interface Remaining {
  /** Hours from the request (not from now) by which it comes with probability 1/2 and 0.8. */
  medianH: number;
  p80H: number;
  /** P(no outcome by `h` hours after the request | none in the first `elapsedH`). */
  exceedProbability(h: number): number;
  /** Hours from the request by which it comes with probability `q`, given the wait so far. */
  quantileH(q: number): number;
}

const logTarget = (hours: number): number => Math.log(Math.max(0, hours) + TARGET_EPSILON_H);
const fromLog = (y: number): number => Math.max(0, Math.exp(Math.min(y, MAX_LOG)) - TARGET_EPSILON_H);

/** The error function (Abramowitz and Stegun 7.1.26, |error| < 1.5e-7). */
function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign * (1 - poly * Math.exp(-a * a));
}

/** P(Z ≤ z) of the standard normal. */
export const normalCdf = (z: number): number => 0.5 * (1 + erf(z / Math.SQRT2));

/** Working hours in the windows, and the wall-clock hours from their first start to their last end. */
function extent(w: readonly number[]): { work: number; span: number } {
  let work = 0;
  for (let i = 0; i + 1 < w.length; i += 2) work += Math.max(0, (w[i + 1] as number) - (w[i] as number));
  return { work, span: w.length >= 2 ? (w[w.length - 1] as number) - (w[0] as number) : 0 };
}

/**
 * Working hours on the windows `w` in the first `h` wall-clock hours after the request. Past the last
 * window, working time goes on at the windows' average rate; no windows (or none with working time):
 * the wall clock.
 */
export function clockHours(w: readonly number[], h: number): number {
  const { work, span } = extent(w);
  if (!(work > 0)) return Math.max(0, h);
  let acc = 0;
  for (let i = 0; i + 1 < w.length; i += 2) {
    const s = w[i] as number;
    const e = w[i + 1] as number;
    if (h <= s) return acc;
    if (h <= e) return acc + h - s;
    acc += e - s;
  }
  return acc + (h - (w[w.length - 1] as number)) * (work / span);
}

/** The inverse: wall-clock hours after the request at which `c` working hours on `w` have passed. */
export function wallHours(w: readonly number[], c: number): number {
  const { work, span } = extent(w);
  if (!(work > 0)) return Math.max(0, c);
  let acc = 0;
  for (let i = 0; i + 1 < w.length; i += 2) {
    const s = w[i] as number;
    const e = w[i + 1] as number;
    if (acc + (e - s) >= c) return s + Math.max(0, c - acc);
    acc += e - s;
  }
  return (w[w.length - 1] as number) + (c - acc) * (span / work);
}

/** The reviewer's windows: recorded, else the first from the three timing facts and 8-hour days after. */
export function reviewerWindowsOf(facts: ReviewRequestFacts): number[] {
  if (facts.reviewerWindows && extent(facts.reviewerWindows).work > 0) return facts.reviewerWindows;
  const start = Math.max(0, facts.hoursUntilWorking);
  const end = start + Math.max(0, facts.workingHoursLeft);
  if (!(end > start)) return [];
  const out = [start, end];
  for (let next = end + Math.max(0, facts.gapAfterWindowH); out.length < 2 * WINDOW_COUNT; next += 24)
    out.push(next, next + 8);
  return out;
}

/** The windows of a model's clock for a request ([]: wall clock). */
export function clockWindows(clock: ForecastClock | undefined, facts: ReviewRequestFacts): number[] {
  if (clock === undefined) return [];
  if (clock === "author" && facts.authorWindows && extent(facts.authorWindows).work > 0)
    return facts.authorWindows;
  return reviewerWindowsOf(facts);
}

/** The numeric feature vector of a request under a model (the order of FORECAST_FEATURES). */
export function featureVector(
  model: ForecastModel,
  facts: ReviewRequestFacts,
  windows: readonly number[] = clockWindows(model.clock, facts),
): number[] {
  const tenant = model.tenantMedian ?? GLOBAL_DEFAULT_MEDIAN_H;
  const r = reviewerWindowsOf(facts);
  const start = r[0] ?? Math.max(0, facts.hoursUntilWorking);
  const end = r[1] ?? start;
  const next = r[2] ?? end + Math.max(0, facts.gapAfterWindowH);
  const reviewer = (facts.reviewer ?? "").toLowerCase();
  return [
    Math.log1p(Math.max(0, facts.lines)),
    facts.openReviews,
    facts.requests30d,
    facts.hoursUntilWorking > 0 ? 1 : 0,
    Math.min(24, Math.max(0, facts.workingHoursLeft)),
    facts.urgent ? 1 : 0,
    Math.log1p(clockHours(windows, start)),
    Math.log1p(Math.max(0, clockHours(windows, next) - clockHours(windows, end))),
    logTarget(model.repoMedians[facts.repo.toLowerCase()] ?? tenant),
    logTarget(model.authorMedians[facts.author.toLowerCase()] ?? tenant),
    logTarget(model.reviewerMedians?.[reviewer] ?? tenant),
  ];
}

/** The scale of a request's spread under a model with a spread regression (1 without one). */
export function spreadScale(model: ForecastModel, x: readonly number[]): number {
  const s = model.spread;
  if (!s) return 1;
  let v = s.intercept;
  for (let i = 0; i < s.coef.length; i++) v += (s.coef[i] ?? 0) * (x[i] ?? 0);
  return Math.max(MIN_SIGMA, v);
}

/** The median of log(hours + ε) on the clock, the step up to its 80 % quantile, its spread. */
type Centre = { mu: number; up: number; sigma: number; basis: ForecastBasis };

function centre(model: ForecastModel, facts: ReviewRequestFacts, windows: readonly number[]): Centre {
  const rq = model.residualQuantiles;
  if (model.version === FORECAST_VERSION && model.coef.length > 0 && model.trainedOn >= MIN_TRAINING_ROWS) {
    const x = featureVector(model, facts, windows);
    let mu = model.intercept + rq.q50;
    for (let i = 0; i < model.coef.length; i++) mu += (model.coef[i] ?? 0) * (x[i] ?? 0);
    const up = Math.max(0, (model.spread?.q80 ?? rq.q80 - rq.q50) * spreadScale(model, x));
    return { mu, up, sigma: Math.max(MIN_SIGMA, up / Z80), basis: "model" };
  }
  const sigma = model.sigma > 0 ? model.sigma : COLD_START_SIGMA;
  const cold = (mu: number, basis: ForecastBasis): Centre => ({ mu, up: Z80 * sigma, sigma, basis });
  const repo = model.repoMedians[facts.repo.toLowerCase()];
  if (repo !== undefined) return cold(logTarget(repo), "repository");
  if (model.tenantMedian !== null) return cold(logTarget(model.tenantMedian), "tenant");
  return cold(logTarget(GLOBAL_DEFAULT_MEDIAN_H), "default");
}

/** The forecast of one request: median, 80 % quantile and the chance of missing a deadline. */
export function predict(model: ForecastModel, facts: ReviewRequestFacts): Forecast {
  const windows = clockWindows(model.clock, facts);
  const { mu, up, sigma, basis } = centre(model, facts, windows);
  const medianH = wallHours(windows, fromLog(mu));
  const p80H = Math.max(medianH, wallHours(windows, fromLog(mu + up)));
  const wallMu = logTarget(medianH);
  return {
    medianH,
    p80H,
    breachProbability(slaH: number): number {
      if (!(slaH > 0)) return 1;
      const p = 1 - normalCdf((logTarget(clockHours(windows, slaH)) - mu) / sigma);
      return Math.min(1, Math.max(0, p));
    },
    basis,
    mu: wallMu,
    sigma: Math.max(MIN_SIGMA, (logTarget(p80H) - wallMu) / Z80),
    working: { windows, mu, sigma },
  };
}

/**
 * The forecast conditioned on no outcome in the first `elapsedH` hours: its distribution with the
 * part before `elapsedH` cut off and the rest renormalised, on the forecast's clock when it has one
 * (`working`; else the wall-clock log-normal `mu`, `sigma`). A request that has waited past its
 * median gets a later "likely by", never one in the past nor one outside the clock's working time.
 */
export function remaining(
  f: Pick<Forecast, "mu" | "sigma"> & { working?: ForecastWorking | undefined },
  elapsedH: number,
): Remaining {
  const w = f.working?.windows ?? [];
  const mu = f.working?.mu ?? f.mu;
  const sigma = Math.max(1e-9, f.working?.sigma ?? f.sigma);
  const survival = (h: number): number => 1 - normalCdf((logTarget(clockHours(w, h)) - mu) / sigma);
  const left = Math.max(1e-12, survival(Math.max(0, elapsedH)));
  const quantileH = (q: number): number => {
    const p = Math.min(1 - 1e-12, Math.max(1e-12, 1 - left * (1 - q)));
    return Math.max(elapsedH, wallHours(w, fromLog(mu + sigma * probit(p))));
  };
  return {
    medianH: quantileH(0.5),
    p80H: quantileH(0.8),
    exceedProbability(h: number): number {
      if (h <= elapsedH) return 1;
      return Math.min(1, Math.max(0, survival(h) / left));
    },
    quantileH,
  };
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Working windows of `schedule` from `atMs` (holidays left out), ms, the first one clipped to start there. */
function windowsMs(schedule: ScheduleLike, atMs: number, count: number): number[] {
  const c = compileSchedule(schedule);
  const out: number[] = [];
  const first = localDayOf(atMs, c.tz) - 1;
  for (let day = first; out.length < 2 * count && day <= first + 800; day++) {
    if (!c.isWorkDay(day)) continue;
    const start = Math.max(c.windowStart(day), atMs);
    const end = c.windowEnd(day);
    if (end > start) out.push(start, end);
  }
  return out;
}

/** The next `count` working windows of a schedule after `atMs`, as hours from it: [start, end, …]. */
export function workingWindows(schedule: ScheduleLike, atMs: number, count = WINDOW_COUNT): number[] {
  return windowsMs(schedule, atMs, count).map((t) => round3((t - atMs) / HOUR_MS));
}

/** The time facts of a request to a reviewer with this schedule (out-of-office days as holidays). */
export interface ReviewerTiming {
  hoursUntilWorking: number;
  workingHoursLeft: number;
  gapAfterWindowH: number;
  reviewerWindows: number[];
}

/**
 * When the reviewer can next act on a request made at `atMs`, how much of that working window is
 * left, how long the break after it is, and their next working windows: the time facts of
 * ReviewRequestFacts, from their working schedule (out-of-office days as holidays).
 */
export function reviewerTiming(schedule: ScheduleLike, atMs: number): ReviewerTiming {
  const w = windowsMs(schedule, atMs, WINDOW_COUNT);
  const year = 24 * 365;
  if (w.length < 2)
    return { hoursUntilWorking: year, workingHoursLeft: 0, gapAfterWindowH: year, reviewerWindows: [] };
  const [start, end, next] = w as [number, number, number | undefined];
  return {
    hoursUntilWorking: (start - atMs) / HOUR_MS,
    workingHoursLeft: Math.min(end - start, 24 * HOUR_MS) / HOUR_MS,
    gapAfterWindowH: next === undefined ? year : (next - end) / HOUR_MS,
    reviewerWindows: w.map((t) => round3((t - atMs) / HOUR_MS)),
  };
}

/** The target of a training row: log(hours + ε). Exported for the fitting. */
export const forecastTarget = logTarget;
/** Hours back from a target (capped at a year). */
export const fromForecastTarget = fromLog;
