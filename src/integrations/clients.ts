/** Which client sends a platform's deliveries, and whether the platform is configured at all. */

import type { CredentialLookup } from "../delivery/credentials";
import type { DeliveryMessage, Platform, PlatformSenders, Sender } from "../delivery/types";
import type { Env } from "../env";
import { EncryptionKeyError } from "../platform/errors";
import type { ClientDeps, DeliveryRef, PlatformClient } from "../platform/http-client";
import { fnv1a64 } from "../platform/ids";
import { openSecret, type SecretBundle } from "../tenants/credential-seal";
import { createDiscordClient } from "./discord/client";
import { githubAppConfig, installationToken } from "./github/app-auth";
import { createGitHubClient } from "./github/client";
import { createLinearClient } from "./linear/client";
import { createSlackClient } from "./slack/client";
import { dndUntil } from "./slack/dnd";
import { freshBundle } from "./token-refresh";

interface PlatformConfig {
  /** The deployment's own credential (self-hosting one team); absent = demo mode for this platform. */
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
    create: (env, token, deps) => createGitHubClient({ auth: token, baseUrl: env.GITHUB_API_URL, ...deps }),
  },
  linear: {
    token: (env) => env.LINEAR_API_KEY,
    create: (env, apiKey, deps) => createLinearClient({ apiKey, baseUrl: env.LINEAR_API_URL, ...deps }),
  },
};

const LOCAL: Sender = { kind: "local" };

/**
 * How a delivery goes out. A tenant's own install (its credential in the Outbox) wins; a revoked one
 * stops everything for that platform (nothing falls back to the deployment's token); without any,
 * the deployment's token (self-hosting), and without that demo mode (the local outbox). Actions that
 * need no token (Slack response URLs, Discord interaction webhooks) are still sent outside demo mode,
 * so an install with only a signing secret / public key can answer slow commands.
 */
export async function senderFor(
  env: Env,
  d: DeliveryMessage,
  deps: ClientDeps,
  credential: CredentialLookup,
): Promise<Sender> {
  switch (credential.state) {
    case "revoked":
      return { kind: "refused", error: revokedText(d.platform, credential.account, credential.reason) };
    case "uncovered":
      return {
        kind: "refused",
        error: `no GitHub App installation of this tenant covers ${credential.repo}: add it to the installation on GitHub`,
      };
    case "active":
      return installedSender(env, d, deps, credential);
    case "none":
      return deploymentSender(env, d.platform, deps, d.action);
  }
}

/** The deployment's own token, the tokenless path, or demo mode. */
function deploymentSender(env: Env, platform: Platform, deps: ClientDeps, action: string): Sender {
  const config = PLATFORMS[platform];
  const token = config.token(env)?.trim();
  if (token) return withDnd(env, platform, config.create(env, token, deps), deps, token);
  if (env.DEMO_MODE !== "true" && config.tokenless?.(action)) {
    return { kind: "client", client: config.create(env, "", deps) };
  }
  return LOCAL;
}

/** A tenant's install: its own sealed token (Slack, Linear) or its GitHub App installation. */
async function installedSender(
  env: Env,
  d: DeliveryMessage,
  deps: ClientDeps,
  credential: Extract<CredentialLookup, { state: "active" }>,
): Promise<Sender> {
  const where = { platform: d.platform, tenant: d.tenant, account: credential.account };
  if (d.platform === "github") return gitHubAppSender(env, credential.account, deps);
  if (credential.sealed === null) return deploymentSender(env, d.platform, deps, d.action);
  let opened: SecretBundle;
  try {
    opened = await openSecret(env, where, credential.sealed);
  } catch (err) {
    // The key that sealed it is gone (or the envelope was altered): no retry will open it.
    if (!(err instanceof EncryptionKeyError)) throw err;
    return {
      kind: "refused",
      error: `${PLATFORM_NAMES[d.platform]} token of install ${credential.account}: ${err.message}`,
    };
  }
  const held = {
    platform: d.platform === "linear" ? "linear" : "slack",
    tenant: d.tenant,
    account: credential.account,
    details: credential.details,
  } as const;
  const bundle = await freshBundle(env, held, opened, deps.fetch, deps.now());
  if (d.platform === "linear") {
    // An organisation's OAuth token (actor=app) goes as a Bearer token, unlike an API key.
    const client = createLinearClient({ accessToken: bundle.token, baseUrl: env.LINEAR_API_URL, ...deps });
    return { kind: "client", client };
  }
  const client = PLATFORMS[d.platform].create(env, bundle.token, deps);
  return withDnd(env, d.platform, client, deps, bundle.token);
}

function withDnd(
  env: Env,
  platform: Platform,
  client: PlatformClient,
  deps: ClientDeps,
  token: string,
): Sender {
  if (platform !== "slack") return { kind: "client", client };
  return { kind: "client", client, dndUntil: (userId, nowMs) => dndUntil(env, deps, userId, nowMs, token) };
}

const PLATFORM_NAMES: Readonly<Record<Platform, string>> = {
  slack: "Slack",
  discord: "Discord",
  github: "GitHub",
  linear: "Linear",
};

function revokedText(platform: Platform, account: string, reason: string): string {
  return `${PLATFORM_NAMES[platform]} install ${account} was revoked (${reason}): nothing is sent for this tenant until Foreman is installed again`;
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
export const platformSenders: PlatformSenders = { senderFor, localRefOf };

/** A GitHub App installation sends with its own token, minted from the App's key (cached near expiry). */
function gitHubAppSender(env: Env, account: string, deps: ClientDeps): Sender {
  const config = githubAppConfig(env);
  const installationId = Number(account);
  if (!config || !Number.isSafeInteger(installationId)) {
    return {
      kind: "refused",
      error: `GitHub App installation ${account} cannot send: this deployment has no GitHub App configured (GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY)`,
    };
  }
  const auth = async () => (await installationToken(config, installationId, deps)).token;
  return { kind: "client", client: createGitHubClient({ auth, baseUrl: env.GITHUB_API_URL, ...deps }) };
}
