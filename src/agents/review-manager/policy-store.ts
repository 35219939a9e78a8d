/**
 * What the Review Manager keeps for review policies (docs/policies.md): each PR's base branch and
 * changed files (what `base` and `paths` rules match), the files pushed to each branch (changed files
 * when GitHub cannot be read), and which policy, version, rule — and experiment arm — decided each PR.
 */

import type { PolicySample } from "../../domain/experiment";
import type { PolicyPr } from "../../domain/policy";
import { HOUR_MS } from "../../domain/time";
import { addColumn, all, first, parseJson, run } from "../../platform/sql";

/** A first approval this soon after the request, of a PR of at least RUBBER_STAMP_LINES, is a rubber stamp. */
export const RUBBER_STAMP_MS = 5 * 60_000;
export const RUBBER_STAMP_LINES = 50;
/** A PR of at least this many lines is large (reviews with no comment on it are a guardrail). */
export const LARGE_LINES = 400;

/** At most this many changed paths are kept per PR or branch (GitHub lists at most 3,000). */
export const MAX_FILES = 3_000;

export interface PolicyRecord {
  prId: number;
  round: number;
  policyId: string;
  version: number;
  rule: string;
  experimentId: string | null;
  arm: "control" | "variant" | null;
  /** The SLA hours the decision gave (null: the SLA rules decided). */
  slaHours: number | null;
  /** Reviewers wanted (without an urgent PR's backup). */
  reviewers: number;
  /** The reminder and escalation fractions the decision gave (null: the defaults). */
  slaSteps: { reminder?: number; escalation?: number } | null;
  decidedAtMs: number;
}

type FactsRow = { pr_id: number; base: string | null; files: string | null; files_from: string | null };
type OutcomeCols = {
  lines: number | null;
  first_review_at: number | null;
  first_review_working_ms: number | null;
  first_verdict: string | null;
  comments: number;
  breached: number;
  merged_at: number | null;
  reopened: number;
};
type DecisionRow = OutcomeCols & {
  pr_id: number;
  round: number;
  policy_id: string;
  version: number;
  rule: string;
  experiment_id: string | null;
  arm: string | null;
  sla_hours: number | null;
  reviewers: number;
  sla_steps: string | null;
  decided_at: number;
};

export interface PrPolicyFacts {
  base: string | null;
  /** Changed paths, or null when not known. */
  files: string[] | null;
  /** Where the files came from: `github` (the PR's file list) or `pushes` (to its branch). */
  filesFrom: "github" | "pushes" | null;
}

const toRecord = (r: DecisionRow): PolicyRecord => ({
  prId: r.pr_id,
  round: r.round,
  policyId: r.policy_id,
  version: r.version,
  rule: r.rule,
  experimentId: r.experiment_id,
  arm: r.arm === "control" || r.arm === "variant" ? r.arm : null,
  slaHours: r.sla_hours,
  reviewers: r.reviewers,
  slaSteps: r.sla_steps ? parseJson<PolicyRecord["slaSteps"]>(r.sla_steps, null) : null,
  decidedAtMs: r.decided_at,
});

