// The Overview, the dashboard's landing view: the team's review health at a glance. Each card reads
// its own API call and shows its own error in place; every figure is a link to the view behind it
// (the Reviews view filtered through the address, `#reviews?state=breached`, or Charts / Deliveries).
//
//   Review queue now        GET /api/reviews?limit=1   (total and counts over the whole queue, one
//                                                      aggregate in the Review Manager)
//                           GET /api/predictions       (forecast at risk, nobody assigned, blockers)
//   Time to first review    GET /api/metrics/reviews?weeks=8 (wall clock: median and P75, this ISO
//                                                      week vs last, and an 8-week chart with uPlot)
//   Stages vs elite         GET /api/insights?weeks=2  (per repository, last 7 days, working time)
//   Bottlenecks             GET /api/insights + /api/predictions
//   What Foreman did        GET /api/metrics (last 24 h) and GET /api/outbox (today, local outbox)
//
// All API text reaches the page as text nodes (dom.js `el` / textContent); times through time.js.
import { api, guarded } from "./api.js";
import { keepChart, loadLibrary, weekLabel, widthOf } from "./charts.js";
import { $, cell, el, safeLink, text, thead } from "./dom.js";
import { clock, duration, hoursFigure, viewerZone } from "./time.js";

const HOUR = 3_600_000;
const WEEKS = 8;
const CHART_HEIGHT = 200;

/**
 * LinearB's elite thresholds for the cycle-time stages (LinearB, "Software Engineering Benchmarks",
 * 3.69M PRs of 2,022 organisations; as summarised in /work/shared/docs/product-anchors.md, "Metrics
 * people compare against"): pickup (PR opened → first review) under 7 h (its P75 under 1 h), review
 * (first review → merge) under 5 h. LinearB's review stage is our "in review" and "to merge" together.
 */
export const ELITE = Object.freeze({ pickupMs: 7 * HOUR, pickupP75Ms: 1 * HOUR, reviewMs: 5 * HOUR });

// ------------------------------------------------------------------ small pieces

/** A figure that links to the list behind it: the number large, its label under it. */
function figure(value, label, href, extra) {
  const children = [
    el("span", { class: "ov-value" }, [text(value)]),
    el("span", { class: "ov-label" }, [label]),
  ];
  if (extra) children.push(el("span", { class: "ov-extra" }, [extra]));
  return el("a", { class: "ov-figure", href }, children);
}

/** A card with a heading; its body is filled by `draw`, errors and all. */
function card(id, title, intro) {
  const body = el("div", { class: "ov-card-body", id: `ov-${id}-body` }, [
    el("p", { class: "hint" }, ["Loading…"]),
  ]);
  const children = [el("h3", { id: `ov-${id}-title` }, [title])];
  if (intro) children.push(el("p", { class: "hint" }, [intro]));
  children.push(body);
  return {
    node: el("section", { class: "ov-card", id: `ov-${id}`, "aria-labelledby": `ov-${id}-title` }, children),
    body,
  };
}

const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const num = (v) => (typeof v === "number" && Number.isFinite(v) ? v : 0);

/** The Reviews view filtered: `#reviews?state=at_risk`. */
function reviewsLink(filter = {}) {
  const q = new URLSearchParams(Object.entries(filter).filter(([, v]) => v)).toString();
  return q ? `#reviews?${q}` : "#reviews";
}

// ------------------------------------------------------------------ review queue now

function queueCard(place, queue, predictions) {
  const counts = queue?.counts ?? { breached: 0, atRisk: 0 };
  const list = Array.isArray(predictions?.predictions) ? predictions.predictions : [];
  const forecastAtRisk = list.filter((p) => p.predicted?.atRisk === true).length;
  const unassigned = list.filter((p) => !Array.isArray(p.reviewers) || p.reviewers.length === 0).length;
  const figures = el("div", { class: "ov-figures" }, [
    figure(num(queue?.total), "open reviews", reviewsLink()),
    figure(num(counts.atRisk), "at risk", reviewsLink({ state: "at_risk" }), "past the SLA reminder"),
    figure(num(counts.breached), "breached", reviewsLink({ state: "breached" }), "past the SLA"),
    figure(forecastAtRisk, "likely to miss", reviewsLink({ state: "at_risk" }), "by the forecast"),
  ]);
  const parts = [figures];
  if (unassigned > 0) {
    parts.push(
      el("p", {}, [
        el("a", { href: reviewsLink() }, [`${plural(unassigned, "pull request")} with nobody assigned`]),
      ]),
    );
  }
  if (!queue?.reviewManager) {
    parts.push(
      el("p", { class: "hint" }, [
        "No Review Manager yet: it starts when a repository is linked (/foreman link github owner/repo).",
      ]),
    );
  }
  place.replaceChildren(...parts);
}

