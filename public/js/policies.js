// The Policies and experiments view (docs/policies.md): each review policy's versions with their
// effectiveness (GET /api/policies, GET /api/policies/{id}/effectiveness), and the experiments with
// their arms, effect interval, guardrails and decision (GET /api/experiments, GET /api/experiments/{id}),
// with Promote (POST /api/experiments/{id}/promote, admin: the API's refusal is shown in place).
// The effect's 95% interval is drawn with uPlot (charts.js); the same figures are always in text.
import { api, guarded } from "./api.js";
import { keepChart, loadLibrary, widthOf } from "./charts.js";
import { $, cell, el, notify, status, text, thead, when } from "./dom.js";

const DECISION_TEXT = {
  continue: "running: not decided yet",
  "stop-harm": "stopped: a guardrail got worse",
  "variant-wins": "the variant wins",
  "control-wins": "the control wins",
  "no-difference": "no difference",
};
const METRIC_TEXT = {
  firstReviewHours: "time to first review",
  firstReviewWorkingHours: "working time to first review",
  mergeHours: "time to merge",
  inReviewHours: "time in review",
};
const GUARDRAIL_TEXT = {
  breachRate: "SLA breaches",
  rubberStampRate: "rubber stamps",
  noCommentLargeRate: "large PRs without comments",
  reopenRate: "reopened",
};
const CHART_HEIGHT = 90;

const num = (v) => typeof v === "number" && Number.isFinite(v);
/** Hours with one decimal ("2.5 h"), signed when asked. */
const h = (v, signed = false) => (num(v) ? `${signed && v > 0 ? "+" : ""}${v.toFixed(1)} h` : "—");
/** A fraction as a percentage ("12%"), signed when asked (points). */
const pct = (v, signed = false) =>
  num(v) ? `${signed && v > 0 ? "+" : ""}${Math.round(v * 100)}${signed ? " pts" : "%"}` : "—";
const stage = (s) => (s && num(s.median) ? `${h(s.median)} · P75 ${h(s.p75)} (n ${s.n})` : "—");
const label = (map, key) => (typeof key === "string" && Object.hasOwn(map, key) ? map[key] : text(key));
const ref = (r) => (r && typeof r === "object" ? `${text(r.policyId)} v${text(r.version)}` : "—");

// ------------------------------------------------------------------ policies

function effectivenessTable(policyId, figures) {
  const versions = Array.isArray(figures?.versions) ? [...figures.versions].reverse() : [];
  if (versions.length === 0) {
    return el("p", { class: "empty" }, ["No pull requests decided by this policy yet."]);
  }
  const rows = versions.map((v) => {
    const s = v.summary ?? {};
    const d = v.vsPrevious;
    const change = d
      ? `first review ${h(d.firstReviewMedian, true)}, merge ${h(d.mergeMedian, true)}, breaches ${pct(d.breachRate, true)}`
      : "—";
    const rules = Array.isArray(v.rules) ? v.rules : [];
    const byRule = el("details", { class: "rules" }, [
      el("summary", {}, [`${rules.length} rule${rules.length === 1 ? "" : "s"}`]),
      el(
        "ul",
        {},
        rules.map((r) =>
          el("li", {}, [
            `${text(r.rule)}: ${r.summary?.prs ?? 0} PRs, first review ${stage(r.summary?.firstReview)}`,
          ]),
        ),
      ),
    ]);
    return el("tr", {}, [
      cell("Version", `v${text(v.version)}`),
      cell("PRs", String(s.prs ?? 0)),
      cell("First review", stage(s.firstReview)),
      cell("Working hours", stage(s.firstReviewWorking)),
      cell("Merge", stage(s.merge)),
      cell("Breaches", pct(s.breachRate)),
      cell("Rubber stamps", pct(s.rubberStampRate)),
      cell("vs previous", change),
      cell("Rules", byRule),
    ]);
  });
  const head = [
    "Version",
    "PRs",
    "First review",
    "Working hours",
    "Merge",
    "Breaches",
    "Rubber stamps",
    "vs previous",
    "Rules",
  ];
  return el("table", { class: "cards", "aria-label": `Effectiveness of ${policyId} by version` }, [
    thead(head),
    el("tbody", {}, rows),
  ]);
}

async function policyCard(p, active) {
  const id = String(p.id);
  const isActive = active?.policyId === id;
  const facts = [
    `latest v${text(p.latestVersion)}`,
    isActive ? `active v${text(active.version)}` : "not active",
    p.retired ? "retired (its .foreman.yml was removed)" : "",
    `updated ${when(p.updatedAt)}`,
  ].filter(Boolean);
  const figures = el("div", { class: "policy-figures" }, [el("p", { class: "hint" }, ["Loading…"])]);
  const card = el("li", { class: "policy", "data-policy": id }, [
    el("h4", {}, [id, " ", status(isActive ? "active" : "inactive")]),
    el("p", { class: "hint" }, [
      p.description ? `${p.description} · ${facts.join(" · ")}` : facts.join(" · "),
    ]),
    figures,
  ]);
  await guarded(async () => {
    const body = await api("GET", `/api/policies/${encodeURIComponent(id)}/effectiveness`);
    figures.replaceChildren(effectivenessTable(id, body));
  }, figures);
  return card;
}

