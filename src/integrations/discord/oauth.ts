/**
 * Adding Foreman to a Discord server: the OAuth2 authorize URL (`bot applications.commands` with the
 * permissions Foreman needs), the code exchange (`POST {DISCORD_API_URL}/oauth2/token`, whose answer
 * names the guild the bot joined), and registering the slash commands for that guild when the
 * application has no global commands yet (guild commands work at once; global ones are registered
 * once per application with `npm run discord:register`, docs/discord.md).
 *
 * The bot token is the application's (DISCORD_BOT_TOKEN): Discord has no per-server bot token, so
 * nothing per guild is kept secret. The installer's own access token is not kept either.
 */

import { z } from "zod";
import { discordCommandDefinitions } from "../../commands/discord";
import type { Env } from "../../env";
import type { FetchFn } from "../../platform/http-client";
import { joinUrl } from "../../platform/http-client";
import { DEFAULT_DISCORD_API_URL } from "./client";

export const DISCORD_AUTHORIZE_URL = "https://discord.com/oauth2/authorize";
export const DISCORD_SCOPES = ["bot", "applications.commands"] as const;

/**
 * View Channels (1 << 10), Send Messages (1 << 11), Embed Links (1 << 14), Read Message History
 * (1 << 16), Send Messages in Threads (1 << 38): post cards and digests, and edit its own messages.
 */
export const DISCORD_PERMISSIONS = (
  (1n << 10n) |
  (1n << 11n) |
  (1n << 14n) |
  (1n << 16n) |
  (1n << 38n)
).toString();

export interface DiscordOAuthConfig {
  applicationId: string;
  clientSecret: string;
  botToken: string | null;
  apiUrl: string;
}

export function discordOAuthConfig(env: Env): DiscordOAuthConfig | null {
  const applicationId = env.DISCORD_APPLICATION_ID?.trim();
  const clientSecret = env.DISCORD_CLIENT_SECRET?.trim();
  if (!applicationId || !clientSecret) return null;
  return {
    applicationId,
    clientSecret,
    botToken: env.DISCORD_BOT_TOKEN?.trim() || null,
    apiUrl: env.DISCORD_API_URL?.trim() || DEFAULT_DISCORD_API_URL,
  };
}

export function discordAuthorizeUrl(
  config: DiscordOAuthConfig,
  input: { redirectUri: string; state: string },
): string {
  const query = new URLSearchParams({
    client_id: config.applicationId,
    scope: DISCORD_SCOPES.join(" "),
    permissions: DISCORD_PERMISSIONS,
    response_type: "code",
    redirect_uri: input.redirectUri,
    state: input.state,
  });
  return `${DISCORD_AUTHORIZE_URL}?${query}`;
}

export class DiscordOAuthError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = "DiscordOAuthError";
  }
}

const TokenAnswer = z.looseObject({
  access_token: z.string().min(1),
  guild: z.looseObject({ id: z.string().regex(/^\d{17,20}$/), name: z.string().nullish() }).nullish(),
});

/** The server Foreman was added to. */
export interface DiscordGrant {
  guild: { id: string; name: string | null };
}

export async function exchangeDiscordCode(
  config: DiscordOAuthConfig,
  input: { code: string; redirectUri: string },
  fetchFn: FetchFn,
): Promise<DiscordGrant> {
  const form = new URLSearchParams({
    grant_type: "authorization_code",
    code: input.code,
    redirect_uri: input.redirectUri,
  });
  let res: Response;
  try {
    res = await fetchFn(joinUrl(config.apiUrl, "oauth2/token"), {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Authorization: `Basic ${btoa(`${config.applicationId}:${config.clientSecret}`)}`,
      },
      body: form.toString(),
      signal: AbortSignal.timeout(10_000),
    });
  } catch {
    throw new DiscordOAuthError("Discord could not be reached to finish the install", "unreachable");
  }
  const json: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const error = z.looseObject({ error: z.string() }).safeParse(json);
    const code = error.success ? error.data.error : `http_${res.status}`;
    throw new DiscordOAuthError(`Discord refused the install: ${code}`, code);
  }
  const parsed = TokenAnswer.safeParse(json);
  if (!parsed.success || !parsed.data.guild) {
    throw new DiscordOAuthError("Discord's answer named no server (was the bot scope granted?)", "no_guild");
  }
  return { guild: { id: parsed.data.guild.id, name: parsed.data.guild.name ?? null } };
}

/**
 * Registers Foreman's commands for one guild when the application has no global commands (they
 * would make guild copies appear twice). Answers what it did; a failure is reported, not thrown:
 * the install stands, and `npm run discord:register` can register them later.
 */
export async function registerGuildCommands(
  config: DiscordOAuthConfig,
  guildId: string,
  fetchFn: FetchFn,
): Promise<"global" | "registered" | "no_token" | "failed"> {
  if (!config.botToken) return "no_token";
  const headers = { Authorization: `Bot ${config.botToken}`, "Content-Type": "application/json" };
  const commandsUrl = joinUrl(config.apiUrl, `applications/${config.applicationId}/commands`);
  try {
    const global = await fetchFn(commandsUrl, { headers, signal: AbortSignal.timeout(10_000) });
    const existing: unknown = await global.json().catch(() => null);
    if (global.ok && Array.isArray(existing) && existing.length > 0) return "global";
    const guildUrl = joinUrl(
      config.apiUrl,
      `applications/${config.applicationId}/guilds/${guildId}/commands`,
    );
    const put = await fetchFn(guildUrl, {
      method: "PUT",
      headers,
      body: JSON.stringify(discordCommandDefinitions()),
      signal: AbortSignal.timeout(10_000),
    });
    return put.ok ? "registered" : "failed";
  } catch {
    return "failed";
  }
}