// ------------------------------------------------------------------ time to first review

function weekStats(metrics) {
  const weeks = Array.isArray(metrics?.weeks) ? metrics.weeks.map(String) : [];
  const totals = new Map(
    (Array.isArray(metrics?.totals) ? metrics.totals : []).map((t) => [String(t.week), t]),
  );
  return weeks.map((week) => {
    const fr = totals.get(week)?.firstReview ?? {};
    const count = num(fr.count);
    return {
      week,
      count,
      medianMs: count > 0 && typeof fr.medianMs === "number" ? fr.medianMs : null,
      p75Ms: count > 0 && typeof fr.p75Ms === "number" ? fr.p75Ms : null,
    };
  });
}

/** Fewer first reviews than this in either week: the weeks are not compared (a ratio of two PRs misleads). */
const MIN_TO_COMPARE = 5;

/** "18% faster than last week" / "2.0× slower than last week", or why the weeks are not compared. */
function change(now, before, counts) {
  if (typeof now !== "number" || typeof before !== "number" || before <= 0) return "no week to compare";
  const fewest = Math.min(counts.now ?? 0, counts.before ?? 0);
  if (fewest < MIN_TO_COMPARE) return `too few first reviews to compare (${counts.now ?? 0} this week)`;
  const ratio = now / before;
  if (Math.abs(ratio - 1) < 0.05) return "about the same as last week";
  if (ratio >= 2) return `${ratio.toFixed(1)}× slower than last week`;
  const pct = Math.round(Math.abs(ratio - 1) * 100);
  return `${pct}% ${ratio < 1 ? "faster" : "slower"} than last week`;
}

async function drawWeeks(place, rows) {
  const uPlot = await loadLibrary();
  const xs = rows.map((_, i) => i);
  const hours = (key) => rows.map((r) => (r[key] === null ? null : r[key] / HOUR));
  const opts = {
    width: widthOf(place),
    height: CHART_HEIGHT,
    legend: { show: true },
    cursor: { drag: { x: false, y: false } },
    scales: {
      x: { time: false, range: () => [-0.5, rows.length - 0.5] },
      y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.15 : 1] },
    },
    axes: [
      {
        splits: () => xs,
        // Every week when there is room, else every second or third (the latest always).
        values: (u, splits) => {
          const step = Math.max(1, Math.ceil((rows.length * 64) / Math.max(1, u.width)));
          return splits.map((i) =>
            (rows.length - 1 - i) % step === 0 ? weekLabel(rows[i]?.week ?? "") : "",
          );
        },
        grid: { show: false },
        size: 36,
      },
      { values: (_u, splits) => splits.map((v) => `${v.toFixed(1)} h`), size: 56 },
    ],
    series: [
      { label: "Week of", value: (_u, i) => (i === null ? "—" : weekLabel(rows[i]?.week ?? "")) },
      {
        label: "Median",
        stroke: "#0b5cad",
        fill: "#0b5cad33",
        width: 2,
        spanGaps: true,
        points: { show: true, size: 6 },
        value: (_u, v) => (v === null ? "—" : `${v.toFixed(1)} h`),
      },
      {
        label: "P75",
        stroke: "#8250df",
        width: 2,
        dash: [6, 4],
        spanGaps: true,
        points: { show: true, size: 6 },
        value: (_u, v) => (v === null ? "—" : `${v.toFixed(1)} h`),
      },
    ],
  };
  keepChart(new uPlot(opts, [xs, hours("medianMs"), hours("p75Ms")], place), place, CHART_HEIGHT);
}

