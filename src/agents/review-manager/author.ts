/**
 * Authors hear back: every submitted review that approves or requests changes is noted, and a short
 * while later (AUTHOR_NOTICE_DELAY_MS) the author gets one direct message naming each review since the last
 * one — so a reviewer who approves right after requesting changes, or two reviewers at once, make one
 * message, not several. When every requested reviewer has approved, the DM says so. Comments and
 * re-requests send nothing (the card shows them). The DM goes through the Context Optimizer.
 */
import { literal } from "../../chat/markup";
import type { ChatPlatform } from "../../chat/platform";
import type { Reply } from "../../chat/reply";
import { prRef } from "../../domain/pr-refs";
import { all, run } from "../../platform/sql";
import type { Scheduler } from "../framework/scheduler";
import type { TenantView, Work } from "./context";
import { loginKey } from "./model/candidates";
import { mention, prLink } from "./model/format";
import { isActive, type TrackedPr } from "./model/model";
import { dmPerson } from "./notify";

/** Scheduled task that sends a PR's pending author notice; key `author:<prId>`. */
export const AUTHOR_TASK = "review.author";
/** Sent notices are remembered this long (GitHub redelivers within days). */
const KEEP_SENT_MS = 30 * 24 * 60 * 60_000;
/** Reviews submitted within this long of the first become one DM. */
export const AUTHOR_NOTICE_DELAY_MS = 15_000;

type NoticeRow = { seq: number; pr_id: number; reviewer: string; state: string; review_key: string };

export type NoticeState = "approved" | "changes_requested";

export class AuthorNotices {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS review_notices (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, pr_id INTEGER NOT NULL, reviewer TEXT NOT NULL,
      state TEXT NOT NULL, review_key TEXT NOT NULL UNIQUE, at INTEGER NOT NULL,
      sent INTEGER NOT NULL DEFAULT 0)`);
    sql.exec("CREATE INDEX IF NOT EXISTS review_notices_pr ON review_notices (pr_id, seq)");
    sql.exec("CREATE INDEX IF NOT EXISTS review_notices_sent ON review_notices (sent, at)");
  }

  /** Notes a review once (by its key); false when it was noted before. */
  add(prId: number, reviewer: string, state: NoticeState, reviewKey: string, nowMs: number): boolean {
    return (
      run(
        this.sql,
        `INSERT INTO review_notices (pr_id, reviewer, state, review_key, at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (review_key) DO NOTHING`,
        prId,
        reviewer,
        state,
        reviewKey,
        nowMs,
      ) > 0
    );
  }

  /**
   * The PR's pending notices, oldest first, marked sent: kept as review keys for KEEP_SENT_MS (a
   * redelivered webhook is not noted again), then forgotten.
   */
  take(prId: number, nowMs: number): NoticeRow[] {
    const rows = all<NoticeRow>(
      this.sql,
      "SELECT seq, pr_id, reviewer, state, review_key FROM review_notices WHERE pr_id = ? AND sent = 0 ORDER BY seq",
      prId,
    );
    run(this.sql, "UPDATE review_notices SET sent = 1 WHERE pr_id = ? AND sent = 0", prId);
    run(this.sql, "DELETE FROM review_notices WHERE sent = 1 AND at < ?", nowMs - KEEP_SENT_MS);
    return rows;
  }
}

/** A submitted review worth telling the author about (approved / changes requested, not their own). */
export function noteReview(
  work: Work,
  pr: TrackedPr,
  reviewer: string | null,
  state: string,
  reviewKey: string,
): void {
  if (!reviewer || (state !== "approved" && state !== "changes_requested")) return;
  if (pr.author && loginKey(pr.author) === loginKey(reviewer)) return;
  if (!work.notices.add(pr.id, reviewer, state, reviewKey, work.nowMs)) return;
  scheduleNotice(work.scheduler, pr.id);
}

function scheduleNotice(scheduler: Scheduler, prId: number): void {
  const key = `author:${prId}`;
  if (scheduler.has(key)) return;
  const now = Date.now();
  scheduler.schedule(now + AUTHOR_NOTICE_DELAY_MS, AUTHOR_TASK, { prId }, key, now);
}

/** Sends the pending notices of `pr` to its author as one DM (nothing when the author is not on Slack). */
export function sendAuthorNotice(work: Work, view: TenantView, pr: TrackedPr): void {
  const rows = work.notices.take(pr.id, work.nowMs);
  if (rows.length === 0 || !pr.author) return;
  const author = view.people.get(loginKey(pr.author));
  const ref = literal(prRef(pr));
  const reviewers = work.store.reviewers(pr.id);
  const reviewed = reviewers.filter((r) => r.status === "reviewed");
  const allApproved =
    pr.state === "open" &&
    !reviewers.some((r) => isActive(r.status)) &&
    reviewed.length > 0 &&
    reviewed.every((r) => r.reviewState === "approved");
  const first = rows[0];
  const build = (platform: ChatPlatform): Reply => {
    const who = (login: string) => mention(login, view.people, platform);
    const lines = rows.map((r) =>
      r.state === "approved" ? `${who(r.reviewer)} approved.` : `${who(r.reviewer)} requested changes.`,
    );
    const headline =
      rows.length === 1 && first
        ? `${lines[0]?.replace(/\.$/, "")} on ${ref}.`
        : `${rows.length} new reviews of ${ref}.`;
    return {
      ephemeral: false,
      text: headline,
      title: `Review: ${ref}`,
      sections: [
        { text: headline, lines: rows.length > 1 ? lines : [] },
        { text: prLink(pr) },
        ...(allApproved ? [{ text: "Every requested reviewer approved: ready to merge." }] : []),
      ],
      buttons: [],
      tone: rows.some((r) => r.state === "changes_requested") ? "warning" : "success",
    };
  };
  if (!dmPerson(work, pr, author, build, `author:${first?.seq ?? 0}`, "author")) {
    work.log(`${prRef(pr)}: the author ${pr.author} is not on the team; no review notice sent`);
  }
}
