/**
 * `npm run simulate -- --seeds A-B`: the same scenario over several seeds, summarised per strategy as
 * the median over the seeds and the range (the figures in SEED_METRICS).
 */
import type { StrategyMetrics } from "./metrics";
import type { PolicyRun, SimulationReport } from "./simulate";

/** The figures the `--seeds` summary gives per strategy: the median over the seeds, and the range. */
const SEED_METRICS: [
  key: string,
  label: string,
  unit: string,
  pick: (m: StrategyMetrics) => number | null,
][] = [
  ["ttfrMedianH", "time to first review, median", " h", (m) => m.ttfrMedianH],
  ["ttfrP75H", "time to first review, P75", " h", (m) => m.ttfrP75H],
  ["mergeMedianH", "time to merge, median", " h", (m) => m.mergeMedianH],
  ["slaBreaches", "SLA breaches", "", (m) => m.slaBreaches],
  ["breachRate", "SLA breach rate", "", (m) => m.breachRate],
  ["loadGini", "load Gini (requests/person)", "", (m) => m.loadGini],
  ["requestsPerPr", "review requests per PR", "", (m) => m.requestsPerPr],
  ["msgsPerPersonDayP95", "messages/person-day P95", "", (m) => m.msgsPerPersonDay.p95],
  ["focusInterruptions", "focus interruptions", "", (m) => m.focusInterruptions.total],
  ["afterHoursPings", "messages after hours", "", (m) => m.afterHoursPings],
  ["unreviewed", "never reviewed", "", (m) => m.unreviewed],
];

/** A figure's median and range over seeds; null (never) counts as longer than any number. */
function spreadOf(values: readonly (number | null)[]): {
  median: number | null;
  min: number | null;
  max: number | null;
} {
  const xs = values.map((v) => v ?? Number.POSITIVE_INFINITY).sort((a, b) => a - b);
  const at = (q: number): number => {
    const pos = (xs.length - 1) * q;
    const lo = xs[Math.floor(pos)] as number;
    const hi = xs[Math.ceil(pos)] as number;
    return lo === hi ? lo : lo + (hi - lo) * (pos - Math.floor(pos));
  };
  const clean = (x: number) => (Number.isFinite(x) ? Math.round(x * 1000) / 1000 : null);
  return { median: clean(at(0.5)), min: clean(xs[0] as number), max: clean(xs[xs.length - 1] as number) };
}

export interface SeedsReport {
  scenario: string;
  weeks: number;
  people: number;
  seeds: number[];
  /** Each seed's report, as one run prints it. */
  runs: SimulationReport[];
  /** Per strategy, per figure: the median over the seeds (null: never reviewed). */
  median: Record<string, Record<string, number | null>>;
  /** Per strategy, per figure: the lowest and highest over the seeds. */
  range: Record<string, Record<string, [number | null, number | null]>>;
  /** With policies: PRs per deciding rule, summed over the seeds. */
  policies?: Record<string, PolicyRun>;
  notes?: string[];
}

export function summariseSeeds(runs: readonly SimulationReport[]): SeedsReport {
  const first = runs[0] as SimulationReport;
  const median: SeedsReport["median"] = {};
  const range: SeedsReport["range"] = {};
  for (const name of Object.keys(first.strategies)) {
    median[name] = {};
    range[name] = {};
    for (const [key, , , pick] of SEED_METRICS) {
      const s = spreadOf(runs.map((r) => pick(r.strategies[name] as StrategyMetrics)));
      (median[name] as Record<string, number | null>)[key] = s.median;
      (range[name] as Record<string, [number | null, number | null]>)[key] = [s.min, s.max];
    }
  }
  const report: SeedsReport = {
    scenario: first.scenario,
    weeks: first.weeks,
    people: first.people,
    seeds: runs.map((r) => r.seed),
    runs: [...runs],
    median,
    range,
  };
  if (first.policies) {
    const summed: NonNullable<SeedsReport["policies"]> = {};
    for (const [name, p] of Object.entries(first.policies)) {
      const prsByRule: Record<string, number> = {};
      for (const r of runs)
        for (const [rule, n] of Object.entries(r.policies?.[name]?.prsByRule ?? {}))
          prsByRule[rule] = (prsByRule[rule] ?? 0) + n;
      summed[name] = { ...p, prsByRule };
    }
    report.policies = summed;
    report.notes = first.notes ?? [];
  }
  return report;
}

export function seedsTable(s: SeedsReport): string {
  const names = Object.keys(s.median);
  const show = (x: number | null, unit: string) => (x === null ? "never" : `${x}${unit}`);
  const cells = SEED_METRICS.map(([key, label, unit]) => [
    label,
    ...names.map((n) => {
      const [lo, hi] = s.range[n]?.[key] ?? [null, null];
      return `${show(s.median[n]?.[key] ?? null, unit)} (${show(lo, "")}–${show(hi, "")})`;
    }),
  ]);
  const header = ["", ...names];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)));
  const line = (c: string[]) =>
    c.map((v, i) => (i === 0 ? v.padEnd(widths[i] as number) : v.padStart(widths[i] as number))).join("  ");
  const prs = s.runs.map((r) => r.prs);
  return [
    `${s.scenario}: ${s.people} people, ${Math.min(...prs)}–${Math.max(...prs)} PRs over ${s.weeks} weeks, seeds ${s.seeds.join(", ")}: median (lowest–highest) over the seeds`,
    "",
    line(header),
    ...cells.map(line),
    "",
    ...policyText(s.policies ?? {}, s.notes ?? [], "PRs by the rule that decided them, over all seeds:"),
  ].join("\n");
}

/** PRs per deciding rule of each policy run, and the notes (rules on changed files), as text lines. */
export function policyText(
  policies: Record<string, PolicyRun>,
  notes: readonly string[],
  heading = "PRs by the rule that decided them:",
): string[] {
  const runs = Object.entries(policies);
  if (runs.length === 0) return [];
  return [
    heading,
    ...runs.map(
      ([name, p]) =>
        `  ${name}: ${Object.entries(p.prsByRule)
          .map(([rule, n]) => `${rule} ${n}`)
          .join(", ")}`,
    ),
    ...notes,
    "",
  ];
}