async function firstReviewCard(place, metrics) {
  const rows = weekStats(metrics);
  const current = rows.at(-1);
  const previous = rows.at(-2);
  if (!rows.some((r) => r.count > 0)) {
    place.replaceChildren(el("p", { class: "empty" }, ["No first reviews in the last 8 weeks yet."]));
    return;
  }
  const counts = { now: current?.count, before: previous?.count };
  const figures = el("div", { class: "ov-figures" }, [
    figure(
      hoursFigure(current?.medianMs ?? null),
      "median this week",
      "#charts",
      `last week ${hoursFigure(previous?.medianMs ?? null)} · ${change(current?.medianMs, previous?.medianMs, counts)}`,
    ),
    figure(
      hoursFigure(current?.p75Ms ?? null),
      "P75 this week",
      "#charts",
      `last week ${hoursFigure(previous?.p75Ms ?? null)} · ${change(current?.p75Ms, previous?.p75Ms, counts)}`,
    ),
    figure(num(current?.count), "first reviews this week", "#charts", `last week ${num(previous?.count)}`),
  ]);
  const plot = el("div", {
    class: "plot",
    role: "img",
    "aria-label": "Median and P75 hours to first review per week, the last 8 weeks",
  });
  const data = el(
    "ul",
    { class: "chart-data" },
    rows.map((r) =>
      el("li", {}, [
        r.count === 0
          ? `Week of ${r.week}: no first reviews`
          : `Week of ${r.week}: median ${hoursFigure(r.medianMs)}, P75 ${hoursFigure(r.p75Ms)} over ${plural(r.count, "first review")}`,
      ]),
    ),
  );
  place.replaceChildren(figures, plot, data);
  await guarded(() => drawWeeks(plot, rows), plot);
}

// ------------------------------------------------------------------ stages against LinearB elite

function verdict(ms, limitMs) {
  if (typeof ms !== "number") return el("span", { class: "sla sla-none" }, ["no data"]);
  return ms < limitMs
    ? el("span", { class: "sla sla-ok" }, ["elite"])
    : el("span", { class: "sla sla-at-risk" }, [`above elite by ${duration(ms - limitMs)}`]);
}

function stageRow(label, q, elite, verdictNode) {
  return el("tr", {}, [
    el("th", { scope: "row" }, [label]),
    cell("P50", hoursFigure(q?.count ? q.p50Ms : null)),
    cell("P75", hoursFigure(q?.count ? q.p75Ms : null)),
    cell("PRs", String(num(q?.count))),
    cell("LinearB elite", elite),
    cell("Verdict", verdictNode),
  ]);
}

function stagesOf(repo) {
  const week = Array.isArray(repo.weeks) ? repo.weeks[0] : null;
  const pickup = week?.firstReview;
  const review = week?.inReview;
  const merge = week?.toMerge;
  // LinearB's review stage runs to the merge: our two stages together, medians added (an estimate).
  const reviewP50 =
    review?.count && merge?.count && typeof review.p50Ms === "number" && typeof merge.p50Ms === "number"
      ? review.p50Ms + merge.p50Ms
      : null;
  const name = text(repo.repo);
  const table = el("table", { class: "cards ov-stages" }, [
    el("caption", {}, [
      el("a", { href: reviewsLink({ repo: repo.repo }) }, [name]),
      " — last 7 days, working hours",
    ]),
    thead(["Stage", "P50", "P75", "PRs", "LinearB elite", "Verdict"]),
    el("tbody", {}, [
      stageRow(
        "Pickup (ready → first review)",
        pickup,
        "P50 < 7 h",
        verdict(pickup?.count ? pickup.p50Ms : null, ELITE.pickupMs),
      ),
      stageRow(
        "Review (first review → approval)",
        review,
        "with merge < 5 h",
        verdict(reviewP50, ELITE.reviewMs),
      ),
      stageRow(
        "Merge (approval → merged)",
        merge,
        "with review < 5 h",
        el("span", { class: "hint" }, [
          reviewP50 === null ? "—" : `review + merge ≈ ${hoursFigure(reviewP50)}`,
        ]),
      ),
    ]),
  ]);
  return el("div", { class: "ov-table-wrap" }, [table]);
}