async function loadPolicyList() {
  const list = $("policies-list");
  const body = await api("GET", "/api/policies");
  const policies = Array.isArray(body?.policies) ? body.policies : [];
  const active = body?.active ?? null;
  $("policies-active").textContent = active
    ? `Deciding pull requests now: ${ref(active)}${body.experiment ? `, with experiment ${text(body.experiment.id)} running` : ""}.`
    : "";
  list.replaceChildren(...(await Promise.all(policies.map((p) => policyCard(p, active)))));
  $("policies-empty").hidden = policies.length > 0;
}

// ------------------------------------------------------------------ experiments

/** The effect's 95% interval (variant − control, hours) on a line through zero, drawn with uPlot. */
async function drawInterval(place, effect, name) {
  const [lo, hi] = effect.ci95;
  const mid = num(effect.difference) ? effect.difference : (lo + hi) / 2;
  const plot = el("div", {
    class: "plot interval",
    role: "img",
    "aria-label": `Effect on ${name}: ${h(mid, true)}, 95% interval ${h(lo, true)} to ${h(hi, true)}`,
  });
  place.append(plot);
  const uPlot = await loadLibrary();
  const span = Math.max(Math.abs(lo), Math.abs(hi), 0.5) * 1.2;
  const opts = {
    width: widthOf(plot),
    height: CHART_HEIGHT,
    legend: { show: false },
    cursor: { show: false },
    scales: { x: { time: false, range: () => [-span, span] }, y: { range: () => [-1, 1] } },
    axes: [{ values: (_u, splits) => splits.map((v) => `${v.toFixed(1)} h`), size: 30 }, { show: false }],
    series: [
      {},
      { stroke: "#0b5cad", width: 3, points: { show: true, size: 9, fill: "#0b5cad", stroke: "#0b5cad" } },
    ],
    hooks: {
      // Zero: no difference. Left of it the variant is faster.
      draw: [
        (u) => {
          const x = Math.round(u.valToPos(0, "x", true));
          u.ctx.save();
          u.ctx.strokeStyle = "#57606a";
          u.ctx.setLineDash([4, 4]);
          u.ctx.beginPath();
          u.ctx.moveTo(x, u.bbox.top);
          u.ctx.lineTo(x, u.bbox.top + u.bbox.height);
          u.ctx.stroke();
          u.ctx.restore();
        },
      ],
    },
  };
  const xs = [lo, mid, hi].sort((a, b) => a - b);
  keepChart(new uPlot(opts, [xs, [0, 0, 0]], plot), plot, CHART_HEIGHT);
}

function armsTable(id, analysis, record) {
  const arm = (name, a, version) =>
    el("tr", {}, [
      cell("Arm", `${name} (${ref(version)})`),
      cell("PRs", String(a?.prs ?? 0)),
      cell("Reached", String(a?.n ?? 0)),
      cell("Median", h(a?.median)),
      cell("P75", h(a?.p75)),
    ]);
  const spec = record?.spec ?? {};
  return el("table", { class: "cards", "aria-label": `Arms of ${id}` }, [
    thead(["Arm", "PRs", "Reached", "Median", "P75"]),
    el("tbody", {}, [
      arm("control", analysis?.arms?.control, {
        policyId: spec.control?.policyId,
        version: record?.controlVersion,
      }),
      arm("variant", analysis?.arms?.variant, {
        policyId: spec.variant?.policyId,
        version: record?.variantVersion,
      }),
    ]),
  ]);
}

async function promote(id, out, button) {
  button.disabled = true;
  out.replaceChildren();
  const ok = await guarded(async () => {
    const body = await api("POST", `/api/experiments/${encodeURIComponent(id)}/promote`, {});
    const v = body?.policy;
    const message = `Promoted ${id}: ${text(v?.policyId)} v${text(v?.version)} is active${body?.early ? " (before a decision)" : ""}.`;
    out.replaceChildren(el("p", { class: "hint", role: "status" }, [message]));
    notify(message);
  }, out);
  if (ok) await loadExperiments();
  else button.disabled = false;
}