export class PrPolicyStore {
  constructor(readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS policy_pr_facts (
      pr_id INTEGER PRIMARY KEY, base TEXT, files TEXT, files_from TEXT)`);
    sql.exec(`CREATE TABLE IF NOT EXISTS policy_branch_files (
      repo TEXT NOT NULL, branch TEXT NOT NULL, files TEXT NOT NULL, updated_at INTEGER NOT NULL,
      PRIMARY KEY (repo, branch))`);
    sql.exec(`CREATE TABLE IF NOT EXISTS policy_decisions (
      pr_id INTEGER NOT NULL, round INTEGER NOT NULL, policy_id TEXT NOT NULL, version INTEGER NOT NULL,
      rule TEXT NOT NULL, experiment_id TEXT, arm TEXT, sla_hours REAL, reviewers INTEGER NOT NULL,
      decided_at INTEGER NOT NULL,
      PRIMARY KEY (pr_id, round))`);
    // Outcomes of the round (effectiveness, experiments): first review, its working time and verdict,
    // review comments before it, a breach, the merge; and the PR's size when decided.
    addColumn(sql, "policy_decisions", "lines INTEGER");
    addColumn(sql, "policy_decisions", "sla_steps TEXT");
    addColumn(sql, "policy_decisions", "first_review_at INTEGER");
    addColumn(sql, "policy_decisions", "first_review_working_ms INTEGER");
    addColumn(sql, "policy_decisions", "first_verdict TEXT");
    addColumn(sql, "policy_decisions", "comments INTEGER NOT NULL DEFAULT 0");
    addColumn(sql, "policy_decisions", "breached INTEGER NOT NULL DEFAULT 0");
    addColumn(sql, "policy_decisions", "merged_at INTEGER");
    addColumn(sql, "policy_decisions", "reopened INTEGER NOT NULL DEFAULT 0");
    sql.exec(
      "CREATE INDEX IF NOT EXISTS policy_decisions_rule ON policy_decisions (policy_id, version, rule)",
    );
    sql.exec("CREATE INDEX IF NOT EXISTS policy_decisions_exp ON policy_decisions (experiment_id)");
    sql.exec("CREATE INDEX IF NOT EXISTS policy_decisions_at ON policy_decisions (decided_at)");
  }

  facts(prId: number): PrPolicyFacts {
    const row = first<FactsRow>(this.sql, "SELECT * FROM policy_pr_facts WHERE pr_id = ?", prId);
    return {
      base: row?.base ?? null,
      files: row?.files ? parseJson<string[] | null>(row.files, null) : null,
      filesFrom: row?.files_from === "github" || row?.files_from === "pushes" ? row.files_from : null,
    };
  }

  setBase(prId: number, base: string): void {
    run(
      this.sql,
      `INSERT INTO policy_pr_facts (pr_id, base) VALUES (?, ?)
       ON CONFLICT (pr_id) DO UPDATE SET base = excluded.base`,
      prId,
      base,
    );
  }

  /** The PR's changed files as GitHub lists them (they replace any gathered from pushes). */
  setFiles(prId: number, files: readonly string[]): void {
    run(
      this.sql,
      `INSERT INTO policy_pr_facts (pr_id, files, files_from) VALUES (?, ?, 'github')
       ON CONFLICT (pr_id) DO UPDATE SET files = excluded.files, files_from = 'github'`,
      prId,
      JSON.stringify(files.slice(0, MAX_FILES)),
    );
  }

  /**
   * The files pushes to the PR's branch touched, kept with the PR when it is decided (the replay and
   * the opportunities read them after the branch is gone); GitHub's own list is never replaced.
   */
  keepPushedFiles(prId: number, files: readonly string[]): void {
    run(
      this.sql,
      `INSERT INTO policy_pr_facts (pr_id, files, files_from) VALUES (?, ?, 'pushes')
       ON CONFLICT (pr_id) DO UPDATE SET files = excluded.files, files_from = 'pushes'
       WHERE policy_pr_facts.files_from IS NOT 'github'`,
      prId,
      JSON.stringify(files.slice(0, MAX_FILES)),
    );
  }

  /** Paths a push to `branch` touched, added to what earlier pushes touched. */
  notePush(repo: string, branch: string, files: readonly string[], nowMs: number): void {
    const row = first<{ files: string }>(
      this.sql,
      "SELECT files FROM policy_branch_files WHERE repo = ? AND branch = ?",
      repo,
      branch,
    );
    const merged = [...new Set([...parseJson<string[]>(row?.files ?? "[]", []), ...files])].slice(
      0,
      MAX_FILES,
    );
    run(
      this.sql,
      `INSERT OR REPLACE INTO policy_branch_files (repo, branch, files, updated_at) VALUES (?, ?, ?, ?)`,
      repo,
      branch,
      JSON.stringify(merged),
      nowMs,
    );
  }

  /** A deleted branch forgets its files. */
  forgetBranch(repo: string, branch: string): void {
    run(this.sql, "DELETE FROM policy_branch_files WHERE repo = ? AND branch = ?", repo, branch);
  }

  branchFiles(repo: string, branch: string): string[] | null {
    const row = first<{ files: string }>(
      this.sql,
      "SELECT files FROM policy_branch_files WHERE repo = ? AND branch = ?",
      repo,
      branch,
    );
    return row ? parseJson<string[]>(row.files, []) : null;
  }

  /** Records the decision of a PR's round (the first one of the round stays). */
  record(d: PolicyRecord): PolicyRecord {
    run(
      this.sql,
      `INSERT OR IGNORE INTO policy_decisions
       (pr_id, round, policy_id, version, rule, experiment_id, arm, sla_hours, reviewers, sla_steps, decided_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      d.prId,
      d.round,
      d.policyId,
      d.version,
      d.rule,
      d.experimentId,
      d.arm,
      d.slaHours,
      d.reviewers,
      d.slaSteps ? JSON.stringify(d.slaSteps) : null,
      d.decidedAtMs,
    );
    return this.decision(d.prId, d.round) ?? d;
  }

