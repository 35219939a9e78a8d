/**
 * `node scripts/demo-history.mjs`: the demo tenant's history (src/agents/coordinator/demo-history.json),
 * from the simulator's `default` scenario run with the `foreman` strategy, so `npm run dev` has
 * forecasts and review metrics to show at once (docs/predictions.md). One row per PR that was asked of
 * someone: the facts of that first request as the Review Manager records them, when it was first
 * reviewed and merged. Times are offsets in ms back from the run's last event (`endedAt`, in the
 * scenario's calendar); the seed moves the scenario's last week (`lastWeek`) onto the current one, so
 * the rows keep their weekdays and hours. The same scenario gives the same bytes.
 */
import type { DemoHistoryRow, DemoPerson } from "../src/agents/coordinator/demo-history";
import type { ReviewRequestFacts } from "../src/domain/forecast";
import { WEEK_MS, weekKey } from "../src/domain/review-metrics";
import { type Io, loadScenario } from "./cli";
import { Simulation } from "./engine";
import { historyOf } from "./forecast-data";
import { strategyFor } from "./simulate";
import { peopleOf, startMs } from "./team";
import { traceOf } from "./trace";

export interface DemoHistory {
  source: string;
  /** The run's last event in the scenario's calendar (ISO, UTC): the rows' offsets count back from it. */
  endedAt: string;
  /** The Monday (UTC, ISO date) of the scenario's last week: the seed puts it on the current week's. */
  lastWeek: string;
  /** The scenario's people: the demo tenant's team (their zones and working hours). */
  people: DemoPerson[];
  rows: DemoHistoryRow[];
}

export function main(argv: readonly string[], io: Io): number {
  const scenario = loadScenario({ scenario: "default", seed: null, weeks: null }, io);
  const people = peopleOf(scenario);
  const trace = traceOf(scenario, people);
  const sim = new Simulation(scenario, people, trace, startMs(scenario));
  const result = sim.run(strategyFor("foreman", sim, () => io.openSql()));
  const byNumber = new Map(result.prs.map((pr) => [pr.trace.number, pr]));
  const rows = historyOf(scenario, people, result);
  const end = Math.max(...result.prs.map((pr) => pr.mergedAtMs ?? pr.firstReviewAtMs ?? 0));
  const ago = (ms: number | null) => (ms === null ? null : end - ms);
  const history: DemoHistory = {
    source: `npm run simulate -- --scenario default --seed ${scenario.seed} (strategy foreman), by scripts/demo-history.mjs`,
    endedAt: new Date(end).toISOString(),
    lastWeek: weekKey(startMs(scenario) + (scenario.weeks - 1) * WEEK_MS),
    people: scenario.people.map((p) => ({
      login: p.login,
      tz: p.tz,
      lead: p.lead,
      workingHours: p.workingHours,
    })),
    rows: rows.flatMap((row) => {
      const pr = byNumber.get(row.pr);
      if (!pr) return [];
      return [
        {
          repo: pr.trace.repo,
          number: pr.trace.number,
          title: pr.trace.title,
          author: pr.trace.author,
          reviewer: row.reviewer,
          readyAgoMs: end - (pr.readyAtMs ?? pr.trace.readyAtMs),
          requestedAgoMs: end - row.requestedAtMs,
          firstReviewAgoMs: ago(pr.firstReviewAtMs),
          mergedAgoMs: ago(pr.mergedAtMs),
          facts: roundFacts(row.facts),
        },
      ];
    }),
  };
  const out = argv[0] ?? "src/agents/coordinator/demo-history.json";
  io.writeText(out, `${JSON.stringify(history)}\n`);
  io.stdout(`${history.rows.length} PRs of history written to ${out}\n`);
  return 0;
}

/** Hours to the minute's hundredth: the file stays small and the same. */
function roundFacts(f: ReviewRequestFacts): ReviewRequestFacts {
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return {
    ...f,
    hoursUntilWorking: r(f.hoursUntilWorking),
    workingHoursLeft: r(f.workingHoursLeft),
    gapAfterWindowH: r(f.gapAfterWindowH),
  };
}
