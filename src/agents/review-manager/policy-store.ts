/**
 * What the Review Manager keeps for review policies (docs/policies.md): each PR's changed files (what
 * `paths` rules match; its base branch is on the PR's own row), the files pushed to each branch (changed files
 * when GitHub cannot be read), and which policy, version, rule — and experiment arm — decided each PR.
 */

import { addColumn, all, first, parseJson, run } from "../../platform/sql";
import {
  type DecidedSample,
  type DecisionRow,
  type FactsRow,
  MAX_FILES,
  type PolicyRecord,
  type PrPolicyFacts,
  sampleOf,
  toRecord,
} from "./policy-rows";

export class PrPolicyStore {
  constructor(readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS policy_pr_facts (
      pr_id INTEGER PRIMARY KEY, files TEXT, files_from TEXT)`);
    // The CODEOWNERS of the PR's matched paths when its round was decided (a `codeowners` pool).
    addColumn(sql, "policy_pr_facts", "owners TEXT");
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
      files: row?.files ? parseJson<string[] | null>(row.files, null) : null,
      filesFrom: row?.files_from === "github" || row?.files_from === "pushes" ? row.files_from : null,
      owners: row?.owners ? parseJson<string[] | null>(row.owners, null) : null,
    };
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

  /** The CODEOWNERS of the PR's matched paths, as read when it is decided. */
  setOwners(prId: number, owners: readonly string[]): void {
    run(
      this.sql,
      `INSERT INTO policy_pr_facts (pr_id, owners) VALUES (?, ?)
       ON CONFLICT (pr_id) DO UPDATE SET owners = excluded.owners`,
      prId,
      JSON.stringify(owners),
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

  /** The decisions of these PRs' rounds (keyed by PR id), in one query. */
  decisionsOf(prs: readonly { id: number; round: number }[]): Map<number, PolicyRecord> {
    const out = new Map<number, PolicyRecord>();
    if (prs.length === 0) return out;
    const rows = all<DecisionRow>(
      this.sql,
      "SELECT * FROM policy_decisions WHERE pr_id IN (SELECT value FROM json_each(?))",
      JSON.stringify(prs.map((p) => p.id)),
    );
    const round = new Map(prs.map((p) => [p.id, p.round]));
    for (const r of rows) if (round.get(r.pr_id) === r.round) out.set(r.pr_id, toRecord(r));
    return out;
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
