/**
 * The tenant's standing agent ids as one isolate keeps them (issue 17: every review command asked the
 * Coordinator): kept for `KEEP_MS`, forgotten at once when this isolate changes an agent or a workflow
 * (`forgetStandingAgents`); another isolate's change is seen within `KEEP_MS`.
 */
import type { Env } from "../../env";
import { type Outcome, ok } from "../../platform/errors";
import type { CallMeta } from "../model";
import type { StandingAgents } from "./intake";
import { coordinator } from "./stub";

const KEEP_MS = 5_000;
/** Tenants one isolate keeps; past this, the oldest is forgotten. */
const KEPT_TENANTS = 500;

/** Per Coordinator namespace (each test environment has its own), per tenant. */
const kept = new WeakMap<object, Map<string, { ids: StandingAgents; until: number }>>();

function keptFor(env: Env): Map<string, { ids: StandingAgents; until: number }> {
  let byTenant = kept.get(env.COORDINATOR);
  if (!byTenant) {
    byTenant = new Map();
    kept.set(env.COORDINATOR, byTenant);
  }
  return byTenant;
}

/** `Coordinator.standingAgents` (which starts what is missing), kept a few seconds per isolate. */
export async function standingAgentsOf(
  env: Env,
  tenant: string,
  meta: CallMeta,
): Promise<Outcome<StandingAgents>> {
  const byTenant = keptFor(env);
  const now = Date.now();
  const mine = byTenant.get(tenant);
  if (mine && mine.until > now) return ok(mine.ids);
  const answer = await coordinator(env, tenant).standingAgents(tenant, meta);
  byTenant.delete(tenant);
  if (answer.ok) {
    byTenant.set(tenant, { ids: answer.value, until: now + KEEP_MS });
    if (byTenant.size > KEPT_TENANTS) {
      const oldest = byTenant.keys().next().value;
      if (oldest !== undefined) byTenant.delete(oldest);
    }
  }
  return answer;
}

/** After this isolate spawned, paused, resumed or terminated an agent, or ended a workflow. */
export function forgetStandingAgents(env: Env, tenant: string): void {
  keptFor(env).delete(tenant);
}
