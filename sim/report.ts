/**
 * The report a lead reads: report.md with the table and three SVG charts drawn here without a
 * library (plain polylines and rects): time to first review as a CDF per strategy, review requests
 * per person (sorted, one line per strategy), and how many messages a person gets per day.
 */
import type { StrategyDetail } from "./metrics";
import type { Scenario } from "./scenario";
import type { SimulationReport } from "./simulate";

interface Writer {
  writeText(path: string, text: string): void;
}

const COLORS = ["#6b7280", "#2563eb", "#d97706", "#059669", "#db2777", "#7c3aed"];
const W = 720;
const H = 360;
const M = { left: 56, right: 16, top: 28, bottom: 44 };

const xml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** Markdown-inert: characters with a meaning in Markdown or HTML become entities. */
const md = (s: string) => s.replace(/[\\`*_{}[\]()#+\-.!|<>&~]/g, (c) => `&#${c.charCodeAt(0)};`);

function frame(
  title: string,
  xLabel: string,
  yLabel: string,
  body: string,
  xTicks: string,
  yTicks: string,
  legend: string,
): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${M.left}" y="18" font-size="14" font-weight="600">${xml(title)}</text>`,
    `<line x1="${M.left}" y1="${H - M.bottom}" x2="${W - M.right}" y2="${H - M.bottom}" stroke="#9ca3af"/>`,
    `<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${H - M.bottom}" stroke="#9ca3af"/>`,
    xTicks,
    yTicks,
    `<text x="${(M.left + W - M.right) / 2}" y="${H - 8}" text-anchor="middle">${xml(xLabel)}</text>`,
    `<text transform="translate(14 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${xml(yLabel)}</text>`,
    body,
    legend,
    "</svg>",
    "",
  ].join("\n");
}

const px = (v: number, max: number) => M.left + (v / max) * (W - M.left - M.right);
const py = (v: number, max: number) => H - M.bottom - (v / max) * (H - M.top - M.bottom);
const fixed = (n: number) => n.toFixed(1);

function ticks(max: number, axis: "x" | "y", format: (v: number) => string): string {
  const out: string[] = [];
  for (let i = 0; i <= 5; i++) {
    const v = (max * i) / 5;
    if (axis === "x")
      out.push(
        `<text x="${fixed(px(v, max))}" y="${H - M.bottom + 16}" text-anchor="middle">${format(v)}</text>`,
      );
    else {
      const y = fixed(py(v, max));
      out.push(
        `<text x="${M.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${format(v)}</text>`,
      );
      out.push(`<line x1="${M.left}" y1="${y}" x2="${W - M.right}" y2="${y}" stroke="#f3f4f6"/>`);
    }
  }
  return out.join("\n");
}

/** The legend, in the top or bottom right corner (where the chart leaves room). */
function legend(names: string[], at: "top" | "bottom" = "top"): string {
  return names
    .map((n, i) => {
      const x = W - M.right - 190;
      const y = at === "top" ? M.top + 8 + i * 16 : H - M.bottom - 10 - (names.length - 1 - i) * 16;
      return `<rect x="${x}" y="${y - 8}" width="12" height="3" fill="${COLORS[i % COLORS.length]}"/><text x="${x + 18}" y="${y - 3}">${xml(n)}</text>`;
    })
    .join("\n");
}

function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((m) => m >= v) ?? v;
}

