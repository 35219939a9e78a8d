/**
 * The review queue in SQL, for pages of it (`review list --page`, `GET /api/reviews?cursor=`): which
 * open PRs wait for review, oldest first, walked along an index of their ready time so a page reads
 * its own rows (issue 17: every page read every open PR and all their reviewers), and the queue's
 * counts (waiting, breached, at risk) from one aggregate in SQLite. What "waiting" means is
 * `buildQueue`'s (queue-view.ts), which then builds the page's items from the page's rows; a test
 * checks the two agree.
 */
import { all, first } from "../../platform/sql";

/** `buildQueue`'s filter, over `p` (review_prs): ready (or a draft, when drafts are asked for) and
 * someone still to review, or handled with nobody reviewing and nobody having reviewed. */
const WAITING = `p.state = 'open' AND (p.draft = 0 OR ?)
  AND (? IS NULL OR p.repo IN (SELECT value FROM json_each(?)))
  AND (EXISTS (SELECT 1 FROM review_reviewers r WHERE r.pr_id = p.id AND r.status IN ('requested', 'in_progress'))
    OR ((p.assigned_round >= p.round OR p.draft = 1) AND NOT EXISTS (SELECT 1 FROM review_reviewers r
      WHERE r.pr_id = p.id AND r.status IN ('requested', 'in_progress', 'reviewed'))))`;

/** A PR's worst SLA state over its running reviews (2 breached, 1 at risk, 0 ok), as `worstState`. */
const WORST = `(SELECT MAX(CASE WHEN json_extract(r.sla, '$.breachAtMs') <= ? THEN 2
    WHEN json_extract(r.sla, '$.reminderAtMs') <= ? THEN 1 ELSE 0 END)
  FROM review_reviewers r WHERE r.pr_id = p.id AND r.status IN ('requested', 'in_progress')
    AND r.paused_at IS NULL AND json_extract(r.sla, '$.breachAtMs') IS NOT NULL)`;

export interface QueueCounts {
  total: number;
  breached: number;
  atRisk: number;
}

/** Only these repositories (`owner/repo`, any case) as a JSON parameter; null: all. */
function reposOf(repos: readonly string[] | undefined): string | null {
  return repos ? JSON.stringify(repos.map((r) => r.toLowerCase())) : null;
}

export class QueueIndex {
  constructor(private readonly sql: SqlStorage) {
    // In queue order, and covering what WAITING asks of a PR: the queue is walked and counted without
    // reading the PRs' rows (titles, labels, rankings).
    sql.exec(`CREATE INDEX IF NOT EXISTS review_prs_waiting ON review_prs
      (state, COALESCE(ready_at, first_seen_at), id, draft, round, assigned_round, repo)`);
    // Covers the reviewer lookups of WAITING and WORST: the SLA's deadlines are kept in the index when
    // a reviewer row is written, so counting reads no reviewer row and parses no JSON.
    sql.exec(`CREATE INDEX IF NOT EXISTS review_reviewers_queue ON review_reviewers (pr_id, status, paused_at,
      json_extract(sla, '$.breachAtMs'), json_extract(sla, '$.reminderAtMs'))`);
  }

  /** The ids of one page of the queue, in its order (oldest ready first). */
  pageIds(options: { includeDrafts: boolean; offset: number; limit: number; repos?: string[] }): number[] {
    const repos = reposOf(options.repos);
    return all<{ id: number }>(
      this.sql,
      `SELECT p.id FROM review_prs p WHERE ${WAITING}
       ORDER BY COALESCE(p.ready_at, p.first_seen_at), p.id LIMIT ? OFFSET ?`,
      options.includeDrafts ? 1 : 0,
      repos,
      repos,
      options.limit,
      options.offset,
    ).map((r) => r.id);
  }

  /** How many PRs wait, and how many of them are breached / at risk at `nowMs`. */
  counts(includeDrafts: boolean, nowMs: number, only?: string[]): QueueCounts {
    const repos = reposOf(only);
    const row = first<{ total: number; breached: number | null; at_risk: number | null }>(
      this.sql,
      `SELECT COUNT(*) AS total, SUM(worst = 2) AS breached, SUM(worst = 1) AS at_risk
       FROM (SELECT ${WORST} AS worst FROM review_prs p WHERE ${WAITING})`,
      nowMs,
      nowMs,
      includeDrafts ? 1 : 0,
      repos,
      repos,
    );
    return { total: row?.total ?? 0, breached: row?.breached ?? 0, atRisk: row?.at_risk ?? 0 };
  }
}
