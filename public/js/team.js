// The Team view (GET /api/people): each member with their local time, where they stand now (working,
// focus, out, off hours), open reviews against capacity, how messages reach them and today's counts;
// then the holidays and out-of-office ahead. A member's local time is in their zone (weekday and HH:MM,
// never seconds), so it is formatted here rather than by time.js (the viewer's zone). Where someone
// stands changes with the clock, not only with events: when the first "until" passes, the view is read
// again (live.js brings the changes events make).
import { api, guarded } from "./api.js";
import { $, el, fill, status, text } from "./dom.js";

const STATE_TEXT = { working: "working now", focus: "focus", out: "out", "off-hours": "off hours" };
const DAY_NAMES = { mon: "Mon", tue: "Tue", wed: "Wed", thu: "Thu", fri: "Fri", sat: "Sat", sun: "Sun" };
const MODE_TEXT = { immediate: "immediate", batched: "batched", digest: "daily digest" };

/** The clocks on the page, refreshed each half minute while the view is loaded. */
let ticker = null;
/** The first moment someone's state ends (their `now.until`): the view is read again then. */
let nextChangeMs = Number.POSITIVE_INFINITY;

/** "Thu 16:05" in `tz` (the viewer's zone when absent); "—" for anything unreadable. */
function clock(ms, tz) {
  try {
    return new Intl.DateTimeFormat(undefined, {
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      ...(tz ? { timeZone: tz } : {}),
    }).format(ms);
  } catch {
    return "—";
  }
}

/** "24 Dec" for a YYYY-MM-DD date (read as a calendar day, no zone). */
function day(iso) {
  const m = typeof iso === "string" ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso) : null;
  if (!m) return text(iso);
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", timeZone: "UTC" }).format(d);
}

function range(from, until) {
  if (!from && !until) return "until marked back";
  if (!from) return `until ${day(until)}`;
  if (!until) return `from ${day(from)}, until marked back`;
  return from === until ? day(from) : `${day(from)} – ${day(until)}`;
}

function hoursText(wh) {
  const days = Array.isArray(wh?.days) ? wh.days.map((d) => DAY_NAMES[d] ?? text(d)).join(" ") : "—";
  return `${days}, ${text(wh?.start)}–${text(wh?.end)}`;
}

function nowNode(p) {
  const state =
    typeof p.now?.state === "string" && Object.hasOwn(STATE_TEXT, p.now.state) ? p.now.state : null;
  if (!state) return el("span", { class: "hint" }, ["availability unknown"]);
  const until = typeof p.now.until === "string" ? Date.parse(p.now.until) : Number.NaN;
  const parts = [status(state, STATE_TEXT[state])];
  if (!Number.isNaN(until)) parts.push(el("span", { class: "hint" }, [` until ${clock(until)}`]));
  return el("span", {}, parts);
}

function reviewsNode(r) {
  if (!r || typeof r.open !== "number") return el("span", { class: "hint" }, ["no Review Manager"]);
  const over = r.open > r.capacity;
  const meter = el("meter", {
    min: "0",
    max: String(Math.max(r.capacity, r.open, 1)),
    high: String(r.capacity),
    optimum: "0",
    value: String(r.open),
    "aria-label": `Open reviews: ${r.open} of a capacity of ${r.capacity}`,
  });
  return el("span", { class: over ? "reviews over" : "reviews" }, [
    `${r.open} of ${r.capacity}${over ? " (over capacity)" : ""} `,
    meter,
  ]);
}

function notifyText(n) {
  const mode = MODE_TEXT[n?.mode] ?? text(n?.mode);
  const windows = Array.isArray(n?.windows) && n.mode !== "immediate" ? ` at ${n.windows.join(", ")}` : "";
  const focus = Array.isArray(n?.focus) && n.focus.length ? ` · ${n.focus.length} focus block(s)` : "";
  return `${mode}${windows} · cap ${text(n?.dailyCap)}/day${focus}`;
}

function todayText(p) {
  const t = p.today;
  if (!t) return "unknown (no Context Optimizer answered)";
  const held = Array.isArray(p.held) ? p.held.length : 0;
  return `${text(t.sent)} sent · ${text(t.held)} held · ${text(t.avoided)} interruptions avoided${held ? ` · ${held} waiting` : ""}`;
}

