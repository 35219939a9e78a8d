/** One scenario through each strategy, on the same trace. */
import { Simulation } from "./engine";
import { measure, type StrategyDetail, type StrategyMetrics } from "./metrics";
import type { Scenario } from "./scenario";
import { ForemanStrategy } from "./strategies/foreman";
import { GitHubStrategy } from "./strategies/github";
import type { NamedPolicy } from "./strategies/policy";
import { peopleOf, startMs } from "./team";
import { traceOf } from "./trace";
import type { Strategy, World } from "./world";

export const STRATEGIES = [
  "github-round-robin",
  "github-load-balance",
  "foreman",
  "foreman+context",
  "foreman+predict",
] as const;
export type StrategyName = (typeof STRATEGIES)[number];

/** The strategies that run Foreman's Review Manager (a `--policy` applies to each of them). */
export const FOREMAN_STRATEGIES: readonly StrategyName[] = ["foreman", "foreman+context", "foreman+predict"];

/** A review policy from a file (`--policy`): its id (the file's base name) and where it came from. */
export interface PolicyInput extends NamedPolicy {
  file: string;
}

export interface SimulationOptions {
  strategies: readonly StrategyName[];
  /** A fresh SQLite database for Foreman's stores (the agent's own storage API). */
  openSql: () => SqlStorage;
  /**
   * Review policies: each Foreman strategy runs once per policy (`foreman[<id>]`) instead of once
   * without one. Absent or empty: no policy (the migrated default, today's settings).
   */
  policies?: readonly PolicyInput[];
}

/** What one policy run decided: the policy's id and file, and PRs per deciding rule (policy order). */
export interface PolicyRun {
  policy: string;
  file: string;
  prsByRule: Record<string, number>;
}

export interface SimulationReport {
  scenario: string;
  seed: number;
  weeks: number;
  people: number;
  prs: number;
  strategies: Record<string, StrategyMetrics>;
  /** With policies: per strategy run with one (`foreman[<id>]`), what its rules decided. */
  policies?: Record<string, PolicyRun>;
  /** With policies: what the simulation cannot match (rules on changed files), one line each. */
  notes?: string[];
}

export function strategyFor(
  name: StrategyName,
  world: World,
  openSql: () => SqlStorage,
  policy?: NamedPolicy,
): Strategy {
  const withPolicy = policy ? { policy } : {};
  switch (name) {
    case "github-round-robin":
      return new GitHubStrategy(world, "round-robin");
    case "github-load-balance":
      return new GitHubStrategy(world, "load-balance");
    case "foreman":
      return new ForemanStrategy(world, openSql(), withPolicy);
    case "foreman+context":
      return new ForemanStrategy(world, openSql(), { context: true, ...withPolicy });
    case "foreman+predict":
      return new ForemanStrategy(world, openSql(), { predict: true, ...withPolicy });
  }
}

/** What of a policy needs the PR's changed files (none are known in the simulator). */
export function fileRulesOf(policy: NamedPolicy["policy"]): {
  /** Rules that never match here, with the conditions on changed files. */
  unmatched: { rule: string; fields: string[] }[];
  /** Rules whose pool names CODEOWNERS (of the matched paths: nobody here). */
  codeowners: string[];
} {
  const unmatched = policy.rules.flatMap((r) => {
    const fields = (["paths", "minFiles", "maxFiles"] as const).filter((f) => r.match?.[f] !== undefined);
    return fields.length ? [{ rule: r.name, fields: [...fields] }] : [];
  });
  const codeowners = policy.rules.filter((r) => r.decide.pool?.codeowners === true).map((r) => r.name);
  return { unmatched, codeowners };
}

/** The one-line note for a policy that looks at changed files (null: it does not). */
export function fileRulesNote(p: PolicyInput): string | null {
  const { unmatched, codeowners } = fileRulesOf(p.policy);
  if (unmatched.length === 0 && codeowners.length === 0) return null;
  const parts = [
    ...(unmatched.length
      ? [
          `rule${unmatched.length > 1 ? "s" : ""} ${unmatched.map((r) => `${r.rule} (${r.fields.join(", ")})`).join(", ")} never match${unmatched.length > 1 ? "" : "es"}`,
        ]
      : []),
    ...(codeowners.length ? [`pool.codeowners adds nobody (${codeowners.join(", ")})`] : []),
  ];
  return `note: ${p.file}: simulated PRs have no changed-file lists, so ${parts.join("; ")}`;
}

export function simulate(
  scenario: Scenario,
  options: SimulationOptions,
): { report: SimulationReport; details: Record<string, StrategyDetail> } {
  const people = peopleOf(scenario);
  const trace = traceOf(scenario, people);
  const start = startMs(scenario);
  const strategies: Record<string, StrategyMetrics> = {};
  const details: Record<string, StrategyDetail> = {};
  const policies: Record<string, PolicyRun> = {};
  const given = options.policies ?? [];
  for (const name of options.strategies) {
    const runs: (PolicyInput | undefined)[] =
      given.length > 0 && FOREMAN_STRATEGIES.includes(name) ? [...given] : [undefined];
    for (const policy of runs) {
      const sim = new Simulation(scenario, people, trace, start);
      const strategy = strategyFor(name, sim, options.openSql, policy);
      const result = sim.run(strategy);
      const { metrics, detail } = measure(scenario, people, result, start);
      strategies[strategy.name] = metrics;
      details[strategy.name] = detail;
      if (policy && strategy instanceof ForemanStrategy) {
        policies[strategy.name] = { policy: policy.id, file: policy.file, prsByRule: strategy.prsByRule() };
      }
    }
  }
  const notes = given.map(fileRulesNote).filter((n): n is string => n !== null);
  return {
    report: {
      scenario: scenario.name,
      seed: scenario.seed,
      weeks: scenario.weeks,
      people: people.length,
      prs: trace.length,
      strategies,
      ...(given.length > 0 ? { policies, notes } : {}),
    },
    details,
  };
}
