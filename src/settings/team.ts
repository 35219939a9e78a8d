/**
 * The tenant's team as readers outside TenantSettings see it (chat handlers, the Review Manager, the
 * digest): kept per isolate with TenantSettings' version stamp, so each read is one small call that
 * answers "unchanged" until a member is added, changed or removed, and the whole team crosses RPC
 * only after a change (issue 17: a team of 1,000 was sent on every command).
 */
import type { Env } from "../env";
import { IsolateCache } from "../platform/isolate-cache";
import type { TeamMember } from "./model";
import { settings } from "./stub";

/** What `TenantSettings.teamSince` answers: `members` null when the caller's version is current. */
export interface TeamSnapshot {
  version: string;
  members: TeamMember[] | null;
}

interface Kept {
  version: string;
  members: readonly TeamMember[];
}

/** A kept team is good until its version stamp changes, however long that takes. */
const UNTIL_CHANGED = Number.POSITIVE_INFINITY;

/** Per settings namespace (each test environment has its own), by tenant; at most 200 tenants. */
const kept = new WeakMap<object, IsolateCache<Kept>>();

/** The team, read with one call; the isolate's copy is used while its version stamp is current. */
export async function teamOf(env: Env, tenant: string): Promise<TeamMember[]> {
  let cache = kept.get(env.TENANT_SETTINGS);
  if (!cache) {
    cache = new IsolateCache(200);
    kept.set(env.TENANT_SETTINGS, cache);
  }
  const now = Date.now();
  const mine = cache.get(tenant, now, UNTIL_CHANGED)?.value;
  const snapshot = await settings(env, tenant).teamSince(mine?.version ?? null);
  const members = snapshot.members ?? mine?.members;
  if (!members) throw new Error(`the team of ${tenant} came back without members`);
  cache.set(tenant, { version: snapshot.version, members }, now, UNTIL_CHANGED);
  return [...members];
}
