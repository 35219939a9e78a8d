/**
 * What the Review Manager keeps for its forecasts (docs/predictions.md): the facts of every review
 * request as they were when it was made (`forecast_requests`, while the PR is open), one training
 * sample per PR and round with its outcomes (`forecast_samples`: the first review and the merge),
 * each PR's activity (`forecast_activity`: pushes, reviews, comments, failing checks — what a nudge
 * waits on), and the fitted models (`forecast_models`, one per target, JSON). Every method is
 * synchronous and reads by key or by an index.
 */
import type { ForecastModel, ReviewRequestFacts } from "../../domain/forecast";
import type { ForecastTrainingRow } from "../../domain/forecast-fit";
import { all, first, parseJson, run } from "../../platform/sql";
import { emptyActivity, type PrActivity } from "./model/blocker";

export type ForecastTarget = "review" | "merge";

/** One PR of imported history: its first request's facts and outcomes. */
export interface HistorySample {
  /** Unique per PR (`owner/repo#n`): importing again adds nothing. */
  key: string;
  requestedAtMs: number;
  facts: ReviewRequestFacts;
  firstReviewAtMs: number | null;
  mergedAtMs: number | null;
}

/**
 * How size slows first reviews here: the Integration Dashboard's figure (src/domain/review-quality.ts
 * `sizeEffect`), fetched at each fit for the note on the card of a very large PR.
 */
export interface SizeFigure {
  overLines: number;
  /** Median time to first review over `overLines` as a multiple of the rest's. */
  ratio: number;
  /** "reviews of PRs over 400 lines take 3x longer here". */
  text: string;
}

type ActivityRow = {
  pr_id: number;
  active_at: number | null;
  pushed_at: number | null;
  changes_at: number | null;
  checks_failed_at: number | null;
  nudged: string;
};

/** Training samples older than this are not read (a team changes; a year is plenty). */
const SAMPLE_WINDOW_MS = 180 * 86_400_000;
/** At most this many samples are fitted on, the newest. */
export const MAX_SAMPLES = 5_000;

const num = (v: number | null | undefined): number | null =>
  v === null || v === undefined ? null : Number(v);

