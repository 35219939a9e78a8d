/**
 * Fitting the forecast of src/domain/forecast.ts from a tenant's history: ordinary least squares on
 * log(hours + ε) with ml-regression-multivariate-linear (docs/adr/0011-forecast-model.md), the
 * repository and author medians as target encodings shrunk toward the tenant's median, and the
 * quantiles and spread of the training residuals. A few hundred rows fit in a few milliseconds.
 */
import MultivariateLinearRegression from "ml-regression-multivariate-linear";
import { quantileSorted } from "simple-statistics";
import {
  COLD_START_SIGMA,
  FORECAST_FEATURES,
  FORECAST_VERSION,
  type ForecastModel,
  featureVector,
  forecastTarget,
  MIN_TRAINING_ROWS,
  type ReviewRequestFacts,
  SHRINKAGE_ROWS,
} from "./forecast";

/** One past request and its outcome: wall-clock hours from the request to the first review. */
export interface ForecastTrainingRow {
  facts: ReviewRequestFacts;
  hours: number;
}

const Z80 = 0.8416212335729143;

const median = (values: readonly number[]): number =>
  quantileSorted(
    [...values].sort((a, b) => a - b),
    0.5,
  );

/** Median target per key, shrunk toward the tenant's median (log space), as hours. */
function encode(
  rows: readonly ForecastTrainingRow[],
  key: (f: ReviewRequestFacts) => string,
  tenantLog: number,
): Record<string, number> {
  const groups = new Map<string, number[]>();
  for (const row of rows) {
    const k = key(row.facts).toLowerCase();
    const list = groups.get(k) ?? [];
    list.push(forecastTarget(row.hours));
    groups.set(k, list);
  }
  const out: Record<string, number> = {};
  for (const k of [...groups.keys()].sort()) {
    const ys = groups.get(k) as number[];
    const n = ys.length;
    const shrunk = (n * median(ys) + SHRINKAGE_ROWS * tenantLog) / (n + SHRINKAGE_ROWS);
    out[k] = round(fromLogTarget(shrunk), 4);
  }
  return out;
}

const fromLogTarget = (y: number): number => Math.max(0, Math.exp(y) - Math.exp(forecastTarget(0)));
const round = (x: number, digits = 6): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

function spread(residuals: readonly number[]): { q50: number; q80: number; sigma: number } {
  const sorted = [...residuals].sort((a, b) => a - b);
  const n = sorted.length;
  const mean = sorted.reduce((s, r) => s + r, 0) / n;
  const sd = Math.sqrt(sorted.reduce((s, r) => s + (r - mean) ** 2, 0) / Math.max(1, n - 1));
  return { q50: quantileSorted(sorted, 0.5), q80: quantileSorted(sorted, 0.8), sigma: sd };
}

/** Fits a tenant's forecast model from its history (any order; rows with a non-finite outcome are skipped). */
export function fitForecast(rows: readonly ForecastTrainingRow[], trainedAt: number): ForecastModel {
  const usable = rows.filter((r) => Number.isFinite(r.hours) && r.hours >= 0);
  const n = usable.length;
  const tenantMedian = n > 0 ? round(median(usable.map((r) => r.hours)), 4) : null;
  const tenantLog = forecastTarget(tenantMedian ?? 0);
  const model: ForecastModel = {
    version: FORECAST_VERSION,
    features: [...FORECAST_FEATURES],
    coef: [],
    intercept: 0,
    residualQuantiles: { q50: 0, q80: round(Z80 * COLD_START_SIGMA) },
    sigma: COLD_START_SIGMA,
    repoMedians: n > 0 ? encode(usable, (f) => f.repo, tenantLog) : {},
    authorMedians: n > 0 ? encode(usable, (f) => f.author, tenantLog) : {},
    tenantMedian,
    trainedOn: n,
    trainedAt,
  };
  const y = usable.map((r) => forecastTarget(r.hours));
  if (n < MIN_TRAINING_ROWS) {
    if (n >= 5) {
      // The spread around the cold-start forecast (the repository's median).
      const s = spread(
        usable.map(
          (r, i) => (y[i] as number) - forecastTarget(model.repoMedians[r.facts.repo.toLowerCase()] ?? 0),
        ),
      );
      model.sigma = round(Math.max(0.1, s.sigma));
      model.residualQuantiles = { q50: 0, q80: round(Z80 * model.sigma) };
    }
    return model;
  }
  const x = usable.map((r) => featureVector(model, r.facts));
  // A constant column (one repository, no urgent label) says nothing and makes X'X singular: left out.
  const width = FORECAST_FEATURES.length;
  const kept = [...Array(width).keys()].filter((j) => {
    const first = x[0]?.[j] ?? 0;
    return x.some((row) => Math.abs((row[j] ?? 0) - first) > 1e-12);
  });
  const xs = x.map((row) => kept.map((j) => row[j] as number));
  const regression = new MultivariateLinearRegression(
    xs,
    y.map((v) => [v]),
    { intercept: true, statistics: false },
  );
  const weights = regression.weights.map((w) => w[0] ?? 0);
  const coef = new Array<number>(width).fill(0);
  kept.forEach((j, i) => {
    coef[j] = weights[i] ?? 0;
  });
  const intercept = weights[kept.length] ?? 0;
  if (!coef.every(Number.isFinite) || !Number.isFinite(intercept)) return model;
  const residuals = x.map(
    (row, i) => (y[i] as number) - row.reduce((s, v, j) => s + v * (coef[j] ?? 0), intercept),
  );
  const s = spread(residuals);
  return {
    ...model,
    coef: coef.map((c) => round(c)),
    intercept: round(intercept),
    residualQuantiles: { q50: round(s.q50), q80: round(s.q80) },
    sigma: round(Math.max(0.05, s.sigma)),
  };
}
