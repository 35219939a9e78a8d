/**
 * Stubs of the tenant's Integration Dashboard for readers of review metrics (the metrics route, the
 * digest). `findIntegrationDashboard` picks the oldest running one, else the oldest paused one (it
 * has recorded the longest history; the standing one is normally the oldest) and never spawns:
 * reading metrics starts no agent.
 */
import type { Env } from "../../../env";
import { unwrap } from "../../../errors";
import { coordinator, type Remote, remote } from "../../../rpc";
import type { IntegrationDashboardAgent } from "./agent";

/** An Integration Dashboard agent by id, with its RPC methods (`reviewMetrics`, `mergedSince`, ...). */
export function integrationDashboard(env: Env, agentId: string): Remote<IntegrationDashboardAgent> {
  return remote<IntegrationDashboardAgent>(env.INTEGRATION_DASHBOARD.getByName(agentId));
}

export async function findIntegrationDashboard(
  env: Env,
  tenant: string,
): Promise<Remote<IntegrationDashboardAgent> | null> {
  const agents = unwrap(await coordinator(env, tenant).listAgents({ type: "integration-dashboard" }));
  const pick = agents.find((a) => a.status === "running") ?? agents.find((a) => a.status === "paused");
  return pick ? integrationDashboard(env, pick.agentId) : null;
}
