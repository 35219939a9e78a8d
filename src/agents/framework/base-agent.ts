/**
 * The base Durable Object of every agent type (SQLite-backed): identity and config, the lifecycle,
 * a persisted inbox processed in arrival order with a concurrency limit and per-task timeout,
 * a persisted scheduler on the single alarm, health counters and a bounded event log.
 */
import { DurableObject } from "cloudflare:workers";
import { confirmMsOf, DeliveryLedger, type Settled } from "../../delivery/ledger";
import type { DeliveryConfirmer, DeliveryReport } from "../../delivery/types";
import type { Env } from "../../env";
import { destroyObject } from "../../platform/destroy";
import {
  attempt,
  ConflictError,
  errorMessage,
  NotFoundError,
  type Outcome,
  ValidationError,
} from "../../platform/errors";
import { randomId } from "../../platform/ids";
import { coordinator } from "../coordinator/stub";
import { isActive, transition } from "../lifecycle";
import type {
  AgentAction,
  AgentConfig,
  AgentEvent,
  AgentHealth,
  AgentIdentity,
  AgentMessage,
  AgentSnapshot,
  AgentType,
  CallMeta,
  MessageReceipt,
} from "../model";
import { AGENT_REGISTRY, parseAgentConfig } from "../registry";
import { acceptedMessage } from "./accept";
import { AgentStore } from "./agent-store";
import { EventLog } from "./event-log";
import { healthOf, scheduledMessage } from "./health";
import { Inbox, type InboxItem } from "./inbox";
import { type ScheduledTask, type ScheduledTaskView, Scheduler } from "./scheduler";
import { withTimeout } from "./timeout";

/** The kind of scheduled task every agent understands: deliver `{type, payload}` to itself. */
export const MESSAGE_TASK = "message";

