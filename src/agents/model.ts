/**
 * Shared shapes of the agents framework: workflows, agents, messages, health.
 * Plain data only: these cross Durable Object RPC boundaries.
 */
import { z } from "zod";

export const AGENT_TYPES = [
  "integration-dashboard",
  "review-manager",
  "context-optimizer",
  "pattern-bridge",
  "linear-state",
] as const;
export type AgentType = (typeof AGENT_TYPES)[number];

export const AGENT_STATUSES = ["spawned", "running", "paused", "terminated"] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

export const AGENT_ACTIONS = ["start", "pause", "resume", "terminate"] as const;
export type AgentAction = (typeof AGENT_ACTIONS)[number];

export const PRIORITIES = ["low", "medium", "high", "critical"] as const;
export type Priority = (typeof PRIORITIES)[number];

export const WORKFLOW_STATUSES = ["active", "completed", "terminated", "failed"] as const;
export type WorkflowStatus = (typeof WORKFLOW_STATUSES)[number];

/** Tenant ids: lower-case slug, 1-63 characters. */
export const tenantIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must be a lower-case slug (a-z, 0-9, '-'), 1-63 characters");

/** Config every agent type accepts; types extend it with their own keys. */
export const baseAgentConfigSchema = z.object({
  maxConcurrentTasks: z.number().int().min(1).max(64).default(4),
  timeoutMs: z.number().int().min(50).max(900_000).default(30_000),
});
export type BaseAgentConfig = z.infer<typeof baseAgentConfigSchema>;
export type AgentConfig = BaseAgentConfig & Record<string, unknown>;

export interface WorkflowContext {
  userId?: string;
  githubRepoId?: string;
  tags: string[];
}

export interface WorkflowHistoryEntry {
  at: string;
  event: string;
  detail?: string;
  correlationId?: string;
}

export interface Workflow {
  workflowId: string;
  tenant: string;
  name: string;
  description: string;
  priority: Priority;
  context: WorkflowContext;
  status: WorkflowStatus;
  agents: string[];
  history: WorkflowHistoryEntry[];
  createdAt: string;
  updatedAt: string;
}

export interface CreateWorkflowInput {
  name: string;
  description?: string;
  priority?: Priority;
  context?: Partial<WorkflowContext>;
}

export interface AgentIdentity {
  agentId: string;
  type: AgentType;
  tenant: string;
  workflowId: string;
}

export interface AgentSnapshot extends AgentIdentity {
  status: AgentStatus;
  config: AgentConfig;
  createdAt: string;
  updatedAt: string;
}

export interface AgentHealth {
  agentId: string;
  type: AgentType;
  status: AgentStatus;
  healthy: boolean;
  lastActivityAt: string | null;
  inboxDepth: number;
  runningTasks: number;
  tasksDone: number;
  tasksFailed: number;
  scheduledTasks: number;
  lastError: { at: string; message: string } | null;
  /** Context Optimizer: messages held for people now, and when the next of them goes out. */
  heldItems?: number;
  nextReleaseAt?: string | null;
}

export interface AgentEvent {
  seq: number;
  at: string;
  kind: string;
  message: string;
  correlationId?: string;
}

/** A message between agents (or from the API / system to an agent). */
export interface AgentMessage {
  messageId: string;
  from: string;
  to: string;
  type: string;
  payload: Record<string, unknown>;
  correlationId: string;
  sentAt: string;
}

export interface SendMessageInput {
  type: string;
  payload?: Record<string, unknown>;
  from?: string;
  correlationId?: string;
}

export interface MessageReceipt {
  messageId: string;
  agentId: string;
  status: AgentStatus;
  inboxDepth: number;
}

export interface AuditEntry {
  id: string;
  at: string;
  tenant: string;
  keyId: string;
  action: string;
  target: string;
  status: number;
  correlationId: string;
}

/** Who is calling a Coordinator mutation; recorded in workflow history and events. */
export interface CallMeta {
  correlationId: string;
  actor?: string;
}

/* ---- Coordinator RPC inputs (src/agents/coordinator/coordinator.ts) ---- */

export interface RouteInput {
  from: string;
  /** An agent id, or an agent type to reach every live agent of that type. */
  to: string;
  type: string;
  payload: Record<string, unknown>;
  correlationId: string;
  messageId?: string;
}

export interface PublishInput {
  name: string;
  data: Record<string, unknown>;
  correlationId: string;
  /** Stable id of the event (e.g. a webhook delivery id): a republished event is not delivered twice. */
  eventId?: string;
  /** Only these agents (still subject to their subscriptions); default every live subscriber. */
  to?: string[];
}

export interface SpawnInput {
  type: AgentType;
  workflowId: string;
  config?: Record<string, unknown>;
}
