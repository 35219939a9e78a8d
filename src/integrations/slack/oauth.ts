/**
 * Slack's OAuth v2 for "Add to Slack": the authorize URL with Foreman's bot scopes, and the code
 * exchange (`oauth.v2.access` at SLACK_API_URL). Written on fetch rather than @slack/oauth, whose
 * InstallProvider needs Node's http request/response objects and jsonwebtoken (ADR 17).
 *
 * The scopes, and why each is asked for (docs/slack.md says the same to admins):
 */

import { z } from "zod";
import type { Env } from "../../env";
import type { FetchFn } from "../../platform/http-client";
import { joinUrl } from "../../platform/http-client";
import { DEFAULT_SLACK_API_URL } from "./client";

export const SLACK_BOT_SCOPES = [
  /** `/foreman`. */
  "commands",
  /** Replies, cards, digests and their edits (chat.postMessage / chat.update). */
  "chat:write",
  /** DMs to reviewers (reminders, escalations, the post-install checklist to the installer). */
  "im:write",
  /** Workspace admin/owner check for admin-only commands; time zones for the team (users.info). */
  "users:read",
  /** Matching a GitHub team to Slack users by e-mail (users.lookupByEmail, `team import`). */
  "users:read.email",
  /** Do Not Disturb hours (dnd.info): non-urgent DMs wait until they end. */
  "dnd:read",
  /** `@Foreman <command>` in channels. */
  "app_mentions:read",
] as const;

export const SLACK_AUTHORIZE_URL = "https://slack.com/oauth/v2/authorize";

export interface SlackOAuthConfig {
  clientId: string;
  clientSecret: string;
  apiUrl: string;
}

/** The app's OAuth credentials, or null when Slack installs are not configured on this deployment. */
export function slackOAuthConfig(env: Env): SlackOAuthConfig | null {
  const clientId = env.SLACK_CLIENT_ID?.trim();
  const clientSecret = env.SLACK_CLIENT_SECRET?.trim();
  if (!clientId || !clientSecret) return null;
  return { clientId, clientSecret, apiUrl: env.SLACK_API_URL?.trim() || DEFAULT_SLACK_API_URL };
}

export function slackAuthorizeUrl(
  config: SlackOAuthConfig,
  input: { redirectUri: string; state: string },
): string {
  const query = new URLSearchParams({
    client_id: config.clientId,
    scope: SLACK_BOT_SCOPES.join(","),
    redirect_uri: input.redirectUri,
    state: input.state,
  });
  return `${SLACK_AUTHORIZE_URL}?${query}`;
}

/** What an install grants: one workspace's (or an org's) bot token and who installed it. */
export interface SlackGrant {
  botToken: string;
  botUserId: string | null;
  appId: string | null;
  scopes: string[];
  team: { id: string; name: string | null } | null;
  enterprise: { id: string; name: string | null } | null;
  isEnterpriseInstall: boolean;
  installerId: string | null;
  /** Token rotation on: what renews the token, and when it expires. */
  refreshToken: string | null;
  expiresInSeconds: number | null;
}

/** Slack said no (`ok: false`), or did not answer as documented. */
export class SlackOAuthError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = "SlackOAuthError";
  }
}

const Named = z.looseObject({ id: z.string().min(1), name: z.string().nullish() }).nullish();

const AccessAnswer = z.looseObject({
  ok: z.literal(true),
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  scope: z.string().default(""),
  bot_user_id: z.string().nullish(),
  app_id: z.string().nullish(),
  team: Named,
  enterprise: Named,
  is_enterprise_install: z.boolean().default(false),
  authed_user: z.looseObject({ id: z.string() }).nullish(),
  refresh_token: z.string().nullish(),
  expires_in: z.number().int().positive().nullish(),
});

const Failure = z.looseObject({ ok: z.literal(false), error: z.string().default("unknown_error") });

/** `oauth.v2.access`: a code (or a refresh token) for a bot token. */
export async function exchangeSlackCode(
  config: SlackOAuthConfig,
  grant: { code: string; redirectUri: string } | { refreshToken: string },
  fetchFn: FetchFn,
): Promise<SlackGrant> {
  const form = new URLSearchParams({ client_id: config.clientId, client_secret: config.clientSecret });
  if ("code" in grant) {
    form.set("code", grant.code);
    form.set("redirect_uri", grant.redirectUri);
  } else {
    form.set("grant_type", "refresh_token");
    form.set("refresh_token", grant.refreshToken);
  }
  let res: Response;
  try {
    res = await fetchFn(joinUrl(config.apiUrl, "oauth.v2.access"), {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: form.toString(),
      signal: AbortSignal.timeout(10_000),
    });
  } catch {
    throw new SlackOAuthError("Slack could not be reached to finish the install", "unreachable");
  }
  const json: unknown = await res.json().catch(() => null);
  const failed = Failure.safeParse(json);
  if (failed.success)
    throw new SlackOAuthError(`Slack refused the install: ${failed.data.error}`, failed.data.error);
  const parsed = AccessAnswer.safeParse(json);
  if (!res.ok || !parsed.success) {
    throw new SlackOAuthError(
      `Slack answered the install with HTTP ${res.status} and no token`,
      "bad_answer",
    );
  }
  const a = parsed.data;
  if (a.token_type !== undefined && a.token_type !== "bot") {
    throw new SlackOAuthError(`Slack granted a ${a.token_type} token, not a bot token`, "not_bot");
  }
  const named = (n: z.infer<typeof Named>) => (n ? { id: n.id, name: n.name ?? null } : null);
  return {
    botToken: a.access_token,
    botUserId: a.bot_user_id ?? null,
    appId: a.app_id ?? null,
    scopes: a.scope.split(",").filter((s) => s !== ""),
    team: named(a.team),
    enterprise: named(a.enterprise),
    isEnterpriseInstall: a.is_enterprise_install,
    installerId: a.authed_user?.id ?? null,
    refreshToken: a.refresh_token ?? null,
    expiresInSeconds: a.expires_in ?? null,
  };
}
