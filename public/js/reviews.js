// The Reviews view: pull requests waiting for review (GET /api/reviews), oldest first, with their
// SLA state (ok / at risk / breached; at risk also when the forecast says so), working-time age, when
// the first review is likely (`predicted`, docs/predictions.md) and reviewers. Times in the viewer's
// zone (time.js), who it waits on now (`predicted.blocker`) and whether each reviewer is working now
// (GET /api/people `now`). Filters (repository, reviewer, SLA state, the forecast's "likely to miss")
// live in the address (`#reviews?state=breached&repo=…&reviewer=…&risk=likely`: the Overview links
// there, the form writes there) and narrow what is loaded, saying so with a link back to all; "Load
// more" reads the next page of the queue (`nextCursor`). With an operator or admin
// key (or an admin session) each row has the lead's actions the API allows (`actions`: Reassign,
// Snooze 2 h, Nudge — POST /api/reviews/{owner}/{repo}/{number}/<action>): what happened is said from
// the API's answer, then the queue is read again. Viewers see no buttons.
import { api, guarded } from "./api.js";
import { $, cell, el, fill, SLA_TEXT, safeLink, slaBadge, text } from "./dom.js";
import { clock, due, duration, viewerZone, workingAge } from "./time.js";

const REVIEWER_STATUS = { requested: "requested", in_progress: "in review" };
/** The queue's own clock (the API's `nowMs`), so ages and deadlines agree with its states. */
let now = Date.now();
/** The actions the caller may take (GET /api/reviews `actions`); none for a viewer. */
let allowed = [];
/** The queue as loaded (pages appended by "Load more"), the last answer, and the next page's cursor. */
let loaded = [];
let lastBody = null;
let nextCursor = null;
/** Each team member's state now, by lower-case GitHub login (GET /api/people `now`). */
let availability = new Map();
const PAGE = 100;
const AVAILABILITY_TEXT = {
  working: "working now",
  focus: "in focus time",
  out: "out",
  "off-hours": "off hours",
};

const ACTION_LABEL = { reassign: "Reassign", snooze: "Snooze 2 h", nudge: "Nudge" };

/** The line under the summary that says what the last action did (or why it did not). */
function actionNote() {
  let note = document.getElementById("reviews-action");
  if (!note) {
    note = el("div", { id: "reviews-action", class: "action-note", role: "status", "aria-live": "polite" });
    note.hidden = true;
    $("reviews-summary").after(note);
  }
  return note;
}

async function runAction(action, item, box) {
  const ref = `${text(item.repo)}#${text(item.number)}`;
  const [owner = "", repo = ""] = String(item.repo).split("/");
  const path = `/api/reviews/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/${encodeURIComponent(String(item.number))}/${action}`;
  for (const b of box.querySelectorAll("button")) b.setAttribute("disabled", "");
  const note = actionNote();
  note.replaceChildren(`${ACTION_LABEL[action]} ${ref}…`);
  note.hidden = false;
  await guarded(async () => {
    const answer = await api("POST", path);
    note.replaceChildren(el("p", { class: "action-done" }, [text(answer?.message)]));
  }, note);
  // The row as it is now; keyboard focus goes back to the same button of the same row.
  await guarded(() => loadReviews({ keepNote: true }));
  const row = [...document.querySelectorAll("#reviews-body tr")].find(
    (r) => r.getAttribute("data-pr") === ref,
  );
  /** @type {HTMLElement | null | undefined} */ (
    row?.querySelector(`button[data-action="${action}"]`)
  )?.focus();
}

function actionButtons(item) {
  const ref = `${text(item.repo)}#${text(item.number)}`;
  const box = el("div", { class: "actions" });
  for (const action of allowed) {
    if (!Object.hasOwn(ACTION_LABEL, action)) continue;
    const label = ACTION_LABEL[action];
    const attrs = { type: "button", class: "small", "data-action": action, "aria-label": `${label} ${ref}` };
    const btn = el("button", attrs, [label]);
    btn.addEventListener("click", () => void runAction(action, item, box));
    box.append(btn);
  }
  return box;
}

/** "working now" / "off hours until 08:00" for a team member; nothing for someone not on the team. */
function availabilityText(login) {
  const a = availability.get(String(login).toLowerCase());
  if (!a || !Object.hasOwn(AVAILABILITY_TEXT, a.state)) return null;
  const until = typeof a.until === "string" ? Date.parse(a.until) : Number.NaN;
  return `${AVAILABILITY_TEXT[a.state]}${Number.isNaN(until) ? "" : ` until ${clock(until, now)}`}`;
}

