/**
 * The rows of the Review Manager's policy tables (policy-store.ts) and what they mean: a PR's decision
 * record, its outcomes as a policy sample (the guardrails' thresholds), and the two reads over many
 * PRs — since a time with labels and files (opportunities), and as replayable PRs (replays).
 */
import type { PolicySample } from "../../domain/experiment";
import type { PolicyPr } from "../../domain/policy";
import { HOUR_MS } from "../../domain/time";
import { all, parseJson } from "../../platform/sql";

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

export type FactsRow = {
  pr_id: number;
  files: string | null;
  files_from: string | null;
  owners: string | null;
};
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
export type DecisionRow = OutcomeCols & {
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
  /** Changed paths, or null when not known. */
  files: string[] | null;
  /** Where the files came from: `github` (the PR's file list) or `pushes` (to its branch). */
  filesFrom: "github" | "pushes" | null;
  /** The CODEOWNERS of its matched paths, as read when it was decided (null: not read). */
  owners: string[] | null;
}

export const toRecord = (r: DecisionRow): PolicyRecord => ({
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
      base_ref: string | null;
      pr_files: string | null;
    }
  >(
    sql,
    `SELECT d.*, p.repo, p.number, p.author, p.labels AS pr_labels, p.base_ref, f.files AS pr_files
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
        base: r.base_ref ?? "",
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

export function sampleOf(r: DecisionRow): PolicySample {
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
