/**
 * GitHub events -> Review Manager state, in one synchronous step per event (the tenant view was
 * loaded before). Ready for review (opened not as draft, reopened, ready_for_review, a team review
 * request) assigns once per round; draft pauses the clocks and ready resumes them; a submitted review,
 * a removed request or close/merge stops them.
 */

import { literal } from "../../chat/markup";
import type { ChatPlatform } from "../../chat/platform";
import { prRef } from "../../domain/pr-refs";
import { assign, cardFor, isUrgent, releaseBackups, track } from "./assign";
import { noteReview } from "./author";
import { ensureBottleneckCheck } from "./bottlenecks";
import { pause, resume, stop } from "./clock";
import type { TenantView, Work } from "./context";
import { ensureFitScheduled, noteClosed, noteFirstReview } from "./forecasting";
import { entryOf, isAwayToday, loginKey } from "./model/candidates";
import { READY_KINDS, type ReviewEvent, snapshotOf } from "./model/events";
import { isActive, type TrackedPr } from "./model/model";
import { offerNext } from "./next-review";
import { dmPerson } from "./notify";
import { planNudge } from "./nudge";
import { notePolicyReview } from "./policy";
import { handOver } from "./sla-steps";

/** Whether the event needs the tenant view (team, links, SLA rule) before it is applied. */
export const needsView = (event: ReviewEvent) =>
  READY_KINDS.includes(event.kind) || event.kind === "review.submitted";

export function applyEvent(work: Work, event: ReviewEvent, view: TenantView | null): void {
  const snapshot = snapshotOf(event);
  const before = work.store.pr(snapshot.repo, snapshot.number);
  const { pr, stale } = work.store.upsertSnapshot(snapshot, work.nowMs);
  if (stale) work.log(`${event.kind} for ${prRef(pr)} is older than what is known: PR state kept`);
  if (view?.files) work.policies.setFiles(pr.id, view.files);
  ensureFitScheduled(work);
  ensureBottleneckCheck(work);
  applyKind(work, event, view, before, pr, stale);
  if (!stale) noteActivity(work, event, current(work, pr));
  planNudge(work, current(work, pr));
}

function applyKind(
  work: Work,
  event: ReviewEvent,
  view: TenantView | null,
  before: TrackedPr | null,
  pr: TrackedPr,
  stale: boolean,
): void {
  const ref = prRef(pr);
  switch (event.kind) {
    case "pr.opened":
    case "pr.reopened":
    case "pr.ready_for_review":
      if (!stale && view) becameReady(work, view, before, pr, event.kind === "pr.reopened");
      return;
    case "pr.converted_to_draft":
      if (stale) return;
      work.store.patchPr(pr.id, { pausedAtMs: pr.pausedAtMs ?? work.nowMs });
      for (const r of active(work, pr)) pause(work, pr, r);
      return;
    case "pr.closed":
      if (stale) return;
      for (const r of active(work, pr)) stop(work, pr, r, "closed");
      return;
    case "pr.review_requested":
      if (!view || pr.state !== "open") return;
      if (event.reviewer.type === "team") {
        if (!stale) assign(work, view, current(work, pr), { teams: [event.reviewer.slug] });
      } else {
        requestedOnGitHub(work, view, current(work, pr), event.reviewer.login);
      }
      return;
    case "pr.review_request_removed": {
      if (event.reviewer.type !== "user") return;
      const r = work.store.reviewer(pr.id, event.reviewer.login);
      if (r && isActive(r.status)) stop(work, pr, r, "removed");
      return;
    }
    case "review.submitted": {
      if (!event.reviewer) return;
      const reviewKey =
        event.reviewId !== undefined
          ? `review:${event.reviewId}`
          : `${event.reviewer}:${event.state}:${event.at}`;
      if (!stale) noteReview(work, pr, event.reviewer, event.state, reviewKey);
      const r = work.store.reviewer(pr.id, event.reviewer);
      if (r && (isActive(r.status) || r.status === "released")) {
        stop(work, pr, r, "reviewed", { reviewState: event.state });
        work.log(`${r.login} reviewed ${ref} (${event.state})`);
        if (!stale) releaseBackups(work, current(work, pr));
        if (!stale && view && isActive(r.status)) offerNext(work, view, current(work, pr), r);
      }
      return;
    }
    default:
      return;
  }
}

