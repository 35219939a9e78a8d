/**
 * `npm run evaluate -- [--scenario <name|file.json>] [--seed N | --seeds 1-10] [--weeks N] [--json]`:
 * an honest evaluation of the forecasts (docs/predictions.md) — time to first review, and time to
 * merge with the same fitting code. It runs the scenario with the `foreman` strategy, takes the review
 * requests of the run in order of time, fits each forecast on the first 70 % and measures it on the
 * last 30 % against the baseline "repository median". With `--seeds`, one run per seed and the
 * medians over them. The same scenario and seeds give the same bytes. Exit codes as `npm run
 * simulate`: 0, 2 bad input, 1 failure.
 */

import { type ForecastModel, predict } from "../src/domain/forecast";
import { fitForecast } from "../src/domain/forecast-fit";
import { type Io, loadScenario, parseSeeds, UsageError } from "./cli";
import { Simulation } from "./engine";
import { auc, type HistoryRow, historyOf, mean, pinball, quantile, round } from "./forecast-data";
import { ScenarioError } from "./scenario";
import { strategyFor } from "./simulate";
import { peopleOf, startMs } from "./team";
import { traceOf } from "./trace";

const USAGE =
  "usage: npm run evaluate -- [--scenario <name|file.json>] [--seed N | --seeds A-B|A,B,…] [--weeks N] [--json]";
export const TRAIN_SHARE = 0.7;

type ModelSummary = Pick<
  ForecastModel,
  "clock" | "features" | "coef" | "intercept" | "residualQuantiles" | "sigma" | "spread" | "tenantMedian"
>;

export interface TargetMetrics {
  mae: number;
  baselineMae: number;
  maeImprovementPct: number;
  pinball80: number;
  baselinePinball80: number;
  coverage80: number;
}

interface TargetReport {
  train: number;
  test: number;
  metrics: TargetMetrics;
  goals: { maeImprovement20: boolean; coverage75to85: boolean };
  model: ModelSummary;
}

export interface EvaluationReport {
  scenario: string;
  seed: number;
  weeks: number;
  strategy: "foreman";
  target: "wall-clock hours from the first review request to the first review";
  prs: number;
  /** PRs never reviewed by the end of the run: no outcome to learn or test on (left out). */
  unreviewed: number;
  train: number;
  test: number;
  testBreaches: number;
  metrics: TargetMetrics & { breachAuc: number | null };
  /** Each goal of issue 15 met or not; auc075 null when the test part has no breach (or nothing else). */
  goals: { maeImprovement20: boolean; coverage75to85: boolean; auc075: boolean | null };
  model: ModelSummary;
  /** Time to merge: the same fitting on the hours from the first review request to the merge. */
  merge: TargetReport & {
    target: "wall-clock hours from the first review request to the merge";
    /** PRs requested but never merged by the end of the run (left out). */
    unmerged: number;
  };
}

interface Options {
  scenario: string;
  seed: number | null;
  seeds: number[] | null;
  weeks: number | null;
  json: boolean;
}

export function parseEvaluateArgs(argv: readonly string[]): Options {
  const options: Options = { scenario: "default", seed: null, seeds: null, weeks: null, json: false };
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
    else if (flag === "--seeds") options.seeds = parseSeeds(value());
    else if (flag === "--weeks") options.weeks = integer(104);
    else if (flag === "--json") options.json = true;
    else
      throw new UsageError(
        flag === "--help" || flag === "-h" ? USAGE : `unknown argument "${arg}"\n${USAGE}`,
      );
  }
  if (options.seed !== null && options.seeds !== null)
    throw new UsageError(`--seed and --seeds do not go together\n${USAGE}`);
  return options;
}

interface Known {
  row: HistoryRow;
  hours: number;
}

/** The baseline: each repository's median (and 80 % quantile) of the training rows, else the tenant's. */
function baselineOf(train: readonly Known[]) {
  const byRepo = new Map<string, number[]>();
  for (const { row, hours } of train) {
    const key = row.facts.repo.toLowerCase();
    byRepo.set(key, [...(byRepo.get(key) ?? []), hours]);
  }
  const all = train.map((t) => t.hours);
  return (repo: string, p: number): number => quantile(byRepo.get(repo.toLowerCase()) ?? all, p);
}

