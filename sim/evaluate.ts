/**
 * `npm run evaluate -- [--scenario <name|file.json>] [--seed N] [--weeks N] [--json]`: an honest
 * evaluation of the time-to-first-review forecast (docs/predictions.md). It runs the scenario with
 * the `foreman` strategy, takes the review requests of the run in order of time, fits the forecast on
 * the first 70 % and measures it on the last 30 % against the baseline "repository median". The same
 * scenario and seed give the same bytes. Exit codes as `npm run simulate`: 0, 2 bad input, 1 failure.
 */

import { type ForecastModel, predict } from "../src/domain/forecast";
import { fitForecast } from "../src/domain/forecast-fit";
import { type Io, loadScenario, UsageError } from "./cli";
import { Simulation } from "./engine";
import { auc, type HistoryRow, historyOf, pinball } from "./forecast-data";
import { ScenarioError } from "./scenario";
import { strategyFor } from "./simulate";
import { peopleOf, startMs } from "./team";
import { traceOf } from "./trace";

const USAGE = "usage: npm run evaluate -- [--scenario <name|file.json>] [--seed N] [--weeks N] [--json]";
export const TRAIN_SHARE = 0.7;

export interface EvaluationReport {
  scenario: string;
  seed: number;
  weeks: number;
  strategy: "foreman";
  target: "wall-clock hours from ready for review to the first review";
  prs: number;
  /** PRs never reviewed by the end of the run: no outcome to learn or test on (left out). */
  unreviewed: number;
  train: number;
  test: number;
  testBreaches: number;
  metrics: {
    mae: number;
    baselineMae: number;
    maeImprovementPct: number;
    pinball80: number;
    baselinePinball80: number;
    coverage80: number;
    breachAuc: number | null;
  };
  /** Each goal of issue 15 met or not; auc075 null when the test part has no breach (or nothing else). */
  goals: { maeImprovement20: boolean; coverage75to85: boolean; auc075: boolean | null };
  model: Pick<
    ForecastModel,
    "features" | "coef" | "intercept" | "residualQuantiles" | "sigma" | "tenantMedian"
  >;
}

interface Options {
  scenario: string;
  seed: number | null;
  weeks: number | null;
  json: boolean;
}

export function parseEvaluateArgs(argv: readonly string[]): Options {
  const options: Options = { scenario: "default", seed: null, weeks: null, json: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      const v = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (v === undefined || v === "") throw new UsageError(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    const integer = (max: number): number => {
      const v = value();
      if (!/^\d+$/.test(v) || Number(v) > max || (flag === "--weeks" && Number(v) < 1))
        throw new UsageError(`${flag} must be a whole number up to ${max}, got "${v}"`);
      return Number(v);
    };
    if (flag === "--scenario") options.scenario = value();
    else if (flag === "--seed") options.seed = integer(2 ** 31 - 1);
    else if (flag === "--weeks") options.weeks = integer(104);
    else if (flag === "--json") options.json = true;
    else
      throw new UsageError(
        flag === "--help" || flag === "-h" ? USAGE : `unknown argument "${arg}"\n${USAGE}`,
      );
  }
  return options;
}

const round = (x: number, digits = 4): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};
const mean = (xs: readonly number[]): number => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 0);

function quantile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  const at = (sorted.length - 1) * p;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (at - lo);
}

/** The baseline: each repository's median (and 80 % quantile) of the training rows, else the tenant's. */
function baselineOf(train: readonly { row: HistoryRow; hours: number }[]) {
  const byRepo = new Map<string, number[]>();
  for (const { row, hours } of train) {
    const key = row.facts.repo.toLowerCase();
    byRepo.set(key, [...(byRepo.get(key) ?? []), hours]);
  }
  const all = train.map((t) => t.hours);
  return (repo: string, p: number): number => quantile(byRepo.get(repo.toLowerCase()) ?? all, p);
}