/** What the event says of the PR's activity and outcomes (forecast samples, nudges). */
function noteActivity(work: Work, event: ReviewEvent, pr: TrackedPr): void {
  const now = work.nowMs;
  switch (event.kind) {
    case "pr.synchronized":
      work.forecasts.touch(pr.id, now, "push");
      return;
    case "review.submitted":
      notePolicyReview(work, pr, event.reviewer, event.state);
      noteFirstReview(work, pr.id);
      work.forecasts.touch(pr.id, now, event.state === "changes_requested" ? "changes" : "active");
      return;
    case "review.comment":
      work.policies.noteComment(pr.id, pr.round);
      work.forecasts.touch(pr.id, now);
      return;
    case "pr.ready_for_review":
    case "pr.review_requested":
      work.forecasts.touch(pr.id, now);
      return;
    case "pr.closed":
      if (pr.state === "merged") work.policies.noteMerged(pr.id, pr.round, now);
      noteClosed(work, pr);
      return;
    default:
      return;
  }
}

const active = (work: Work, pr: TrackedPr) => work.store.reviewers(pr.id).filter((r) => isActive(r.status));
const current = (work: Work, pr: TrackedPr) => work.store.prById(pr.id) ?? pr;

function becameReady(
  work: Work,
  view: TenantView,
  before: TrackedPr | null,
  pr: TrackedPr,
  reopened: boolean,
): void {
  if (reopened && before && before.state !== "open") {
    work.policies.noteReopened(pr.id, pr.round);
    work.store.patchPr(pr.id, { round: pr.round + 1, readyAtMs: null });
  }
  let cur = current(work, pr);
  if (cur.state !== "open" || cur.draft) return;
  if (cur.readyAtMs === null || cur.pausedAtMs !== null) {
    work.store.patchPr(pr.id, { readyAtMs: work.nowMs, pausedAtMs: null });
  }
  for (const r of active(work, cur)) resume(work, cur, r);
  cur = current(work, pr);
  // People requested on GitHub (by the author, or CODEOWNERS) have their own clocks.
  for (const login of cur.requestedReviewers) {
    const r = work.store.reviewer(cur.id, login);
    if (!r || r.status === "closed") requestedOnGitHub(work, view, cur, login);
  }
  assign(work, view, current(work, pr));
}

/**
 * Someone asked for a review on GitHub (by the author, or CODEOWNERS) gets their own SLA clock and,
 * when newly asked, a message about it like anyone Foreman asks (through the Context Optimizer). GitHub's
 * own webhook after a request Foreman made finds them asked already and sends nothing.
 */
function requestedOnGitHub(work: Work, view: TenantView, pr: TrackedPr, login: string): void {
  const before = work.store.reviewer(pr.id, login);
  // A request made before Foreman moved the review to someone else (the webhook came late) stays moved.
  const moved = before?.status === "reassigned" || before?.status === "released";
  if (moved && before.updatedAtMs >= pr.updatedAtMs) return;
  const r = track(work, view, pr, login, "github", null);
  if (before && isActive(before.status)) return;
  urgentAway(work, view, current(work, pr), login);
  const now = work.store.reviewer(pr.id, login);
  if (now?.status !== "requested") return;
  const ref = literal(prRef(pr));
  const again = before !== null;
  const text = `You are asked to review ${ref}${again ? " again" : ""} (requested on GitHub).`;
  const build = (platform: ChatPlatform) => cardFor(work, view, pr, platform, text);
  const kind = again ? "again" : "review";
  dmPerson(work, pr, view.people.get(loginKey(login)), build, `gh:a${r.seq}`, kind, isUrgent(work, pr));
}

/**
 * An urgent PR (an urgent label) requested on GitHub of someone who is away today: their request
 * is handed to the next reviewer at once (nothing is sent to the person who is away).
 */
function urgentAway(work: Work, view: TenantView, pr: TrackedPr, login: string): void {
  if (!isUrgent(work, pr)) return;
  const entry = entryOf(view.team, login);
  if (!entry || !isAwayToday(entry)) return;
  const r = work.store.reviewer(pr.id, login);
  if (r?.status !== "requested") return;
  const because = `${literal(login)} is away and the PR is urgent`;
  handOver(work, view, pr, r, because, `urgent-away:${loginKey(login)}:a${r.seq}`);
}