async function experimentCard(summary) {
  const id = String(summary.id);
  const detail = el("div", { class: "experiment-figures" }, [el("p", { class: "hint" }, ["Loading…"])]);
  const card = el("li", { class: "experiment", "data-experiment": id }, [
    el("h4", {}, [text(summary.spec?.name ?? id), " ", status(summary.status)]),
    detail,
  ]);
  await guarded(async () => {
    const body = await api("GET", `/api/experiments/${encodeURIComponent(id)}`);
    const record = body?.experiment ?? summary;
    const analysis = body?.analysis ?? record.decision ?? null;
    const spec = record.spec ?? {};
    const metric = label(METRIC_TEXT, analysis?.metric ?? spec.primaryMetric);
    const share = num(spec.allocation?.variantShare) ? Math.round(spec.allocation.variantShare * 100) : 50;
    const parts = [
      el("p", { class: "hint" }, [
        `${id} · ${ref({ policyId: spec.control?.policyId, version: record.controlVersion })} against ` +
          `${ref({ policyId: spec.variant?.policyId, version: record.variantVersion })} · ${share}% to the variant · ` +
          `on ${metric} · started ${when(record.startedAt)} by ${text(record.startedBy)}`,
      ]),
    ];
    if (!analysis) {
      parts.push(el("p", { class: "empty" }, ["No figures yet."]));
      detail.replaceChildren(...parts);
      return;
    }
    const decision =
      analysis.decision === "continue" && record.status !== "running"
        ? `${text(record.status)} before a decision`
        : label(DECISION_TEXT, analysis.decision);
    parts.push(
      el("p", { class: "decision" }, [
        el("strong", {}, ["Decision: "]),
        decision,
        analysis.reason ? ` — ${analysis.reason}` : "",
      ]),
      armsTable(id, analysis, record),
    );
    const effect = analysis.effect ?? {};
    const ci = Array.isArray(effect.ci95) && effect.ci95.every(num) ? effect.ci95 : null;
    const effectText =
      `Effect (variant − control): ${h(effect.difference, true)}` +
      (num(effect.relative) ? ` (${pct(effect.relative, true).replace(" pts", "%")})` : "") +
      (ci ? `, 95% interval ${h(ci[0], true)} to ${h(ci[1], true)}` : ", no interval yet") +
      (num(analysis.pValue) ? `, p = ${analysis.pValue.toFixed(3)}` : "") +
      ". Below zero, the variant is faster.";
    const interval = el("div", { class: "effect" }, [el("p", {}, [effectText])]);
    parts.push(interval);
    const guardrails = Array.isArray(analysis.guardrails) ? analysis.guardrails : [];
    if (guardrails.length > 0) {
      parts.push(
        el(
          "ul",
          { class: "guardrails", "aria-label": `Guardrails of ${id}` },
          guardrails.map((g) =>
            el("li", {}, [
              `${label(GUARDRAIL_TEXT, g.metric)}: control ${pct(g.control)}, variant ${pct(g.variant)}` +
                ` (${pct(g.increase, true)})`,
              " ",
              g.breached
                ? status("breached")
                : num(g.increase)
                  ? status("ok", "within")
                  : status("unknown", "no data yet"),
            ]),
          ),
        ),
      );
    }
    if (record.promotedVersion) {
      parts.push(
        el("p", { class: "hint" }, [
          `Promoted to v${record.promotedVersion} by ${text(record.promotedBy)} ${when(record.promotedAt)}.`,
        ]),
      );
    } else if (record.status === "running" || record.status === "decided") {
      const out = el("div", { class: "promote-out", "aria-live": "polite" });
      const button = el("button", { type: "button", "aria-label": `Promote ${id}` }, ["Promote"]);
      button.addEventListener("click", () => void promote(id, out, button));
      parts.push(
        el("div", { class: "actions" }, [
          button,
          el("span", { class: "hint" }, [
            "The variant becomes the control policy's new, active version (admin).",
          ]),
        ]),
        out,
      );
    }
    detail.replaceChildren(...parts);
    if (ci) await drawInterval(interval, effect, metric);
  }, detail);
  return card;
}

async function loadExperiments() {
  const body = await api("GET", "/api/experiments");
  const experiments = Array.isArray(body?.experiments) ? body.experiments : [];
  $("experiments-list").replaceChildren(...(await Promise.all(experiments.map(experimentCard))));
  $("experiments-empty").hidden = experiments.length > 0;
}

export async function loadPolicies() {
  // Each list shows its own failure in place; the other still loads.
  for (const id of ["policies-error", "experiments-error"]) $(id).replaceChildren();
  await Promise.all([
    guarded(loadPolicyList, $("policies-error")),
    guarded(loadExperiments, $("experiments-error")),
  ]);
}

export function clearPolicies() {
  for (const id of ["policies-list", "experiments-list", "policies-error", "experiments-error"]) {
    $(id).replaceChildren();
  }
  $("policies-active").textContent = "";
}
