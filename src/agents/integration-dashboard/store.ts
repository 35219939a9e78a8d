/**
 * The Integration Dashboard's fact store (SQLite): what happened to each pull request, as facts with
 * their platform times — ready moments, closes and merges, submitted reviews (with their state),
 * review comments, review requests, SLA breaches — and its size (lines changed, the newest report). Every fact has a natural key (INSERT OR IGNORE), so a redelivered or repeated event
 * records nothing new and facts arriving out of order give the same metrics (src/domain/
 * review-metrics.ts derives everything at read time). A PR whose last fact is older than the
 * retention is forgotten with all its facts. Repositories and logins are stored lower-case.
 */
import type { PrFacts, ReviewVerdict } from "../../domain/review-metrics";
import { addColumn, all, count, run } from "../../platform/sql";

export type PrFactKind = "ready" | "closed" | "merged";

export interface PrInfo {
  repo: string;
  number: number;
  author: string | null;
  title: string;
  url: string;
  /** Lines added plus deleted, when the event says (a report without it keeps the one known). */
  lines?: number | null;
}

export interface MergedPr {
  repo: string;
  number: number;
  title: string;
  url: string;
  mergedAtMs: number;
}

type FactRow = { repo: string; number: number; at: number };
type EventRow = FactRow & { kind: string };
type PersonRow = FactRow & { reviewer: string };
type ReviewRow = PersonRow & { review_id: number; state: string | null };
type CommentRow = FactRow & { author: string; review_id: number | null };
type PrRow = { repo: string; number: number; author: string | null; lines: number | null };
/** PrFacts with arrays still being filled. */
type Collected = {
  [K in keyof PrFacts]-?: NonNullable<PrFacts[K]> extends readonly (infer E)[] ? E[] : PrFacts[K];
};
type MergedRow = {
  repo: string;
  number: number;
  title: string | null;
  url: string | null;
  merged_at: number;
};

const FACT_TABLES = [
  "metrics_pr_events",
  "metrics_reviews",
  "metrics_requests",
  "metrics_breaches",
  "metrics_comments",
];
const VERDICTS: readonly string[] = ["approved", "changes_requested", "commented"] satisfies ReviewVerdict[];
const verdict = (state: string | null): ReviewVerdict | null =>
  state !== null && VERDICTS.includes(state) ? (state as ReviewVerdict) : null;
/** mergedSince answers at most this many PRs, newest first. */
const MAX_MERGED = 500;

const lower = (s: string) => s.toLowerCase();