export function cdfChart(details: Record<string, StrategyDetail>): string {
  const names = Object.keys(details);
  const finite = names
    .flatMap((n) => details[n]?.ttfrHours.filter(Number.isFinite) ?? [])
    .sort((a, b) => a - b);
  const max = niceMax(finite[Math.floor(finite.length * 0.95)] ?? 1);
  const lines = names.map((n, i) => {
    const hours = details[n]?.ttfrHours ?? [];
    const pts: string[] = [`${fixed(px(0, max))},${fixed(py(0, 1))}`];
    hours.forEach((h, k) => {
      if (h > max) return;
      pts.push(
        `${fixed(px(h, max))},${fixed(py(k / hours.length, 1))}`,
        `${fixed(px(h, max))},${fixed(py((k + 1) / hours.length, 1))}`,
      );
    });
    const reached = hours.filter((h) => h <= max).length / Math.max(1, hours.length);
    pts.push(`${fixed(px(max, max))},${fixed(py(reached, 1))}`);
    return `<polyline fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="2" points="${pts.join(" ")}"/>`;
  });
  return frame(
    "Time to first review",
    "hours from ready for review",
    "share of PRs reviewed",
    lines.join("\n"),
    ticks(max, "x", (v) => `${Math.round(v)}`),
    ticks(1, "y", (v) => `${Math.round(v * 100)}%`),
    legend(names, "bottom"),
  );
}

export function loadChart(details: Record<string, StrategyDetail>): string {
  const names = Object.keys(details);
  const n = Math.max(...names.map((k) => details[k]?.requestsByPerson.length ?? 0), 1);
  const max = niceMax(
    Math.max(...names.flatMap((k) => details[k]?.requestsByPerson.map((r) => r.requests) ?? [0]), 1),
  );
  const lines = names.map((k, i) => {
    const sorted = [...(details[k]?.requestsByPerson ?? [])].map((r) => r.requests).sort((a, b) => b - a);
    const pts = sorted.map((v, j) => `${fixed(px(n === 1 ? 0 : j / (n - 1), 1))},${fixed(py(v, max))}`);
    return `<polyline fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="2" points="${pts.join(" ")}"/>`;
  });
  return frame(
    "Review requests per person (most loaded first)",
    `people (${n}), most requested on the left`,
    "review requests",
    lines.join("\n"),
    "",
    ticks(max, "y", (v) => `${Math.round(v)}`),
    legend(names, "bottom"),
  );
}

export function messagesChart(details: Record<string, StrategyDetail>): string {
  const names = Object.keys(details);
  const buckets = 11; // 0..9 and 10+
  const shares = names.map((k) => {
    const days = details[k]?.perPersonDay ?? [];
    const counts = new Array<number>(buckets).fill(0);
    for (const d of days) counts[Math.min(d, buckets - 1)] = (counts[Math.min(d, buckets - 1)] ?? 0) + 1;
    return counts.map((c) => c / Math.max(1, days.length));
  });
  const max = niceMax(Math.max(...shares.flat(), 0.01));
  const slot = (W - M.left - M.right) / buckets;
  const bar = slot / (names.length + 1);
  const rects = shares.flatMap((s, i) =>
    s.map((v, b) => {
      const x = M.left + b * slot + bar * (i + 0.5);
      const y = py(v, max);
      return `<rect x="${fixed(x)}" y="${fixed(y)}" width="${fixed(bar)}" height="${fixed(H - M.bottom - y)}" fill="${COLORS[i % COLORS.length]}"/>`;
    }),
  );
  const xTicks = Array.from(
    { length: buckets },
    (_, b) =>
      `<text x="${fixed(M.left + (b + 0.5) * slot)}" y="${H - M.bottom + 16}" text-anchor="middle">${b === buckets - 1 ? "10+" : b}</text>`,
  ).join("\n");
  return frame(
    "Messages per person per day",
    "messages that reached one person on one day",
    "share of person-days",
    rects.join("\n"),
    xTicks,
    ticks(max, "y", (v) => `${Math.round(v * 100)}%`),
    legend(names),
  );
}

