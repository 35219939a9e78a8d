/**
 * The Pattern Bridge: one standing agent per tenant that keeps review policies improving
 * (docs/policies.md). It looks at the running experiment every `experimentCheckMinutes` — the
 * figures come from the Review Manager, the analysis from src/domain/experiment.ts — and records a
 * decision once reached, telling the leads once with a Promote button; and daily it looks for
 * opportunities in the recorded figures (src/domain/patterns.ts), suggesting each pattern once.
 * Its messages stay in its delivery ledger until delivered.
 */

import type { ChannelRef } from "../../chat/platform";
import { channelMessage } from "../../chat/post";
import type { Reply } from "../../chat/reply";
import { buildDelivery } from "../../delivery/enqueue";
import { analyse, type ExperimentAnalysis } from "../../domain/experiment-analysis";
import { findOpportunities } from "../../domain/patterns";
import { deliveryKey } from "../../domain/pr-refs";
import { DAY_MS } from "../../domain/time";
import type { Env } from "../../env";
import { attempt, type Outcome, unwrap } from "../../platform/errors";
import type { ExperimentRecord } from "../../settings/experiments";
import { settings } from "../../settings/stub";
import { auditChange } from "../coordinator/audit";
import { coordinator } from "../coordinator/stub";
import { BaseAgent } from "../framework/base-agent";
import type { ScheduledTask } from "../framework/scheduler";
import type { AgentIdentity, AgentSnapshot, CallMeta } from "../model";
import { reviewManagerAgent } from "../review-manager";
import { patternBridgeConfigOf } from "./config-of";
import { decisionReply, opportunityReply } from "./messages";
import { SuggestionStore } from "./store";

export const EXPERIMENT_TASK = "pattern.experiment";
export const OPPORTUNITY_TASK = "pattern.opportunities";
const MINUTE_MS = 60_000;

