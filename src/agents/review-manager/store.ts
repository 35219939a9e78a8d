/**
 * The Review Manager's SQLite tables: tracked pull requests, their reviewers (status, SLA deadlines,
 * steps fired, snoozes, claims) and the assignment log that reviewer stats are derived from.
 * Every method is synchronous, so a check and the write that follows it cannot interleave with
 * another task.
 */

import { addColumn, all, count, first, run, tableExists } from "../../platform/sql";
import { loginKey, type ReviewerStats } from "./model/candidates";
import type { PrSnapshot, ReviewerRecord, TrackedPr } from "./model/model";
import { RequestWindow } from "./request-window";
import { type PrRow, type ReviewerRow, toPr, toReviewer } from "./rows";

const DAY_MS = 86_400_000;
/** Assignments older than this are forgotten (stats look back 30 days; rotation order survives). */
const LOG_KEEP_MS = 180 * DAY_MS;

export type PrPatch = Partial<
  Pick<TrackedPr, "round" | "assignedRound" | "readyAtMs" | "pausedAtMs" | "lastResult">
>;

/**
 * The columns the queue reads (`openPrs`, `openPrsByIds`): all but the last ranking (`last_result`,
 * alternates and reasons: the largest column, which no queue view shows) and the unused `cards`; their
 * PRs come back with `lastResult` null. `pr` and `prById` read the whole row.
 */
const QUEUE_COLUMNS = `id, repo, number, title, url, author, draft, state, labels, head_ref, requested, teams,
  updated_at, round, assigned_round, ready_at, paused_at, NULL AS last_result, first_seen_at, lines, base_ref`;

