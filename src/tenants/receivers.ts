/**
 * Who a delivery is for, decided by the URL it arrived at, before its body is read:
 *
 * - the seed URL (`/api/webhooks/github`, `/api/webhooks/linear`): the default tenant
 *   (FOREMAN_DEFAULT_TENANT) only, verified with the deployment-wide GITHUB_WEBHOOK_SECRET
 *   (+ `_PREVIOUS`) / LINEAR_WEBHOOK_SECRET — single-team self-hosting;
 * - a tenant URL (`/api/webhooks/<kind>/t/<hook id>`): the tenant owning the hook, verified only
 *   with that hook's secrets (current, and the previous one while a rotation is under way).
 *
 * A delivery is never verified against another tenant's secrets and never routed to another tenant.
 *
 * Costs: the hook record (tenant and sealed secrets) is cached per isolate for WEBHOOK_HOOK_CACHE_MS
 * (default 10 s; `0` off), unknown hook ids too, so a delivery normally costs no Directory call.
 * Changes made through this isolate (rotation, end of rotation, tenant deletion) are forgotten at
 * once; other isolates see them within the cache time. A signature that fails against a cached
 * record older than a second is checked once more against a fresh read, so a new secret works at
 * once everywhere; a secret that stopped being accepted still works for at most the cache time.
 * The secrets are decrypted per delivery (never cached in the clear).
 */
import type { Env } from "../env";
import { type CacheEntry, cacheMsSetting, IsolateCache } from "../platform/isolate-cache";
import type { ActivationVia } from "../settings/webhook-state";
import { defaultTenant } from "./default-tenant";
import { keyringFor, open } from "./encryption";
import { directory } from "./stub";
import type { HookKind, HookRecord } from "./webhook-hooks";

export const DEFAULT_HOOK_CACHE_MS = 10_000;
/** A failed signature re-reads a cached hook at most this often (forged floods stay off the Directory). */
const REFRESH_AFTER_MS = 1_000;
const MAX_ENTRIES = 1_000;

/** The tenant a delivery is for and the secrets that may have signed it. */
export interface Receiver {
  tenant: string;
  via: ActivationVia;
  secrets: string[];
  /** Fresher secrets when the cached ones may be stale (null: nothing newer); tried once. */
  fresher?: () => Promise<string[] | null>;
}

/** The deployment's secrets at the seed URL, for the default tenant; empty when none is configured. */
export function deploymentReceiver(env: Env, kind: HookKind): Receiver {
  const secrets =
    kind === "github"
      ? [env.GITHUB_WEBHOOK_SECRET, env.GITHUB_WEBHOOK_SECRET_PREVIOUS]
      : [env.LINEAR_WEBHOOK_SECRET];
  return {
    tenant: defaultTenant(env),
    via: "deployment",
    secrets: secrets.filter((s): s is string => typeof s === "string" && s.length > 0),
  };
}

/** What a sealed secret is bound to (GCM additional data): a sealed value opens only for its own hook. */
export const sealContext = (h: Pick<HookRecord, "kind" | "tenant" | "hookId">): string =>
  `webhook:${h.kind}:${h.tenant}:${h.hookId}`;

const cache = new IsolateCache<HookRecord | null>(MAX_ENTRIES);

/** The hook `hookId` (null: none), cached for WEBHOOK_HOOK_CACHE_MS; `fresh` reads the Directory again. */
async function lookUp(
  env: Env,
  hookId: string,
  now: number,
  fresh: boolean,
): Promise<CacheEntry<HookRecord | null>> {
  const ttl = cacheMsSetting(env.WEBHOOK_HOOK_CACHE_MS, DEFAULT_HOOK_CACHE_MS);
  const hit = fresh ? undefined : cache.get(hookId, now, ttl);
  if (hit) return hit;
  const hook = await directory(env).webhookHook(hookId);
  cache.set(hookId, hook, now, ttl);
  return { value: hook, storedAt: now };
}

/** The secrets of a hook in force at `now`, decrypted for a request addressed to `hostname`. */
async function secretsOf(env: Env, hook: HookRecord, hostname: string, now: number): Promise<string[]> {
  const ring = await keyringFor(env, hostname);
  const context = sealContext(hook);
  const sealed = [hook.secret];
  if (hook.previous && hook.previousUntil !== null && hook.previousUntil > now) sealed.push(hook.previous);
  return Promise.all(sealed.map(async (s) => (await open(ring, s, context)).plaintext));
}

/** The receiver of a tenant URL, or null when no hook of `kind` has this id. */
export async function hookReceiver(
  env: Env,
  kind: HookKind,
  hookId: string,
  request: { hostname: string; now: number },
): Promise<Receiver | null> {
  const entry = await lookUp(env, hookId, request.now, false);
  const hook = entry.value;
  if (!hook || hook.kind !== kind) return null;
  const stale = request.now - entry.storedAt >= REFRESH_AFTER_MS;
  return {
    tenant: hook.tenant,
    via: "hook",
    secrets: await secretsOf(env, hook, request.hostname, request.now),
    fresher: stale
      ? async () => {
          const again = (await lookUp(env, hookId, request.now, true)).value;
          const changed = again?.secret !== hook.secret || again.previous !== hook.previous;
          if (!again || again.tenant !== hook.tenant || again.kind !== kind || !changed) return null;
          return secretsOf(env, again, request.hostname, request.now);
        }
      : undefined,
  };
}

/** True when `check` accepts the receiver's secrets, or (once) the fresher ones it can read. */
export async function verifyWith(
  receiver: Receiver,
  check: (secrets: readonly string[]) => Promise<boolean>,
): Promise<boolean> {
  if (await check(receiver.secrets)) return true;
  const fresher = await receiver.fresher?.();
  return fresher ? check(fresher) : false;
}

/** Forgets one cached hook (after it changed through this isolate), or every one. */
export function forgetHook(hookId?: string): void {
  if (hookId === undefined) cache.clear();
  else cache.delete(hookId);
}

/** After a tenant's deletion: its hooks are gone. */
export const forgetHooks = (): void => forgetHook();
