/**
 * Which review policy decides a PR, and what it decided (docs/policies.md): the active policy — or,
 * while an experiment runs, its control or variant by a stable hash of the PR — matched by its first
 * rule that fits (src/domain/policy.ts). What the rule leaves out comes from today's settings: the
 * SLA rules and the Review Manager's config (per repository). The first decision of a PR's round is
 * recorded (policy, version, rule, arm) and keeps deciding that round.
 */

import type { ChannelRef } from "../../chat/platform";
import type { AssignmentAlgorithm, AssignmentWeights } from "../../domain/assignment";
import { ownersOf, parseCodeowners } from "../../domain/codeowners";
import { armOf } from "../../domain/experiment";
import { decidePolicy, type PolicyDecision, type PolicyOutcome, type PolicyPr } from "../../domain/policy";
import { prRef } from "../../domain/pr-refs";
import { usedWorkingMs } from "../../domain/sla";
import type { ActivePolicy, PolicyView } from "../../settings/policies";
import { DEFAULT_POLICY_ID, MIGRATED_POLICY } from "../../settings/policies";
import type { TenantView, Work } from "./context";
import { configFor, loginKey } from "./model/candidates";
import type { TrackedPr } from "./model/model";
import type { PolicyRecord } from "./policy-rows";

/** The policy view of a tenant that has never stored one (and of views built without settings). */
export const MIGRATED_VIEW: PolicyView = {
  active: { policyId: DEFAULT_POLICY_ID, version: 1, policy: MIGRATED_POLICY },
  experiment: null,
  channels: {},
};

/** What a PR's deciding rule makes of its review, with today's settings filling what it leaves out. */
export interface ReviewDecision {
  record: PolicyRecord;
  outcome: PolicyOutcome;
  /** Reviewers wanted (an urgent PR asks one more). */
  reviewers: number;
  algorithm: AssignmentAlgorithm;
  weights: AssignmentWeights;
  /** Lower-case logins who may be chosen; null: anyone on the team. */
  pool: string[] | null;
  /** Always asked, on top of the pool's picks. */
  required: string[];
  /** Working hours allowed for each review. */
  slaHours: number;
  /** The reminder and escalation fractions (absent: 0.5 and 2). */
  slaSteps: { reminder?: number; escalation?: number };
  /** A channel to tell besides the repository's linked ones (null: none, or it is not linked). */
  channel: ChannelRef | null;
  /** Named in the rule but not linked to Foreman (so not posted). */
  unlinkedChannel: string | null;
  addLabels: string[];
}

/** The PR as policies see it. */
export function policyPrOf(work: Work, pr: TrackedPr): PolicyPr {
  const facts = work.policies.facts(pr.id);
  const files = facts.files ?? work.policies.branchFiles(pr.repo, pr.headRef);
  return {
    repo: pr.repo,
    author: pr.author ?? "",
    labels: pr.labels,
    ...(files ? { files } : {}),
    additions: pr.lines ?? 0,
    deletions: 0,
    draft: pr.draft,
    base: pr.baseRef ?? "",
  };
}

/**
 * The policy deciding `pr`: its repository's own (`.foreman.yml`), else the experiment arm its hash
 * falls in while one runs, else the active one.
 */
export function policyFor(
  view: PolicyView,
  pr: TrackedPr,
): { choice: ActivePolicy; experimentId: string | null; arm: "control" | "variant" | null } {
  if (view.repo) return { choice: view.repo, experimentId: null, arm: null };
  const e = view.experiment;
  if (!e) return { choice: view.active, experimentId: null, arm: null };
  const arm = armOf(e.id, prRef(pr), e.variantShare);
  return { choice: arm === "variant" ? e.variant : e.control, experimentId: e.id, arm };
}

/**
 * The decisions made in each step, by PR and round: assignment, tracking each reviewer, their SLA
 * and the forecast's deadline all ask within one step, and read the record, the PR's facts and its
 * CODEOWNERS once.
 */
const decidedInStep = new WeakMap<Work, Map<string, ReviewDecision>>();

/** Decides `pr`'s review for its round (recording the first decision of the round). */
export function decideReview(work: Work, view: TenantView, pr: TrackedPr): ReviewDecision {
  const step = decidedInStep.get(work) ?? new Map<string, ReviewDecision>();
  decidedInStep.set(work, step);
  const key = `${pr.id}:${pr.round}`;
  const known = step.get(key);
  if (known) return known;
  const decision = decide(work, view, pr);
  step.set(key, decision);
  return decision;
}