/** Fits on the first 70 % of the rows with an outcome and measures the last 30 %. */
function evaluateTarget(rows: readonly HistoryRow[], outcome: (row: HistoryRow) => number | null) {
  const known = rows.flatMap((row) => {
    const hours = outcome(row);
    return hours === null ? [] : [{ row, hours }];
  });
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
  const mae = mean(test.map((t, i) => Math.abs((forecasts[i]?.medianH ?? 0) - t.hours)));
  const baselineMae = mean(test.map((t) => Math.abs(baseline(t.row.facts.repo, 0.5) - t.hours)));
  const coverage80 = mean(test.map((t, i) => (t.hours <= (forecasts[i]?.p80H ?? 0) ? 1 : 0)));
  const improvement = baselineMae > 0 ? ((baselineMae - mae) / baselineMae) * 100 : 0;
  const report: TargetReport = {
    train: train.length,
    test: test.length,
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
    },
    goals: { maeImprovement20: improvement >= 20, coverage75to85: coverage80 >= 0.75 && coverage80 <= 0.85 },
    model: {
      ...(model.clock ? { clock: model.clock } : {}),
      features: model.features,
      coef: model.coef,
      intercept: model.intercept,
      residualQuantiles: model.residualQuantiles,
      sigma: model.sigma,
      ...(model.spread ? { spread: model.spread } : {}),
      tenantMedian: model.tenantMedian,
    },
  };
  return { report, test, forecasts };
}

export function evaluateHistory(
  rows: readonly HistoryRow[],
): Omit<EvaluationReport, "scenario" | "seed" | "weeks" | "strategy" | "target" | "prs" | "unreviewed"> {
  const review = evaluateTarget(rows, (r) => r.hours);
  const merge = evaluateTarget(rows, (r) => r.mergeHours);
  const { test, forecasts } = review;
  const breachAuc = auc(
    test.map((t, i) => forecasts[i]?.breachProbability(t.row.slaWallH) ?? 0),
    test.map((t) => t.row.breached),
  );
  const r = review.report;
  return {
    train: r.train,
    test: r.test,
    testBreaches: test.filter((t) => t.row.breached).length,
    metrics: { ...r.metrics, breachAuc: breachAuc === null ? null : round(breachAuc, 3) },
    goals: { ...r.goals, auc075: breachAuc === null ? null : breachAuc >= 0.75 },
    model: r.model,
    merge: {
      target: "wall-clock hours from the first review request to the merge",
      unmerged: rows.filter((row) => row.mergeHours === null).length,
      ...merge.report,
    },
  };
}

const yes = (ok: boolean | null) =>
  ok === null ? "not measurable (no breach to rank)" : ok ? "met" : "NOT met";
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

function text(r: EvaluationReport): string {
  const m = r.metrics;
  const g = r.merge.metrics;
  const coefs = (model: ModelSummary) => [
    ...model.features.map((f, i) => `  ${f.padEnd(21)} ${model.coef[i] ?? 0}`),
    `  ${"intercept".padEnd(21)} ${model.intercept}`,
  ];
  const lines = [
    `${r.scenario} (seed ${r.seed}, ${r.weeks} weeks, strategy ${r.strategy}): ${r.prs} PRs, ${r.unreviewed} never reviewed`,
    `trained on ${r.train}, tested on ${r.test} (${r.testBreaches} SLA breaches); target: ${r.target}`,
    "",
    `MAE                 ${m.mae} h   baseline (repository median) ${m.baselineMae} h   ${m.maeImprovementPct} % better   goal ≥ 20 %: ${yes(r.goals.maeImprovement20)}`,
    `pinball loss @0.8   ${m.pinball80} h   baseline (repository P80) ${m.baselinePinball80} h`,
    `P80 coverage        ${pct(m.coverage80)}   goal 75–85 %: ${yes(r.goals.coverage75to85)}`,
    `breach-risk AUC     ${m.breachAuc ?? "n/a"}   goal ≥ 0.75: ${yes(r.goals.auc075)}`,
    "",
    `coefficients (log hours on the ${r.model.clock ?? "wall"} clock):`,
    ...coefs(r.model),
    "",
    `time to merge: trained on ${r.merge.train}, tested on ${r.merge.test} (${r.merge.unmerged} never merged); target: ${r.merge.target}`,
    `MAE                 ${g.mae} h   baseline ${g.baselineMae} h   ${g.maeImprovementPct} % better   goal ≥ 20 %: ${yes(r.merge.goals.maeImprovement20)}`,
    `pinball loss @0.8   ${g.pinball80} h   baseline ${g.baselinePinball80} h`,
    `P80 coverage        ${pct(g.coverage80)}   goal 75–85 %: ${yes(r.merge.goals.coverage75to85)}`,
    `coefficients (log hours on the ${r.merge.model.clock ?? "wall"} clock):`,
    ...coefs(r.merge.model),
    "",
  ];
  return lines.join("\n");
}

/** One seed's run, evaluated. */
function runOnce(options: Options, seed: number | null, io: Io): EvaluationReport {
  const scenario = loadScenario({ scenario: options.scenario, seed, weeks: options.weeks }, io);
  const people = peopleOf(scenario);
  const trace = traceOf(scenario, people);
  const sim = new Simulation(scenario, people, trace, startMs(scenario));
  const result = sim.run(strategyFor("foreman", sim, () => io.openSql()));
  const rows = historyOf(scenario, people, result);
  return {
    scenario: scenario.name,
    seed: scenario.seed,
    weeks: scenario.weeks,
    strategy: "foreman",
    target: "wall-clock hours from the first review request to the first review",
    prs: trace.length,
    unreviewed: result.prs.filter((pr) => pr.firstReviewAtMs === null).length,
    ...evaluateHistory(rows),
  };
}