export class MetricsStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS metrics_prs (
      repo TEXT NOT NULL, number INTEGER NOT NULL, author TEXT, title TEXT, url TEXT, info_at INTEGER,
      seen_at INTEGER NOT NULL, PRIMARY KEY (repo, number))`);
    sql.exec("CREATE INDEX IF NOT EXISTS metrics_prs_seen ON metrics_prs (seen_at)");
    sql.exec(`CREATE TABLE IF NOT EXISTS metrics_pr_events (
      repo TEXT NOT NULL, number INTEGER NOT NULL, kind TEXT NOT NULL, at INTEGER NOT NULL,
      PRIMARY KEY (repo, number, kind, at))`);
    sql.exec(`CREATE TABLE IF NOT EXISTS metrics_reviews (
      repo TEXT NOT NULL, number INTEGER NOT NULL, review_id INTEGER NOT NULL, reviewer TEXT NOT NULL,
      at INTEGER NOT NULL, PRIMARY KEY (repo, number, review_id))`);
    sql.exec(`CREATE TABLE IF NOT EXISTS metrics_requests (
      repo TEXT NOT NULL, number INTEGER NOT NULL, reviewer TEXT NOT NULL, at INTEGER NOT NULL,
      PRIMARY KEY (repo, number, reviewer, at))`);
    sql.exec(`CREATE TABLE IF NOT EXISTS metrics_breaches (
      repo TEXT NOT NULL, number INTEGER NOT NULL, reviewer TEXT NOT NULL, at INTEGER NOT NULL,
      budget_ms INTEGER NOT NULL, PRIMARY KEY (repo, number, reviewer, at))`);
    sql.exec(`CREATE TABLE IF NOT EXISTS metrics_comments (
      repo TEXT NOT NULL, number INTEGER NOT NULL, comment_id INTEGER NOT NULL, author TEXT NOT NULL,
      review_id INTEGER, at INTEGER NOT NULL, PRIMARY KEY (repo, number, comment_id))`);
    // Added for review quality (issue 15): rows recorded before have them null (unknown).
    addColumn(sql, "metrics_prs", "lines INTEGER");
    addColumn(sql, "metrics_prs", "lines_at INTEGER");
    addColumn(sql, "metrics_reviews", "state TEXT");
    for (const table of FACT_TABLES) {
      sql.exec(`CREATE INDEX IF NOT EXISTS ${table}_at ON ${table} (at)`);
    }
  }

  // ---------------------------------------------------------------- writes

  /**
   * Title, link and author as of `atMs` (a newer snapshot wins), and the size when given (a newer
   * report wins; none keeps the known one); marks the PR as seen.
   */
  info(pr: PrInfo, atMs: number): void {
    const lines = typeof pr.lines === "number" ? pr.lines : null;
    const newerLines = "excluded.lines IS NOT NULL AND (lines_at IS NULL OR excluded.lines_at >= lines_at)";
    run(
      this.sql,
      `INSERT INTO metrics_prs (repo, number, author, title, url, info_at, seen_at, lines, lines_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (repo, number) DO UPDATE SET
         author = CASE WHEN info_at IS NULL OR excluded.info_at >= info_at THEN excluded.author ELSE author END,
         title = CASE WHEN info_at IS NULL OR excluded.info_at >= info_at THEN excluded.title ELSE title END,
         url = CASE WHEN info_at IS NULL OR excluded.info_at >= info_at THEN excluded.url ELSE url END,
         info_at = max(coalesce(info_at, excluded.info_at), excluded.info_at),
         seen_at = max(seen_at, excluded.seen_at),
         lines = CASE WHEN ${newerLines} THEN excluded.lines ELSE lines END,
         lines_at = CASE WHEN ${newerLines} THEN excluded.lines_at ELSE lines_at END`,
      lower(pr.repo),
      pr.number,
      pr.author === null ? null : lower(pr.author),
      pr.title,
      pr.url,
      atMs,
      atMs,
      lines,
      lines === null ? null : atMs,
    );
  }

  /** Records a ready moment, a close or a merge; answers whether it was new. */
  prFact(repo: string, number: number, kind: PrFactKind, atMs: number): boolean {
    this.seen(repo, number, atMs);
    return (
      run(
        this.sql,
        "INSERT OR IGNORE INTO metrics_pr_events (repo, number, kind, at) VALUES (?, ?, ?, ?)",
        lower(repo),
        number,
        kind,
        atMs,
      ) > 0
    );
  }

  /**
   * A submitted review; answers whether it was new. A review recorded before its state was kept gets
   * the state from a redelivery (and that counts as new).
   */
  review(
    repo: string,
    number: number,
    reviewId: number,
    reviewer: string,
    atMs: number,
    state: ReviewVerdict | null = null,
  ): boolean {
    this.seen(repo, number, atMs);
    const added = run(
      this.sql,
      "INSERT OR IGNORE INTO metrics_reviews (repo, number, review_id, reviewer, at, state) VALUES (?, ?, ?, ?, ?, ?)",
      lower(repo),
      number,
      reviewId,
      lower(reviewer),
      atMs,
      state,
    );
    if (added > 0 || state === null) return added > 0;
    return (
      run(
        this.sql,
        "UPDATE metrics_reviews SET state = ? WHERE repo = ? AND number = ? AND review_id = ? AND state IS NULL",
        state,
        lower(repo),
        number,
        reviewId,
      ) > 0
    );
  }

  /** A review comment on the diff; answers whether it was new. */
  comment(
    repo: string,
    number: number,
    commentId: number,
    author: string,
    reviewId: number | null,
    atMs: number,
  ): boolean {
    this.seen(repo, number, atMs);
    return (
      run(
        this.sql,
        `INSERT OR IGNORE INTO metrics_comments (repo, number, comment_id, author, review_id, at)
         VALUES (?, ?, ?, ?, ?, ?)`,
        lower(repo),
        number,
        commentId,
        lower(author),
        reviewId,
        atMs,
      ) > 0
    );
  }

  request(repo: string, number: number, reviewer: string, atMs: number): boolean {
    this.seen(repo, number, atMs);
    return (
      run(
        this.sql,
        "INSERT OR IGNORE INTO metrics_requests (repo, number, reviewer, at) VALUES (?, ?, ?, ?)",
        lower(repo),
        number,
        lower(reviewer),
        atMs,
      ) > 0
    );
  }

  breach(repo: string, number: number, reviewer: string, atMs: number, budgetMs: number): boolean {
    this.seen(repo, number, atMs);
    return (
      run(
        this.sql,
        "INSERT OR IGNORE INTO metrics_breaches (repo, number, reviewer, at, budget_ms) VALUES (?, ?, ?, ?, ?)",
        lower(repo),
        number,
        lower(reviewer),
        atMs,
        Math.round(budgetMs),
      ) > 0
    );
  }

  /** Forgets PRs whose newest fact is older than `cutoffMs`; answers how many. */
  prune(cutoffMs: number): number {
    const old = "SELECT repo, number FROM metrics_prs WHERE seen_at < ?";
    for (const table of FACT_TABLES) {
      run(this.sql, `DELETE FROM ${table} WHERE (repo, number) IN (${old})`, cutoffMs);
    }
    return run(this.sql, "DELETE FROM metrics_prs WHERE seen_at < ?", cutoffMs);
  }

  // ----------------------------------------------------------------- reads

  /**
   * Every fact of the PRs with a fact at or after `sinceMs` (their earlier facts included: a PR
   * reviewed this week may have become ready weeks ago), optionally only in `repos`.
   */
  facts(sinceMs: number, repos?: readonly string[]): PrFacts[] {
    const only = repos ? repos.map(lower) : null;
    if (only?.length === 0) return [];
    const repoClause = only ? ` AND repo IN (${only.map(() => "?").join(", ")})` : "";
    const active = FACT_TABLES.map((t) => `SELECT repo, number FROM ${t} WHERE at >= ?${repoClause}`).join(
      " UNION ",
    );
    const binds = FACT_TABLES.flatMap(() => [sinceMs, ...(only ?? [])]);
    const of = <T extends FactRow>(select: string) =>
      all<T>(this.sql, `${select} WHERE (repo, number) IN (${active})`, ...binds);

    const prs = new Map<string, Collected>();
    const get = (row: FactRow): Collected => {
      const key = `${row.repo}#${row.number}`;
      const known = prs.get(key);
      if (known) return known;
      const empty = { ready: [], closed: [], reviews: [], requests: [], breaches: [], comments: [] };
      const pr: Collected = { repo: row.repo, number: row.number, author: null, lines: null, ...empty };
      prs.set(key, pr);
      return pr;
    };
    for (const row of of<EventRow>("SELECT repo, number, kind, at FROM metrics_pr_events")) {
      const pr = get(row);
      if (row.kind === "ready") pr.ready.push(row.at);
      else pr.closed.push({ atMs: row.at, merged: row.kind === "merged" });
    }
    for (const row of of<ReviewRow>(
      "SELECT repo, number, review_id, reviewer, at, state FROM metrics_reviews",
    )) {
      get(row).reviews.push({
        reviewer: row.reviewer,
        atMs: row.at,
        id: row.review_id,
        state: verdict(row.state),
      });
    }
    for (const row of of<CommentRow>("SELECT repo, number, author, review_id, at FROM metrics_comments")) {
      get(row).comments.push({ author: row.author, atMs: row.at, reviewId: row.review_id });
    }
    for (const row of of<PersonRow>("SELECT repo, number, reviewer, at FROM metrics_requests")) {
      get(row).requests.push({ reviewer: row.reviewer, atMs: row.at });
    }
    for (const row of of<PersonRow>("SELECT repo, number, reviewer, at FROM metrics_breaches")) {
      get(row).breaches.push({ reviewer: row.reviewer, atMs: row.at });
    }
    const authors = all<PrRow & { at: number }>(
      this.sql,
      `SELECT repo, number, author, lines, seen_at AS at FROM metrics_prs WHERE (repo, number) IN (${active})`,
      ...binds,
    );
    for (const row of authors) {
      const pr = prs.get(`${row.repo}#${row.number}`);
      if (pr) {
        pr.author = row.author;
        pr.lines = row.lines;
      }
    }
    return [...prs.values()];
  }

  /** PRs merged at or after `sinceMs`, newest first, optionally only in `repos`. */
  mergedSince(sinceMs: number, repos?: readonly string[]): MergedPr[] {
    const only = repos ? repos.map(lower) : null;
    if (only?.length === 0) return [];
    const repoClause = only ? ` AND e.repo IN (${only.map(() => "?").join(", ")})` : "";
    const rows = all<MergedRow>(
      this.sql,
      `SELECT e.repo, e.number, p.title, p.url, MIN(e.at) AS merged_at
       FROM metrics_pr_events e LEFT JOIN metrics_prs p ON p.repo = e.repo AND p.number = e.number
       WHERE e.kind = 'merged'${repoClause}
       GROUP BY e.repo, e.number HAVING merged_at >= ? ORDER BY merged_at DESC, e.repo, e.number LIMIT ?`,
      ...(only ?? []),
      sinceMs,
      MAX_MERGED,
    );
    return rows.map((r) => ({
      repo: r.repo,
      number: r.number,
      title: r.title ?? "",
      url: r.url ?? "",
      mergedAtMs: r.merged_at,
    }));
  }

  /** How many facts of each kind are stored (for tests and health pages). */
  sizes(): Record<string, number> {
    const out: Record<string, number> = { prs: count(this.sql, "SELECT COUNT(*) AS n FROM metrics_prs") };
    for (const table of FACT_TABLES) out[table] = count(this.sql, `SELECT COUNT(*) AS n FROM ${table}`);
    return out;
  }

  private seen(repo: string, number: number, atMs: number): void {
    run(
      this.sql,
      `INSERT INTO metrics_prs (repo, number, seen_at) VALUES (?, ?, ?)
       ON CONFLICT (repo, number) DO UPDATE SET seen_at = max(seen_at, excluded.seen_at)`,
      lower(repo),
      number,
      atMs,
    );
  }
}