export class ReviewStore {
  private readonly window: RequestWindow;

  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS review_prs (
      id INTEGER PRIMARY KEY AUTOINCREMENT, repo TEXT NOT NULL, number INTEGER NOT NULL,
      title TEXT NOT NULL, url TEXT NOT NULL, author TEXT, draft INTEGER NOT NULL, state TEXT NOT NULL,
      labels TEXT NOT NULL, head_ref TEXT NOT NULL, requested TEXT NOT NULL, teams TEXT NOT NULL,
      updated_at INTEGER NOT NULL, round INTEGER NOT NULL DEFAULT 1, assigned_round INTEGER NOT NULL DEFAULT 0,
      ready_at INTEGER, paused_at INTEGER, last_result TEXT,
      -- Unused since the cards moved to review_cards (live-cards.ts); kept for tables made before.
      cards TEXT NOT NULL DEFAULT '[]',
      first_seen_at INTEGER NOT NULL, UNIQUE (repo, number))`);
    addColumn(sql, "review_prs", "lines INTEGER");
    // The base branch (what a policy's `base` rule matches), from the snapshot like the rest.
    addColumn(sql, "review_prs", "base_ref TEXT");
    sql.exec(`CREATE TABLE IF NOT EXISTS review_reviewers (
      pr_id INTEGER NOT NULL, login_key TEXT NOT NULL, login TEXT NOT NULL, source TEXT NOT NULL,
      reason TEXT, requested_at INTEGER NOT NULL, status TEXT NOT NULL, review_state TEXT,
      claimed_by TEXT, claimed_at INTEGER, sla TEXT, fired INTEGER NOT NULL DEFAULT 0, next_at INTEGER,
      paused_at INTEGER, snoozes INTEGER NOT NULL DEFAULT 0, seq INTEGER NOT NULL, previous TEXT,
      updated_at INTEGER NOT NULL, PRIMARY KEY (pr_id, login_key))`);
    sql.exec("CREATE INDEX IF NOT EXISTS review_reviewers_next ON review_reviewers (next_at)");
    sql.exec("CREATE INDEX IF NOT EXISTS review_reviewers_login ON review_reviewers (login_key, status)");
    sql.exec("CREATE INDEX IF NOT EXISTS review_reviewers_status ON review_reviewers (status)");
    sql.exec(`CREATE TABLE IF NOT EXISTS review_log (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, login_key TEXT NOT NULL, pr_id INTEGER NOT NULL,
      at INTEGER NOT NULL, kind TEXT NOT NULL, reason TEXT)`);
    sql.exec("CREATE INDEX IF NOT EXISTS review_log_login ON review_log (login_key, at)");
    sql.exec("CREATE INDEX IF NOT EXISTS review_log_recent ON review_log (at, kind, login_key)");
    // Each person's last turn in the rotation, kept apart from the log so reading it costs one row per
    // person however long the history (and survives the log's pruning).
    const fresh = !tableExists(sql, "review_last");
    sql.exec("CREATE TABLE IF NOT EXISTS review_last (login_key TEXT PRIMARY KEY, at INTEGER NOT NULL)");
    if (fresh) {
      sql.exec(
        `INSERT INTO review_last (login_key, at) SELECT login_key, MAX(at) FROM review_log
         WHERE kind <> 'again' GROUP BY login_key`,
      );
    }
    this.window = new RequestWindow(sql);
  }

  // ------------------------------------------------------------------- PRs

  pr(repo: string, number: number): TrackedPr | null {
    const row = first<PrRow>(
      this.sql,
      "SELECT * FROM review_prs WHERE repo = ? AND number = ?",
      repo.toLowerCase(),
      number,
    );
    return row ? toPr(row) : null;
  }

  prById(id: number): TrackedPr | null {
    const row = first<PrRow>(this.sql, "SELECT * FROM review_prs WHERE id = ?", id);
    return row ? toPr(row) : null;
  }

  /**
   * Open PRs by id, in one query (oldest first): looked up by primary key (`+state` keeps the planner
   * from walking every open PR along the queue's index instead).
   */
  openPrsByIds(ids: readonly number[]): TrackedPr[] {
    if (ids.length === 0) return [];
    return all<PrRow>(
      this.sql,
      `SELECT ${QUEUE_COLUMNS} FROM review_prs WHERE id IN (SELECT value FROM json_each(?)) AND +state = 'open' ORDER BY id`,
      JSON.stringify([...new Set(ids)]),
    ).map(toPr);
  }

  openPrs(): TrackedPr[] {
    return all<PrRow>(
      this.sql,
      `SELECT ${QUEUE_COLUMNS} FROM review_prs WHERE state = 'open' ORDER BY id`,
    ).map(toPr);
  }

  /**
   * Records the PR as `s` describes it. A snapshot older than the stored one changes nothing
   * (`stale`); a new PR starts at round 1, unassigned.
   */
  upsertSnapshot(s: PrSnapshot, nowMs: number): { pr: TrackedPr; created: boolean; stale: boolean } {
    const existing = this.pr(s.repo, s.number);
    if (existing && s.updatedAtMs < existing.updatedAtMs)
      return { pr: existing, created: false, stale: true };
    run(
      this.sql,
      `INSERT INTO review_prs (repo, number, title, url, author, draft, state, labels, head_ref, requested, teams,
         updated_at, first_seen_at, lines, base_ref) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (repo, number) DO UPDATE SET title = excluded.title, url = excluded.url,
         author = excluded.author, draft = excluded.draft, state = excluded.state, labels = excluded.labels,
         head_ref = excluded.head_ref, requested = excluded.requested, teams = excluded.teams,
         updated_at = excluded.updated_at, lines = COALESCE(excluded.lines, lines),
         base_ref = COALESCE(excluded.base_ref, base_ref)`,
      s.repo,
      s.number,
      s.title,
      s.url,
      s.author,
      s.draft ? 1 : 0,
      s.state,
      JSON.stringify(s.labels),
      s.headRef,
      JSON.stringify(s.requestedReviewers),
      JSON.stringify(s.requestedTeams),
      s.updatedAtMs,
      nowMs,
      s.lines ?? null,
      s.baseRef ?? null,
    );
    const pr = this.pr(s.repo, s.number);
    if (!pr) throw new Error(`PR ${s.repo}#${s.number} was not stored`);
    return { pr, created: existing === null, stale: false };
  }

  patchPr(id: number, patch: PrPatch): void {
    const cols: Record<keyof PrPatch, string> = {
      round: "round",
      assignedRound: "assigned_round",
      readyAtMs: "ready_at",
      pausedAtMs: "paused_at",
      lastResult: "last_result",
    };
    for (const [key, value] of Object.entries(patch) as [keyof PrPatch, unknown][]) {
      const stored = key === "lastResult" ? (value === null ? null : JSON.stringify(value)) : value;
      run(this.sql, `UPDATE review_prs SET ${cols[key]} = ? WHERE id = ?`, stored as SqlStorageValue, id);
    }
  }

  // ------------------------------------------------------------- reviewers

  reviewers(prId: number): ReviewerRecord[] {
    return all<ReviewerRow>(
      this.sql,
      "SELECT * FROM review_reviewers WHERE pr_id = ? ORDER BY requested_at, seq",
      prId,
    ).map(toReviewer);
  }

  /** The reviewers of several PRs in one query, by PR id. */
  reviewersOf(prIds: readonly number[]): Map<number, ReviewerRecord[]> {
    const out = new Map<number, ReviewerRecord[]>(prIds.map((id) => [id, []]));
    if (prIds.length === 0) return out;
    for (const row of all<ReviewerRow>(
      this.sql,
      `SELECT * FROM review_reviewers WHERE pr_id IN (SELECT value FROM json_each(?))
       ORDER BY requested_at, seq`,
      JSON.stringify(prIds),
    )) {
      const r = toReviewer(row);
      out.get(r.prId)?.push(r);
    }
    return out;
  }

  reviewer(prId: number, login: string): ReviewerRecord | null {
    const row = first<ReviewerRow>(
      this.sql,
      "SELECT * FROM review_reviewers WHERE pr_id = ? AND login_key = ?",
      prId,
      loginKey(login),
    );
    return row ? toReviewer(row) : null;
  }

  /** Active reviews of `login` on open PRs, oldest request first. */
  queueOf(login: string): ReviewerRecord[] {
    return all<ReviewerRow>(
      this.sql,
      // CROSS JOIN keeps this person's reviews (by the login index) the outer loop: the planner must
      // not walk every open PR instead (the queue's covering index tempts it).
      `SELECT r.* FROM review_reviewers r CROSS JOIN review_prs p ON p.id = r.pr_id
       WHERE r.login_key = ? AND r.status IN ('requested', 'in_progress') AND p.state = 'open'
       ORDER BY r.requested_at`,
      loginKey(login),
    ).map(toReviewer);
  }

  /** When `login` submitted reviews since `sinceMs` (epoch ms), oldest first (at most 500). */
  reviewTimes(login: string, sinceMs: number): number[] {
    return all<{ at: number }>(
      this.sql,
      `SELECT updated_at AS at FROM review_reviewers WHERE login_key = ? AND status = 'reviewed'
       AND updated_at >= ? ORDER BY updated_at LIMIT 500`,
      loginKey(login),
      sinceMs,
    ).map((r) => r.at);
  }

  /** Reviewers whose next SLA step is due at `nowMs`. */
  due(nowMs: number): ReviewerRecord[] {
    return all<ReviewerRow>(
      this.sql,
      "SELECT * FROM review_reviewers WHERE next_at IS NOT NULL AND next_at <= ? ORDER BY next_at",
      nowMs,
    ).map(toReviewer);
  }

  putReviewer(r: ReviewerRecord): void {
    run(
      this.sql,
      `INSERT OR REPLACE INTO review_reviewers (pr_id, login_key, login, source, reason, requested_at, status,
         review_state, claimed_by, claimed_at, sla, fired, next_at, paused_at, snoozes, seq, previous, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      r.prId,
      loginKey(r.login),
      r.login,
      r.source,
      r.reason,
      r.requestedAtMs,
      r.status,
      r.reviewState,
      r.claimedBy ? JSON.stringify(r.claimedBy) : null,
      r.claimedAtMs,
      r.sla ? JSON.stringify(r.sla) : null,
      r.fired,
      r.nextAtMs,
      r.pausedAtMs,
      r.snoozes,
      r.seq,
      r.previous,
      r.updatedAtMs,
    );
  }

  // ----------------------------------------------------------------- stats

  /** Appends to the assignment log; returns its sequence number. */
  logAssignment(login: string, prId: number, kind: string, reason: string | null, atMs: number): number {
    run(this.sql, "DELETE FROM review_log WHERE at < ?", atMs - LOG_KEEP_MS);
    const row = first<{ seq: number }>(
      this.sql,
      "INSERT INTO review_log (login_key, pr_id, at, kind, reason) VALUES (?, ?, ?, ?, ?) RETURNING seq",
      loginKey(login),
      prId,
      atMs,
      kind,
      reason,
    );
    if (kind !== "again") {
      this.window.add(loginKey(login), atMs);
      run(
        this.sql,
        `INSERT INTO review_last (login_key, at) VALUES (?, ?)
         ON CONFLICT (login_key) DO UPDATE SET at = MAX(at, excluded.at)`,
        loginKey(login),
        atMs,
      );
    }
    return row?.seq ?? 0;
  }

  /** Open reviews (active on an open PR) of one person, by lower-cased login. */
  openReviewsOf(key: string): number {
    return count(
      this.sql,
      `SELECT COUNT(*) AS n FROM review_reviewers r CROSS JOIN review_prs p ON p.id = r.pr_id
       WHERE r.login_key = ? AND r.status IN ('requested', 'in_progress') AND p.state = 'open'`,
      key,
    );
  }

  /** Review requests one person received in the 30 days before `nowMs` (running counts). */
  requestsLast30d(key: string, nowMs: number): number {
    return this.window.counts(nowMs).get(key) ?? 0;
  }

  /**
   * Per lower-cased login: open reviews (active on an open PR), review requests in the 30 days before
   * `nowMs` and the last one. Requests made on GitHub count like Foreman's own assignments; asking the
   * same person again on the same PR (after changes) is not a new request (`again`).
   */
  stats(nowMs: number): Map<string, ReviewerStats> {
    const out = new Map<string, ReviewerStats>();
    const get = (key: string) => {
      const s = out.get(key) ?? { openReviews: 0, assignedLast30d: 0, lastAssignedAtMs: null };
      out.set(key, s);
      return s;
    };
    for (const row of all<{ login_key: string; n: number }>(
      this.sql,
      `SELECT r.login_key, COUNT(*) AS n FROM review_reviewers r JOIN review_prs p ON p.id = r.pr_id
       WHERE r.status IN ('requested', 'in_progress') AND p.state = 'open' GROUP BY r.login_key`,
    )) {
      get(row.login_key).openReviews = Number(row.n);
    }
    // Requests in the last 30 days: running counts (request-window.ts), not a scan of the window.
    for (const [key, n] of this.window.counts(nowMs)) get(key).assignedLast30d = n;
    for (const row of all<{ login_key: string; at: number }>(
      this.sql,
      "SELECT login_key, at FROM review_last",
    )) {
      get(row.login_key).lastAssignedAtMs = Number(row.at);
    }
    return out;
  }
}
