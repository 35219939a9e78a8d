/**
 * Bolt's `authorize`: the bot token of the workspace a request comes from — its install's token
 * (src/tenants/tenant-token.ts), else the deployment's SLACK_BOT_TOKEN (self-hosting one workspace),
 * else none (demo mode). Bolt's client uses it for the calls made while a request is answered
 * (users.info for the admin check, views.open for forms); deliveries find their token themselves.
 *
 * Cached per isolate (30 s, or CHAT_TENANT_CACHE_MS) so a slash command's ack path does not ask the
 * tenant's Outbox each time; a revocation seen by this isolate forgets it at once, and others use
 * a revoked token at most that long (Slack refuses it) — deliveries never do (they are checked each
 * time, src/delivery/credentials.ts).
 */

import type { Env } from "../../env";
import { cacheMsSetting, IsolateCache } from "../../platform/isolate-cache";
import { resolveChatTenant } from "../../tenants/chat-tenant";
import { tenantToken } from "../../tenants/tenant-token";
import { renewForReads } from "../token-refresh";

/** Default; CHAT_TENANT_CACHE_MS (how long a workspace's tenant is cached) sets it, `0` turns it off. */
export const WORKSPACE_TOKEN_CACHE_MS = 30_000;
const cache = new IsolateCache<string | null>(1_000);

/** The request scopes by event body, so `authorize` (which Bolt gives only the body) finds its env. */
export const scopeEnvs = new WeakMap<object, Env>();

export async function workspaceToken(
  env: Env,
  teamId: string,
  nowMs = Date.now(),
): Promise<string | undefined> {
  const fallback = env.SLACK_BOT_TOKEN?.trim() || undefined;
  if (teamId === "") return fallback;
  const ttl = cacheMsSetting(env.CHAT_TENANT_CACHE_MS, WORKSPACE_TOKEN_CACHE_MS);
  const hit = cache.get(teamId, nowMs, ttl);
  if (hit) return hit.value ?? undefined;
  const tenant = await resolveChatTenant(env, "slack", teamId);
  const found = await tenantToken(env, tenant, "slack", renewForReads(env));
  const token = found.kind === "token" ? found.token : null;
  cache.set(teamId, token, nowMs, ttl);
  return token ?? undefined;
}

/** After an install or a revocation: this isolate asks again. */
export function forgetWorkspaceToken(teamId?: string): void {
  if (teamId === undefined) cache.clear();
  else cache.delete(teamId);
}
