/**
 * What one strategy reached on the trace. Every PR of the trace counts in every strategy: a PR never
 * reviewed by the end counts as waiting forever (a quantile that lands on it is reported as null) and
 * as an SLA breach. Waiting in working hours and the SLA are measured on the author's stated working
 * hours, the same clock whoever reviews (Foreman's own SLA clock runs on the reviewer's hours).
 */
import { quantileSorted } from "simple-statistics";
import { DEFAULT_SLA_RULE, resolveSla, type SlaRule } from "../src/domain/sla";
import { DAY_MS, HOUR_MS } from "../src/domain/time";
import { compileSchedule, workingMsBetween } from "../src/domain/working-hours";
import type { Scenario } from "./scenario";
import type { SimPerson } from "./team";
import type { RunResult } from "./world";

export interface Spread {
  median: number;
  p95: number;
  max: number;
}

export interface StrategyMetrics {
  ttfrMedianH: number | null;
  ttfrP75H: number | null;
  ttfrMedianWorkingH: number | null;
  mergeMedianH: number | null;
  slaBreaches: number;
  breachRate: number;
  loadGini: number;
  /** Review requests per PR: people asked to review it, each once (asking again after changes is not one). */
  requestsPerPr: number;
  msgsPerPersonDay: Spread;
  /**
   * Messages that reached someone at work inside one of their focus blocks: all, per person-week of
   * the arrival window, and by channel.
   */
  focusInterruptions: {
    total: number;
    perPersonWeek: number;
    byChannel: { github: number; dm: number; mention: number };
  };
  /** Messages that reached someone at work (working hours, not out of office). */
  workHoursMessages: number;
  afterHoursPings: number;
  /** PRs with no review by the end of the run, and PRs merged. */
  unreviewed: number;
  merged: number;
  messages: { github: number; dm: number; mention: number };
}

/** Per-strategy detail the report draws (not in the JSON). */
export interface StrategyDetail {
  /** Hours to first review per PR, ascending (Infinity: never). */
  ttfrHours: number[];
  requestsByPerson: { login: string; requests: number }[];
  /** Messages per person-day, one number per person-day. */
  perPersonDay: number[];
}

const round = (x: number, digits = 2): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

function quantile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const q = quantileSorted([...sorted], p);
  return Number.isFinite(q) ? round(q) : null;
}

/** Gini coefficient of non-negative counts: 0 equal, towards 1 all on one person. */
export function gini(values: readonly number[]): number {
  const x = [...values].sort((a, b) => a - b);
  const n = x.length;
  const total = x.reduce((s, v) => s + v, 0);
  if (n === 0 || total === 0) return 0;
  const weighted = x.reduce((s, v, i) => s + (i + 1) * v, 0);
  return (2 * weighted) / (n * total) - (n + 1) / n;
}

export function slaRulesOf(scenario: Scenario): SlaRule[] {
  return [
    { ...DEFAULT_SLA_RULE, hours: scenario.sla.hours, isDefault: false },
    ...scenario.sla.rules.map((r) => ({
      ...DEFAULT_SLA_RULE,
      repo: r.repo?.toLowerCase() ?? null,
      label: r.label ?? null,
      hours: r.hours,
      isDefault: false,
    })),
  ];
}

export function measure(
  scenario: Scenario,
  people: readonly SimPerson[],
  result: RunResult,
  windowStartMs: number,
): { metrics: StrategyMetrics; detail: StrategyDetail } {
  const byLogin = new Map(people.map((p) => [p.login, p]));
  const rules = slaRulesOf(scenario);
  const ttfr: number[] = [];
  const ttfrWorking: number[] = [];
  const merge: number[] = [];
  let breaches = 0;
  for (const pr of result.prs) {
    const ready = pr.readyAtMs ?? pr.trace.readyAtMs;
    const author = byLogin.get(pr.trace.author);
    const clock = compileSchedule(author?.hours ?? { tz: "UTC" });
    const first = pr.firstReviewAtMs;
    ttfr.push(first === null ? Number.POSITIVE_INFINITY : (first - ready) / HOUR_MS);
    const waited = first === null ? Number.POSITIVE_INFINITY : workingMsBetween(clock, ready, first);
    ttfrWorking.push(waited / HOUR_MS);
    merge.push(pr.mergedAtMs === null ? Number.POSITIVE_INFINITY : (pr.mergedAtMs - ready) / HOUR_MS);
    const hours = resolveSla(rules, pr.trace.repo, pr.trace.labels).hours;
    if (waited > hours * HOUR_MS) breaches++;
  }
  const asc = (a: number, b: number) => a - b;
  ttfr.sort(asc);
  ttfrWorking.sort(asc);
  merge.sort(asc);

  const windowEnd = windowStartMs + scenario.weeks * 7 * DAY_MS;
  const perPersonDay: number[] = [];
  for (const p of people) {
    const tally = result.tallies.get(p.login);
    // Local dates of the arrival window: every working day counts (zero messages too), and any other
    // day on which the person got a message.
    for (let day = Math.floor(windowStartMs / DAY_MS); day * DAY_MS < windowEnd; day++) {
      const n = tally?.byDay.get(day) ?? 0;
      if (n > 0 || p.available.isWorkDay(day)) perPersonDay.push(n);
    }
  }
  perPersonDay.sort(asc);
  const requestsByPerson = people.map((p) => ({
    login: p.login,
    requests: result.tallies.get(p.login)?.requests ?? 0,
  }));
  const n = result.prs.length;
  const focus = Object.values(result.focusByChannel).reduce((a, b) => a + b, 0);
  return {
    metrics: {
      ttfrMedianH: quantile(ttfr, 0.5),
      ttfrP75H: quantile(ttfr, 0.75),
      ttfrMedianWorkingH: quantile(ttfrWorking, 0.5),
      mergeMedianH: quantile(merge, 0.5),
      slaBreaches: breaches,
      breachRate: n ? round(breaches / n, 4) : 0,
      loadGini: round(gini(requestsByPerson.map((r) => r.requests)), 4),
      requestsPerPr: n ? round(result.requests.length / n, 3) : 0,
      msgsPerPersonDay: {
        median: quantile(perPersonDay, 0.5) ?? 0,
        p95: quantile(perPersonDay, 0.95) ?? 0,
        max: perPersonDay.length ? (perPersonDay[perPersonDay.length - 1] as number) : 0,
      },
      focusInterruptions: {
        total: focus,
        // Person-weeks of the arrival window (the messages of the drain after it count too).
        perPersonWeek: round(focus / Math.max(1, people.length * scenario.weeks), 3),
        byChannel: { ...result.focusByChannel },
      },
      workHoursMessages: result.workHoursMessages,
      afterHoursPings: result.afterHoursPings,
      unreviewed: result.prs.filter((pr) => pr.firstReviewAtMs === null).length,
      merged: result.prs.filter((pr) => pr.mergedAtMs !== null).length,
      messages: { ...result.messagesByChannel },
    },
    detail: { ttfrHours: ttfr, requestsByPerson, perPersonDay },
  };
}
