/**
 * Where a tenant's alerts go: its ops channel. The channel linked in chat with `/foreman link ops`
 * (TenantSettings) wins; otherwise the `OPS_CHANNEL` config: comma-separated entries, each
 * `platform:channelId` (every tenant) or `tenant=platform:channelId` (that tenant), e.g.
 * `slack:C0123ABC,acme=discord:112233445566778899`.
 */

import type { ChannelRef } from "../chat/platform";
import type { Env } from "../env";
import { settings } from "../settings/stub";

const CHANNEL = /^(slack|discord):([A-Za-z0-9_-]{1,64})$/;

/** The ops channel `OPS_CHANNEL` names for `tenant` (its own entry before the catch-all), or null. */
export function configuredOpsChannel(config: string | undefined, tenant: string): ChannelRef | null {
  let fallback: ChannelRef | null = null;
  for (const raw of (config ?? "").split(",")) {
    const entry = raw.trim();
    if (!entry) continue;
    const eq = entry.indexOf("=");
    const who = eq === -1 ? null : entry.slice(0, eq).trim();
    const match = CHANNEL.exec((eq === -1 ? entry : entry.slice(eq + 1)).trim());
    if (!match) continue;
    const platform = match[1] === "slack" ? "slack" : "discord";
    const channel: ChannelRef = { platform, workspaceId: "config", channelId: match[2] ?? "" };
    if (who === tenant) return channel;
    if (who === null) fallback ??= channel;
  }
  return fallback;
}

/** The tenant's ops channel: the one linked in chat (`/foreman link ops`), else `OPS_CHANNEL`. */
export async function opsChannelFor(env: Env, tenant: string): Promise<ChannelRef | null> {
  return (await settings(env, tenant).opsChannel()) ?? configuredOpsChannel(env.OPS_CHANNEL, tenant);
}
