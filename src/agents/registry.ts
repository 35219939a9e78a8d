/**
 * The agent types: binding, config schema, accepted messages and event subscriptions.
 * Adding an agent type = a folder in src/agents/ (agent.ts, config.ts, index.ts), an entry here, a
 * binding in wrangler.toml
 * (see docs/agents.md).
 */
import { z } from "zod";
import type { Env } from "../env";
import { ValidationError } from "../platform/errors";
import { type Remote, remote } from "../platform/rpc";
import { contextOptimizerConfigShape } from "./context-optimizer/config";
import type { BaseAgent } from "./framework/base-agent";
import { integrationDashboardConfigShape } from "./integration-dashboard/config";
import { linearStateConfigShape } from "./linear-state/config";
import { type AgentConfig, type AgentType, baseAgentConfigSchema } from "./model";
import { patternBridgeConfigShape } from "./pattern-bridge/config";
import { reviewManagerConfigShape } from "./review-manager/config";

type PayloadSchema = z.ZodType<Record<string, unknown>>;

/** Messages every agent accepts. */
export const BASE_MESSAGES: Record<string, PayloadSchema> = {
  /** Liveness check; an agent answers a ping from another agent with a pong. */
  ping: z.object({ note: z.string().max(500).optional() }).strict(),
  pong: z.object({ note: z.string().max(500).optional() }).strict(),
  /** A domain event fanned out by the Coordinator to subscribers. */
  event: z.object({ name: z.string().min(1).max(200), data: z.record(z.string(), z.unknown()) }).strict(),
};

export interface AgentTypeInfo {
  binding: keyof Pick<
    Env,
    "INTEGRATION_DASHBOARD" | "REVIEW_MANAGER" | "CONTEXT_OPTIMIZER" | "PATTERN_BRIDGE" | "LINEAR_STATE"
  >;
  description: string;
  config: z.ZodType<AgentConfig>;
  /** Messages of this type beyond BASE_MESSAGES. */
  messages: Record<string, PayloadSchema>;
  /**
   * Event-name prefixes this type receives from `Coordinator.publish`. Names: `github.<kind>` for
   * GitHub domain events (`github.pr.opened`, `github.review.submitted`, `github.checks.completed`),
   * the kind itself for Linear (`linear.issue.updated`); see src/events/types.ts. Foreman's own
   * events are `foreman.<topic>.<what>` (`foreman.sla.breach`).
   */
  subscribes: string[];
}

const config = <T extends z.ZodRawShape>(shape: T) => baseAgentConfigSchema.extend(shape).strict();

export const AGENT_REGISTRY: Record<AgentType, AgentTypeInfo> = {
  "integration-dashboard": {
    binding: "INTEGRATION_DASHBOARD",
    description: "Keeps review metrics and posts status digests into linked channels.",
    config: config(integrationDashboardConfigShape),
    messages: {},
    // `foreman.sla.breach` and `foreman.review.requested` come from the Review Manager (review
    // metrics); no other type takes foreman.*.
    subscribes: ["github.", "linear.", "foreman.sla.", "foreman.review."],
  },
  "review-manager": {
    binding: "REVIEW_MANAGER",
    description: "Assigns reviewers and keeps review SLAs (remind, then escalate).",
    // reviewersPerPr, algorithm, capacity, and per-repository overrides of them (`repos`).
    config: config(reviewManagerConfigShape),
    messages: {},
    // pr.* and review.* drive assignment and the SLA clocks; pushes give changed files and
    // `.foreman.yml` (policy-files.ts); failing checks make the author the one a PR waits on (nudges,
    // src/agents/review-manager/nudge.ts).
    subscribes: ["github.pr.", "github.review.", "github.checks.", "github.repo.pushed"],
  },
  "context-optimizer": {
    binding: "CONTEXT_OPTIMIZER",
    description: "Trims and summarises the context carried between agents of a workflow.",
    config: config(contextOptimizerConfigShape),
    messages: {},
    subscribes: [],
  },
  "pattern-bridge": {
    binding: "PATTERN_BRIDGE",
    description:
      "Keeps review policies improving: decides experiments (with Promote) and suggests patterns where reviews lag.",
    config: config(patternBridgeConfigShape),
    messages: {},
    // It reads the Review Manager's recorded figures on its own alarm (hourly, daily): no events.
    subscribes: [],
  },
  "linear-state": {
    binding: "LINEAR_STATE",
    description: "Keeps Linear issues in step with their pull requests.",
    config: config(linearStateConfigShape),
    messages: {},
    subscribes: ["linear.", "github.pr."],
  },
};

export function agentNamespace(env: Env, type: AgentType): DurableObjectNamespace<BaseAgent> {
  return env[AGENT_REGISTRY[type].binding] as DurableObjectNamespace<BaseAgent>;
}

export function agentStub(env: Env, type: AgentType, agentId: string): Remote<BaseAgent> {
  return remote<BaseAgent>(agentNamespace(env, type).getByName(agentId));
}

/** Turns zod issues into field-named issues under `prefix` (e.g. "config"). */
export function fieldIssues(error: z.ZodError, prefix: string): ValidationError {
  return new ValidationError(
    error.issues.map((issue) => ({
      field: [prefix, ...issue.path.map(String)].filter(Boolean).join("."),
      message: issue.message,
    })),
  );
}

export function parseAgentConfig(type: AgentType, raw: unknown): AgentConfig {
  const parsed = AGENT_REGISTRY[type].config.safeParse(raw ?? {});
  if (!parsed.success) throw fieldIssues(parsed.error, "config");
  return parsed.data;
}

export function messageSchema(type: AgentType, messageType: string): PayloadSchema | undefined {
  return AGENT_REGISTRY[type].messages[messageType] ?? BASE_MESSAGES[messageType];
}

export function acceptedMessages(type: AgentType): string[] {
  return [...Object.keys(BASE_MESSAGES), ...Object.keys(AGENT_REGISTRY[type].messages)];
}

export function subscribers(eventName: string): AgentType[] {
  return (Object.keys(AGENT_REGISTRY) as AgentType[]).filter((type) =>
    AGENT_REGISTRY[type].subscribes.some((prefix) => eventName.startsWith(prefix)),
  );
}
