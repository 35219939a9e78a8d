/**
 * The tenant's standing agent ids as one isolate keeps them (issue 17: every review command asked the
 * Coordinator): kept for `KEEP_MS`, forgotten at once when this isolate changes an agent or a workflow
 * (`forgetStandingAgents`); another isolate's change is seen within `KEEP_MS`.
 */
import type { Env } from "../../env";
import type { Outcome } from "../../platform/errors";
import { ok } from "../../platform/errors";
import { IsolateCache } from "../../platform/isolate-cache";
import type { CallMeta } from "../model";
import type { StandingAgents } from "./intake";
import { coordinator } from "./stub";

const KEEP_MS = 5_000;

/** Per Coordinator namespace (each test environment has its own), by tenant. */
const kept = new WeakMap<object, IsolateCache<StandingAgents>>();

function keptFor(env: Env): IsolateCache<StandingAgents> {
  let cache = kept.get(env.COORDINATOR);
  if (!cache) {
    cache = new IsolateCache(500);
    kept.set(env.COORDINATOR, cache);
  }
  return cache;
}

/** `Coordinator.standingAgents` (which starts what is missing), kept a few seconds per isolate. */
export async function standingAgentsOf(
  env: Env,
  tenant: string,
  meta: CallMeta,
): Promise<Outcome<StandingAgents>> {
  const cache = keptFor(env);
  const now = Date.now();
  const hit = cache.get(tenant, now, KEEP_MS);
  if (hit) return ok(hit.value);
  const answer = await coordinator(env, tenant).standingAgents(tenant, meta);
  if (answer.ok) cache.set(tenant, answer.value, now, KEEP_MS);
  else cache.delete(tenant);
  return answer;
}

/** After this isolate spawned, paused, resumed or terminated an agent, or ended a workflow. */
export function forgetStandingAgents(env: Env, tenant: string): void {
  keptFor(env).delete(tenant);
}
