// The Charts view, drawn with uPlot (served from /vendor, copied there by scripts/vendor-assets.mjs):
// time to first review by week (median hours, GET /api/metrics/reviews?weeks=8) and open reviews per
// reviewer (GET /api/reviews). Each chart has a text list of the same numbers; errors show in place.
import { api, guarded } from "./api.js";
import { $, el } from "./dom.js";

const UPLOT_JS = "/vendor/uPlot.iife.min.js";
const UPLOT_CSS = "/vendor/uPlot.min.css";
const WEEKS = 8;
const HEIGHT = 220;

let library;
/** @type {Array<{ chart: any, observer: ResizeObserver }>} */
let drawn = [];

/** Loads uPlot once (a classic script defining window.uPlot, and its stylesheet); the Overview uses it too. */
export function loadLibrary() {
  if (window.uPlot) return Promise.resolve(window.uPlot);
  library ??= new Promise((resolve, reject) => {
    if (!document.querySelector(`link[href="${UPLOT_CSS}"]`)) {
      document.head.append(el("link", { rel: "stylesheet", href: UPLOT_CSS }));
    }
    const script = el("script", { src: UPLOT_JS });
    script.addEventListener("load", () =>
      window.uPlot ? resolve(window.uPlot) : reject(new Error(`${UPLOT_JS} did not define uPlot`)),
    );
    script.addEventListener("error", () => {
      library = undefined;
      script.remove();
      reject(
        new Error(
          `The chart library ${UPLOT_JS} could not be loaded: run \`node scripts/vendor-assets.mjs\` (npm run dev and wrangler deploy run it).`,
        ),
      );
    });
    document.head.append(script);
  });
  return library;
}

function clearCharts() {
  for (const { chart, observer } of drawn) {
    observer.disconnect();
    chart.destroy();
  }
  drawn = [];
}

export const widthOf = (node) => Math.max(200, Math.floor(node.clientWidth));

/** A bar chart of `values` over categorical `labels`; null values leave a gap. */
function barChart(uPlot, container, labels, values, { color, unit, decimals }) {
  const xs = labels.map((_, i) => i);
  const short = (s) => (s.length > 10 ? `${s.slice(0, 9)}…` : s);
  const opts = {
    width: widthOf(container),
    height: HEIGHT,
    legend: { show: false },
    cursor: { drag: { x: false, y: false }, points: { show: false } },
    scales: {
      x: { time: false, range: () => [-0.5, labels.length - 0.5] },
      y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.15 : 1] },
    },
    axes: [
      {
        splits: () => xs,
        values: (_u, splits) => splits.map((i) => short(labels[i] ?? "")),
        grid: { show: false },
        size: 36,
      },
      {
        values: (_u, splits) => splits.map((v) => `${v.toFixed(decimals)}${unit}`),
        size: 56,
        // Counts get whole-number ticks only.
        ...(decimals === 0 ? { incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500] } : {}),
      },
    ],
    series: [
      {},
      {
        label: unit,
        fill: `${color}bb`,
        stroke: color,
        width: 1,
        paths: uPlot.paths.bars({ size: [0.6, 64] }),
        points: { show: false },
      },
    ],
  };
  keepChart(new uPlot(opts, [xs, values], container), container, HEIGHT);
}

/**
 * Keeps a drawn chart to its container's width, until unloadCharts (any view but Charts, sign out)
 * destroys it: the Overview's charts are kept here too.
 */
export function keepChart(chart, container, height) {
  const observer = new ResizeObserver(() => {
    const width = widthOf(container);
    if (width !== chart.width) chart.setSize({ width, height });
  });
  observer.observe(container);
  drawn.push({ chart, observer });
}

/** An ISO week's Monday ("2025-03-03") as a short date ("Mar 3"); the Overview labels its weeks so too. */
export function weekLabel(week) {
  const date = new Date(`${week}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return String(week);
  return date.toLocaleDateString(undefined, { month: "short", day: "numeric", timeZone: "UTC" });
}

/** [labels, median hours (null: no reviews that week), lines] of the metrics body. */
function firstReviewSeries(body) {
  const weeks = Array.isArray(body?.weeks) ? body.weeks.map(String) : [];
  const totals = new Map((Array.isArray(body?.totals) ? body.totals : []).map((t) => [String(t.week), t]));
  const values = [];
  const lines = [];
  for (const week of weeks) {
    const fr = totals.get(week)?.firstReview;
    const count = typeof fr?.count === "number" ? fr.count : 0;
    const median = count > 0 && typeof fr?.medianMs === "number" ? fr.medianMs / 3_600_000 : null;
    values.push(median);
    lines.push(
      median === null
        ? `Week of ${week}: no first reviews`
        : `Week of ${week}: median ${median.toFixed(1)} h over ${count} first review${count === 1 ? "" : "s"}`,
    );
  }
  return { labels: weeks.map(weekLabel), values, lines };
}

/** Open reviews (requested or in review) per reviewer, most first. */
function openPerReviewer(queue) {
  const counts = new Map();
  for (const item of Array.isArray(queue?.items) ? queue.items : []) {
    for (const r of Array.isArray(item.reviewers) ? item.reviewers : []) {
      const login = String(r.login);
      counts.set(login, (counts.get(login) ?? 0) + 1);
    }
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

function listOf(lines) {
  return el(
    "ul",
    { class: "chart-data" },
    lines.map((l) => el("li", {}, [l])),
  );
}

async function drawFirstReview(uPlotReady) {
  const place = $("chart-first-review");
  place.replaceChildren(el("p", { class: "hint" }, ["Loading…"]));
  await guarded(async () => {
    const body = await api("GET", `/api/metrics/reviews?weeks=${WEEKS}`);
    const { labels, values, lines } = firstReviewSeries(body);
    if (values.every((v) => v === null)) {
      place.replaceChildren(
        el("p", { class: "empty" }, ["No metrics yet: nobody has had a first review in these weeks."]),
      );
      return;
    }
    const plot = el("div", {
      class: "plot",
      role: "img",
      "aria-label": "Median hours to first review per week",
    });
    place.replaceChildren(plot, listOf(lines));
    barChart(await uPlotReady, plot, labels, values, { color: "#0b5cad", unit: " h", decimals: 1 });
  }, place);
}

async function drawOpenReviews(uPlotReady) {
  const place = $("chart-open-reviews");
  place.replaceChildren(el("p", { class: "hint" }, ["Loading…"]));
  await guarded(async () => {
    const rows = openPerReviewer(await api("GET", "/api/reviews"));
    if (rows.length === 0) {
      place.replaceChildren(el("p", { class: "empty" }, ["No open reviews right now."]));
      return;
    }
    const plot = el("div", { class: "plot", role: "img", "aria-label": "Open reviews per reviewer" });
    place.replaceChildren(plot, listOf(rows.map(([login, n]) => `${login}: ${n} open`)));
    barChart(
      await uPlotReady,
      plot,
      rows.map(([login]) => login),
      rows.map(([, n]) => n),
      { color: "#8250df", unit: "", decimals: 0 },
    );
  }, place);
}

export async function loadCharts() {
  clearCharts();
  const uPlotReady = loadLibrary();
  uPlotReady.catch(() => {}); // reported by each chart that needs it
  await Promise.all([drawFirstReview(uPlotReady), drawOpenReviews(uPlotReady)]);
}

export function unloadCharts() {
  clearCharts();
}