function stagesCard(place, insights) {
  const repos = Array.isArray(insights?.repos) ? insights.repos : [];
  const withData = repos.filter((r) =>
    ["firstReview", "inReview", "toMerge"].some((k) => num(r.weeks?.[0]?.[k]?.count) > 0),
  );
  if (withData.length === 0) {
    place.replaceChildren(
      el("p", { class: "empty" }, ["No reviews or merges in the last 7 days to measure the stages with."]),
    );
    return;
  }
  place.replaceChildren(...withData.slice(0, 3).map(stagesOf));
  if (withData.length > 3) {
    place.append(
      el("p", { class: "hint" }, [`${withData.length - 3} more repositories, slowest first above.`]),
    );
  }
}

// ------------------------------------------------------------------ bottlenecks and insights

const BLOCKER_TEXT = {
  review: "a review",
  changes: "the author's changes",
  checks: "failing checks",
  merge: "the author to merge",
};

function bottlenecksCard(place, insights, predictions) {
  const items = [];
  for (const b of Array.isArray(insights?.bottlenecks) ? insights.bottlenecks : []) {
    if (b.kind === "reviewer") {
      items.push(
        el("li", {}, [
          el("a", { href: reviewsLink({ reviewer: b.login }) }, [
            `${text(b.login)}: ${num(b.open)} open of ${num(b.capacity)}`,
          ]),
          `, ${num(b.aging)} aging — ${text(b.suggestion)}`,
        ]),
      );
    } else if (b.kind === "repo") {
      items.push(
        el("li", {}, [
          el("a", { href: reviewsLink({ repo: b.repo }) }, [text(b.repo)]),
          `: P75 to first review ${hoursFigure(b.p75Ms)}, was ${hoursFigure(b.previousP75Ms)} — ${text(b.suggestion)}`,
        ]),
      );
    }
  }
  for (const r of Array.isArray(insights?.reviewers) ? insights.reviewers : []) {
    if (r.overCapacity && !r.bottleneck) {
      items.push(
        el("li", {}, [
          el("a", { href: reviewsLink({ reviewer: r.login }) }, [`${text(r.login)} is over capacity`]),
          ` (${num(r.open)} open of ${num(r.capacity)}), nothing aging yet`,
        ]),
      );
    }
  }
  const list = Array.isArray(predictions?.predictions) ? predictions.predictions : [];
  const blockers = new Map();
  for (const p of list) {
    const reason = p.predicted?.blocker?.reason;
    if (reason) blockers.set(reason, (blockers.get(reason) ?? 0) + 1);
  }
  if (blockers.size > 0) {
    const parts = [...blockers.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([reason, n]) => `${n} on ${BLOCKER_TEXT[reason] ?? text(reason)}`);
    items.push(el("li", {}, [el("a", { href: reviewsLink() }, ["Waiting now"]), `: ${parts.join(", ")}`]));
  }
  const risky = list
    .filter((p) => typeof p.predicted?.breachRisk === "number" && p.predicted.breachRisk < 1)
    .sort((a, b) => b.predicted.breachRisk - a.predicted.breachRisk)
    .slice(0, 3)
    .filter((p) => p.predicted.atRisk);
  for (const p of risky) {
    const ref = `${text(p.repo)}#${text(p.number)}`;
    const likely = p.predicted.firstReviewBy;
    items.push(
      el("li", {}, [
        safeLink(p.url, ref),
        ` ${Math.round(p.predicted.breachRisk * 100)}% likely to miss its SLA`,
        typeof likely === "number" ? ` (first review likely ${clock(likely)})` : "",
        " — ",
        el("a", { href: reviewsLink({ repo: p.repo, state: "at_risk" }) }, ["at risk in the queue"]),
      ]),
    );
  }
  place.replaceChildren(
    items.length
      ? el("ul", { class: "ov-list" }, items)
      : el("p", { class: "empty" }, [
          "No bottlenecks: nobody is over capacity and no repository is slowing down.",
        ]),
  );
}

// ------------------------------------------------------------------ what Foreman did

const startOfToday = () => {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  return d.getTime();
};

