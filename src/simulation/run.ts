/**
 * A simulation from a request (`POST /api/simulate`): a built-in scenario through the strategies asked
 * for, each Foreman strategy once per review policy given (the tenant's stored policies), every run in
 * its own SimulationRunner object (runner.ts) and all at once. The report is the one `npm run simulate
 * --json` prints, plus what the Simulate page charts: per strategy, the time to first review at each
 * 5th percentile, the review requests per person and how many person-days had how many messages.
 */
import { quantileSorted } from "simple-statistics";
import type { StrategyDetail, StrategyMetrics } from "../../sim/metrics";
import {
  FOREMAN_STRATEGIES,
  fileRulesNote,
  type PolicyInput,
  type PolicyRun,
  type SimulationReport,
  type StrategyName,
} from "../../sim/simulate";
import type { Env } from "../env";
import { remote } from "../platform/rpc";
import type { RunOutput, SimulationRunner } from "./runner";
import { scenarioFor } from "./scenarios";

export { STRATEGIES } from "../../sim/simulate";

export interface SimulationRequest {
  scenario: string;
  seed?: number;
  weeks?: number;
  strategies: readonly StrategyName[];
  /** Stored policies, resolved by the caller; each Foreman strategy runs once per policy. */
  policies: readonly PolicyInput[];
}

/** What the page charts for one strategy run. */
export interface StrategyCharts {
  /** Hours to first review at p = 5, 10, … 100 % of the PRs reviewed (null: fewer reviewed). */
  ttfrByPercentile: { p: number; hours: number | null }[];
  /** PRs never reviewed within the run. */
  neverReviewed: number;
  /** Review requests per person, most first. */
  requestsByPerson: { login: string; requests: number }[];
  /** Person-days (each working day, and any other day with a message) with 0, 1, … 9 and 10+ messages. */
  messagesPerDay: { messages: string; days: number }[];
}

export interface SimulationResult extends SimulationReport {
  charts: Record<string, StrategyCharts>;
}

const PERCENTILES = Array.from({ length: 20 }, (_, i) => (i + 1) * 5);
const round = (x: number) => Math.round(x * 100) / 100;

function chartsOf(detail: StrategyDetail): StrategyCharts {
  const reviewed = detail.ttfrHours.filter(Number.isFinite);
  const all = detail.ttfrHours.length;
  const ttfrByPercentile = PERCENTILES.map((p) => {
    // The p-th percentile of all PRs, where a never-reviewed PR counts as the slowest.
    const rank = (p / 100) * all;
    const hours =
      all > 0 && rank <= reviewed.length ? quantileSorted(reviewed, rank / reviewed.length) : null;
    return { p, hours: hours === null || !Number.isFinite(hours) ? null : round(hours) };
  });
  const buckets = Array.from({ length: 11 }, () => 0);
  for (const n of detail.perPersonDay) buckets[Math.min(10, n)] = (buckets[Math.min(10, n)] ?? 0) + 1;
  return {
    ttfrByPercentile,
    neverReviewed: all - reviewed.length,
    requestsByPerson: [...detail.requestsByPerson].sort((a, b) => b.requests - a.requests),
    messagesPerDay: buckets.map((days, i) => ({ messages: i === 10 ? "10+" : String(i), days })),
  };
}

function runsOf(request: SimulationRequest): { strategy: StrategyName; policy?: PolicyInput }[] {
  return request.strategies.flatMap((strategy) =>
    request.policies.length > 0 && FOREMAN_STRATEGIES.includes(strategy)
      ? request.policies.map((policy) => ({ strategy, policy }))
      : [{ strategy }],
  );
}

export async function runSimulation(env: Env, request: SimulationRequest): Promise<SimulationResult> {
  const scenario = scenarioFor(request.scenario, {
    ...(request.seed !== undefined ? { seed: request.seed } : {}),
    ...(request.weeks !== undefined ? { weeks: request.weeks } : {}),
  });
  const outputs: RunOutput[] = await Promise.all(
    runsOf(request).map(({ strategy, policy }) => {
      const runner = remote<SimulationRunner>(env.SIMULATION_RUNNER.get(env.SIMULATION_RUNNER.newUniqueId()));
      return runner.run({ scenario, strategy, ...(policy ? { policy } : {}) });
    }),
  );
  const strategies: Record<string, StrategyMetrics> = {};
  const policies: Record<string, PolicyRun> = {};
  const charts: Record<string, StrategyCharts> = {};
  for (const { report, details } of outputs) {
    Object.assign(strategies, report.strategies);
    Object.assign(policies, report.policies ?? {});
    for (const [name, detail] of Object.entries(details)) charts[name] = chartsOf(detail);
  }
  const first = outputs[0]?.report;
  const notes = request.policies.map(fileRulesNote).filter((n): n is string => n !== null);
  return {
    scenario: scenario.name,
    seed: scenario.seed,
    weeks: scenario.weeks,
    people: first?.people ?? scenario.people.length,
    prs: first?.prs ?? 0,
    strategies,
    ...(request.policies.length > 0 ? { policies, notes } : {}),
    charts,
  };
}