function reviewerItem(r) {
  const parts = [el("span", { class: "login" }, [text(r.login)]), " "];
  const away = availabilityText(r.login);
  parts.push(r.paused ? el("span", { class: "sla sla-none" }, ["paused (draft)"]) : slaBadge(r.state));
  const detail = [
    REVIEWER_STATUS[r.status] ?? text(r.status),
    workingAge(r.waitingWorkingMs, r.requestedAtMs, now),
  ];
  if (typeof r.dueAtMs === "number" && !r.paused) detail.push(due(r.dueAtMs, now));
  if (away) detail.push(away);
  parts.push(el("span", { class: "hint" }, [` ${detail.join(" · ")}`]));
  return el("li", {}, parts);
}

const BLOCKER_TEXT = {
  review: "a review",
  changes: "the author to address changes",
  checks: "the author to fix failing checks",
  merge: "the author to merge",
};

/** "waiting on bob for a review": who the PR waits on now, by the forecast's model. */
function blockerText(item) {
  const b = item.predicted?.blocker;
  if (!b || !Object.hasOwn(BLOCKER_TEXT, b.reason)) return null;
  const who = b.login ? text(b.login) : "the author";
  return b.reason === "review"
    ? `waiting on ${who} for a review`
    : `waiting on ${who}: ${BLOCKER_TEXT[b.reason]}`;
}

/** The SLA state, "at risk" also when the forecast puts the review at risk before the clock does. */
const stateOf = (item) => (item.state === "ok" && item.predicted?.atRisk === true ? "at_risk" : item.state);

function dueText(item) {
  const deadline = typeof item.dueAtMs === "number" ? due(item.dueAtMs, now) : "no SLA deadline";
  const likely = item.predicted?.firstReviewBy;
  if (typeof likely !== "number") return deadline;
  const inMs = likely - now;
  return `${deadline} · likely ${inMs > 60_000 ? `in ${duration(inMs)} · ${clock(likely, now)}` : "now"}`;
}

function reviewRow(item) {
  const ref = `${text(item.repo)}#${text(item.number)}`;
  const reviewers = Array.isArray(item.reviewers) ? item.reviewers : [];
  const who = reviewers.length
    ? el("ul", { class: "reviewers" }, reviewers.map(reviewerItem))
    : el("span", { class: "sla sla-breached" }, ["nobody assigned"]);
  const blocker = blockerText(item);
  return el("tr", { "data-pr": ref }, [
    cell(
      "Pull request",
      el("div", { class: "pr" }, [
        safeLink(item.url, ref),
        el("span", {}, [text(item.title)]),
        ...(blocker ? [el("span", { class: "hint" }, [blocker])] : []),
      ]),
    ),
    cell("SLA", slaBadge(stateOf(item))),
    cell("Waiting", workingAge(item.waitingWorkingMs, item.readyAtMs, now)),
    cell("Due", dueText(item)),
    cell("Reviewers", who),
    ...(allowed.length ? [cell("Actions", actionButtons(item))] : []),
  ]);
}

function summary(body, items) {
  const rm = body?.reviewManager;
  if (!rm) {
    return "No Review Manager yet: it starts when a repository is linked (/foreman link github owner/repo).";
  }
  const counts = { ok: 0, at_risk: 0, breached: 0 };
  for (const item of items) if (Object.hasOwn(counts, stateOf(item))) counts[stateOf(item)] += 1;
  const paused =
    rm.status === "running" ? "" : ` The Review Manager ${text(rm.agentId)} is ${text(rm.status)}.`;
  const total =
    typeof body.total === "number" && body.total > items.length
      ? ` (${items.length} of ${body.total} loaded)`
      : "";
  return `${items.length} waiting${total} · ${counts.ok} ok · ${counts.at_risk} at risk · ${counts.breached} breached. As of ${clock(body.nowMs)}; times in ${viewerZone()}.${paused}`;
}

/** The filter in the address: `#reviews?state=breached&repo=acme/widgets&reviewer=bob`. */
function filterOf() {
  const [view, query = ""] = location.hash.slice(1).split("?");
  if (view !== "reviews") return {};
  const params = new URLSearchParams(query);
  const pick = (name) => (params.get(name) ?? "").trim().toLowerCase() || undefined;
  const state = pick("state");
  return {
    state: state && Object.hasOwn(SLA_TEXT, state) ? state : undefined,
    repo: pick("repo"),
    reviewer: pick("reviewer"),
    risk: pick("risk") === "likely" ? "likely" : undefined,
  };
}

function matches(item, f) {
  if (f.state && stateOf(item) !== f.state) return false;
  if (f.repo && String(item.repo).toLowerCase() !== f.repo) return false;
  const logins = (Array.isArray(item.reviewers) ? item.reviewers : []).map((r) =>
    String(r.login).toLowerCase(),
  );
  if (f.risk && item.predicted?.atRisk !== true) return false;
  return !(f.reviewer && !logins.includes(f.reviewer));
}