const medianOf = (xs: readonly number[]): number | null => (xs.length ? round(quantile(xs, 0.5), 3) : null);

/** Per-seed rows and the medians over the seeds (AUC over the seeds where it is measurable). */
export function summarise(reports: readonly EvaluationReport[]) {
  const pick = <T>(f: (r: EvaluationReport) => T) => reports.map(f);
  const keys: (keyof TargetMetrics)[] = [
    "mae",
    "baselineMae",
    "maeImprovementPct",
    "pinball80",
    "baselinePinball80",
    "coverage80",
  ];
  const metricMedians = (all: readonly TargetMetrics[]) =>
    Object.fromEntries(keys.map((k) => [k, medianOf(all.map((m) => m[k]))])) as Record<
      keyof TargetMetrics,
      number | null
    >;
  const aucs = pick((r) => r.metrics.breachAuc).filter((a): a is number => a !== null);
  const count = (f: (r: EvaluationReport) => boolean | null) => reports.filter((r) => f(r) === true).length;
  return {
    scenario: reports[0]?.scenario ?? "",
    weeks: reports[0]?.weeks ?? 0,
    strategy: "foreman" as const,
    seeds: pick((r) => r.seed),
    runs: pick((r) => ({
      seed: r.seed,
      train: r.train,
      test: r.test,
      testBreaches: r.testBreaches,
      metrics: r.metrics,
      merge: { train: r.merge.train, test: r.merge.test, metrics: r.merge.metrics },
    })),
    median: {
      metrics: { ...metricMedians(pick((r) => r.metrics)), breachAuc: medianOf(aucs) },
      aucMeasuredOn: aucs.length,
      merge: { metrics: metricMedians(pick((r) => r.merge.metrics)) },
    },
    goalsMet: {
      maeImprovement20: count((r) => r.goals.maeImprovement20),
      coverage75to85: count((r) => r.goals.coverage75to85),
      auc075: count((r) => r.goals.auc075),
      mergeMaeImprovement20: count((r) => r.merge.goals.maeImprovement20),
      mergeCoverage75to85: count((r) => r.merge.goals.coverage75to85),
    },
  };
}

function seedsText(s: ReturnType<typeof summarise>): string {
  const row = (cells: (string | number | null)[]) => `| ${cells.map((c) => c ?? "n/a").join(" | ")} |`;
  const n = s.runs.length;
  const m = s.median.metrics;
  const g = s.median.merge.metrics;
  return [
    `${s.scenario} (${s.weeks} weeks, strategy ${s.strategy}), seeds ${s.seeds.join(", ")}`,
    "",
    row([
      "seed",
      "train / test",
      "MAE model / baseline h",
      "better %",
      "P80 coverage",
      "breaches",
      "AUC",
      "merge MAE model / baseline h",
      "merge better %",
      "merge P80 coverage",
    ]),
    row(Array(10).fill("---")),
    ...s.runs.map((r) =>
      row([
        r.seed,
        `${r.train} / ${r.test}`,
        `${r.metrics.mae} / ${r.metrics.baselineMae}`,
        r.metrics.maeImprovementPct,
        pct(r.metrics.coverage80),
        r.testBreaches,
        r.metrics.breachAuc,
        `${r.merge.metrics.mae} / ${r.merge.metrics.baselineMae}`,
        r.merge.metrics.maeImprovementPct,
        pct(r.merge.metrics.coverage80),
      ]),
    ),
    row([
      "median",
      "",
      `${m.mae} / ${m.baselineMae}`,
      m.maeImprovementPct,
      pct(m.coverage80 ?? 0),
      "",
      m.breachAuc,
      `${g.mae} / ${g.baselineMae}`,
      g.maeImprovementPct,
      pct(g.coverage80 ?? 0),
    ]),
    "",
    `goals met on ${n} seeds: MAE ≥ 20 % better ${s.goalsMet.maeImprovement20}, P80 coverage 75–85 % ${s.goalsMet.coverage75to85}, AUC ≥ 0.75 ${s.goalsMet.auc075} of ${s.median.aucMeasuredOn} measurable; merge: MAE ≥ 20 % better ${s.goalsMet.mergeMaeImprovement20}, P80 coverage 75–85 % ${s.goalsMet.mergeCoverage75to85}`,
    "",
  ].join("\n");
}

export function main(argv: readonly string[], io: Io): number {
  try {
    const options = parseEvaluateArgs(argv);
    if (options.seeds === null) {
      const report = runOnce(options, options.seed, io);
      io.stdout(options.json ? `${JSON.stringify(report)}\n` : text(report));
      return 0;
    }
    const summary = summarise(options.seeds.map((seed) => runOnce(options, seed, io)));
    io.stdout(options.json ? `${JSON.stringify(summary)}\n` : seedsText(summary));
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
