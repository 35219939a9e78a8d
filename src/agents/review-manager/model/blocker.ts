/**
 * Who a pull request is waiting on now (docs/predictions.md): its author while checks fail, after
 * changes were asked for (until a push or a new request), or once it is approved and only the merge
 * is left; else the reviewer asked first among those still to review. Pure.
 */
import { isActive, type ReviewerRecord, type TrackedPr } from "./model";

/** A PR's activity, epoch ms (null: never). */
export interface PrActivity {
  prId: number;
  /** The latest sign of life: a push, a review, a comment, an edit, a request, a start. */
  activeAtMs: number | null;
  pushedAtMs: number | null;
  /** The latest review asking for changes, and the latest failing check run or suite. */
  changesAtMs: number | null;
  checksFailedAtMs: number | null;
  /** Nudges sent, by stage key (`r:<login>:<seq>`, `a:<changesAtMs>`): one each. */
  nudged: string[];
}

export type BlockerReason = "review" | "changes" | "checks" | "merge";

export interface Blocker {
  role: "reviewer" | "author";
  /** GitHub login (null: an author GitHub did not name). */
  login: string | null;
  reason: BlockerReason;
  /** Since when they are the one it waits on. */
  sinceMs: number;
  /** The review it waits for (role reviewer). */
  reviewer?: ReviewerRecord;
}

export function blockerOf(
  pr: TrackedPr,
  reviewers: readonly ReviewerRecord[],
  activity: PrActivity,
): Blocker | null {
  if (pr.state !== "open" || pr.draft) return null;
  const author = (reason: BlockerReason, sinceMs: number): Blocker => ({
    role: "author",
    login: pr.author,
    reason,
    sinceMs,
  });
  if (activity.checksFailedAtMs !== null) return author("checks", activity.checksFailedAtMs);
  const waiting = reviewers
    .filter((r) => isActive(r.status) && r.pausedAtMs === null)
    .sort((a, b) => a.requestedAtMs - b.requestedAtMs || a.seq - b.seq);
  const changes = activity.changesAtMs;
  if (
    changes !== null &&
    changes > (activity.pushedAtMs ?? 0) &&
    !waiting.some((r) => r.requestedAtMs > changes)
  ) {
    return author("changes", changes);
  }
  const first = waiting[0];
  if (first)
    return {
      role: "reviewer",
      login: first.login,
      reason: "review",
      sinceMs: first.requestedAtMs,
      reviewer: first,
    };
  const approvals = reviewers.filter((r) => r.status === "reviewed" && r.reviewState === "approved");
  if (approvals.length) return author("merge", Math.max(...approvals.map((r) => r.updatedAtMs)));
  return null;
}

/** A PR nothing has been recorded of. */
export const emptyActivity = (prId: number): PrActivity => ({
  prId,
  activeAtMs: null,
  pushedAtMs: null,
  changesAtMs: null,
  checksFailedAtMs: null,
  nudged: [],
});
