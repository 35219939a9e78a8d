/** The Context Optimizer agent type: routes every message to a person (see docs/context-optimizer.md). */
import type { Env } from "../../env";
import { type Remote, remote } from "../../platform/rpc";
import type { ContextOptimizerAgent } from "./agent";

export { ContextOptimizerAgent, type RouteResult } from "./agent";
export { contextOptimizerConfigShape } from "./config";
export type { HeldItem, ItemKind, ItemPr, PersonCounts, PersonItem, PersonState } from "./model";
export { audienceOf } from "./route";

/** A Context Optimizer agent by id, with its RPC methods (`route`, `people`, `person`). */
export function contextOptimizerAgent(env: Env, agentId: string): Remote<ContextOptimizerAgent> {
  return remote<ContextOptimizerAgent>(env.CONTEXT_OPTIMIZER.getByName(agentId));
}
