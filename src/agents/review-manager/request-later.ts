/**
 * A review request on GitHub notifies the reviewer at once (GitHub's own notification, which no
 * router holds back). So for a PR that is not urgent, someone chosen while in one of their focus
 * blocks is requested on GitHub when the block ends; their SLA clock runs from the assignment as
 * usual, the card names them at once, and their message waits in the Context Optimizer the same way.
 */
import { focusEndOf } from "../../domain/notify";
import type { TenantView, Work } from "./context";
import { entryOf, loginKey } from "./model/candidates";
import type { ReviewerRecord, TrackedPr } from "./model/model";
import { requestReviewers } from "./notify";

/** Scheduled task that requests one reviewer on GitHub; key `request:<prId>:<login>`. */
export const REQUEST_TASK = "review.request";

export interface Deferred {
  login: string;
  atMs: number;
}

/** Requests `reviewers` on GitHub: now, or (not urgent) when the focus block they are in ends. */
export function requestWhenFree(
  work: Work,
  view: TenantView,
  pr: TrackedPr,
  reviewers: readonly ReviewerRecord[],
  urgent: boolean,
  again?: string,
): Deferred[] {
  const now: string[] = [];
  const later: Deferred[] = [];
  for (const r of reviewers) {
    const entry = entryOf(view.team, r.login);
    const waits = !urgent && entry !== undefined && work.config.requestAfterFocus;
    const end = waits ? focusEndOf(entry.notify?.focus ?? [], entry.member.tz, work.nowMs) : null;
    if (end === null) {
      now.push(r.login);
      continue;
    }
    later.push({ login: r.login, atMs: end });
    const key = `request:${pr.id}:${loginKey(r.login)}`;
    work.scheduler.schedule(end, REQUEST_TASK, { prId: pr.id, login: r.login, seq: r.seq }, key, work.nowMs);
  }
  requestReviewers(work, pr, now, again);
  return later;
}

/** A deferred request came due: made when the reviewer still has the review, not started. */
export function requestDue(work: Work, pr: TrackedPr, login: string, seq: number): void {
  const r = work.store.reviewer(pr.id, login);
  if (!r || r.seq !== seq || r.status !== "requested" || pr.state !== "open") return;
  requestReviewers(work, pr, [r.login], `a${r.seq}`);
  work.log(`${r.login} requested on GitHub for ${pr.repo}#${pr.number} after their focus block`);
}
