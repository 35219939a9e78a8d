/**
 * Which tenant a chat workspace acts on: the Directory's binding for the Slack team / Discord guild
 * (`POST /api/tenants/:id/chat`), else the default tenant (FOREMAN_DEFAULT_TENANT, `default`).
 *
 * The answer is cached in the isolate for `CHAT_TENANT_CACHE_MS` (default 10 s; `0` turns it off):
 * it takes the global Directory object off every chat command's ack path. A binding changed through
 * this isolate is forgotten at once; other isolates see it within the cache's lifetime.
 */

import type { ChatPlatform } from "../chat/platform";
import type { Env } from "../env";
import { defaultTenant } from "./default-tenant";
import { directory } from "./stub";

export const DEFAULT_CHAT_TENANT_CACHE_MS = 10_000;
/** Entries kept at most (the oldest go first). */
const MAX_ENTRIES = 1_000;

const cache = new Map<string, { tenant: string | null; until: number }>();

function cacheMs(env: Env): number {
  const raw = env.CHAT_TENANT_CACHE_MS?.trim();
  if (raw === undefined || raw === "") return DEFAULT_CHAT_TENANT_CACHE_MS;
  return /^\d{1,9}$/.test(raw) ? Number(raw) : DEFAULT_CHAT_TENANT_CACHE_MS;
}

export async function resolveChatTenant(
  env: Env,
  platform: ChatPlatform,
  workspaceId: string,
  now = Date.now(),
): Promise<string> {
  const id = workspaceId.trim();
  if (id === "") return defaultTenant(env);
  const ttl = cacheMs(env);
  const key = `${platform}:${id}`;
  const hit = ttl > 0 ? cache.get(key) : undefined;
  if (hit && hit.until > now) return hit.tenant ?? defaultTenant(env);
  const tenant = await directory(env).chatTenant(platform, id);
  if (ttl > 0) {
    cache.delete(key);
    cache.set(key, { tenant, until: now + ttl });
    if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value ?? key);
  }
  return tenant ?? defaultTenant(env);
}

/** Forgets the cached tenant of a workspace (after its binding changed), or of every workspace. */
export function forgetChatTenant(platform?: ChatPlatform, workspaceId?: string): void {
  if (platform && workspaceId !== undefined) cache.delete(`${platform}:${workspaceId.trim()}`);
  else cache.clear();
}