export class ForecastStore {
  private readonly models = new Map<ForecastTarget, ForecastModel | null>();

  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS forecast_requests (
      pr_id INTEGER NOT NULL, login_key TEXT NOT NULL, seq INTEGER NOT NULL, requested_at INTEGER NOT NULL,
      facts TEXT NOT NULL, PRIMARY KEY (pr_id, login_key, seq))`);
    sql.exec(`CREATE TABLE IF NOT EXISTS forecast_samples (
      key TEXT PRIMARY KEY, pr_id INTEGER, requested_at INTEGER NOT NULL, facts TEXT NOT NULL,
      first_review_at INTEGER, merged_at INTEGER)`);
    sql.exec("CREATE INDEX IF NOT EXISTS forecast_samples_at ON forecast_samples (requested_at)");
    sql.exec("CREATE INDEX IF NOT EXISTS forecast_samples_pr ON forecast_samples (pr_id)");
    sql.exec(`CREATE TABLE IF NOT EXISTS forecast_activity (
      pr_id INTEGER PRIMARY KEY, active_at INTEGER, pushed_at INTEGER, changes_at INTEGER,
      checks_failed_at INTEGER, nudged TEXT NOT NULL DEFAULT '[]')`);
    sql.exec(`CREATE TABLE IF NOT EXISTS forecast_models (
      target TEXT PRIMARY KEY, model TEXT NOT NULL, merges_since INTEGER NOT NULL DEFAULT 0)`);
  }

  // ------------------------------------------------------------ requests

  /**
   * The facts of a request when it was made; the PR's first request of a round is also its training
   * sample (`pr:<id>:<round>`, kept if already there).
   */
  recordRequest(
    prId: number,
    round: number,
    loginKey: string,
    seq: number,
    atMs: number,
    facts: ReviewRequestFacts,
  ): void {
    const json = JSON.stringify(facts);
    run(
      this.sql,
      `INSERT OR IGNORE INTO forecast_requests (pr_id, login_key, seq, requested_at, facts)
       VALUES (?, ?, ?, ?, ?)`,
      prId,
      loginKey,
      seq,
      atMs,
      json,
    );
    run(
      this.sql,
      "INSERT OR IGNORE INTO forecast_samples (key, pr_id, requested_at, facts) VALUES (?, ?, ?, ?)",
      `pr:${prId}:${round}`,
      prId,
      atMs,
      json,
    );
  }

  /** Facts of the given requests (keyed `<prId>:<loginKey>:<seq>`), in one query. */
  requestFacts(prIds: readonly number[]): Map<string, { atMs: number; facts: ReviewRequestFacts }> {
    const out = new Map<string, { atMs: number; facts: ReviewRequestFacts }>();
    if (prIds.length === 0) return out;
    const rows = all<{ pr_id: number; login_key: string; seq: number; requested_at: number; facts: string }>(
      this.sql,
      `SELECT pr_id, login_key, seq, requested_at, facts FROM forecast_requests
       WHERE pr_id IN (SELECT value FROM json_each(?))`,
      JSON.stringify(prIds),
    );
    for (const row of rows) {
      const facts = parseJson<ReviewRequestFacts | null>(row.facts, null);
      if (facts)
        out.set(`${row.pr_id}:${row.login_key}:${row.seq}`, { atMs: Number(row.requested_at), facts });
    }
    return out;
  }

  /** The open sample of a PR (its latest round's), for the merge forecast. */
  sampleOf(prId: number): { atMs: number; facts: ReviewRequestFacts } | null {
    return this.samplesOf([prId]).get(prId) ?? null;
  }

  /** The latest sample of each of these PRs, in one query. */
  samplesOf(prIds: readonly number[]): Map<number, { atMs: number; facts: ReviewRequestFacts }> {
    const out = new Map<number, { atMs: number; facts: ReviewRequestFacts }>();
    if (prIds.length === 0) return out;
    for (const row of all<{ pr_id: number; requested_at: number; facts: string }>(
      this.sql,
      `SELECT pr_id, requested_at, facts FROM forecast_samples
       WHERE pr_id IN (SELECT value FROM json_each(?)) ORDER BY requested_at`,
      JSON.stringify(prIds),
    )) {
      const facts = parseJson<ReviewRequestFacts | null>(row.facts, null);
      if (facts) out.set(Number(row.pr_id), { atMs: Number(row.requested_at), facts });
    }
    return out;
  }

  /** The first review of the PR's open sample (kept if already known). */
  firstReview(prId: number, atMs: number): void {
    run(
      this.sql,
      `UPDATE forecast_samples SET first_review_at = ? WHERE pr_id = ? AND first_review_at IS NULL
       AND requested_at <= ?`,
      atMs,
      prId,
      atMs,
    );
  }

  /** The PR was merged (its samples get the merge time) or closed: its request facts are dropped. */
  closed(prId: number, mergedAtMs: number | null): void {
    if (mergedAtMs !== null) {
      run(
        this.sql,
        "UPDATE forecast_samples SET merged_at = ? WHERE pr_id = ? AND merged_at IS NULL AND requested_at <= ?",
        mergedAtMs,
        prId,
        mergedAtMs,
      );
    }
    run(this.sql, "DELETE FROM forecast_requests WHERE pr_id = ?", prId);
  }

  /** Imported history (the demo tenant's, or a team's past): one sample each, kept if there. */
  importSample(s: HistorySample): void {
    run(
      this.sql,
      `INSERT OR IGNORE INTO forecast_samples (key, pr_id, requested_at, facts, first_review_at, merged_at)
       VALUES (?, NULL, ?, ?, ?, ?)`,
      `import:${s.key}`,
      s.requestedAtMs,
      JSON.stringify(s.facts),
      s.firstReviewAtMs,
      s.mergedAtMs,
    );
  }

  /** Forgets samples older than the window (no fit reads them); answers how many. */
  prune(nowMs: number): number {
    return run(this.sql, "DELETE FROM forecast_samples WHERE requested_at < ?", nowMs - SAMPLE_WINDOW_MS);
  }

  /** Training rows of a target: the newest MAX_SAMPLES samples with that outcome, in the window. */
  trainingRows(target: ForecastTarget, nowMs: number): ForecastTrainingRow[] {
    const column = target === "review" ? "first_review_at" : "merged_at";
    const rows = all<{ requested_at: number; facts: string; outcome: number }>(
      this.sql,
      `SELECT requested_at, facts, ${column} AS outcome FROM forecast_samples
       WHERE requested_at >= ? AND ${column} IS NOT NULL ORDER BY requested_at DESC LIMIT ?`,
      nowMs - SAMPLE_WINDOW_MS,
      MAX_SAMPLES,
    );
    const out: ForecastTrainingRow[] = [];
    for (const row of rows) {
      const facts = parseJson<ReviewRequestFacts | null>(row.facts, null);
      if (facts) out.push({ facts, hours: (Number(row.outcome) - Number(row.requested_at)) / 3_600_000 });
    }
    return out.reverse();
  }

  // ------------------------------------------------------------ activity

  activity(prId: number): PrActivity {
    const row = first<ActivityRow>(this.sql, "SELECT * FROM forecast_activity WHERE pr_id = ?", prId);
    return row ? toActivity(row) : emptyActivity(prId);
  }

  activities(prIds: readonly number[]): Map<number, PrActivity> {
    const out = new Map<number, PrActivity>();
    if (prIds.length === 0) return out;
    for (const row of all<ActivityRow>(
      this.sql,
      "SELECT * FROM forecast_activity WHERE pr_id IN (SELECT value FROM json_each(?))",
      JSON.stringify(prIds),
    )) {
      out.set(Number(row.pr_id), toActivity(row));
    }
    return out;
  }

  /** A sign of life on the PR at `atMs`, and what kind (a push, changes asked, checks failing). */
  touch(prId: number, atMs: number, kind: "active" | "push" | "changes" | "checks-failed" = "active"): void {
    const column =
      kind === "push"
        ? "pushed_at"
        : kind === "changes"
          ? "changes_at"
          : kind === "checks-failed"
            ? "checks_failed_at"
            : null;
    run(
      this.sql,
      `INSERT INTO forecast_activity (pr_id, active_at${column ? `, ${column}` : ""}) VALUES (?, ?${column ? ", ?" : ""})
       ON CONFLICT (pr_id) DO UPDATE SET active_at = MAX(COALESCE(active_at, 0), excluded.active_at)${
         column ? `, ${column} = MAX(COALESCE(${column}, 0), excluded.${column})` : ""
       }`,
      prId,
      atMs,
      ...(column ? [atMs] : []),
    );
  }

  /** Checks passed again on the PR's head: no longer failing. */
  checksPassed(prId: number): void {
    run(this.sql, "UPDATE forecast_activity SET checks_failed_at = NULL WHERE pr_id = ?", prId);
  }

  /** Records a nudge of `stage`; false when one was sent for it already. */
  markNudged(prId: number, stage: string): boolean {
    const a = this.activity(prId);
    if (a.nudged.includes(stage)) return false;
    const nudged = JSON.stringify([...a.nudged, stage].slice(-20));
    run(
      this.sql,
      `INSERT INTO forecast_activity (pr_id, nudged) VALUES (?, ?)
       ON CONFLICT (pr_id) DO UPDATE SET nudged = excluded.nudged`,
      prId,
      nudged,
    );
    return true;
  }

  // -------------------------------------------------------------- models

  /** The fitted model of a target (parsed once, until the next fit). */
  model(target: ForecastTarget): ForecastModel | null {
    if (this.models.has(target)) return this.models.get(target) ?? null;
    const row = first<{ model: string }>(
      this.sql,
      "SELECT model FROM forecast_models WHERE target = ?",
      target,
    );
    const model = row ? parseJson<ForecastModel | null>(row.model, null) : null;
    this.models.set(target, model);
    return model;
  }

  saveModel(target: ForecastTarget, model: ForecastModel): void {
    run(
      this.sql,
      `INSERT INTO forecast_models (target, model, merges_since) VALUES (?, ?, 0)
       ON CONFLICT (target) DO UPDATE SET model = excluded.model, merges_since = 0`,
      target,
      JSON.stringify(model),
    );
    this.models.set(target, model);
  }

  /** How size slows first reviews here (fetched at each fit); null: not known. */
  sizeFigure(): SizeFigure | null {
    const row = first<{ model: string }>(this.sql, "SELECT model FROM forecast_models WHERE target = 'size'");
    return row ? parseJson<SizeFigure | null>(row.model, null) : null;
  }

  saveSizeFigure(figure: SizeFigure | null): void {
    run(
      this.sql,
      `INSERT INTO forecast_models (target, model) VALUES ('size', ?)
       ON CONFLICT (target) DO UPDATE SET model = excluded.model`,
      JSON.stringify(figure),
    );
  }

  /** One more merge since the last fit; returns how many. */
  countMerge(): number {
    run(
      this.sql,
      `INSERT INTO forecast_models (target, model, merges_since) VALUES ('review', 'null', 1)
       ON CONFLICT (target) DO UPDATE SET merges_since = merges_since + 1`,
    );
    return Number(
      first<{ n: number }>(this.sql, "SELECT merges_since AS n FROM forecast_models WHERE target = 'review'")
        ?.n ?? 0,
    );
  }
}

function toActivity(row: ActivityRow): PrActivity {
  return {
    prId: Number(row.pr_id),
    activeAtMs: num(row.active_at),
    pushedAtMs: num(row.pushed_at),
    changesAtMs: num(row.changes_at),
    checksFailedAtMs: num(row.checks_failed_at),
    nudged: parseJson<string[]>(row.nudged, []),
  };
}
