/**
 * TenantSettings' review policies and experiments (docs/policies.md), the base of its class: stored
 * versions and the active one (./policies.ts), experiments (./experiments.ts), and the view the Review
 * Manager decides a PR by. The rest of the tenant's settings: ./tenant-settings.ts.
 */
import { DurableObject } from "cloudflare:workers";
import type { ExperimentSpec } from "../domain/experiment";
import type { ExperimentAnalysis } from "../domain/experiment-analysis";
import type { Env } from "../env";
import { attempt, ConflictError, type Outcome } from "../platform/errors";
import { fnv1a64 } from "../platform/ids";
import { type ExperimentRecord, ExperimentStore } from "./experiments";
import {
  type ActivePolicy,
  channelsNamed,
  checkPolicy,
  filePolicyId,
  type PolicyListing,
  type PolicySource,
  PolicyStore,
  type PolicyVersion,
  type PolicyView,
} from "./policies";
import { SettingsStore } from "./store";

export abstract class PolicySettings extends DurableObject<Env> {
  protected readonly store: SettingsStore;
  private readonly policies: PolicyStore;
  private readonly experiments: ExperimentStore;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new SettingsStore(ctx.storage.sql);
    this.policies = new PolicyStore(ctx.storage.sql);
    this.experiments = new ExperimentStore(ctx.storage.sql);
  }

  // ----------------------------------------------------------------- policies

  /** Every review policy, with its latest version and whether it is active. */
  async listPolicies(): Promise<PolicyListing[]> {
    return this.policies.list();
  }

  /** A policy's summary and its versions, newest first. */
  async policy(id: string): Promise<Outcome<{ summary: PolicyListing; versions: PolicyVersion[] }>> {
    return attempt(() => ({ summary: this.policies.summary(id), versions: this.policies.versions(id) }));
  }

  async policyVersion(id: string, version?: number): Promise<Outcome<PolicyVersion>> {
    return attempt(() => this.policies.version(id, version));
  }

  async activePolicy(): Promise<ActivePolicy> {
    return this.policies.active();
  }

  /** A new policy (validated by the caller: src/domain/policy.ts). */
  async createPolicy(input: {
    id: string;
    description: string | null;
    policy: unknown;
    by: string;
    source: PolicySource;
    sourceRef?: string | null;
    activate: boolean;
  }): Promise<Outcome<PolicyVersion>> {
    return attempt(() => this.policies.create({ ...input, policy: checkPolicy(input.policy) }));
  }

  /** A new version of a policy; a `file` source that did not change the policy adds nothing. */
  async addPolicyVersion(input: {
    id: string;
    policy: unknown;
    by: string;
    source: PolicySource;
    sourceRef?: string | null;
    activate?: boolean;
    ifChanged?: boolean;
  }): Promise<Outcome<{ version: PolicyVersion; added: boolean }>> {
    return attempt(() => this.policies.addVersion({ ...input, policy: checkPolicy(input.policy) }));
  }

  /** A repository's `.foreman.yml` was removed (`retired`), or pushed again valid: it stops or starts deciding. */
  async retirePolicy(id: string, retired: boolean): Promise<boolean> {
    return this.policies.setRetired(id, retired);
  }

  async activatePolicy(id: string, version: number | undefined, by: string): Promise<Outcome<PolicyVersion>> {
    return attempt(() => this.policies.activate(id, version, by));
  }

  /** What the Review Manager decides a PR by: the active policy, a running experiment, named channels. */
  async policyView(repo?: string): Promise<PolicyView> {
    const active = this.policies.active();
    const fileId = repo ? filePolicyId(repo, fnv1a64) : null;
    const own = fileId && this.policies.inForce(fileId) ? pinned(this.policies.version(fileId)) : null;
    const running = this.experiments.running();
    const experiment = running
      ? {
          id: running.id,
          variantShare: running.spec.allocation.variantShare,
          control: pinned(this.policies.version(running.spec.control.policyId, running.controlVersion)),
          variant: pinned(this.policies.version(running.spec.variant.policyId, running.variantVersion)),
        }
      : null;
    const named = channelsNamed([
      active.policy,
      ...(experiment ? [experiment.control.policy, experiment.variant.policy] : []),
      ...(own ? [own.policy] : []),
    ]);
    const channels: PolicyView["channels"] = {};
    if (named.length > 0) {
      const links = this.store.links();
      for (const name of named) {
        const [platform, id] = name.split(":");
        const link = links.find((l) => l.channel.platform === platform && l.channel.channelId === id);
        if (link) channels[name] = link.channel;
      }
    }
    return { active, repo: own, experiment, channels };
  }

  // -------------------------------------------------------------- experiments

  /** Starts an experiment (one at a time); its arms are pinned to their versions now. */
  async startExperiment(input: {
    id: string;
    spec: ExperimentSpec;
    by: string;
  }): Promise<Outcome<ExperimentRecord>> {
    return attempt(() => {
      const control = this.policies.version(input.spec.control.policyId, input.spec.control.version);
      const variant = this.policies.version(input.spec.variant.policyId, input.spec.variant.version);
      return this.experiments.start({
        id: input.id,
        spec: input.spec,
        controlVersion: control.version,
        variantVersion: variant.version,
        by: input.by,
        at: new Date().toISOString(),
      });
    });
  }

  async experiment(id: string): Promise<Outcome<ExperimentRecord>> {
    return attempt(() => this.experiments.get(id));
  }

  async listExperiments(): Promise<ExperimentRecord[]> {
    return this.experiments.list();
  }

  async runningExperiment(): Promise<ExperimentRecord | null> {
    return this.experiments.running();
  }

  async stopExperiment(id: string): Promise<Outcome<ExperimentRecord>> {
    return attempt(() => this.experiments.stop(id));
  }

  /** Records a reached decision; `first` is true when this call recorded it (tell the leads once). */
  async decideExperiment(
    id: string,
    analysis: ExperimentAnalysis,
  ): Promise<{ first: boolean; record: ExperimentRecord }> {
    const first = this.experiments.decide(id, analysis, new Date().toISOString());
    return { first, record: this.experiments.get(id) };
  }

  async markExperimentAnnounced(id: string): Promise<boolean> {
    return this.experiments.markAnnounced(id);
  }

  /**
   * Promote: the variant's policy becomes a new version of the control policy, active. Once: a second
   * click finds it promoted and changes nothing (409).
   */
  async promoteExperiment(
    id: string,
    by: string,
  ): Promise<Outcome<{ record: ExperimentRecord; version: PolicyVersion; early: boolean }>> {
    return attempt(() => {
      const e = this.experiments.get(id);
      // A running experiment may be promoted by a person before it is decided (they are told so).
      const early = e.status === "running";
      if (e.status === "promoted") {
        throw new ConflictError(
          `Experiment "${id}" was promoted by ${e.promotedBy} (version ${e.promotedVersion})`,
        );
      }
      if (e.status === "stopped") throw new ConflictError(`Experiment "${id}" was stopped`);
      const variant = this.policies.version(e.spec.variant.policyId, e.variantVersion);
      const { version } = this.policies.addVersion({
        id: e.spec.control.policyId,
        policy: variant.policy,
        by,
        source: "promotion",
        sourceRef: id,
        activate: true,
      });
      this.experiments.markPromoted(id, version.version, by, new Date().toISOString());
      return { record: this.experiments.get(id), version, early };
    });
  }
}

const pinned = (v: PolicyVersion): ActivePolicy => ({
  policyId: v.policyId,
  version: v.version,
  policy: v.policy,
});
