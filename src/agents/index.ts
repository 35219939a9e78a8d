/**
 * The agent types, one folder each of the same shape (agent.ts, config.ts, index.ts, then what the
 * type needs): each is its own Durable Object class on the shared BaseAgent (framework/). The Worker
 * entry exports these classes for their bindings (wrangler.toml).
 */
export { ContextOptimizerAgent } from "./context-optimizer";
export { IntegrationDashboardAgent } from "./integration-dashboard";
export { LinearStateAgent } from "./linear-state";
export { PatternBridgeAgent } from "./pattern-bridge";
export { ReviewManagerAgent } from "./review-manager";
