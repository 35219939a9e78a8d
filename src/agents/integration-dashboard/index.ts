/** The Integration Dashboard agent type: review metrics (see agent.ts); stubs for callers. */
export { IntegrationDashboardAgent, MAX_WEEKS, type ReviewMetricsInput } from "./agent";
export { integrationDashboardConfigShape } from "./config";
export { findIntegrationDashboard, integrationDashboard } from "./find";
export { SLA_BREACH_EVENT } from "./input";
export type { MergedPr } from "./store";