  decision(prId: number, round?: number): PolicyRecord | null {
    const row =
      round === undefined
        ? first<DecisionRow>(
            this.sql,
            "SELECT * FROM policy_decisions WHERE pr_id = ? ORDER BY round DESC LIMIT 1",
            prId,
          )
        : first<DecisionRow>(
            this.sql,
            "SELECT * FROM policy_decisions WHERE pr_id = ? AND round = ?",
            prId,
            round,
          );
    return row ? toRecord(row) : null;
  }

  /** The size of the PR when its round was decided. */
  noteLines(prId: number, round: number, lines: number | null): void {
    run(this.sql, "UPDATE policy_decisions SET lines = ? WHERE pr_id = ? AND round = ?", lines, prId, round);
  }

  /** The round's first review (kept if known): when, its working time since the decision, its verdict. */
  noteReview(prId: number, round: number, atMs: number, workingMs: number | null, verdict: string): void {
    run(
      this.sql,
      `UPDATE policy_decisions SET first_review_at = ?, first_review_working_ms = ?, first_verdict = ?
       WHERE pr_id = ? AND round = ? AND first_review_at IS NULL`,
      atMs,
      workingMs,
      verdict,
      prId,
      round,
    );
  }

  /** A review comment before the first review (a review with no comment on a large PR is a guardrail). */
  noteComment(prId: number, round: number): void {
    run(
      this.sql,
      "UPDATE policy_decisions SET comments = comments + 1 WHERE pr_id = ? AND round = ? AND first_review_at IS NULL",
      prId,
      round,
    );
  }

  noteBreach(prId: number, round: number): void {
    run(this.sql, "UPDATE policy_decisions SET breached = 1 WHERE pr_id = ? AND round = ?", prId, round);
  }

  /** The round was closed (or merged) and the PR reopened. */
  noteReopened(prId: number, round: number): void {
    run(this.sql, "UPDATE policy_decisions SET reopened = 1 WHERE pr_id = ? AND round = ?", prId, round);
  }

  noteMerged(prId: number, round: number, atMs: number): void {
    run(
      this.sql,
      "UPDATE policy_decisions SET merged_at = ? WHERE pr_id = ? AND round = ? AND merged_at IS NULL",
      atMs,
      prId,
      round,
    );
  }

  /**
   * Outcomes of the PRs a policy (all versions, or one) or an experiment decided, one indexed query,
   * each with the rule and arm that decided it.
   */
  samples(filter: { policyId: string; version?: number } | { experimentId: string }): DecidedSample[] {
    const rows =
      "experimentId" in filter
        ? all<DecisionRow>(
            this.sql,
            "SELECT * FROM policy_decisions WHERE experiment_id = ?",
            filter.experimentId,
          )
        : filter.version !== undefined
          ? all<DecisionRow>(
              this.sql,
              "SELECT * FROM policy_decisions WHERE policy_id = ? AND version = ?",
              filter.policyId,
              filter.version,
            )
          : all<DecisionRow>(this.sql, "SELECT * FROM policy_decisions WHERE policy_id = ?", filter.policyId);
    return rows.map((r) => ({ record: toRecord(r), sample: sampleOf(r) }));
  }
}

