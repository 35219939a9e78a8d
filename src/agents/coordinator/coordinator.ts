/**
 * The Coordinator: one Durable Object per tenant. Registry of workflows and agents, spawning,
 * lifecycle commands, routing messages between agents, fan-out of events to subscribers,
 * the tenant's audit log, standing agents and the durable intake of webhook deliveries
 * (src/webhooks: `ingest`, retried by the alarm).
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../env";
import type { EventSource } from "../../events/types";
import { destroyObject } from "../../platform/destroy";
import {
  attempt,
  ConflictError,
  NotFoundError,
  type Outcome,
  unwrap,
  ValidationError,
} from "../../platform/errors";
import { randomId } from "../../platform/ids";
import { directory } from "../../tenants/stub";
import { newMessageId } from "../framework/base-agent";
import {
  AGENT_TYPES,
  type AgentAction,
  type AgentEvent,
  type AgentHealth,
  type AgentMessage,
  type AgentSnapshot,
  type AgentStatus,
  type AgentType,
  type AuditEntry,
  type CallMeta,
  type CreateWorkflowInput,
  type MessageReceipt,
  type PublishInput,
  type RouteInput,
  type SendMessageInput,
  type SpawnInput,
  type Workflow,
  type WorkflowStatus,
} from "../model";
import { agentStub, parseAgentConfig, subscribers } from "../registry";
import { DeliveryLog } from "./delivery-log";
import { seedDemoHistory } from "./demo-history";
import type { IngestResult, StandingAgents, WebhookDelivery, WebhookDeliveryRecord } from "./intake";
import { DeliveryPump } from "./pump";
import {
  ensureStandingAgents,
  ensureStandingWorkflow,
  KeptStandingAgents,
  pickLiveAgent,
  SerialLock,
  STANDING_WORKFLOW,
  type StandingOps,
} from "./standing";
import { CoordinatorStore } from "./store";

export class Coordinator extends DurableObject<Env> {
  private readonly store: CoordinatorStore;
  private readonly deliveries: DeliveryLog;
  private readonly pump: DeliveryPump;
  /** Serialises standing-workflow / standing-agent creation (spawning awaits, opening the input gate). */
  private readonly standingLock = new SerialLock();
  private readonly standing = new KeptStandingAgents(() => this.store);

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new CoordinatorStore(ctx.storage.sql);
    this.deliveries = new DeliveryLog(ctx.storage.sql);
    this.pump = new DeliveryPump({
      log: this.deliveries,
      storage: ctx.storage,
      standingAgents: (tenant, meta) => this.standingAgents(tenant, meta),
      publish: (input) => this.publish(input),
      receiveMany: (type, agentId, messages) => this.publishBatch(type, agentId, messages),
    });
  }

  async ping(): Promise<{ at: string }> {
    return { at: new Date().toISOString() };
  }

  /** Tenant deletion: wipes this object's storage and alarm, then resets it (src/platform/destroy.ts). */
  async destroy(): Promise<void> {
    await destroyObject(this.ctx);
  }

  // ---------------------------------------------------------------- workflows

  async createWorkflow(
    tenant: string,
    input: CreateWorkflowInput,
    meta: CallMeta,
  ): Promise<Outcome<Workflow>> {
    return attempt(async () => {
      const now = Date.now();
      const workflowId = randomId("wf");
      const context = input.context ?? {};
      this.store.insertWorkflow(
        {
          workflowId,
          tenant,
          name: input.name,
          description: input.description ?? "",
          priority: input.priority ?? "medium",
          context: {
            ...(context.userId ? { userId: context.userId } : {}),
            ...(context.githubRepoId ? { githubRepoId: context.githubRepoId } : {}),
            tags: context.tags ?? [],
          },
          status: "active",
          createdAt: new Date(now).toISOString(),
          updatedAt: new Date(now).toISOString(),
        },
        now,
      );
      this.store.addHistory(workflowId, "created", now, meta.actor, meta.correlationId);
      await this.index(workflowId, "workflow", tenant);
      return this.requireWorkflow(workflowId);
    });
  }

  async getWorkflow(workflowId: string): Promise<Outcome<Workflow>> {
    return attempt(() => this.requireWorkflow(workflowId));
  }

  async listWorkflows(filter: { status?: WorkflowStatus } = {}): Promise<Outcome<Workflow[]>> {
    return attempt(() => this.store.workflows(filter.status));
  }

  async terminateWorkflow(workflowId: string, meta: CallMeta): Promise<Outcome<Workflow>> {
    return attempt(async () => {
      const workflow = this.requireWorkflow(workflowId);
      if (workflow.status !== "active") {
        throw new ConflictError(
          `Workflow ${workflowId} is ${workflow.status}; only an active workflow can be terminated`,
          { status: workflow.status },
        );
      }
      const failures: string[] = [];
      for (const agent of this.store.agents({ workflowId })) {
        if (agent.status === "terminated") continue;
        const outcome = await agentStub(this.env, agent.type, agent.agentId).transition("terminate", meta);
        if (outcome.ok) this.store.upsertAgent(outcome.value, Date.now());
        else failures.push(`${agent.agentId}: ${outcome.error.message}`);
      }
      const now = Date.now();
      this.store.setWorkflowStatus(workflowId, "terminated", now);
      const detail = failures.length ? `agents not terminated: ${failures.join("; ")}` : meta.actor;
      this.store.addHistory(workflowId, "terminated", now, detail, meta.correlationId);
      return this.requireWorkflow(workflowId);
    });
  }

  // ------------------------------------------------------------------- agents

  async spawnAgent(tenant: string, input: SpawnInput, meta: CallMeta): Promise<Outcome<AgentSnapshot>> {
    return attempt(async () => {
      if (!(AGENT_TYPES as readonly string[]).includes(input.type)) {
        throw new ValidationError([{ field: "type", message: `must be one of ${AGENT_TYPES.join(", ")}` }]);
      }
      const config = parseAgentConfig(input.type, input.config);
      const workflow = this.requireWorkflow(input.workflowId);
      if (workflow.status !== "active") {
        throw new ConflictError(
          `Workflow ${workflow.workflowId} is ${workflow.status}; agents can only be spawned into an active workflow`,
        );
      }
      const agentId = randomId("agt");
      const stub = agentStub(this.env, input.type, agentId);
      const identity = { agentId, type: input.type, tenant, workflowId: workflow.workflowId };
      unwrap(await stub.init(identity, config, meta));
      const started = unwrap(await stub.transition("start", meta));
      const now = Date.now();
      this.store.upsertAgent(started, now);
      this.store.addHistory(
        workflow.workflowId,
        "agent.spawned",
        now,
        `${input.type} ${agentId}`,
        meta.correlationId,
      );
      await this.index(agentId, "agent", tenant);
      return started;
    });
  }

  async getAgent(agentId: string): Promise<Outcome<AgentSnapshot>> {
    return attempt(async () => {
      const known = this.requireAgent(agentId);
      const fresh = unwrap(await agentStub(this.env, known.type, agentId).status());
      if (fresh.status !== known.status) this.store.upsertAgent(fresh, Date.now());
      return fresh;
    });
  }

  async agentHealth(agentId: string): Promise<Outcome<AgentHealth & { recentEvents: AgentEvent[] }>> {
    return attempt(async () => {
      const known = this.requireAgent(agentId);
      return unwrap(await agentStub(this.env, known.type, agentId).health());
    });
  }

  async transitionAgent(
    agentId: string,
    action: Exclude<AgentAction, "start">,
    meta: CallMeta,
  ): Promise<Outcome<AgentSnapshot>> {
    return attempt(async () => {
      const known = this.requireAgent(agentId);
      const snapshot = unwrap(await agentStub(this.env, known.type, agentId).transition(action, meta));
      const now = Date.now();
      this.store.upsertAgent(snapshot, now);
      this.store.addHistory(known.workflowId, `agent.${action}`, now, agentId, meta.correlationId);
      return snapshot;
    });
  }

  async sendMessage(
    agentId: string,
    input: SendMessageInput,
    meta: CallMeta,
  ): Promise<Outcome<MessageReceipt>> {
    return attempt(async () => {
      const known = this.requireAgent(agentId);
      return unwrap(
        await agentStub(this.env, known.type, agentId).receive({
          messageId: newMessageId(),
          from: input.from ?? "api",
          to: agentId,
          type: input.type,
          payload: input.payload ?? {},
          correlationId: input.correlationId ?? meta.correlationId,
          sentAt: new Date().toISOString(),
        }),
      );
    });
  }

  async listAgents(
    filter: { workflowId?: string; type?: AgentType; status?: AgentStatus } = {},
  ): Promise<Outcome<AgentSnapshot[]>> {
    return attempt(() => this.store.agents(filter));
  }

  // ----------------------------------------------------------- agent traffic

  /** Delivers a message from one agent to another (by id) or to every live agent of a type. */
  async route(input: RouteInput): Promise<Outcome<{ delivered: string[] }>> {
    return attempt(async () => {
      const byId = this.store.agent(input.to);
      const targets = byId
        ? [byId]
        : (AGENT_TYPES as readonly string[]).includes(input.to)
          ? this.store.agents({ type: input.to as AgentType }).filter((a) => a.status !== "terminated")
          : null;
      if (!targets) throw new NotFoundError(`No agent or agent type named ${input.to}`);
      const delivered: string[] = [];
      for (const target of targets) {
        const receipt = await agentStub(this.env, target.type, target.agentId).receive({
          messageId: input.messageId ? `${input.messageId}:${target.agentId}` : newMessageId(),
          from: input.from,
          to: target.agentId,
          type: input.type,
          payload: input.payload,
          correlationId: input.correlationId,
          sentAt: new Date().toISOString(),
        });
        if (byId) unwrap(receipt);
        if (receipt.ok) delivered.push(target.agentId);
      }
      return { delivered };
    });
  }

  /** Fans an event out to every live agent whose type subscribes to its name. */
  async publish(event: PublishInput): Promise<Outcome<{ delivered: string[] }>> {
    return attempt(async () => {
      const types = new Set(subscribers(event.name));
      const only = event.to ? new Set(event.to) : null;
      const eventId = event.eventId ?? randomId("evt");
      const delivered: string[] = [];
      for (const agent of this.store.agents()) {
        if (!types.has(agent.type) || agent.status === "terminated") continue;
        if (only && !only.has(agent.agentId)) continue;
        const receipt = await agentStub(this.env, agent.type, agent.agentId).receive({
          messageId: `${eventId}:${agent.agentId}`,
          from: "coordinator",
          to: agent.agentId,
          type: "event",
          payload: { name: event.name, data: event.data },
          correlationId: event.correlationId,
          sentAt: new Date().toISOString(),
        });
        if (receipt.ok) delivered.push(agent.agentId);
      }
      return { delivered };
    });
  }

  /** A batch of events into one agent's inbox in one call (the webhook drain, pump.ts). */
  async publishBatch(
    type: AgentType,
    agentId: string,
    messages: AgentMessage[],
  ): Promise<Outcome<{ added: number; inboxDepth: number }>> {
    return agentStub(this.env, type, agentId).receiveMany(messages);
  }

  // ------------------------------------------------------- standing + webhooks

  /** The tenant's "Standing agents" workflow (tag `standing`), created on first use, oldest reused. */
  async standingWorkflow(tenant: string, meta: CallMeta): Promise<Outcome<Workflow>> {
    return attempt(() =>
      this.standingLock.run(() => ensureStandingWorkflow(this.standingOps(), tenant, meta)),
    );
  }

  /** One live review-manager, linear-state and integration-dashboard in it; spawns what is missing. */
  async standingAgents(tenant: string, meta: CallMeta): Promise<Outcome<StandingAgents>> {
    return attempt(
      () =>
        this.standing.current() ??
        this.standingLock.run(async () =>
          this.standing.keep(await ensureStandingAgents(this.standingOps(), tenant, meta)),
        ),
    );
  }

  /** The live agent of `type` readers ask, or null; unlike `standingAgents` it never spawns. */
  async liveAgent(type: AgentType): Promise<Outcome<AgentSnapshot | null>> {
    return attempt(() => pickLiveAgent(this.store.agents({ type }), this.standingOps().activeWorkflows()));
  }

  /** Records a webhook delivery (a known id does nothing) and answers; the drain publishes it (pump.ts). */
  async ingest(tenant: string, delivery: WebhookDelivery): Promise<Outcome<IngestResult>> {
    return attempt(() => this.pump.ingest(tenant, delivery));
  }

  /** A recorded delivery (kept 30 days), or null. */
  async webhookDelivery(source: EventSource, deliveryId: string): Promise<WebhookDeliveryRecord | null> {
    return this.deliveries.get(source, deliveryId);
  }

  /** Retries webhook deliveries that are not in every inbox yet. */
  override async alarm(): Promise<void> {
    await this.pump.onAlarm();
  }

  // -------------------------------------------------------------------- audit

  async recordAudit(entry: AuditEntry): Promise<void> {
    this.store.addAudit(entry);
  }

  async listAudit(limit: number): Promise<AuditEntry[]> {
    return this.store.audit(Math.max(1, Math.min(limit, 1000)));
  }

  // --------------------------------------------------------------------- demo

  /**
   * Gives an empty demo tenant its standing agents and their history in the
   * "Standing agents" workflow, as the first `link` would. Idempotent.
   */
  async seedDemo(tenant: string): Promise<Outcome<{ seeded: boolean }>> {
    return attempt(() =>
      seedDemoHistory(this.env, tenant, this.store, () =>
        this.standingAgents(tenant, { correlationId: crypto.randomUUID(), actor: "demo seed" }),
      ),
    );
  }

  // ------------------------------------------------------------------ helpers

  private standingOps(): StandingOps {
    return {
      activeWorkflows: () => this.store.workflowsNamed("active", STANDING_WORKFLOW),
      agentsIn: (workflowId) => this.store.agents({ workflowId }),
      createWorkflow: (tenant, input, meta) => this.createWorkflow(tenant, input, meta),
      spawnAgent: (tenant, input, meta) => this.spawnAgent(tenant, input, meta),
    };
  }

  private requireWorkflow(workflowId: string): Workflow {
    const workflow = this.store.workflow(workflowId);
    if (!workflow) throw new NotFoundError(`Workflow ${workflowId} not found`);
    return workflow;
  }

  private requireAgent(agentId: string): AgentSnapshot {
    const agent = this.store.agent(agentId);
    if (!agent) throw new NotFoundError(`Agent ${agentId} not found`);
    return agent;
  }

  private async index(id: string, kind: "workflow" | "agent", tenant: string): Promise<void> {
    await directory(this.env).indexResource(id, kind, tenant);
  }
}
