import type { PolicySample, PolicySummary } from "../../domain/experiment";
import type { GroupFigures } from "../../domain/patterns";
import { decidePolicy, type Policy, type PolicyPr, type RuleVerdict } from "../../domain/policy";
import { type PrRef, prRef } from "../../domain/pr-refs";
import { resolveSla } from "../../domain/sla";
import { attempt, errorMessage, NotFoundError, type Outcome, unwrap } from "../../platform/errors";
import { listPullFiles } from "../../platform/github-read";
import type { ActivePolicy, PolicyView } from "../../settings/policies";
import { settings } from "../../settings/stub";
import { auditChange } from "../coordinator/audit";
import type { TenantView } from "./context";
import { ReviewManagerCore } from "./core";
import { configFor } from "./model/candidates";
import type { TrackedPr } from "./model/model";
import { needsCodeowners, needsFiles, policyFor, policyPrOf } from "./policy";
import {
  type Effectiveness,
  effectivenessOf,
  opportunityGroups,
  type ReplayResult,
  replayOf,
} from "./policy-figures";
import {
  applyPolicyFile,
  githubReader,
  notePush,
  type Push,
  readCodeowners,
  reportPolicyFile,
} from "./policy-files";
import { decidedSince, type PolicyRecord, replayRows } from "./policy-rows";

/** A dry run's PR: given in full, or a PR Foreman tracks. */
export type DryRunInput = { pr: PolicyPr; ref?: undefined } | { ref: PrRef; pr?: undefined };

export interface DryRunResult {
  pr: PolicyPr & { filesKnown: boolean };
  policy: { id: string; version: number; why: string };
  rule: string;
  verdicts: RuleVerdict[];
  decision: {
    reviewers: number;
    strategy: string;
    pool: string[] | null;
    required: string[];
    slaHours: number;
    channel: string | null;
    addLabels: string[];
  };
  /** Where each value comes from: the rule, or today's settings. */
  sources: { reviewers: string; strategy: string; slaHours: string };
  /** For a tracked PR: what was recorded when it was decided. */
  recorded: PolicyRecord | null;
  /** When the PR has changed since it was decided and another rule would match now. */
  now?: string;
}

export abstract class ReviewManagerPolicies extends ReviewManagerCore {
  /** A push: its paths kept for the branch, and a changed `.foreman.yml` read, stored and reported. */
  protected async onPush(push: Push, correlationId: string): Promise<void> {
    notePush(this.work(correlationId, this.now()), push);
    const outcome = await applyPolicyFile(this.env, this.tenant(), push);
    if (!outcome) return;
    const links = await settings(this.env, this.tenant()).linksForTarget("github", push.repo.fullName);
    const work = this.work(correlationId, this.now());
    reportPolicyFile(
      work,
      push,
      outcome,
      links.map((l) => l.channel),
    );
    this.record(work, `.foreman.yml in ${push.repo.fullName}: ${outcome.kind}`);
    if (outcome.kind === "applied" && outcome.added) {
      await auditChange(this.env, this.tenant(), {
        actor: `github:${push.sender ?? "unknown"}`,
        action: "policy.file",
        target: `${outcome.policyId} v${outcome.version} (${push.repo.fullName}@${push.after.slice(0, 12)})`,
        correlationId,
      });
    }
    await this.flush();
  }

  /**
   * What a policy in view needs from GitHub before the PR is decided, read once per round: its changed
   * files (a rule matches on paths) and the CODEOWNERS at its base (a rule's pool is codeowners). Without
   * GitHub access (demo mode) nothing is read; a failed read is logged and the PR decided without it.
   */
  protected async withFiles(
    view: TenantView,
    pr: PrRef & { baseRef?: string | null },
    correlationId: string,
  ): Promise<TenantView> {
    const policy = view.policy;
    if (!policy || !(needsFiles(policy) || needsCodeowners(policy))) return view;
    const tracked = this.reviews.pr(pr.repo, pr.number);
    if (tracked && this.policies.decision(tracked.id, tracked.round)) return view;
    const reader = githubReader(this.env);
    if (!reader) return view;
    const failed = (what: string) => (err: unknown) => {
      this.log.add(
        "error",
        `${what} of ${prRef(pr)} not read: ${errorMessage(err)}`,
        Date.now(),
        correlationId,
      );
      return undefined;
    };
    const [files, codeowners] = await Promise.all([
      needsFiles(policy)
        ? listPullFiles(reader, pr.repo, pr.number).catch(failed("changed files"))
        : undefined,
      needsCodeowners(policy)
        ? readCodeowners(reader, pr.repo, pr.baseRef ?? "").catch(failed("CODEOWNERS"))
        : undefined,
    ]);
    return { ...view, ...(files ? { files } : {}), ...(codeowners !== undefined ? { codeowners } : {}) };
  }