export class PatternBridgeAgent extends BaseAgent {
  readonly agentType = "pattern-bridge" as const;
  private readonly suggestions: SuggestionStore;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.suggestions = new SuggestionStore(ctx.storage.sql);
  }

  /** The agent's clock (epoch ms): the seam tests replace to move time. */
  protected now(): number {
    return Date.now();
  }

  override async init(
    identity: AgentIdentity,
    rawConfig: unknown,
    meta: CallMeta,
  ): Promise<Outcome<AgentSnapshot>> {
    const result = await super.init(identity, rawConfig, meta);
    if (result.ok) await this.watch();
    return result;
  }

  // ------------------------------------------------------------------ RPC

  /** Makes sure its looks are scheduled (at spawn, and when an experiment starts). */
  async watch(): Promise<Outcome<{ experimentAt: number }>> {
    return attempt(async () => {
      const cfg = patternBridgeConfigOf(this.require().config);
      const at = this.now() + cfg.experimentCheckMinutes * MINUTE_MS;
      const scheduled = await this.schedules();
      const existing = scheduled.find((s) => s.kind === EXPERIMENT_TASK);
      if (!existing) unwrap(await this.schedule(at, EXPERIMENT_TASK, {}, EXPERIMENT_TASK));
      if (cfg.opportunities && !scheduled.some((s) => s.kind === OPPORTUNITY_TASK)) {
        unwrap(await this.schedule(this.now() + DAY_MS, OPPORTUNITY_TASK, {}, OPPORTUNITY_TASK));
      }
      return { experimentAt: existing ? Date.parse(existing.at) : at };
    });
  }

  /**
   * An experiment's figures now. While it runs, a reached decision (not `continue`) is recorded and
   * told to the leads once, with Promote when the variant won.
   */
  async experimentStatus(
    id: string,
    correlationId: string,
  ): Promise<Outcome<{ experiment: ExperimentRecord; analysis: ExperimentAnalysis }>> {
    return attempt(async () => {
      this.require();
      const store = settings(this.env, this.tenant());
      const record = unwrap(await store.experiment(id));
      if (record.status !== "running" && record.decision)
        return { experiment: record, analysis: record.decision };
      const rm = await this.reviewManager();
      const samples = rm ? unwrap(await rm.experimentSamples(id)) : { control: [], variant: [] };
      const analysis = analyse({
        spec: record.spec,
        ...samples,
        startedAtMs: Date.parse(record.startedAt),
        nowMs: this.now(),
        seed: id,
      });
      if (record.status !== "running" || analysis.decision === "continue")
        return { experiment: record, analysis };
      const reached = await store.decideExperiment(id, analysis);
      const first = reached.first;
      let decided = reached.record;
      if (first && (await store.markExperimentAnnounced(id))) {
        const auto =
          patternBridgeConfigOf(this.require().config).autoPromote && analysis.decision === "variant-wins";
        let promotedTo: number | null = null;
        if (auto) {
          const promoted = await store.promoteExperiment(id, "pattern-bridge (autoPromote)");
          if (promoted.ok) {
            decided = promoted.value.record;
            promotedTo = promoted.value.version.version;
            await auditChange(this.env, this.tenant(), {
              actor: "agent:pattern-bridge",
              action: "policy.promote",
              target: `${id} -> ${promoted.value.version.policyId} v${promotedTo}`,
              correlationId,
            });
          }
        }
        await this.tell(`experiment:${id}`, decisionReply(decided, analysis, promotedTo), correlationId);
        const how = promotedTo === null ? "" : `, promoted to version ${promotedTo}`;
        this.log.add("experiment", `${id}: ${analysis.decision}${how}`, Date.now(), correlationId);
      }
      return { experiment: decided, analysis: decided.decision ?? analysis };
    });
  }

  /** Looks for opportunities now (the daily look), suggesting each new one once; answers them. */
  async lookForOpportunities(correlationId: string): Promise<Outcome<{ suggested: string[] }>> {
    return attempt(async () => {
      const cfg = patternBridgeConfigOf(this.require().config);
      const rm = await this.reviewManager();
      if (!rm) return { suggested: [] };
      const facts = unwrap(await rm.opportunityFacts(this.now() - cfg.opportunityDays * DAY_MS));
      const allowed = new Set(cfg.patterns);
      const found = findOpportunities(facts.overall, facts.groups).filter(
        (o) => allowed.size === 0 || allowed.has(o.pattern),
      );
      const suggested: string[] = [];
      for (const o of found) {
        if (!this.suggestions.claim(o.key, o.pattern, this.now())) continue;
        await this.tell(`opportunity:${o.key}`, opportunityReply(o), correlationId);
        suggested.push(o.key);
      }
      if (suggested.length)
        this.log.add("opportunity", `suggested ${suggested.join(", ")}`, Date.now(), correlationId);
      return { suggested };
    });
  }

  // ------------------------------------------------------------- handlers

  protected override async onSchedule(task: ScheduledTask): Promise<void> {
    const correlationId = `${task.kind}:${task.id}:${task.at}`;
    const cfg = patternBridgeConfigOf(this.require().config);
    if (task.kind === EXPERIMENT_TASK) {
      const running = await settings(this.env, this.tenant()).runningExperiment();
      if (running) unwrap(await this.experimentStatus(running.id, correlationId));
      unwrap(
        await this.schedule(
          this.now() + cfg.experimentCheckMinutes * MINUTE_MS,
          EXPERIMENT_TASK,
          {},
          EXPERIMENT_TASK,
        ),
      );
      return;
    }
    if (task.kind === OPPORTUNITY_TASK) {
      if (cfg.opportunities) unwrap(await this.lookForOpportunities(correlationId));
      unwrap(await this.schedule(this.now() + DAY_MS, OPPORTUNITY_TASK, {}, OPPORTUNITY_TASK));
      return;
    }
    return super.onSchedule(task);
  }

  // --------------------------------------------------------------- helpers

  private tenant(): string {
    return this.require().tenant;
  }

  private async reviewManager() {
    const pick = unwrap(await coordinator(this.env, this.tenant()).liveAgent("review-manager"));
    return pick ? reviewManagerAgent(this.env, pick.agentId) : null;
  }

  /** The leads' channels: the ops channel, else every channel linked to a repository. */
  private async leadsChannels(): Promise<ChannelRef[]> {
    const store = settings(this.env, this.tenant());
    const ops = await store.opsChannel();
    if (ops) return [ops];
    const links = (await store.links()).filter((l) => l.kind === "github");
    return [...new Map(links.map((l) => [JSON.stringify(l.channel), l.channel])).values()];
  }

  /** Posts `reply` to the leads' channels, kept in the delivery ledger until delivered (keyed once). */
  private async tell(tag: string, reply: Reply, correlationId: string): Promise<void> {
    const channels = await this.leadsChannels();
    const now = Date.now();
    for (const channel of channels) {
      const key = deliveryKey("pb", tag, channel.platform, channel.workspaceId, channel.channelId);
      const message = channelMessage(channel, reply, { key });
      this.deliveries.add(buildDelivery({ ...message, key, tenant: this.tenant(), correlationId }, now), now);
    }
    if (channels.length === 0)
      this.log.add("opportunity", `${tag}: no ops or linked channel to tell`, now, correlationId);
    await this.handOverDeliveries();
  }
}
