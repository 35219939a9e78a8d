// The Reviews view: pull requests waiting for review (GET /api/reviews), oldest first, with their
// SLA state (ok / at risk / breached; at risk also when the forecast says so), working-time age, when
// the first review is likely (`predicted`, docs/predictions.md) and reviewers.
import { api } from "./api.js";
import { $, cell, el, fill, hours, safeLink, slaBadge, text, when } from "./dom.js";

const REVIEWER_STATUS = { requested: "requested", in_progress: "in review" };

function reviewerItem(r) {
  const parts = [el("span", { class: "login" }, [text(r.login)]), " "];
  parts.push(r.paused ? el("span", { class: "sla sla-none" }, ["paused (draft)"]) : slaBadge(r.state));
  const detail = [REVIEWER_STATUS[r.status] ?? text(r.status), `waiting ${hours(r.waitingWorkingMs)}`];
  if (typeof r.dueAtMs === "number") detail.push(`due ${when(r.dueAtMs)}`);
  parts.push(el("span", { class: "hint" }, [` ${detail.join(" · ")}`]));
  return el("li", {}, parts);
}

/** The SLA state, "at risk" also when the forecast puts the review at risk before the clock does. */
const stateOf = (item) => (item.state === "ok" && item.predicted?.atRisk === true ? "at_risk" : item.state);

function dueText(item) {
  const due = typeof item.dueAtMs === "number" ? `${when(item.dueAtMs)}` : "—";
  const likely = item.predicted?.firstReviewBy;
  return typeof likely === "number" ? `${due} · likely ${when(likely)}` : due;
}

function reviewRow(item) {
  const ref = `${text(item.repo)}#${text(item.number)}`;
  const reviewers = Array.isArray(item.reviewers) ? item.reviewers : [];
  const who = reviewers.length
    ? el("ul", { class: "reviewers" }, reviewers.map(reviewerItem))
    : el("span", { class: "sla sla-breached" }, ["nobody assigned"]);
  return el("tr", { "data-pr": ref }, [
    cell(
      "Pull request",
      el("div", { class: "pr" }, [safeLink(item.url, ref), el("span", {}, [text(item.title)])]),
    ),
    cell("SLA", slaBadge(stateOf(item))),
    cell("Waiting", `${hours(item.waitingWorkingMs)} working`),
    cell("Due", dueText(item)),
    cell("Reviewers", who),
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
  return `${items.length} waiting · ${counts.ok} ok · ${counts.at_risk} at risk · ${counts.breached} breached. As of ${when(body.nowMs)}.${paused}`;
}

/** Loads the queue; returns the API body so the Charts view can reuse it. */
export async function loadReviews() {
  const body = await api("GET", "/api/reviews");
  const items = Array.isArray(body?.items) ? body.items : [];
  fill("reviews-body", "reviews-empty", items.map(reviewRow));
  $("reviews-summary").textContent = summary(body, items);
  return body;
}