function activityCard(place, metrics, outbox) {
  const sla = new Map((Array.isArray(metrics?.sla) ? metrics.sla : []).map((s) => [s.event, num(s.count)]));
  const deliveries = Array.isArray(metrics?.deliveries) ? metrics.deliveries : [];
  const delivered = deliveries
    .filter((d) => d.outcome === "sent" || d.outcome === "local")
    .reduce((n, d) => n + num(d.count), 0);
  const figures = [
    figure(delivered, "messages delivered", "#deliveries", "last 24 h"),
    figure(sla.get("reminder") ?? 0, "SLA reminders", reviewsLink({ state: "at_risk" }), "last 24 h"),
    figure(sla.get("breach") ?? 0, "breaches flagged", reviewsLink({ state: "breached" }), "last 24 h"),
    figure(sla.get("escalation") ?? 0, "escalations", reviewsLink({ state: "breached" }), "last 24 h"),
    figure(num(metrics?.totals?.deadLetters), "dead letters", "#deliveries", "last 24 h"),
  ];
  const today = metrics?.notifications?.available ? metrics.notifications.today : null;
  if (today) {
    figures.push(
      figure(num(today.sent), "sent to people", "#deliveries", "today"),
      figure(num(today.held), "held for later", "#deliveries", "focus, off-hours, away"),
      figure(num(today.merged), "merged into one", "#deliveries", "today"),
    );
  }
  const entries = Array.isArray(outbox?.entries) ? outbox.entries : [];
  const since = startOfToday();
  const todays = entries.filter((e) => {
    const at = new Date(e.createdAt).getTime();
    return Number.isFinite(at) && at >= since;
  });
  const count = (pred) => todays.filter(pred).length;
  const requested = count((e) => e.action === "pulls.requestReviewers");
  const posted = count((e) =>
    ["chat.postMessage", "channels.messages.create", "users.dm"].includes(e.action),
  );
  const edited = count((e) => ["chat.update", "channels.messages.edit"].includes(e.action));
  const parts = [el("div", { class: "ov-figures" }, figures)];
  if (todays.length > 0) {
    parts.push(
      el("p", {}, [
        el("a", { href: "#deliveries" }, ["Local outbox today"]),
        `: ${plural(requested, "review request")}, ${plural(posted, "message")} posted, ${plural(edited, "card")} edited.`,
      ]),
    );
  }
  place.replaceChildren(...parts);
}

// ------------------------------------------------------------------ the view

export async function loadOverview() {
  const root = $("overview-body");
  const queue = card("queue", "Review queue now");
  const first = card(
    "first-review",
    "Time to first review",
    "Wall-clock time from ready for review to the first review, by ISO week (UTC Mondays).",
  );
  const stages = card(
    "stages",
    "Stages against LinearB's elite teams",
    "Per repository, slowest first. Elite (LinearB benchmarks): pickup under 7 h, review to merge under 5 h.",
  );
  const bottlenecks = card("bottlenecks", "Bottlenecks and insights");
  const activity = card("activity", "What Foreman did");
  root.replaceChildren(queue.node, first.node, stages.node, bottlenecks.node, activity.node);
  $("overview-asof").textContent = `As of ${clock(Date.now())}. Times in ${viewerZone()}.`;

  const predictions = api("GET", "/api/predictions");
  const insights = api("GET", "/api/insights?weeks=2");
  // Settled here so a failure is shown by the cards that use them, not reported unhandled.
  predictions.catch(() => {});
  insights.catch(() => {});
  await Promise.all([
    guarded(
      async () => queueCard(queue.body, await api("GET", "/api/reviews?limit=1"), await predictions),
      queue.body,
    ),
    guarded(
      async () => firstReviewCard(first.body, await api("GET", `/api/metrics/reviews?weeks=${WEEKS}`)),
      first.body,
    ),
    guarded(async () => stagesCard(stages.body, await insights), stages.body),
    guarded(
      async () => bottlenecksCard(bottlenecks.body, await insights, await predictions),
      bottlenecks.body,
    ),
    guarded(async () => {
      const [metrics, outbox] = await Promise.all([
        api("GET", "/api/metrics"),
        api("GET", "/api/outbox?limit=200"),
      ]);
      activityCard(activity.body, metrics, outbox);
    }, activity.body),
  ]);
}
