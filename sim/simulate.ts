/** One scenario through each strategy, on the same trace. */
import { Simulation } from "./engine";
import { measure, type StrategyDetail, type StrategyMetrics } from "./metrics";
import type { Scenario } from "./scenario";
import { ForemanStrategy } from "./strategies/foreman";
import { GitHubStrategy } from "./strategies/github";
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

export interface SimulationOptions {
  strategies: readonly StrategyName[];
  /** A fresh SQLite database for Foreman's stores (the agent's own storage API). */
  openSql: () => SqlStorage;
}

export interface SimulationReport {
  scenario: string;
  seed: number;
  weeks: number;
  people: number;
  prs: number;
  strategies: Record<string, StrategyMetrics>;
}

export function strategyFor(name: StrategyName, world: World, openSql: () => SqlStorage): Strategy {
  switch (name) {
    case "github-round-robin":
      return new GitHubStrategy(world, "round-robin");
    case "github-load-balance":
      return new GitHubStrategy(world, "load-balance");
    case "foreman":
      return new ForemanStrategy(world, openSql());
    case "foreman+context":
      return new ForemanStrategy(world, openSql(), { context: true });
    case "foreman+predict":
      return new ForemanStrategy(world, openSql(), { predict: true });
  }
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
  for (const name of options.strategies) {
    const sim = new Simulation(scenario, people, trace, start);
    const result = sim.run(strategyFor(name, sim, options.openSql));
    const { metrics, detail } = measure(scenario, people, result, start);
    strategies[name] = metrics;
    details[name] = detail;
  }
  return {
    report: {
      scenario: scenario.name,
      seed: scenario.seed,
      weeks: scenario.weeks,
      people: people.length,
      prs: trace.length,
      strategies,
    },
    details,
  };
}
