/**
 * The tenant's team as readers outside TenantSettings see it (chat handlers, the Review Manager, the
 * digest): kept per isolate with TenantSettings' version stamp, so each read is one small call that
 * answers "unchanged" until a member is added, changed or removed, and the whole team crosses RPC
 * only after a change (issue 17: a team of 1,000 was sent on every command).
 */
import type { Env } from "../env";
import type { TeamMember } from "./model";
import { settings } from "./stub";

/** What `TenantSettings.teamSince` answers: `members` null when the caller's version is current. */
export interface TeamSnapshot {
  version: string;
  members: TeamMember[] | null;
}

/** Tenants whose team one isolate keeps; past this, the longest unused is forgotten. */
const KEPT_TENANTS = 200;

interface Kept {
  version: string;
  members: readonly TeamMember[];
}

/** Per settings namespace (each test environment has its own), per tenant. */
const kept = new WeakMap<object, Map<string, Kept>>();

/** The team, read with one call; the isolate's copy is used while its version stamp is current. */
export async function teamOf(env: Env, tenant: string): Promise<TeamMember[]> {
  let byTenant = kept.get(env.TENANT_SETTINGS);
  if (!byTenant) {
    byTenant = new Map();
    kept.set(env.TENANT_SETTINGS, byTenant);
  }
  const mine = byTenant.get(tenant);
  const snapshot = await settings(env, tenant).teamSince(mine?.version ?? null);
  byTenant.delete(tenant);
  const members = snapshot.members ?? mine?.members;
  if (!members) throw new Error(`the team of ${tenant} came back without members`);
  byTenant.set(tenant, { version: snapshot.version, members });
  if (byTenant.size > KEPT_TENANTS) {
    const oldest = byTenant.keys().next().value;
    if (oldest !== undefined) byTenant.delete(oldest);
  }
  return [...members];
}
