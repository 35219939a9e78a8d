/**
 * A per-tenant forecast of the time to first review of one review request (docs/predictions.md,
 * docs/adr/0011-forecast-model.md). The model is plain data (JSON-safe, a few hundred bytes plus the
 * repository and author medians): a linear model on log(hours + ε), where hours are **wall-clock**
 * hours from the request (the PR ready for review) to its first review, with the spread of its
 * training residuals. Predicting is a dot product and an exp: pure, no allocation to speak of.
 *
 * Cold start (fewer than MIN_TRAINING_ROWS rows): no regression; the forecast is the repository's
 * median (shrunk toward the tenant's), else the tenant's median, else GLOBAL_DEFAULT_MEDIAN_H, with
 * the spread of the rows there are (or COLD_START_SIGMA with fewer than five).
 */
import { DAY_MS, HOUR_MS, localDayOf } from "./time";
import { compileSchedule, nextWorkingStart, type ScheduleLike } from "./working-hours";

export const FORECAST_VERSION = 1;
/** Feature names, in the order of `coef`. */
export const FORECAST_FEATURES = [
  "logLines",
  "openReviews",
  "requests30d",
  "logHoursUntilWorking",
  "workingHoursLeft",
  "logGapAfterWindow",
  "urgent",
  "repoMedian",
  "authorMedian",
] as const;
/** Added to hours before the log, so that a review within minutes does not dominate the fit (6 min). */
export const TARGET_EPSILON_H = 0.1;
/** Fewer training rows than this: the cold-start forecast (medians), no regression. */
export const MIN_TRAINING_ROWS = 30;
/** The forecast with no history at all: a working day (the default SLA is 8 working hours). */
export const GLOBAL_DEFAULT_MEDIAN_H = 8;
/** Spread of log(hours) assumed with fewer than five rows (an 80 % quantile about 2.3x the median). */
export const COLD_START_SIGMA = 1;
/** Target encoding: a repository or author with n rows gets (n·own + K·tenant) / (n + K), in log space. */
export const SHRINKAGE_ROWS = 5;
/** z of the normal's 80 % quantile. */
const Z80 = 0.8416212335729143;

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
}

export interface ForecastModel {
  version: number;
  features: string[];
  /** One coefficient per feature ([] in a cold-start model). */
  coef: number[];
  intercept: number;
  /** Quantiles of the training residuals of log(hours + ε). */
  residualQuantiles: { q50: number; q80: number };
  /** Standard deviation of those residuals (the log-normal's shape, for breach probabilities). */
  sigma: number;
  /** Median hours to first review per repository / author (lower case), shrunk toward the tenant's. */
  repoMedians: Record<string, number>;
  authorMedians: Record<string, number>;
  /** Median hours over all training rows; null with none. */
  tenantMedian: number | null;
  trainedOn: number;
  /** When it was fitted (ms since the epoch). */
  trainedAt: number;
}

export type ForecastBasis = "model" | "repository" | "tenant" | "default";

export interface Forecast {
  medianH: number;
  p80H: number;
  /** Probability that the first review comes later than `slaH` wall-clock hours after the request. */
  breachProbability(slaH: number): number;
  basis: ForecastBasis;
}

const logTarget = (hours: number): number => Math.log(Math.max(0, hours) + TARGET_EPSILON_H);
const fromLog = (y: number): number => Math.max(0, Math.exp(y) - TARGET_EPSILON_H);

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

/** The numeric feature vector of a request under a model (the order of FORECAST_FEATURES). */
export function featureVector(model: ForecastModel, facts: ReviewRequestFacts): number[] {
  const tenant = model.tenantMedian ?? GLOBAL_DEFAULT_MEDIAN_H;
  return [
    Math.log1p(Math.max(0, facts.lines)),
    facts.openReviews,
    facts.requests30d,
    Math.log1p(Math.max(0, facts.hoursUntilWorking)),
    facts.workingHoursLeft,
    Math.log1p(Math.max(0, facts.gapAfterWindowH)),
    facts.urgent ? 1 : 0,
    logTarget(model.repoMedians[facts.repo.toLowerCase()] ?? tenant),
    logTarget(model.authorMedians[facts.author.toLowerCase()] ?? tenant),
  ];
}

/** The centre of log(hours + ε) for the request, and where it came from. */
function centre(model: ForecastModel, facts: ReviewRequestFacts): { mu: number; basis: ForecastBasis } {
  if (model.coef.length > 0 && model.trainedOn >= MIN_TRAINING_ROWS) {
    const x = featureVector(model, facts);
    let mu = model.intercept;
    for (let i = 0; i < model.coef.length; i++) mu += (model.coef[i] ?? 0) * (x[i] ?? 0);
    return { mu: mu + model.residualQuantiles.q50, basis: "model" };
  }
  const repo = model.repoMedians[facts.repo.toLowerCase()];
  if (repo !== undefined) return { mu: logTarget(repo), basis: "repository" };
  if (model.tenantMedian !== null) return { mu: logTarget(model.tenantMedian), basis: "tenant" };
  return { mu: logTarget(GLOBAL_DEFAULT_MEDIAN_H), basis: "default" };
}

/** The forecast of one request: median, 80 % quantile and the chance of missing a deadline. */
export function predict(model: ForecastModel, facts: ReviewRequestFacts): Forecast {
  const { mu, basis } = centre(model, facts);
  const sigma = model.sigma > 0 ? model.sigma : COLD_START_SIGMA;
  const up = basis === "model" ? model.residualQuantiles.q80 - model.residualQuantiles.q50 : Z80 * sigma;
  return {
    medianH: fromLog(mu),
    p80H: fromLog(mu + Math.max(0, up)),
    breachProbability(slaH: number): number {
      if (!(slaH > 0)) return 1;
      const p = 1 - normalCdf((logTarget(slaH) - mu) / sigma);
      return Math.min(1, Math.max(0, p));
    },
    basis,
  };
}

/**
 * When the reviewer can next act on a request made at `atMs`, how much of that working window is
 * left, and how long the break after it is: the time features of ReviewRequestFacts, from their
 * working schedule (out-of-office days as holidays).
 */
export function reviewerTiming(
  schedule: ScheduleLike,
  atMs: number,
): Pick<ReviewRequestFacts, "hoursUntilWorking" | "workingHoursLeft" | "gapAfterWindowH"> {
  const c = compileSchedule(schedule);
  const never = { hoursUntilWorking: 24 * 365, workingHoursLeft: 0, gapAfterWindowH: 24 * 365 };
  let start: number;
  let next: number;
  let end = atMs;
  try {
    start = nextWorkingStart(c, atMs);
    for (let day = localDayOf(start, c.tz) - 1; day <= localDayOf(start, c.tz) + 1; day++) {
      if (c.isWorkDay(day) && c.windowStart(day) <= start && start < c.windowEnd(day)) {
        end = c.windowEnd(day);
        break;
      }
    }
    next = nextWorkingStart(c, Math.max(end, start) + 1);
  } catch {
    return never;
  }
  return {
    hoursUntilWorking: (start - atMs) / HOUR_MS,
    workingHoursLeft: Math.min(Math.max(0, end - start), DAY_MS) / HOUR_MS,
    gapAfterWindowH: Math.max(0, next - end) / HOUR_MS,
  };
}

/** The target of a training row: log(hours + ε). Exported for the fitting. */
export const forecastTarget = logTarget;