  /**
   * What a policy would decide for a PR, and why — nothing is recorded or sent. `policyId` (and
   * `version`) try a policy that is not in force; otherwise the PR's own decision (tracked and
   * decided), or the policy that would decide it now.
   */
  async explainPolicy(
    input: DryRunInput & { policyId?: string; version?: number },
  ): Promise<Outcome<DryRunResult>> {
    return attempt(async () => {
      this.require();
      const tracked = input.ref ? this.reviews.pr(input.ref.repo.toLowerCase(), input.ref.number) : null;
      if (input.ref && !tracked) throw new NotFoundError(`Foreman does not track ${prRef(input.ref)}`);
      const work = this.work(`dry-run:${Date.now()}`, this.now());
      const pr: PolicyPr = tracked ? policyPrOf(work, tracked) : (input.pr as PolicyPr);
      const store = settings(this.env, this.tenant());
      const [view, sla] = await Promise.all([
        store.policyView(pr.repo),
        store.slaFor(pr.repo, [...pr.labels]),
      ]);
      const recorded = tracked ? this.policies.decision(tracked.id, tracked.round) : null;
      const { choice, why } = await this.chosen(view, tracked, recorded, input);
      const outcome = decidePolicy(choice.policy, pr);
      // A decided PR keeps its decision: the rule recorded then (the verdicts are against the PR as it
      // is now, which may have changed since — a label removed, files pushed).
      const kept =
        recorded && !input.policyId ? choice.policy.rules.find((r) => r.name === recorded.rule) : undefined;
      const rule = kept ?? outcome.rule;
      const d = rule.decide;
      const cfg = configFor(work.config, work.config.repos, pr.repo);
      const scope = [sla.repo, sla.label && `label ${sla.label}`].filter(Boolean).join(", ") || "every PR";
      const slaHours = kept && recorded ? (recorded.slaHours ?? sla.hours) : (d.slaHours ?? sla.hours);
      return {
        pr: { ...pr, filesKnown: pr.files !== undefined },
        policy: { id: choice.policyId, version: choice.version, why },
        rule: rule.name,
        verdicts: outcome.verdicts,
        ...(kept && outcome.rule.name !== rule.name
          ? {
              now: `As the PR is now, rule ${outcome.rule.name} would match first; its round stays decided by ${rule.name}.`,
            }
          : {}),
        decision: {
          reviewers: kept && recorded ? recorded.reviewers : (d.reviewers ?? cfg.reviewersPerPr),
          strategy: d.strategy ?? cfg.algorithm,
          pool: d.pool?.logins ?? null,
          required: d.required ?? [],
          slaHours,
          channel: d.channel ?? null,
          addLabels: d.addLabels ?? [],
        },
        sources: {
          reviewers: d.reviewers !== undefined ? `rule ${rule.name}` : "the Review Manager's config",
          strategy: d.strategy !== undefined ? `rule ${rule.name}` : "the Review Manager's config",
          slaHours:
            d.slaHours !== undefined
              ? `rule ${rule.name}`
              : sla.isDefault
                ? "the built-in 8 h SLA"
                : `the SLA rule for ${scope}`,
        },
        recorded,
      };
    });
  }

  private async chosen(
    view: PolicyView,
    tracked: TrackedPr | null,
    recorded: PolicyRecord | null,
    input: { policyId?: string; version?: number },
  ): Promise<{ choice: ActivePolicy; why: string }> {
    const store = settings(this.env, this.tenant());
    if (input.policyId) {
      const v = unwrap(await store.policyVersion(input.policyId, input.version));
      return {
        choice: { policyId: v.policyId, version: v.version, policy: v.policy },
        why: "the policy asked for",
      };
    }
    if (recorded) {
      const v = unwrap(await store.policyVersion(recorded.policyId, recorded.version));
      return {
        choice: { policyId: v.policyId, version: v.version, policy: v.policy },
        why: "the policy that decided this PR",
      };
    }
    const pick = tracked
      ? policyFor(view, tracked)
      : { choice: view.repo ?? view.active, arm: null, experimentId: null };
    const why = view.repo
      ? "the repository's .foreman.yml"
      : pick.arm
        ? `experiment ${pick.experimentId}, ${pick.arm} arm`
        : "the active policy";
    return { choice: pick.choice, why };
  }

  /** Each version's and rule's figures: PRs decided, times to first review and merge, guardrails. */
  async policyEffectiveness(policyId: string): Promise<Outcome<Effectiveness>> {
    return attempt(() => {
      this.require();
      return effectivenessOf(policyId, this.policies.samples({ policyId }));
    });
  }

  /** The outcomes of the PRs an experiment decided, by arm (the Pattern Bridge analyses them). */
  async experimentSamples(
    id: string,
  ): Promise<Outcome<{ control: PolicySample[]; variant: PolicySample[] }>> {
    return attempt(() => {
      this.require();
      const decided = this.policies.samples({ experimentId: id });
      return {
        control: decided.filter((d) => d.record.arm === "control").map((d) => d.sample),
        variant: decided.filter((d) => d.record.arm === "variant").map((d) => d.sample),
      };
    });
  }

  /**
   * The figures opportunities are looked for in: every PR decided since `sinceMs`, and the groups by
   * label and by top-level changed path (the most frequent `MAX_GROUPS` of each).
   */
  async opportunityFacts(
    sinceMs: number,
  ): Promise<Outcome<{ overall: PolicySummary; groups: GroupFigures[] }>> {
    return attempt(() => {
      this.require();
      return opportunityGroups(decidedSince(this.policies.sql, sinceMs));
    });
  }

  /**
   * What two (or more) policies would have decided for the PRs recorded since `sinceMs`: per policy,
   * the PRs each rule takes, the reviewers and SLA hours asked, and the outcomes those PRs really had;
   * and how many PRs the policies decide differently. A replay of decisions, not of behaviour.
   */
  async replayPolicies(input: {
    policies: { label: string; policy: Policy }[];
    sinceMs: number;
  }): Promise<Outcome<ReplayResult>> {
    return attempt(async () => {
      this.require();
      const rows = replayRows(this.policies.sql, input.sinceMs, MAX_REPLAY);
      const slaRules = await settings(this.env, this.tenant()).slaRules();
      const config = this.work("replay", this.now()).config;
      const defaults = (pr: PolicyPr) => ({
        reviewers: configFor(config, config.repos, pr.repo).reviewersPerPr,
        slaHours: resolveSla(slaRules, pr.repo, [...pr.labels]).hours,
      });
      return replayOf(rows, input.policies, defaults, input.sinceMs);
    });
  }
}

/** At most this many recorded PRs are replayed. */
const MAX_REPLAY = 5_000;