function decide(work: Work, view: TenantView, pr: TrackedPr): ReviewDecision {
  const policies = view.policy ?? MIGRATED_VIEW;
  const recorded = work.policies.decision(pr.id, pr.round);
  const { choice, experimentId, arm } = recorded ? replay(policies, recorded) : policyFor(policies, pr);
  const outcome = decidePolicy(choice.policy, policyPrOf(work, pr));
  // A decided round keeps its rule (its reviewers and SLA are in the record itself).
  const kept = recorded ? choice.policy.rules.find((r) => r.name === recorded.rule) : undefined;
  const rule = kept ?? outcome.rule;
  const d = rule.decide;
  const cfg = configFor(work.config, work.config.repos, pr.repo);
  const reviewers = recorded?.reviewers ?? d.reviewers ?? cfg.reviewersPerPr;
  const slaHours = recorded ? (recorded.slaHours ?? view.slaHours) : (d.slaHours ?? view.slaHours);
  const record =
    recorded ??
    work.policies.record({
      prId: pr.id,
      round: pr.round,
      policyId: choice.policyId,
      version: choice.version,
      rule: rule.name,
      experimentId,
      arm,
      slaHours: d.slaHours ?? null,
      reviewers,
      slaSteps: d.slaSteps ?? null,
      decidedAtMs: work.nowMs,
    });
  if (!recorded) {
    work.policies.noteLines(pr.id, pr.round, pr.lines ?? null);
    const known = work.policies.facts(pr.id);
    const pushed = known.files === null ? work.policies.branchFiles(pr.repo, pr.headRef) : null;
    if (pushed) work.policies.keepPushedFiles(pr.id, pushed);
  }
  const strategy = d.strategy ?? cfg.algorithm;
  const channel = d.channel ? (policies.channels[d.channel] ?? null) : null;
  return {
    record,
    outcome,
    reviewers,
    // least-busy-now: who can start soonest and has the fewest open reviews, no fair-share term.
    algorithm: strategy === "least-busy-now" ? "load-balance" : strategy,
    weights:
      strategy === "least-busy-now" ? { ...work.config.weights, fairShareHours: 0 } : work.config.weights,
    pool: poolOf(d.pool, d.pool?.codeowners ? ownersFor(work, view, pr, outcome, recorded !== null) : []),
    required: (d.required ?? []).filter((l) => loginKey(l) !== loginKey(pr.author ?? "")),
    slaHours,
    slaSteps: (recorded ? recorded.slaSteps : d.slaSteps) ?? {},
    channel,
    unlinkedChannel: d.channel && !channel ? d.channel : null,
    addLabels: d.addLabels ?? [],
  };
}

/**
 * The logins a rule's pool names and the CODEOWNERS of the PR's matched paths (of all its files when
 * the rule matched on no paths); null: anyone on the team (no pool, or nobody in it is known).
 */
function poolOf(pool: PolicyDecision["pool"], owners: readonly string[]): string[] | null {
  if (!pool) return null;
  const all = [...new Set([...(pool.logins ?? []).map(loginKey), ...owners])];
  return all.length ? all : null;
}

/** The CODEOWNERS of the PR, read now (and kept) or as kept when its round was decided. */
function ownersFor(
  work: Work,
  view: TenantView,
  pr: TrackedPr,
  outcome: PolicyOutcome,
  recorded: boolean,
): string[] {
  if (recorded) return work.policies.facts(pr.id).owners ?? [];
  if (view.codeowners === undefined) return [];
  const files = outcome.matchedPaths.length ? outcome.matchedPaths : (policyPrOf(work, pr).files ?? []);
  const owners = ownersOf(parseCodeowners(view.codeowners), files).filter(
    (o) => o !== loginKey(pr.author ?? ""),
  );
  work.policies.setOwners(pr.id, owners);
  return owners;
}

/** Whether any policy in view asks the CODEOWNERS (then the file is read before deciding). */
export function needsCodeowners(view: PolicyView): boolean {
  const policies = [view.active, view.repo, view.experiment?.control, view.experiment?.variant];
  return policies.some((p) => p?.policy.rules.some((r) => r.decide.pool?.codeowners === true));
}

/** A recorded decision's policy: the version it named, when the view still has it; else the active one. */
function replay(
  view: PolicyView,
  r: PolicyRecord,
): { choice: ActivePolicy; experimentId: string | null; arm: "control" | "variant" | null } {
  const known = [view.active, view.repo, view.experiment?.control, view.experiment?.variant].find(
    (p) => p && p.policyId === r.policyId && p.version === r.version,
  );
  return { choice: known ?? view.active, experimentId: r.experimentId, arm: r.arm };
}

/** The SLA of `pr`'s round as its policy decides it (what the rule leaves out: the SLA rules). */
export function slaOf(
  work: Work,
  view: TenantView,
  pr: TrackedPr,
): { hours: number; steps: { reminder?: number; escalation?: number } } {
  const d = decideReview(work, view, pr);
  return { hours: d.slaHours, steps: d.slaSteps };
}

/** One line for a card: which policy and rule decided. */
export function decidedBy(record: PolicyRecord): string {
  const arm = record.arm ? ` (experiment ${record.experimentId}, ${record.arm})` : "";
  return `Policy ${record.policyId} v${record.version}, rule ${record.rule}${arm}`;
}

/** Whether any policy in view matches on changed files (then they are read before deciding). */
export function needsFiles(view: PolicyView): boolean {
  const policies = [view.active, view.repo, view.experiment?.control, view.experiment?.variant];
  return policies.some((p) =>
    p?.policy.rules.some(
      (r) =>
        r.match?.paths !== undefined || r.match?.minFiles !== undefined || r.match?.maxFiles !== undefined,
    ),
  );
}

/** The round's first review, for the policy's effectiveness: working time on the reviewer's SLA clock. */
export function notePolicyReview(work: Work, pr: TrackedPr, reviewer: string | null, verdict: string): void {
  const row = reviewer ? work.store.reviewer(pr.id, reviewer) : null;
  const workingMs = row?.sla ? usedWorkingMs(row.sla, work.nowMs) : null;
  work.policies.noteReview(pr.id, pr.round, work.nowMs, workingMs, verdict);
}