function row(label, content) {
  return [el("dt", {}, [label]), el("dd", {}, [content])];
}

function memberCard(p, nowMs) {
  const name = typeof p.user?.name === "string" && p.user.name ? p.user.name : text(p.login);
  const local = el("span", { class: "local-time", "data-tz": text(p.tz) }, [clock(nowMs, p.tz)]);
  const heading = el("h3", {}, [name, el("span", { class: "hint" }, [` @${text(p.login)}`])]);
  if (p.lead) heading.append(" ", status("lead"));
  return el("li", { class: "member", "data-login": text(p.login) }, [
    heading,
    el("dl", {}, [
      ...row("Local time", el("span", {}, [local, el("span", { class: "hint" }, [` ${text(p.tz)}`])])),
      ...row("Now", nowNode(p)),
      ...row("Reviews", reviewsNode(p.reviews)),
      ...row("Works", document.createTextNode(hoursText(p.workingHours))),
      ...row("Notifications", document.createTextNode(notifyText(p.notify))),
      ...row("Today", document.createTextNode(todayText(p))),
    ]),
  ]);
}

/** Absences and holidays not over yet, each range once with everyone it applies to. */
function ahead(people) {
  const byRange = new Map();
  const add = (from, until, what, who) => {
    const key = `${from ?? ""}|${until ?? ""}|${what}`;
    const entry = byRange.get(key) ?? { from, until, what, who: [] };
    if (!entry.who.includes(who)) entry.who.push(who);
    byRange.set(key, entry);
  };
  for (const p of people) {
    const who = typeof p.user?.name === "string" && p.user.name ? p.user.name : text(p.login);
    const o = p.outOfOffice;
    if (o) add(o.from, o.until, o.active ? "out of office now" : "out of office", who);
    for (const h of Array.isArray(p.notify?.holidays) ? p.notify.holidays : []) {
      if (typeof h.until === "string" && h.until >= text(p.localDate)) add(h.from, h.until, "holiday", who);
    }
  }
  const all = people.length;
  return [...byRange.values()]
    .sort((a, b) => String(a.from ?? "").localeCompare(String(b.from ?? "")))
    .map((e) =>
      el("li", {}, [
        el("strong", {}, [range(e.from, e.until)]),
        ` · ${e.what} · ${e.who.length === all && all > 1 ? "everyone" : e.who.join(", ")}`,
      ]),
    );
}

function tick() {
  const nowMs = Date.now();
  if (nowMs >= nextChangeMs && !$("view-team").hidden) {
    nextChangeMs = Number.POSITIVE_INFINITY;
    void guarded(loadTeam);
    return;
  }
  for (const node of document.querySelectorAll("#team-list .local-time")) {
    node.textContent = clock(nowMs, node.getAttribute("data-tz") ?? undefined);
  }
}

export async function loadTeam() {
  const body = await api("GET", "/api/people");
  const people = Array.isArray(body?.people) ? body.people : [];
  const nowMs = Date.now();
  const ends = people.map((p) => (typeof p.now?.until === "string" ? Date.parse(p.now.until) : Number.NaN));
  nextChangeMs = Math.min(Number.POSITIVE_INFINITY, ...ends.filter((ms) => ms > nowMs));
  fill(
    "team-list",
    "team-empty",
    people.map((p) => memberCard(p, nowMs)),
  );
  fill("team-ahead", "team-ahead-empty", ahead(people));
  const working = people.filter((p) => p.now?.state === "working").length;
  $("team-summary").textContent = `${people.length} on the team, ${working} working now.`;
  if (ticker === null) ticker = window.setInterval(tick, 30_000);
}

/** Signed out: nothing of the last tenant stays, and the clocks stop. */
export function clearTeam() {
  if (ticker !== null) window.clearInterval(ticker);
  ticker = null;
  nextChangeMs = Number.POSITIVE_INFINITY;
  $("team-list").replaceChildren();
  $("team-ahead").replaceChildren();
  $("team-summary").textContent = "";
}