export abstract class BaseAgent extends DurableObject<Env> implements DeliveryConfirmer {
  abstract readonly agentType: AgentType;
  protected readonly store: AgentStore;
  protected readonly inbox: Inbox;
  protected readonly scheduler: Scheduler;
  protected readonly log: EventLog;
  /** What this agent decided to send, kept until the consumer reports it delivered or dead. */
  protected readonly deliveries: DeliveryLedger;
  /** Inbox rows being processed by this instance. */
  private readonly active = new Set<number>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    this.store = new AgentStore(sql);
    this.inbox = new Inbox(sql);
    this.scheduler = new Scheduler(sql);
    this.log = new EventLog(sql, undefined, () => this.store.get());
    this.deliveries = new DeliveryLedger(sql, confirmMsOf(env));
    void ctx.blockConcurrencyWhile(async () => {
      if (!this.store.get()) return;
      const { retried, failed } = this.inbox.recover();
      if (retried || failed) {
        this.log.add(
          "restart",
          `recovered inbox after restart: ${retried} retried, ${failed} failed`,
          Date.now(),
        );
      }
      await this.arm();
    });
  }

  // ------------------------------------------------------------------ RPC

  /** Tenant deletion: wipes this object's storage and alarm, then resets it (src/platform/destroy.ts). */
  async destroy(): Promise<void> {
    await destroyObject(this.ctx);
  }

  async init(identity: AgentIdentity, rawConfig: unknown, meta: CallMeta): Promise<Outcome<AgentSnapshot>> {
    return attempt(() => {
      const existing = this.store.get();
      if (existing) {
        if (existing.agentId !== identity.agentId)
          throw new ConflictError("This object already holds another agent");
        return existing;
      }
      if (identity.type !== this.agentType) {
        throw new ConflictError(`Agent type ${identity.type} cannot live in a ${this.agentType} object`);
      }
      const config = parseAgentConfig(identity.type, rawConfig);
      const now = Date.now();
      this.store.create(identity, config, now);
      this.log.add(
        "lifecycle",
        `spawned as ${identity.type} in workflow ${identity.workflowId}`,
        now,
        meta.correlationId,
      );
      return this.snapshot();
    });
  }

  async transition(action: AgentAction, meta: CallMeta): Promise<Outcome<AgentSnapshot>> {
    return attempt(async () => {
      const agent = this.require();
      const result = transition(agent.status, action);
      if (!result.ok) throw new ConflictError(result.message, { from: agent.status, action });
      const now = Date.now();
      this.store.setStatus(result.to, now);
      let detail = "";
      if (result.to === "terminated") {
        const dropped = this.inbox.cancelPending();
        const cancelled = this.scheduler.cancelAll();
        detail = ` (dropped ${dropped} queued messages, ${cancelled} schedules)`;
      }
      this.log.add("lifecycle", `${result.from} -> ${result.to}${detail}`, now, meta.correlationId);
      this.pump();
      await this.arm();
      return this.snapshot();
    });
  }

  async receive(message: AgentMessage): Promise<Outcome<MessageReceipt>> {
    return attempt(async () => {
      const agent = this.require();
      const checked = acceptedMessage(agent, message);
      const now = Date.now();
      const added = this.inbox.add(checked, now);
      if (added) this.store.touch(now);
      this.pump();
      await this.arm();
      return {
        messageId: message.messageId,
        agentId: agent.agentId,
        status: agent.status,
        inboxDepth: this.inbox.depth(),
      };
    });
  }

  /** Messages in order, all checked first (one refused refuses all), added in one step, one alarm. */
  async receiveMany(messages: AgentMessage[]): Promise<Outcome<{ added: number; inboxDepth: number }>> {
    return attempt(async () => {
      const agent = this.require();
      const checked = messages.map((m) => acceptedMessage(agent, m));
      const now = Date.now();
      let added = 0;
      for (const m of checked) if (this.inbox.add(m, now)) added++;
      if (added > 0) this.store.touch(now);
      this.pump();
      await this.arm();
      return { added, inboxDepth: this.inbox.depth() };
    });
  }

  async status(): Promise<Outcome<AgentSnapshot>> {
    return attempt(() => this.snapshot());
  }

  async health(eventLimit = 20): Promise<Outcome<AgentHealth & { recentEvents: AgentEvent[] }>> {
    return attempt(() => ({
      ...healthOf(this.require(), Date.now(), {
        inboxDepth: this.inbox.depth(),
        runningTasks: this.active.size,
        scheduledTasks: this.scheduler.size(),
      }),
      ...this.healthDetail(),
      recentEvents: this.log.recent(eventLimit),
    }));
  }

  /** What a type adds to its health (the Context Optimizer: items held, next release). */
  protected healthDetail(): Partial<AgentHealth> {
    return {};
  }

  /** Schedules `kind` at `at` (epoch ms); a repeated `key` replaces the earlier task. */
  async schedule(
    at: number,
    kind: string,
    payload: Record<string, unknown>,
    key?: string,
  ): Promise<Outcome<{ id: string; at: string }>> {
    return attempt(async () => {
      const agent = this.require();
      if (agent.status === "terminated") throw new ConflictError(`Agent ${agent.agentId} is terminated`);
      if (!Number.isFinite(at)) throw new ValidationError([{ field: "at", message: "must be a time in ms" }]);
      const id = this.scheduler.schedule(at, kind, payload, key ?? null, Date.now());
      await this.arm();
      return { id, at: new Date(at).toISOString() };
    });
  }

  async cancel(idOrKey: string): Promise<Outcome<{ cancelled: boolean }>> {
    return attempt(async () => {
      this.require();
      const cancelled = this.scheduler.cancel(idOrKey);
      await this.arm();
      return { cancelled };
    });
  }

  async schedules(): Promise<ScheduledTaskView[]> {
    return this.scheduler.list();
  }

  override async alarm(): Promise<void> {
    const agent = this.store.get();
    if (!agent) return;
    if (isActive(agent.status)) {
      for (const task of this.scheduler.claimDue(Date.now())) await this.runScheduled(task);
      this.pump();
    }
    // Whatever the agent's status: effects it decided are delivered (or handed over again).
    await this.handOverDeliveries();
    await this.arm();
  }

  /** The delivery consumer's reports on deliveries this agent decided (src/delivery/ledger.ts). */
  async confirmDeliveries(reports: DeliveryReport[]): Promise<void> {
    const settled = this.deliveries.confirm(reports, Date.now());
    if (settled.length > 0 && this.store.get()) {
      try {
        await this.onDeliveriesSettled(settled);
      } catch (err) {
        this.log.add("error", `after deliveries settled: ${errorMessage(err)}`, Date.now());
      }
    }
    await this.arm();
  }

  // ------------------------------------------------------------ for types

  /** Handles one inbox message. Types override this and call `super.handleMessage` for the rest. */
  protected async handleMessage(message: AgentMessage, _signal: AbortSignal): Promise<void> {
    const now = Date.now();
    switch (message.type) {
      case "ping":
        if (message.from.startsWith("agt_")) await this.send(message.from, "pong", {}, message.correlationId);
        this.log.add("message", `ping from ${message.from}`, now, message.correlationId);
        return;
      case "pong":
        this.log.add("message", `pong from ${message.from}`, now, message.correlationId);
        return;
      case "event":
        await this.onEvent(String(message.payload.name), message.payload, message);
        return;
      default:
        throw new Error(`no handler for message type ${message.type}`);
    }
  }

  /** A domain event fanned out by the Coordinator. */
  protected async onEvent(
    name: string,
    _payload: Record<string, unknown>,
    message: AgentMessage,
  ): Promise<void> {
    this.log.add("event", `received ${name}`, Date.now(), message.correlationId);
  }

  /** A scheduled task of a kind other than MESSAGE_TASK. */
  protected async onSchedule(task: ScheduledTask): Promise<void> {
    throw new Error(`no handler for scheduled task kind ${task.kind}`);
  }

  /**
   * Hands the ledger's due deliveries to the outbound queue (local effects to `runLocalEffect`). Call
   * it right after the synchronous step that added them: the alarm is set before the first await, so
   * it is written with the step and a crash in between loses nothing.
   */
  protected async handOverDeliveries(): Promise<void> {
    const agent = this.store.get();
    if (!agent) return;
    void this.ctx.storage.setAlarm(Date.now() + 1_000);
    const origin = { binding: AGENT_REGISTRY[agent.type].binding, name: agent.agentId };
    const run = (key: string, payload: Record<string, unknown>) => this.runLocalEffect(key, payload);
    const report = await this.deliveries.handOver(this.env.OUTBOUND, origin, Date.now, run);
    for (const gone of report.givenUp) this.log.add("error", `delivery given up: ${gone}`, Date.now());
    if (report.queueError) this.log.add("error", `outbound queue refused: ${report.queueError}`, Date.now());
    await this.arm();
  }

  /** Runs a local ledger effect (`deliveries.addLocal`); types that add them override this. */
  protected async runLocalEffect(key: string, _payload: Record<string, unknown>): Promise<void> {
    throw new Error(`no runner for local effect ${key}`);
  }

  /** Deliveries settled by the consumer's reports (where each landed); types override to use them. */
  protected async onDeliveriesSettled(_settled: Settled[]): Promise<void> {}

  /** Sends a message to another agent of this tenant (by id or type) through the Coordinator. */
  protected async send(to: string, type: string, payload: Record<string, unknown>, correlationId: string) {
    const agent = this.require();
    const outcome = await coordinator(this.env, agent.tenant).route({
      from: agent.agentId,
      to,
      type,
      payload,
      correlationId,
    });
    if (!outcome.ok) throw new Error(`routing ${type} to ${to} failed: ${outcome.error.message}`);
  }

  protected require() {
    const agent = this.store.get();
    if (!agent) throw new NotFoundError("Agent not found");
    return agent;
  }

  // ------------------------------------------------------------- internal

  private snapshot(): AgentSnapshot {
    const { agentId, type, tenant, workflowId, status, config, createdAt, updatedAt } = this.require();
    return { agentId, type, tenant, workflowId, status, config, createdAt, updatedAt };
  }

  private async runScheduled(task: ScheduledTask): Promise<void> {
    const agent = this.require();
    const now = Date.now();
    try {
      if (task.kind === MESSAGE_TASK) {
        this.inbox.add(scheduledMessage(task, agent.agentId, now), now);
      } else {
        await this.onSchedule(task);
      }
      this.log.add("schedule", `ran ${task.kind} task ${task.id}${task.key ? ` (${task.key})` : ""}`, now);
    } catch (err) {
      const message = `scheduled ${task.kind} task ${task.id} failed: ${errorMessage(err)}`;
      this.store.recordFailure(message, now);
      this.log.add("error", message, now);
    }
  }

  /** Starts inbox messages, oldest first, while there is a free slot. */
  private pump(): void {
    const agent = this.store.get();
    if (!agent || !isActive(agent.status)) return;
    while (this.active.size < agent.config.maxConcurrentTasks) {
      const item = this.inbox.take(Date.now());
      if (!item) break;
      this.active.add(item.seq);
      const done = this.execute(item, agent.config).finally(() => {
        this.active.delete(item.seq);
        this.pump();
        return this.arm();
      });
      this.ctx.waitUntil(done);
    }
  }

  private async execute(item: InboxItem, config: AgentConfig): Promise<void> {
    const { message } = item;
    try {
      await withTimeout(config.timeoutMs, (signal) => this.handleMessage(message, signal));
      this.inbox.complete(item.seq);
      this.store.recordDone(Date.now());
    } catch (err) {
      const text = `${message.type} from ${message.from} failed: ${errorMessage(err)}`;
      const now = Date.now();
      this.inbox.fail(item.seq, text);
      this.store.recordFailure(text, now);
      this.log.add("error", text, now, message.correlationId);
    }
  }

  /**
   * Sets the single alarm to the next thing due: a schedule, a watchdog over the inbox, or the
   * delivery ledger's next check (also while paused: decided effects still go out).
   */
  private async arm(): Promise<void> {
    const agent = this.store.get();
    let next: number | null = null;
    if (agent && isActive(agent.status)) {
      next = this.scheduler.nextAt();
      if (this.inbox.depth() > 0) {
        const now = Date.now();
        const watchdog = this.active.size > 0 ? now + agent.config.timeoutMs + 1_000 : now + 10;
        next = next === null ? watchdog : Math.min(next, watchdog);
      }
    }
    const check = agent ? this.deliveries.nextCheckAt() : null;
    if (check !== null) next = next === null ? check : Math.min(next, check);
    if (next === null) await this.ctx.storage.deleteAlarm();
    else if ((await this.ctx.storage.getAlarm()) !== next) await this.ctx.storage.setAlarm(next);
  }
}

export function newMessageId(): string {
  return randomId("msg");
}