/** PRs decided since `sinceMs` with their labels and changed files (opportunities), one query. */
export function decidedSince(
  sql: SqlStorage,
  sinceMs: number,
): { sample: PolicySample; labels: string[]; files: string[] }[] {
  const rows = all<DecisionRow & { pr_labels: string | null; pr_files: string | null }>(
    sql,
    `SELECT d.*, p.labels AS pr_labels, f.files AS pr_files FROM policy_decisions d
     LEFT JOIN review_prs p ON p.id = d.pr_id LEFT JOIN policy_pr_facts f ON f.pr_id = d.pr_id
     WHERE d.decided_at >= ?`,
    sinceMs,
  );
  return rows.map((r) => ({
    sample: sampleOf(r),
    labels: parseJson<string[]>(r.pr_labels ?? "[]", []),
    files: parseJson<string[]>(r.pr_files ?? "[]", []),
  }));
}

/** A recorded PR as policies see it, with its outcomes (the replay of `POST /api/policies/simulate`). */
export interface ReplayRow {
  pr: PolicyPr;
  ref: string;
  sample: PolicySample;
}

/** PRs decided since `sinceMs` (at most `limit`, newest first) with their facts and outcomes, one query. */
export function replayRows(sql: SqlStorage, sinceMs: number, limit: number): ReplayRow[] {
  const rows = all<
    DecisionRow & {
      repo: string;
      number: number;
      author: string | null;
      pr_labels: string | null;
      base: string | null;
      pr_files: string | null;
    }
  >(
    sql,
    `SELECT d.*, p.repo, p.number, p.author, p.labels AS pr_labels, f.base, f.files AS pr_files
     FROM policy_decisions d JOIN review_prs p ON p.id = d.pr_id LEFT JOIN policy_pr_facts f ON f.pr_id = d.pr_id
     WHERE d.decided_at >= ? ORDER BY d.decided_at DESC LIMIT ?`,
    sinceMs,
    limit,
  );
  return rows.map((r) => {
    const files = r.pr_files ? parseJson<string[] | null>(r.pr_files, null) : null;
    return {
      ref: `${r.repo}#${r.number}`,
      pr: {
        repo: r.repo,
        author: r.author ?? "",
        labels: parseJson<string[]>(r.pr_labels ?? "[]", []),
        ...(files ? { files } : {}),
        additions: r.lines === null ? 0 : Number(r.lines),
        deletions: 0,
        draft: false,
        base: r.base ?? "",
      },
      sample: sampleOf(r),
    };
  });
}

/** A decided PR's record and outcomes. */
export interface DecidedSample {
  record: PolicyRecord;
  sample: PolicySample;
}

const hoursOf = (ms: number | null) => (ms === null ? null : ms / HOUR_MS);

function sampleOf(r: DecisionRow): PolicySample {
  const decided = Number(r.decided_at);
  const firstAt = r.first_review_at === null ? null : Number(r.first_review_at);
  const mergedAt = r.merged_at === null ? null : Number(r.merged_at);
  const lines = r.lines === null ? null : Number(r.lines);
  const approved = r.first_verdict === "approved";
  const large = lines !== null && lines >= LARGE_LINES;
  return {
    firstReviewHours: firstAt === null ? null : hoursOf(Math.max(0, firstAt - decided)),
    firstReviewWorkingHours:
      r.first_review_working_ms === null ? null : hoursOf(Number(r.first_review_working_ms)),
    inReviewHours: firstAt === null || mergedAt === null ? null : hoursOf(Math.max(0, mergedAt - firstAt)),
    mergeHours: mergedAt === null ? null : hoursOf(Math.max(0, mergedAt - decided)),
    breached: Number(r.breached) === 1,
    rubberStamp:
      approved &&
      firstAt !== null &&
      firstAt - decided <= RUBBER_STAMP_MS &&
      lines !== null &&
      lines >= RUBBER_STAMP_LINES,
    noCommentLarge: large && approved && Number(r.comments) === 0,
    large,
    reopened: Number(r.reopened) === 1,
  };
}
