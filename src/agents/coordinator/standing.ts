/**
 * Standing agents: per tenant, one "Standing agents" workflow (tag `standing`; the oldest active one
 * is reused) holding one live review-manager, linear-state, integration-dashboard, context-optimizer
 * and pattern-bridge. Webhook
 * events go to them; `/foreman link` starts them; `agent spawn` without `--workflow` puts agents in
 * the same workflow. A paused standing agent stays paused (its inbox keeps the events); only a
 * terminated one is replaced. The Coordinator runs these under one lock, so concurrent calls
 * create one workflow and one set of agents.
 */

import { type Outcome, unwrap } from "../../platform/errors";
import type { AgentSnapshot, AgentType, CallMeta, CreateWorkflowInput, SpawnInput, Workflow } from "../model";
import { STANDING_TYPES, type StandingAgents, type StandingType } from "./intake";

export const STANDING_WORKFLOW = "Standing agents";
export const STANDING_TAG = "standing";

/** Config of standing agents: the review manager handles events strictly one at a time, in order. */
export const STANDING_CONFIG: Record<StandingType, Record<string, unknown>> = {
  "review-manager": { maxConcurrentTasks: 1 },
  "linear-state": {},
  "integration-dashboard": {},
  "context-optimizer": {},
  "pattern-bridge": {},
};

export function isStandingType(type: AgentType): type is StandingType {
  return (STANDING_TYPES as readonly string[]).includes(type);
}

/** What the Coordinator lends these functions. */
export interface StandingOps {
  activeWorkflows(): Workflow[];
  agentsIn(workflowId: string): AgentSnapshot[];
  createWorkflow(tenant: string, input: CreateWorkflowInput, meta: CallMeta): Promise<Outcome<Workflow>>;
  spawnAgent(tenant: string, input: SpawnInput, meta: CallMeta): Promise<Outcome<AgentSnapshot>>;
}

/** The tenant's standing workflow: the oldest active one named "Standing agents" with the tag. */
export function findStandingWorkflow(workflows: Workflow[]): Workflow | undefined {
  return workflows
    .filter(
      (w) => w.status === "active" && w.name === STANDING_WORKFLOW && w.context.tags.includes(STANDING_TAG),
    )
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))[0];
}

/** Not terminated: paused counts as live (its inbox holds the events until it is resumed). */
const isLive = (agent: AgentSnapshot) => agent.status !== "terminated";

/**
 * The agent a reader asks among `agents` (one type, oldest first), found without spawning: the live
 * one in the standing workflow (among `workflows`; webhook events go to it), else the oldest running,
 * else the oldest paused one; null when none is live.
 */
export function pickLiveAgent(agents: AgentSnapshot[], workflows: Workflow[]): AgentSnapshot | null {
  const standing = findStandingWorkflow(workflows);
  const live = agents.filter(isLive);
  return (
    live.find((a) => a.workflowId === standing?.workflowId) ??
    live.find((a) => a.status === "running") ??
    live.find((a) => a.status === "paused") ??
    null
  );
}

export async function ensureStandingWorkflow(
  ops: StandingOps,
  tenant: string,
  meta: CallMeta,
): Promise<Workflow> {
  const existing = findStandingWorkflow(ops.activeWorkflows());
  if (existing) return existing;
  const input: CreateWorkflowInput = {
    name: STANDING_WORKFLOW,
    description:
      "Agents that handle GitHub and Linear events, and agents spawned from chat without --workflow",
    priority: "medium",
    context: { tags: [STANDING_TAG] },
  };
  return unwrap(await ops.createWorkflow(tenant, input, meta));
}

/** Finds or spawns one live agent of each standing type; answers their ids. */
export async function ensureStandingAgents(
  ops: StandingOps,
  tenant: string,
  meta: CallMeta,
): Promise<StandingAgents> {
  const workflow = await ensureStandingWorkflow(ops, tenant, meta);
  const agents = ops.agentsIn(workflow.workflowId);
  const ids: Partial<StandingAgents> = {};
  for (const type of STANDING_TYPES) {
    const live = agents.find((a) => a.type === type && isLive(a)); // oldest first
    ids[type] = live
      ? live.agentId
      : unwrap(
          await ops.spawnAgent(
            tenant,
            { type, workflowId: workflow.workflowId, config: STANDING_CONFIG[type] },
            meta,
          ),
        ).agentId;
  }
  return ids as StandingAgents;
}

/**
 * The standing agent ids as last ensured, good while no workflow or agent is written (the store's
 * revision): `standingAgents` then answers without the lock or a query.
 */
export class KeptStandingAgents {
  private kept: { revision: number; ids: StandingAgents } | null = null;

  constructor(private readonly store: () => { revision: number; agent(id: string): AgentSnapshot | null }) {}

  current(): StandingAgents | null {
    const kept = this.kept;
    return kept && kept.revision === this.store().revision ? kept.ids : null;
  }

  /** Keeps `ids` if they are all live now (no await between this check and the stamp); answers them. */
  keep(ids: StandingAgents): StandingAgents {
    const store = this.store();
    const live = Object.values(ids).every((id) => {
      const agent = store.agent(id);
      return agent !== null && agent.status !== "terminated";
    });
    this.kept = live ? { revision: store.revision, ids } : null;
    return ids;
  }
}

/** Runs async sections one after another (a promise lock: the DO's input gate opens on every await). */
export class SerialLock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(() => fn());
    this.tail = result.catch(() => undefined);
    return result;
  }
}
