/**
 * The agent types. Each is its own Durable Object class on the shared BaseAgent; their domain
 * behaviour (assignment, digests, Linear sync, ...) lives in src/domain and arrives per issue.
 */
import { BaseAgent } from "./framework/base-agent";

export { IntegrationDashboardAgent } from "./integration-dashboard";
export { ReviewManagerAgent } from "./review-manager";

export class ContextOptimizerAgent extends BaseAgent {
  readonly agentType = "context-optimizer" as const;
}

export class PatternBridgeAgent extends BaseAgent {
  readonly agentType = "pattern-bridge" as const;
}

export { LinearStateAgent } from "./linear-state/agent";
