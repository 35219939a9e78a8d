/** Which client sends a platform's deliveries, and whether the platform is configured at all. */

import type { DeliveryMessage, Platform, PlatformSenders } from "../delivery/types";
import type { Env } from "../env";
import type { ClientDeps, DeliveryRef, PlatformClient } from "../platform/http-client";
import { fnv1a64 } from "../platform/ids";
import { createDiscordClient } from "./discord/client";
import { createGitHubClient } from "./github/client";
import { createLinearClient } from "./linear/client";
import { createSlackClient } from "./slack/client";
import { dndUntil } from "./slack/dnd";

interface PlatformConfig {
  /** The credential; absent = demo mode for this platform (deliveries go to the local outbox). */
  token(env: Env): string | undefined;
  /** Actions authorised by something other than the token (an interaction token or response URL). */
  tokenless?(action: string): boolean;
  create(env: Env, token: string, deps: ClientDeps): PlatformClient;
}

const PLATFORMS: Readonly<Record<Platform, PlatformConfig>> = {
  slack: {
    token: (env) => env.SLACK_BOT_TOKEN,
    tokenless: (action) => action === "response_url",
    create: (env, token, deps) => createSlackClient({ token, baseUrl: env.SLACK_API_URL, ...deps }),
  },
  discord: {
    token: (env) => env.DISCORD_BOT_TOKEN,
    tokenless: (action) => action.startsWith("webhooks."),
    create: (env, token, deps) =>
      createDiscordClient({
        token,
        baseUrl: env.DISCORD_API_URL,
        applicationId: env.DISCORD_APPLICATION_ID,
        ...deps,
      }),
  },
  github: {
    token: (env) => env.GITHUB_TOKEN,
    create: (env, token, deps) => createGitHubClient({ token, baseUrl: env.GITHUB_API_URL, ...deps }),
  },
  linear: {
    token: (env) => env.LINEAR_API_KEY,
    create: (env, apiKey, deps) => createLinearClient({ apiKey, baseUrl: env.LINEAR_API_URL, ...deps }),
  },
};

/**
 * The platform's client, or null for demo mode: its token is not configured. Actions that need no
 * token (Slack response URLs, Discord interaction webhooks) are still sent outside demo mode, so an
 * install with only a signing secret / public key can answer slow commands.
 */
export function clientFor(
  env: Env,
  platform: Platform,
  deps: ClientDeps,
  action = "",
): PlatformClient | null {
  const config = PLATFORMS[platform];
  const token = config.token(env)?.trim();
  if (token) return config.create(env, token, deps);
  if (env.DEMO_MODE !== "true" && config.tokenless?.(action)) return config.create(env, "", deps);
  return null;
}

/**
 * Where a message kept in the local outbox (demo mode) stands in for a posted one: a Slack `ts` or a
 * Discord message id made up from the delivery id, so edits of it (chat.update, PATCH) work locally too.
 * Undefined for actions that create no channel message.
 */
export function localRefOf(
  d: Pick<DeliveryMessage, "platform" | "action" | "body" | "id">,
): DeliveryRef | undefined {
  // Six digits from the delivery id's digest, after the second: unique enough per channel and second.
  const n = Number.parseInt(fnv1a64(d.id).slice(0, 8), 16) % 1_000_000;
  const seconds = Math.floor(Date.now() / 1000);
  if (d.platform === "slack" && d.action === "chat.postMessage" && typeof d.body.channel === "string") {
    return { channel: d.body.channel, ts: `${seconds}.${String(n).padStart(6, "0")}` };
  }
  if (d.platform === "discord") {
    const messageId = `${seconds}${String(n).padStart(6, "0")}`;
    if (d.action === "channels.messages.create" && typeof d.body.channel_id === "string") {
      return { channel_id: d.body.channel_id, message_id: messageId };
    }
    // A DM's channel id comes from Discord when it is opened: a made-up one per recipient stands in.
    if (d.action === "users.dm" && typeof d.body.recipient_id === "string") {
      return { channel_id: `dm-${d.body.recipient_id}`, message_id: messageId };
    }
  }
  return undefined;
}

/** The platform senders the delivery consumer is given (src/index.ts). */
export const platformSenders: PlatformSenders = { clientFor, localRefOf, dndUntil };
