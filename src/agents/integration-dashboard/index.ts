/** The Integration Dashboard agent type: review metrics and insights (see agent.ts); stubs for callers. */
export {
  type DashboardInsights,
  IntegrationDashboardAgent,
  MAX_INSIGHT_WEEKS,
  MAX_WEEKS,
  type ReviewMetricsInput,
  type SizeEffectFigure,
  type SizeEffectInput,
} from "./agent";
export { integrationDashboardConfigShape } from "./config";
export { findIntegrationDashboard, integrationDashboard } from "./find";
export { SLA_BREACH_EVENT } from "./input";
export { gatherInsights, type InsightsAnswer, type InsightsQuery } from "./insights";
export type { MergedPr } from "./store";