/** "Showing: breached · repo acme/widgets — Show all", above the table; nothing without a filter. */
function filterNote(f, shown, all) {
  let note = document.getElementById("reviews-filter");
  if (!note) {
    note = el("p", { id: "reviews-filter", class: "filter-note", role: "status" });
    $("reviews-summary").after(note);
  }
  const parts = [];
  if (f.state) parts.push(SLA_TEXT[f.state]);
  if (f.repo) parts.push(`repository ${f.repo}`);
  if (f.reviewer) parts.push(`reviewer ${f.reviewer}`);
  if (f.risk) parts.push("likely to miss the SLA");
  note.hidden = parts.length === 0;
  if (note.hidden) {
    note.replaceChildren();
    return;
  }
  note.replaceChildren(
    `Showing ${shown} of ${all} loaded: ${parts.join(" · ")} — `,
    el("a", { href: "#reviews" }, ["show all"]),
  );
}

/** Options of a filter's select: "All", the values loaded, and the chosen one even if none has it. */
function setOptions(id, values, chosen) {
  const select = /** @type {HTMLSelectElement} */ ($(id));
  const all = [...new Set([...values, ...(chosen ? [chosen] : [])])].sort();
  select.replaceChildren(
    el("option", { value: "" }, ["All"]),
    ...all.map((v) => el("option", { value: v }, [v])),
  );
  select.value = chosen ?? "";
}

/** The form shows the address's filter (and offers the repositories and reviewers loaded). */
function syncForm(f) {
  setOptions(
    "reviews-f-repo",
    loaded.map((i) => String(i.repo).toLowerCase()),
    f.repo,
  );
  const logins = loaded.flatMap((i) =>
    (Array.isArray(i.reviewers) ? i.reviewers : []).map((r) => String(r.login).toLowerCase()),
  );
  setOptions("reviews-f-reviewer", logins, f.reviewer);
  /** @type {HTMLSelectElement} */ ($("reviews-f-state")).value = f.state ?? "";
  /** @type {HTMLSelectElement} */ ($("reviews-f-risk")).value = f.risk ?? "";
}

/** The filter form writes the address; "Load more" reads the next page. Once, when the module arrives. */
export function initReviews() {
  $("reviews-filters").addEventListener("change", () => {
    const params = new URLSearchParams();
    for (const name of ["state", "repo", "reviewer", "risk"]) {
      const value = /** @type {HTMLSelectElement} */ ($(`reviews-f-${name}`)).value;
      if (value) params.set(name, value);
    }
    const query = params.toString();
    // replaceState fires no hashchange: the loaded queue is redrawn, not read again.
    history.replaceState(null, "", `#reviews${query ? `?${query}` : ""}`);
    render();
  });
  $("reviews-filters").addEventListener("submit", (event) => event.preventDefault());
  $("reviews-more").addEventListener("click", () => void guarded(loadMore));
}

function render() {
  const f = filterOf();
  const shown = loaded.filter((item) => matches(item, f));
  fill("reviews-body", "reviews-empty", shown.map(reviewRow));
  $("reviews-summary").textContent = summary(lastBody, loaded);
  filterNote(f, shown.length, loaded.length);
  syncForm(f);
  $("reviews-more").hidden = nextCursor === null;
}

async function loadMore() {
  if (nextCursor === null) return;
  const body = await api("GET", `/api/reviews?limit=${PAGE}&cursor=${encodeURIComponent(nextCursor)}`);
  loaded = [...loaded, ...(Array.isArray(body?.items) ? body.items : [])];
  nextCursor = typeof body?.nextCursor === "string" ? body.nextCursor : null;
  render();
}

/**
 * Loads the queue (as many items as were loaded, at least a page, up to 500) and the team's
 * availability; returns the API body. `keepNote`: after an action, its confirmation stays.
 */
export async function loadReviews({ keepNote = false } = {}) {
  const limit = Math.min(500, Math.max(PAGE, loaded.length));
  const [body, team] = await Promise.all([
    api("GET", `/api/reviews?limit=${limit}`),
    // Availability is extra: without it (an error) the queue still shows.
    api("GET", "/api/people").catch(() => null),
  ]);
  now = typeof body?.nowMs === "number" ? body.nowMs : Date.now();
  availability = new Map(
    (Array.isArray(team?.people) ? team.people : [])
      .filter((p) => p.now)
      .map((p) => [String(p.login).toLowerCase(), p.now]),
  );
  // A paused (or missing) Review Manager acts on nothing: no buttons then.
  const running = body?.reviewManager?.status === "running";
  allowed =
    running && Array.isArray(body?.actions) ? body.actions.filter((a) => Object.hasOwn(ACTION_LABEL, a)) : [];
  $("reviews-actions-col").hidden = allowed.length === 0;
  if (!keepNote) actionNote().hidden = true;
  lastBody = body;
  loaded = Array.isArray(body?.items) ? body.items : [];
  nextCursor = typeof body?.nextCursor === "string" ? body.nextCursor : null;
  render();
  return body;
}

/** Signed out: nothing of the last tenant stays. */
export function clearReviews() {
  loaded = [];
  lastBody = null;
  nextCursor = null;
  availability = new Map();
  $("reviews-more").hidden = true;
}
