/** Small scenarios for the simulator's tests, and a Foreman strategy run on a Durable Object's SQLite. */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Simulation } from "../../sim/engine";
import { measure, type StrategyMetrics } from "../../sim/metrics";
import { parseScenario, type Scenario } from "../../sim/scenario";
import type { RoutedItem } from "../../sim/strategies/context";
import { type ForemanOptions, ForemanStrategy } from "../../sim/strategies/foreman";
import { peopleOf, type SimPerson, startMs } from "../../sim/team";
import { traceOf } from "../../sim/trace";
import type { RunResult } from "../../sim/world";

export function scenario(extra: Record<string, unknown> = {}): Scenario {
  return parseScenario(
    {
      name: "test",
      seed: 9,
      weeks: 3,
      start: "2027-01-04",
      people: [
        { login: "ana", tz: "Europe/Berlin", ooo: [{ from: "2027-01-11", to: "2027-01-13" }] },
        { login: "bo", tz: "Europe/Berlin" },
        {
          login: "cy",
          tz: "America/New_York",
          workingHours: { days: ["mon", "tue", "wed", "thu"], start: "10:00", end: "16:00" },
        },
        { login: "di", tz: "Asia/Tokyo", ooo: [{ from: "2027-01-18", to: "2027-01-22" }] },
        { login: "ed", tz: "America/New_York" },
      ],
      prsPerPersonPerWeek: 4,
      labels: { hotfix: 0.1 },
      sla: { hours: 8, rules: [{ label: "hotfix", hours: 2 }] },
      ...extra,
    },
    "test scenario",
  );
}

/** Focus blocks the tests give everyone (two mornings a week), and one person their own. */
export const FOCUS_DEFAULT = [{ days: ["tue", "thu"], start: "09:00", end: "12:00" }];

/** The test team with focus blocks: everyone the default, `bo` every afternoon instead. */
export function focusScenario(extra: Record<string, unknown> = {}): Scenario {
  const base = scenario();
  return scenario({
    focusDefault: FOCUS_DEFAULT,
    people: base.people.map((p) =>
      p.login === "bo"
        ? { ...p, focus: [{ days: ["mon", "tue", "wed", "thu", "fri"], start: "13:00", end: "16:00" }] }
        : p,
    ),
    ...extra,
  });
}

export interface ForemanRun {
  result: RunResult;
  people: SimPerson[];
  metrics: StrategyMetrics;
  /** Every item the Context Optimizer routed (foreman+context only, else empty). */
  items: RoutedItem[];
  /** Whether the optimizer's store holds nothing at the end. */
  settled: boolean;
}

/**
 * Runs a Foreman strategy on a fresh Durable Object's SQLite (the agents' storage API, as the
 * simulator's Node shim gives it): `name` keeps each run's database its own.
 */
export function runForeman(
  s: Scenario,
  context: boolean | ForemanOptions,
  name: string,
): Promise<ForemanRun> {
  const options = typeof context === "boolean" ? { context } : context;
  return runInDurableObject(env.OUTBOX.getByName(`sim-${name}`), (_instance, state) => {
    const people = peopleOf(s);
    const sim = new Simulation(s, people, traceOf(s, people), startMs(s));
    const strategy = new ForemanStrategy(sim, state.storage.sql, options);
    const result = sim.run(strategy);
    return {
      result,
      people,
      metrics: measure(s, people, result, startMs(s)).metrics,
      items: [...(strategy.router?.items.values() ?? [])].map((i) => ({ ...i })),
      settled: strategy.settled(),
    };
  });
}
