/**
 * The install an App delivery names (a GitHub App installation, a Linear organisation), read from
 * the Directory and cached per isolate like a hook (WEBHOOK_HOOK_CACHE_MS). Only a live install is
 * remembered: "not connected" and "revoked" are read again each time, so an install connected or
 * restored in another isolate counts at once. A change seen in this isolate forgets its entry.
 */

import type { Env } from "../env";
import { cacheMsSetting, IsolateCache } from "../platform/isolate-cache";
import type { Installation } from "../tenants/installations";
import { DEFAULT_HOOK_CACHE_MS } from "../tenants/receivers";
import { directory } from "../tenants/stub";

type AppPlatform = "github" | "linear";

const cache = new IsolateCache<Installation>(1_000);

export async function appInstallation(
  env: Env,
  platform: AppPlatform,
  account: string,
  nowMs: number,
): Promise<Installation | null> {
  const key = `${platform}:${account}`;
  const ttl = cacheMsSetting(env.WEBHOOK_HOOK_CACHE_MS, DEFAULT_HOOK_CACHE_MS);
  const hit = cache.get(key, nowMs, ttl);
  if (hit) return hit.value;
  const found = await directory(env).installation(platform, account);
  if (found && found.revokedAt === null) cache.set(key, found, nowMs, ttl);
  return found;
}

export function forgetAppInstallation(platform: AppPlatform, account: string): void {
  cache.delete(`${platform}:${account}`);
}
