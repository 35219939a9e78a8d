/**
 * Fitting the forecast of src/domain/forecast.ts from a tenant's history (docs/adr/0011-forecast-model.md):
 * on each clock the rows allow (the reviewer's working time; the author's when every row has their
 * windows), a median regression of log(hours + ε) — least absolute deviations by iteratively
 * reweighted least squares, each step solved by ml-regression-multivariate-linear — then a second
 * regression for the spread, on the size of the leave-one-out residuals. The clock whose forecasts
 * are closest to the training rows' wall-clock hours (leave-one-out) is kept. The repository, author
 * and reviewer medians are target encodings shrunk toward the tenant's median.
 */
import MultivariateLinearRegression from "ml-regression-multivariate-linear";
import { quantileSorted } from "simple-statistics";
import {
  COLD_START_SIGMA,
  clockHours,
  clockWindows,
  FORECAST_FEATURES,
  FORECAST_VERSION,
  type ForecastClock,
  type ForecastModel,
  featureVector,
  forecastTarget,
  fromForecastTarget,
  MIN_SIGMA,
  MIN_TRAINING_ROWS,
  type ReviewRequestFacts,
  SHRINKAGE_ROWS,
  SPREAD_FEATURES,
  wallHours,
  Z80,
} from "./forecast";

/** One past request and its outcome: wall-clock hours from the request to the first review (or merge). */
export interface ForecastTrainingRow {
  facts: ReviewRequestFacts;
  hours: number;
}

/** Reweighting steps of the median regression at most, and the change in coefficients that ends it. */
const IRLS_STEPS = 30;
const IRLS_TOLERANCE = 1e-5;
/** Residuals smaller than this weigh as much as this (the weights are 1/|residual|). */
const IRLS_FLOOR = 1e-3;

const sortedCopy = (values: readonly number[]): number[] => [...values].sort((a, b) => a - b);
const median = (values: readonly number[]): number => quantileSorted(sortedCopy(values), 0.5);
const round = (x: number, digits = 6): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};
const dot = (a: readonly number[], b: readonly number[]): number =>
  a.reduce((s, v, i) => s + v * (b[i] ?? 0), 0);

/** Median target per key, shrunk toward the tenant's median (log space), as hours. */
function encode(
  rows: readonly ForecastTrainingRow[],
  ys: readonly number[],
  key: (f: ReviewRequestFacts) => string,
  tenantLog: number,
): Record<string, number> {
  const groups = new Map<string, number[]>();
  rows.forEach((row, i) => {
    const k = key(row.facts).toLowerCase();
    const list = groups.get(k) ?? [];
    list.push(ys[i] as number);
    groups.set(k, list);
  });
  const out: Record<string, number> = {};
  for (const k of [...groups.keys()].sort()) {
    const list = groups.get(k) as number[];
    const n = list.length;
    out[k] = round(
      fromForecastTarget((n * median(list) + SHRINKAGE_ROWS * tenantLog) / (n + SHRINKAGE_ROWS)),
      4,
    );
  }
  return out;
}

/**
 * Least squares of y on the columns of `x` (the last one all 1s), each row weighted by `w`: the
 * library on rows scaled by √w. With `leverage`, also each row's leverage x·(X'X)⁻¹·x, read from
 * the library's statistics (its coefficient covariance is (X'X)⁻¹ times the residual variance).
 */
function leastSquares(
  x: readonly number[][],
  y: readonly number[],
  w: readonly number[] | null,
  leverage = false,
): { beta: number[]; leverage: number[] } {
  const root = (i: number) => (w ? Math.sqrt(w[i] as number) : 1);
  const regression = new MultivariateLinearRegression(
    x.map((row, i) => row.map((v) => v * root(i))),
    y.map((v, i) => [v * root(i)]),
    { intercept: false, statistics: leverage },
  );
  const beta = regression.weights.map((b) => b[0] ?? 0);
  if (!leverage || !(regression.stdError > 0)) return { beta, leverage: x.map(() => 0) };
  const inv = regression.stdErrorMatrix.to2DArray().map((r) => r.map((v) => v / regression.stdError ** 2));
  return {
    beta,
    leverage: x.map((row) =>
      dot(
        row,
        inv.map((r) => dot(r, row)),
      ),
    ),
  };
}

/** Least absolute deviations (the conditional median) by iteratively reweighted least squares. */
function medianRegression(
  x: readonly number[][],
  y: readonly number[],
): { beta: number[]; leverage: number[] } {
  const first = leastSquares(x, y, null, true);
  let beta = first.beta;
  for (let step = 0; step < IRLS_STEPS; step++) {
    const w = x.map((row, i) => 1 / Math.max(IRLS_FLOOR, Math.abs((y[i] as number) - dot(row, beta))));
    const next = leastSquares(x, y, w).beta;
    const change = Math.max(...next.map((b, j) => Math.abs(b - (beta[j] ?? 0))));
    if (!next.every(Number.isFinite)) break;
    beta = next;
    if (change < IRLS_TOLERANCE) break;
  }
  return { beta, leverage: first.leverage };
}

/** Columns that vary (a constant one says nothing and makes X'X singular). */
const varying = (x: readonly number[][], columns: readonly number[]): number[] =>
  columns.filter((j) => x.some((row) => Math.abs((row[j] ?? 0) - (x[0]?.[j] ?? 0)) > 1e-12));