function markdownTable(report: SimulationReport): string {
  const names = Object.keys(report.strategies);
  const f = (x: number | null, unit: string) => (x === null ? "never" : `${x}${unit}`);
  const rows: [string, (k: string) => string][] = [
    ["Time to first review, median", (k) => f(report.strategies[k]?.ttfrMedianH ?? null, " h")],
    ["Time to first review, P75", (k) => f(report.strategies[k]?.ttfrP75H ?? null, " h")],
    [
      "Median in the author's working hours",
      (k) => f(report.strategies[k]?.ttfrMedianWorkingH ?? null, " h"),
    ],
    ["Time to merge, median", (k) => f(report.strategies[k]?.mergeMedianH ?? null, " h")],
    [
      "SLA breaches",
      (k) =>
        `${report.strategies[k]?.slaBreaches} (${((report.strategies[k]?.breachRate ?? 0) * 100).toFixed(1)} %)`,
    ],
    ["Load Gini (review requests per person)", (k) => String(report.strategies[k]?.loadGini)],
    ["Review requests per PR", (k) => String(report.strategies[k]?.requestsPerPr)],
    [
      "Messages per person-day (median / P95 / max)",
      (k) => {
        const m = report.strategies[k]?.msgsPerPersonDay;
        return `${m?.median} / ${m?.p95} / ${m?.max}`;
      },
    ],
    [
      "Focus-time interruptions (per person-week)",
      (k) => {
        const f = report.strategies[k]?.focusInterruptions;
        return `${f?.total} (${f?.perPersonWeek})`;
      },
    ],
    ["Messages in working hours", (k) => String(report.strategies[k]?.workHoursMessages)],
    ["Messages outside working hours", (k) => String(report.strategies[k]?.afterHoursPings)],
    ["PRs never reviewed", (k) => String(report.strategies[k]?.unreviewed)],
  ];
  return [
    `| | ${names.join(" | ")} |`,
    `|---|${names.map(() => "---:").join("|")}|`,
    ...rows.map(([label, cell]) => `| ${label} | ${names.map(cell).join(" | ")} |`),
  ].join("\n");
}

/** With `--policy`: each policy's file, and how many PRs each of its rules decided, per strategy. */
function policyLines(report: SimulationReport): string[] {
  const runs = Object.entries(report.policies ?? {});
  if (runs.length === 0) return [];
  return [
    "PRs by the policy rule that decided them:",
    "",
    ...runs.map(
      ([name, p]) =>
        `- ${md(name)} (${md(p.file)}): ${Object.entries(p.prsByRule)
          .map(([rule, n]) => `${md(rule)} ${n}`)
          .join(", ")}`,
    ),
    ...(report.notes ?? []).map((n) => `\n${md(n)}`),
    "",
  ];
}

/** Writes report.md and the charts into `dir`; returns the paths written. */
export function writeReport(
  dir: string,
  scenario: Scenario,
  report: SimulationReport,
  details: Record<string, StrategyDetail>,
  io: Writer,
): string[] {
  const files: [string, string][] = [
    ["ttfr-cdf.svg", cdfChart(details)],
    ["load.svg", loadChart(details)],
    ["messages.svg", messagesChart(details)],
  ];
  const text = [
    `# Simulation: ${md(scenario.name)}`,
    "",
    `${report.people} people, ${report.prs} pull requests over ${report.weeks} weeks from ${scenario.start}, seed ${report.seed}; SLA ${scenario.sla.hours} working hours${scenario.sla.rules.length ? ` (${scenario.sla.rules.length} more rules)` : ""}. Every strategy ran on the same trace with the same behaviour model (docs/simulation.md).`,
    "",
    markdownTable(report),
    "",
    ...policyLines(report),
    "Times are hours from ready for review (wall clock unless said). A breach is a first review later than the SLA in the author's working hours; a PR never reviewed counts as a breach and as never. A focus-time interruption is a message that reached someone at work inside one of their focus blocks (per person-week: over people × weeks of arrivals).",
    "",
    "![Time to first review](ttfr-cdf.svg)",
    "",
    "![Review requests per person](load.svg)",
    "",
    "![Messages per person per day](messages.svg)",
    "",
  ].join("\n");
  files.push(["report.md", text]);
  const written: string[] = [];
  for (const [name, content] of files) {
    const path = `${dir.replace(/\/+$/, "")}/${name}`;
    io.writeText(path, content);
    written.push(path);
  }
  return written;
}
