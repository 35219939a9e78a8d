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
import { cacheMsSetting, IsolateCache } from "../platform/isolate-cache";
import { defaultTenant } from "./default-tenant";
import { directory } from "./stub";

export const DEFAULT_CHAT_TENANT_CACHE_MS = 10_000;
const cache = new IsolateCache<string | null>();

export async function resolveChatTenant(
  env: Env,
  platform: ChatPlatform,
  workspaceId: string,
  now = Date.now(),
): Promise<string> {
  const id = workspaceId.trim();
  if (id === "") return defaultTenant(env);
  const key = `${platform}:${id}`;
  const ttl = cacheMsSetting(env.CHAT_TENANT_CACHE_MS, DEFAULT_CHAT_TENANT_CACHE_MS);
  const hit = cache.get(key, now, ttl);
  if (hit) return hit.value ?? defaultTenant(env);
  const tenant = await directory(env).chatTenant(platform, id);
  cache.set(key, tenant, now, ttl);
  return tenant ?? defaultTenant(env);
}

/** Forgets the cached tenant of a workspace (after its binding changed), or of every workspace. */
export function forgetChatTenant(platform?: ChatPlatform, workspaceId?: string): void {
  if (platform && workspaceId !== undefined) cache.delete(`${platform}:${workspaceId.trim()}`);
  else cache.clear();
}