export function evaluateHistory(
  rows: readonly HistoryRow[],
): Omit<EvaluationReport, "scenario" | "seed" | "weeks" | "strategy" | "target" | "prs" | "unreviewed"> {
  const known = rows.flatMap((row) => (row.hours === null ? [] : [{ row, hours: row.hours }]));
  const cut = Math.floor(known.length * TRAIN_SHARE);
  const train = known.slice(0, cut);
  const test = known.slice(cut);
  const last = train[train.length - 1];
  const model = fitForecast(
    train.map((t) => ({ facts: t.row.facts, hours: t.hours })),
    last ? last.row.requestedAtMs : 0,
  );
  const baseline = baselineOf(train);
  const forecasts = test.map((t) => predict(model, t.row.facts));
  const err = test.map((t, i) => Math.abs((forecasts[i]?.medianH ?? 0) - t.hours));
  const baseErr = test.map((t) => Math.abs(baseline(t.row.facts.repo, 0.5) - t.hours));
  const mae = mean(err);
  const baselineMae = mean(baseErr);
  const breachAuc = auc(
    test.map((t, i) => forecasts[i]?.breachProbability(t.row.slaWallH) ?? 0),
    test.map((t) => t.row.breached),
  );
  const coverage80 = mean(test.map((t, i) => (t.hours <= (forecasts[i]?.p80H ?? 0) ? 1 : 0)));
  const improvement = baselineMae > 0 ? ((baselineMae - mae) / baselineMae) * 100 : 0;
  return {
    train: train.length,
    test: test.length,
    testBreaches: test.filter((t) => t.row.breached).length,
    metrics: {
      mae: round(mae, 3),
      baselineMae: round(baselineMae, 3),
      maeImprovementPct: round(improvement, 1),
      pinball80: round(mean(test.map((t, i) => pinball(t.hours, forecasts[i]?.p80H ?? 0, 0.8))), 3),
      baselinePinball80: round(
        mean(test.map((t) => pinball(t.hours, baseline(t.row.facts.repo, 0.8), 0.8))),
        3,
      ),
      coverage80: round(coverage80, 3),
      breachAuc: breachAuc === null ? null : round(breachAuc, 3),
    },
    goals: {
      maeImprovement20: improvement >= 20,
      coverage75to85: coverage80 >= 0.75 && coverage80 <= 0.85,
      auc075: breachAuc === null ? null : breachAuc >= 0.75,
    },
    model: {
      features: model.features,
      coef: model.coef,
      intercept: model.intercept,
      residualQuantiles: model.residualQuantiles,
      sigma: model.sigma,
      tenantMedian: model.tenantMedian,
    },
  };
}

function text(r: EvaluationReport): string {
  const m = r.metrics;
  const yes = (ok: boolean | null) =>
    ok === null ? "not measurable (no breach to rank)" : ok ? "met" : "NOT met";
  const lines = [
    `${r.scenario} (seed ${r.seed}, ${r.weeks} weeks, strategy ${r.strategy}): ${r.prs} PRs, ${r.unreviewed} never reviewed`,
    `trained on ${r.train}, tested on ${r.test} (${r.testBreaches} SLA breaches); target: ${r.target}`,
    "",
    `MAE                 ${m.mae} h   baseline (repository median) ${m.baselineMae} h   ${m.maeImprovementPct} % better   goal ≥ 20 %: ${yes(r.goals.maeImprovement20)}`,
    `pinball loss @0.8   ${m.pinball80} h   baseline (repository P80) ${m.baselinePinball80} h`,
    `P80 coverage        ${(m.coverage80 * 100).toFixed(1)} %   goal 75–85 %: ${yes(r.goals.coverage75to85)}`,
    `breach-risk AUC     ${m.breachAuc ?? "n/a"}   goal ≥ 0.75: ${yes(r.goals.auc075)}`,
    "",
    "coefficients (log hours):",
    ...r.model.features.map((f, i) => `  ${f.padEnd(21)} ${r.model.coef[i] ?? 0}`),
    `  ${"intercept".padEnd(21)} ${r.model.intercept}`,
    "",
  ];
  return lines.join("\n");
}

export function main(argv: readonly string[], io: Io): number {
  try {
    const options = parseEvaluateArgs(argv);
    const scenario = loadScenario(options, io);
    const people = peopleOf(scenario);
    const trace = traceOf(scenario, people);
    const sim = new Simulation(scenario, people, trace, startMs(scenario));
    const result = sim.run(strategyFor("foreman", sim, () => io.openSql()));
    const rows = historyOf(scenario, people, result);
    const report: EvaluationReport = {
      scenario: scenario.name,
      seed: scenario.seed,
      weeks: scenario.weeks,
      strategy: "foreman",
      target: "wall-clock hours from ready for review to the first review",
      prs: trace.length,
      unreviewed: result.prs.filter((pr) => pr.firstReviewAtMs === null).length,
      ...evaluateHistory(rows),
    };
    io.stdout(options.json ? `${JSON.stringify(report)}\n` : text(report));
    return 0;
  } catch (err) {
    if (err instanceof UsageError || err instanceof ScenarioError) {
      io.stderr(`${err.message}\n`);
      return 2;
    }
    io.stderr(`evaluation failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}