function spreadOf(residuals: readonly number[]): { q50: number; q80: number; sigma: number } {
  const sorted = sortedCopy(residuals);
  const n = sorted.length;
  const mean = sorted.reduce((s, r) => s + r, 0) / n;
  const sd = Math.sqrt(sorted.reduce((s, r) => s + (r - mean) ** 2, 0) / Math.max(1, n - 1));
  return { q50: quantileSorted(sorted, 0.5), q80: quantileSorted(sorted, 0.8), sigma: sd };
}

/** The model on one clock, and the mean absolute error of its leave-one-out medians in wall-clock hours. */
function fitOn(
  usable: readonly ForecastTrainingRow[],
  clock: ForecastClock,
  trainedAt: number,
): { model: ForecastModel; mae: number } {
  const n = usable.length;
  const windows = usable.map((r) => clockWindows(clock, r.facts));
  const clocked = usable.map((r, i) => clockHours(windows[i] as number[], r.hours));
  const y = clocked.map(forecastTarget);
  const tenantMedian = n > 0 ? round(median(clocked), 4) : null;
  const tenantLog = forecastTarget(tenantMedian ?? 0);
  const model: ForecastModel = {
    version: FORECAST_VERSION,
    clock,
    features: [...FORECAST_FEATURES],
    coef: [],
    intercept: 0,
    residualQuantiles: { q50: 0, q80: round(Z80 * COLD_START_SIGMA) },
    sigma: COLD_START_SIGMA,
    repoMedians: encode(usable, y, (f) => f.repo, tenantLog),
    authorMedians: encode(usable, y, (f) => f.author, tenantLog),
    reviewerMedians: encode(usable, y, (f) => f.reviewer ?? "", tenantLog),
    tenantMedian,
    trainedOn: n,
    trainedAt,
  };
  const mae = (centres: readonly number[]): number =>
    usable.reduce(
      (s, r, i) =>
        s + Math.abs(wallHours(windows[i] as number[], fromForecastTarget(centres[i] as number)) - r.hours),
      0,
    ) / Math.max(1, n);
  const repoLog = usable.map((r) => forecastTarget(model.repoMedians[r.facts.repo.toLowerCase()] ?? 0));
  if (n < MIN_TRAINING_ROWS) {
    if (n >= 5) {
      // The spread around the cold-start forecast (the repository's median).
      model.sigma = round(Math.max(0.1, spreadOf(y.map((v, i) => v - (repoLog[i] as number))).sigma));
      model.residualQuantiles = { q50: 0, q80: round(Z80 * model.sigma) };
    }
    return { model, mae: mae(repoLog) };
  }
  const x = usable.map((r, i) => featureVector(model, r.facts, windows[i]));
  const kept = varying(x, [...FORECAST_FEATURES.keys()]);
  const design = x.map((row) => [...kept.map((j) => row[j] as number), 1]);
  const fit = medianRegression(design, y);
  if (!fit.beta.every(Number.isFinite)) return { model, mae: mae(repoLog) };
  const coef = new Array<number>(FORECAST_FEATURES.length).fill(0);
  kept.forEach((j, i) => {
    coef[j] = round(fit.beta[i] ?? 0);
  });
  const intercept = round(fit.beta[kept.length] ?? 0);
  // Leave-one-out residuals (each row's residual had it not been fitted on): honest spreads.
  const loo = x.map(
    (row, i) =>
      ((y[i] as number) - dot(row, coef) - intercept) / Math.max(0.05, 1 - (fit.leverage[i] as number)),
  );
  const s = spreadOf(loo);
  // The spread: |residual| regressed on the request's own facts.
  const spreadCols = varying(x, [...Array(SPREAD_FEATURES).keys()]);
  const spreadDesign = x.map((row) => [...spreadCols.map((j) => row[j] as number), 1]);
  const g = leastSquares(
    spreadDesign,
    loo.map((r) => Math.abs(r - s.q50)),
    null,
  ).beta;
  const spreadCoef = new Array<number>(SPREAD_FEATURES).fill(0);
  spreadCols.forEach((j, i) => {
    spreadCoef[j] = round(g[i] ?? 0);
  });
  const spreadIntercept = round(g[spreadCols.length] ?? 0);
  const z = x.map(
    (row, i) =>
      ((loo[i] as number) - s.q50) /
      Math.max(MIN_SIGMA, spreadIntercept + dot(row.slice(0, SPREAD_FEATURES), spreadCoef)),
  );
  const fitted: ForecastModel = {
    ...model,
    coef,
    intercept,
    residualQuantiles: { q50: round(s.q50), q80: round(s.q80) },
    sigma: round(Math.max(MIN_SIGMA, s.sigma)),
    spread: { coef: spreadCoef, intercept: spreadIntercept, q80: round(quantileSorted(sortedCopy(z), 0.8)) },
  };
  return { model: fitted, mae: mae(y.map((v, i) => v - (loo[i] as number) + s.q50)) };
}

/** Fits a tenant's forecast model from its history (any order; rows with a non-finite outcome are skipped). */
export function fitForecast(rows: readonly ForecastTrainingRow[], trainedAt: number): ForecastModel {
  const usable = rows.filter((r) => Number.isFinite(r.hours) && r.hours >= 0);
  const clocks: ForecastClock[] = ["reviewer"];
  const authorKnown = (r: ForecastTrainingRow) => clockWindows("author", r.facts) === r.facts.authorWindows;
  if (usable.length > 0 && usable.every(authorKnown)) clocks.push("author");
  let best: { model: ForecastModel; mae: number } | null = null;
  for (const clock of clocks) {
    const candidate = fitOn(usable, clock, trainedAt);
    if (!best || candidate.mae < best.mae) best = candidate;
  }
  return (best as { model: ForecastModel }).model;
}
