/**
 * Stubs of the tenant's Integration Dashboard for readers of review metrics (the metrics route, the
 * digest). `findIntegrationDashboard` asks the Coordinator's `liveAgent` (the standing one, which
 * records the webhook events, else the oldest running, else the oldest paused) and never spawns:
 * reading metrics starts no agent.
 */
import type { Env } from "../../env";
import { unwrap } from "../../platform/errors";
import { type Remote, remote } from "../../platform/rpc";
import { coordinator } from "../coordinator/stub";
import type { IntegrationDashboardAgent } from "./agent";

/** An Integration Dashboard agent by id, with its RPC methods (`reviewMetrics`, `mergedSince`, ...). */
export function integrationDashboard(env: Env, agentId: string): Remote<IntegrationDashboardAgent> {
  return remote<IntegrationDashboardAgent>(env.INTEGRATION_DASHBOARD.getByName(agentId));
}

export async function findIntegrationDashboard(
  env: Env,
  tenant: string,
): Promise<Remote<IntegrationDashboardAgent> | null> {
  const pick = unwrap(await coordinator(env, tenant).liveAgent("integration-dashboard"));
  return pick ? integrationDashboard(env, pick.agentId) : null;
}
