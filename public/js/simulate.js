// The Simulate view (docs/simulation.md): a built-in team through GitHub's strategies and Foreman's, with
// the tenant's stored policies if chosen (GET /api/simulate/scenarios, POST /api/simulate: the simulator
// `npm run simulate` runs, in the Worker), or the tenant's own recorded PRs replayed through two to four
// of its policies (POST /api/policies/simulate). Figures in a table, three charts drawn with uPlot
// (charts.js), each chart's numbers also in a table under it. API text reaches the page as text nodes.
import { api, guarded } from "./api.js";
import { keepChart, loadLibrary, widthOf } from "./charts.js";
import { $, cell, el, text, thead } from "./dom.js";

const CHART_HEIGHT = 220;
const COLORS = ["#6e7781", "#9a6700", "#0b5cad", "#1a7f37", "#8250df", "#bf3989", "#0a7b83", "#cf222e"];
const STRATEGY_TEXT = {
  "github-round-robin": "GitHub round robin",
  "github-load-balance": "GitHub load balance",
  foreman: "Foreman",
  "foreman+context": "Foreman + Context Optimizer",
  "foreman+predict": "Foreman + predictions",
};
const MAX_POLICIES = 3;

const num = (v) => typeof v === "number" && Number.isFinite(v);
const h = (v) => (num(v) ? `${v.toFixed(1)} h` : "never");
const pct = (v) => (num(v) ? `${(v * 100).toFixed(1)}%` : "—");
/** "foreman[strict-v2]" → "Foreman · strict-v2". */
function strategyLabel(name) {
  const m = /^([^[]+)(?:\[(.+)\])?$/.exec(String(name));
  const base = m ? (STRATEGY_TEXT[m[1]] ?? m[1]) : String(name);
  return m?.[2] ? `${base} · ${m[2]}` : base;
}

let scenarios = null;
let policies = null;
/** The last run's result: drawn again when the view is shown again (leaving a view drops its charts). */
let lastResult = null;

// ------------------------------------------------------------------ the form

function scenarioOf(name) {
  return (scenarios ?? []).find((s) => s.name === name) ?? null;
}

function describeScenario() {
  const s = scenarioOf(/** @type {HTMLSelectElement} */ ($("sim-scenario")).value);
  const weeks = /** @type {HTMLInputElement} */ ($("sim-weeks"));
  if (!s) return;
  weeks.max = String(s.maxWeeks);
  weeks.value = String(Math.min(Number(weeks.value) || s.maxWeeks, s.maxWeeks));
  weeks.placeholder = String(s.maxWeeks);
  /** @type {HTMLInputElement} */ ($("sim-seed")).placeholder = String(s.seed);
  const zones = Array.isArray(s.zones) ? s.zones.length : 0;
  $("sim-about").textContent =
    `${text(s.about)} ${s.people} people in ${zones} zone${zones === 1 ? "" : "s"}, about ` +
    `${s.prsPerPersonPerWeek} PRs per person a week, an SLA of ${s.slaHours} h. ` +
    (s.maxWeeks < s.weeks
      ? `Here at most ${s.maxWeeks} of its ${s.weeks} weeks (all of them: npm run simulate -- --scenario ${s.name}).`
      : `Up to ${s.maxWeeks} weeks.`);
}

function policyChoices(listId, name) {
  const list = $(listId);
  const usable = (policies ?? []).filter((p) => !p.retired);
  list.replaceChildren(
    ...usable.map((p) => {
      const id = `${listId}-${p.id}`;
      const box = el("input", { type: "checkbox", id, name, value: p.id });
      return el("li", {}, [
        box,
        el("label", { for: id }, [
          `${p.id} v${p.latestVersion}${p.activeVersion !== null ? " (active)" : ""}`,
        ]),
      ]);
    }),
  );
  if (usable.length === 0) list.replaceChildren(el("li", { class: "empty" }, ["No stored policies."]));
}

function checked(formId, name) {
  return [...$(formId).querySelectorAll(`input[name="${name}"]:checked`)].map(
    (i) => /** @type {HTMLInputElement} */ (i).value,
  );
}

async function loadChoices() {
  const [s, p] = await Promise.all([api("GET", "/api/simulate/scenarios"), api("GET", "/api/policies")]);
  scenarios = Array.isArray(s?.scenarios) ? s.scenarios : [];
  policies = Array.isArray(p?.policies) ? p.policies : [];
  const select = /** @type {HTMLSelectElement} */ ($("sim-scenario"));
  const was = select.value;
  select.replaceChildren(...scenarios.map((x) => el("option", { value: x.name }, [x.name])));
  if (scenarioOf(was)) select.value = was;
  const strategies = Array.isArray(s?.strategies) ? s.strategies : [];
  const wanted = new Set(checked("sim-form", "strategy"));
  $("sim-strategies").replaceChildren(
    ...strategies.map((name) => {
      const id = `sim-strategy-${name.replace(/[^a-z-]/g, "-")}`;
      const box = el("input", { type: "checkbox", id, name: "strategy", value: name });
      /** @type {HTMLInputElement} */ (box).checked = wanted.size === 0 || wanted.has(name);
      return el("li", {}, [box, el("label", { for: id }, [strategyLabel(name)])]);
    }),
  );
  policyChoices("sim-policies", "policy");
  policyChoices("replay-policies", "replay-policy");
  describeScenario();
}

// ------------------------------------------------------------------ a scenario's result

const FIGURES = [
  ["First review, median", (m) => h(m.ttfrMedianH)],
  ["First review, P75", (m) => h(m.ttfrP75H)],
  ["Median in working hours", (m) => h(m.ttfrMedianWorkingH)],
  ["Merge, median", (m) => h(m.mergeMedianH)],
  ["SLA breaches", (m) => `${m.slaBreaches} (${pct(m.breachRate)})`],
  ["Load Gini", (m) => text(m.loadGini)],
  ["Requests per PR", (m) => text(m.requestsPerPr)],
  [
    "Messages/person-day (med · p95 · max)",
    (m) => `${m.msgsPerPersonDay?.median} · ${m.msgsPerPersonDay?.p95} · ${m.msgsPerPersonDay?.max}`,
  ],
  [
    "Focus interruptions (per person-week)",
    (m) => `${m.focusInterruptions?.total} (${m.focusInterruptions?.perPersonWeek})`,
  ],
  ["Messages after hours", (m) => text(m.afterHoursPings)],
  ["Never reviewed", (m) => text(m.unreviewed)],
];

/**
 * The figures, one row per figure and one column per strategy run (as `npm run simulate` prints them);
 * stacked into cards on a phone, and scrolled inside its own region when many runs are compared.
 */
function figuresTable(result, names) {
  const rows = FIGURES.map(([label, f]) =>
    el("tr", {}, [
      el("th", { scope: "row" }, [label]),
      ...names.map((name) => cell(strategyLabel(name), f(result.strategies[name] ?? {}))),
    ]),
  );
  const table = el("table", { class: "cards sim-figures", "aria-label": "Figures per strategy" }, [
    thead(["Figure", ...names.map(strategyLabel)]),
    el("tbody", {}, rows),
  ]);
  return el(
    "div",
    { class: "table-scroll", role: "region", "aria-label": "Figures per strategy", tabindex: "0" },
    [table],
  );
}

/** A small table of a chart's numbers (behind a disclosure), so the chart is never the only way. */
function numbers(caption, columns, rows) {
  return el("details", { class: "chart-numbers" }, [
    el("summary", {}, [`${caption}: the numbers`]),
    el("table", { class: "plain" }, [
      thead(columns),
      el(
        "tbody",
        {},
        rows.map((r) =>
          el(
            "tr",
            {},
            r.map((v) => el("td", {}, [text(v)])),
          ),
        ),
      ),
    ]),
  ]);
}

async function lineChart(place, { xs, xLabel, xValue, series, yUnit }) {
  const uPlot = await loadLibrary();
  const opts = {
    width: widthOf(place),
    height: CHART_HEIGHT,
    legend: { show: true },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
    axes: [
      { values: (_u, splits) => splits.map(xValue), size: 36 },
      { values: (_u, splits) => splits.map((v) => `${v}${yUnit}`), size: 56 },
    ],
    series: [
      { label: xLabel, value: (_u, v) => (v === null ? "—" : xValue(v)) },
      ...series.map((s, i) => ({
        label: s.label,
        stroke: COLORS[i % COLORS.length],
        width: 2,
        spanGaps: false,
        points: { show: xs.length <= 24, size: 5 },
        value: (_u, v) => (v === null ? "—" : `${v}${yUnit}`),
      })),
    ],
  };
  keepChart(new uPlot(opts, [xs, ...series.map((s) => s.values)], place), place, CHART_HEIGHT);
}

function chartFigure(id, caption) {
  const body = el("div", { class: "chart-body", id });
  return { body, figure: el("figure", { class: "chart" }, [el("figcaption", {}, [caption]), body]) };
}

async function drawCharts(place, result, names) {
  const charts = result.charts ?? {};
  const ttfr = chartFigure("sim-chart-ttfr", "Hours to first review, by percentile of pull requests");
  const load = chartFigure("sim-chart-load", "Review requests per person, most first");
  const messages = chartFigure("sim-chart-messages", "Person-days by messages received (%)");
  place.replaceChildren(ttfr.figure, load.figure, messages.figure);

  const percentiles = (charts[names[0]]?.ttfrByPercentile ?? []).map((x) => x.p);
  const ttfrSeries = names.map((n) => ({
    label: strategyLabel(n),
    values: (charts[n]?.ttfrByPercentile ?? []).map((x) => x.hours),
  }));
  await lineChart(ttfr.body, {
    xs: percentiles,
    xLabel: "Percentile",
    xValue: (v) => `${v}%`,
    series: ttfrSeries,
    yUnit: " h",
  });
  ttfr.figure.append(
    numbers(
      "Hours to first review",
      ["Percentile", ...names.map(strategyLabel)],
      percentiles.map((p, i) => [
        `${p}%`,
        ...ttfrSeries.map((s) => (num(s.values[i]) ? s.values[i] : "never")),
      ]),
    ),
  );

  const people = Math.max(0, ...names.map((n) => charts[n]?.requestsByPerson?.length ?? 0));
  const ranks = Array.from({ length: people }, (_, i) => i + 1);
  const loadSeries = names.map((n) => ({
    label: strategyLabel(n),
    values: ranks.map((r) => charts[n]?.requestsByPerson?.[r - 1]?.requests ?? null),
  }));
  await lineChart(load.body, {
    xs: ranks,
    xLabel: "Person",
    xValue: (v) => (Number.isInteger(v) ? `#${v}` : ""),
    series: loadSeries,
    yUnit: "",
  });
  load.figure.append(
    numbers(
      "Review requests per person",
      ["Strategy", "Most", "Median", "Least"],
      loadSeries.map((s) => {
        const v = s.values.filter(num);
        return [s.label, v[0] ?? "—", v[Math.floor(v.length / 2)] ?? "—", v.at(-1) ?? "—"];
      }),
    ),
  );

  const buckets = (charts[names[0]]?.messagesPerDay ?? []).map((b) => b.messages);
  const bucketXs = buckets.map((_, i) => i);
  const share = (n) => {
    const days = (charts[n]?.messagesPerDay ?? []).map((b) => b.days);
    const total = days.reduce((s, d) => s + d, 0) || 1;
    return days.map((d) => Math.round((d / total) * 1000) / 10);
  };
  const msgSeries = names.map((n) => ({ label: strategyLabel(n), values: share(n) }));
  await lineChart(messages.body, {
    xs: bucketXs,
    xLabel: "Messages",
    xValue: (v) => buckets[v] ?? "",
    series: msgSeries,
    yUnit: "%",
  });
  messages.figure.append(
    numbers(
      "Person-days by messages",
      ["Messages", ...names.map(strategyLabel)],
      buckets.map((b, i) => [b, ...msgSeries.map((s) => `${s.values[i]}%`)]),
    ),
  );
}

function policyRuns(result) {
  const runs = Object.entries(result.policies ?? {});
  if (runs.length === 0) return [];
  return [
    el("h4", {}, ["Pull requests per rule"]),
    el(
      "ul",
      { class: "sim-policy-runs" },
      runs.map(([name, run]) =>
        el("li", {}, [
          `${strategyLabel(name)}: `,
          Object.entries(run.prsByRule ?? {})
            .map(([rule, n]) => `${rule} ${n}`)
            .join(", ") || "—",
        ]),
      ),
    ),
    ...(Array.isArray(result.notes) ? result.notes.map((n) => el("p", { class: "hint" }, [text(n)])) : []),
  ];
}

async function showResult(result) {
  const names = Object.keys(result.strategies ?? {});
  const out = $("sim-result");
  const charts = el("div", { class: "charts" });
  out.replaceChildren(
    el("p", { class: "sim-summary" }, [
      `${text(result.scenario)}: ${result.people} people, ${result.prs} pull requests over ${result.weeks} week${result.weeks === 1 ? "" : "s"} (seed ${result.seed}).`,
    ]),
    figuresTable(result, names),
    ...policyRuns(result),
    charts,
  );
  await drawCharts(charts, result, names);
}

async function runScenario() {
  const form = /** @type {HTMLFormElement} */ ($("sim-form"));
  const strategies = checked("sim-form", "strategy");
  const chosen = checked("sim-form", "policy");
  const status = $("sim-status");
  if (strategies.length === 0) {
    status.textContent = "Choose at least one strategy.";
    return;
  }
  if (chosen.length > MAX_POLICIES) {
    status.textContent = `Choose at most ${MAX_POLICIES} policies.`;
    return;
  }
  const body = { scenario: /** @type {HTMLSelectElement} */ ($("sim-scenario")).value, strategies };
  const seed = /** @type {HTMLInputElement} */ ($("sim-seed")).value.trim();
  const weeks = /** @type {HTMLInputElement} */ ($("sim-weeks")).value.trim();
  if (seed) body.seed = Number(seed);
  if (weeks) body.weeks = Number(weeks);
  if (chosen.length > 0) body.policies = chosen.map((policyId) => ({ policyId }));
  const button = /** @type {HTMLButtonElement} */ (form.querySelector("button[type=submit]"));
  button.disabled = true;
  status.textContent = "Running the simulation…";
  $("sim-result").replaceChildren();
  const ok = await guarded(async () => {
    const result = await api("POST", "/api/simulate", body);
    status.textContent = "Done.";
    lastResult = result;
    await showResult(result);
  }, $("sim-result"));
  if (!ok) status.textContent = "The simulation did not run.";
  button.disabled = false;
}

// ------------------------------------------------------------------ the tenant's history

function replayTable(replay) {
  const rows = (Array.isArray(replay.policies) ? replay.policies : []).map((p) => {
    const rules = (Array.isArray(p.rules) ? p.rules : [])
      .map(
        (r) =>
          `${r.rule}: ${r.prs} PR${r.prs === 1 ? "" : "s"}, ${r.reviewers} reviewer${r.reviewers === 1 ? "" : "s"}, ${r.slaHours} h`,
      )
      .join("; ");
    return el("tr", {}, [
      el("th", { scope: "row", "data-label": "Policy" }, [text(p.label)]),
      cell("Reviewers asked", p.reviewersAsked),
      cell("SLA, median", num(p.slaHoursMedian) ? `${p.slaHoursMedian} h` : "—"),
      cell("Rules", rules || "—"),
    ]);
  });
  return el("table", { class: "cards", "aria-label": "Policies replayed" }, [
    thead(["Policy", "Reviewers asked", "SLA, median", "Rules"]),
    el("tbody", {}, rows),
  ]);
}

async function runReplay() {
  const chosen = checked("replay-form", "replay-policy");
  const status = $("replay-status");
  if (chosen.length < 2 || chosen.length > 4) {
    status.textContent = "Choose two to four policies to compare.";
    return;
  }
  const days = Number(/** @type {HTMLSelectElement} */ ($("replay-days")).value);
  status.textContent = "Replaying…";
  $("replay-result").replaceChildren();
  const ok = await guarded(async () => {
    const replay = await api("POST", "/api/policies/simulate", {
      policies: chosen.map((policyId) => ({ policyId })),
      days,
    });
    status.textContent = "Done.";
    const differ = replay.differ ?? {};
    $("replay-result").replaceChildren(
      el("p", { class: "sim-summary" }, [
        `${replay.prs} recorded pull request${replay.prs === 1 ? "" : "s"} in the last ${days} days; ` +
          `the policies decide ${differ.prs ?? 0} of them differently` +
          (Array.isArray(differ.examples) && differ.examples.length > 0
            ? ` (for example ${differ.examples.slice(0, 5).join(", ")}).`
            : "."),
      ]),
      replayTable(replay),
      el("p", { class: "hint" }, [
        "A replay of decisions, not of behaviour: the outcomes are those the pull requests really had.",
      ]),
    );
  }, $("replay-result"));
  if (!ok) status.textContent = "The replay did not run.";
}

// ------------------------------------------------------------------ the view

/** Wire the forms (once, when the module arrives). */
export function initSimulate() {
  $("sim-scenario").addEventListener("change", describeScenario);
  $("sim-form").addEventListener("submit", (event) => {
    event.preventDefault();
    void runScenario();
  });
  $("replay-form").addEventListener("submit", (event) => {
    event.preventDefault();
    void runReplay();
  });
}

export async function loadSimulate() {
  await loadChoices();
  if (lastResult) await showResult(lastResult);
}

export function clearSimulate() {
  scenarios = null;
  policies = null;
  lastResult = null;
  for (const id of ["sim-result", "replay-result", "sim-strategies", "sim-policies", "replay-policies"]) {
    $(id).replaceChildren();
  }
  for (const id of ["sim-status", "replay-status", "sim-about"]) $(id).textContent = "";
}
