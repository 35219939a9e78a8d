/**
 * What a Slack listener needs beyond Bolt's arguments: the request's env, `waitUntil`, correlation
 * id and the command functions (replaceable in tests). The App is cached per isolate, so this travels
 * per event through Bolt's `customProperties` and arrives in the listener's `context.foreman`.
 */

import type { webApi } from "@slack/bolt";
import type { Reply } from "../../chat/reply";
import type { CommandContext } from "../../commands/context";
import { ACK_BUDGET_MS } from "../../commands/respond";
import { runAction, runCommand, runParsed } from "../../commands/run";
import type { Command, ParseResult } from "../../commands/types";
import { enqueueDelivery } from "../../delivery/enqueue";
import type { Env } from "../../env";
import { errorMessage } from "../../platform/errors";
import { IsolateCache } from "../../platform/isolate-cache";
import { resolveChatTenant } from "../../tenants/chat-tenant";
import { type GithubDirectory, slackDirectoryReads } from "./directory-reads";
import { tenantGitHubDirectory } from "./github-directory";
import type { SlackLog } from "./log";

export type WebClient = webApi.WebClient;

export interface SlackDeps {
  runParsed: (result: ParseResult, ctx: CommandContext) => Promise<Reply>;
  runCommand: (command: Command, ctx: CommandContext) => Promise<Reply>;
  runAction: (actionId: string, ctx: CommandContext) => Promise<Reply>;
  resolveTenant: (env: Env, platform: "slack", workspaceId: string) => Promise<string>;
  /** Writes the tenant's audit log (the HTTP layer gives src/agents/coordinator/audit.ts); absent: logged only. */
  audit?: (env: Env, tenant: string, change: AuditChange) => Promise<void>;
  /** How long a slash command may take before it is answered "Working on it…" (ms). */
  budgetMs: number;
  now: () => Date;
  /**
   * GitHub reads for `team import` (the tenant's GitHub client); left out: `team import` says it
   * is not available on this deployment.
   */
  githubDirectory?: (env: Env, tenant: string) => GithubDirectory;
}

export const DEFAULT_DEPS: SlackDeps = {
  runParsed,
  runCommand,
  runAction,
  resolveTenant: resolveChatTenant,
  budgetMs: ACK_BUDGET_MS,
  now: () => new Date(),
  githubDirectory: tenantGitHubDirectory,
};

/** A change made outside the REST API, for the tenant's audit log. */
export interface AuditChange {
  actor: string;
  action: string;
  target: string;
  correlationId: string;
}

export interface RequestScope {
  env: Env;
  correlationId: string;
  /** The URL Slack called (replies show webhook URLs at its origin). */
  requestUrl?: string;
  waitUntil: (promise: Promise<unknown>) => void;
  deps: SlackDeps;
  log: SlackLog;
}

/** The custom context of Foreman's Bolt App (see `customProperties` in receiver.ts). */
export type ForemanContext = { foreman: RequestScope };

export interface Who {
  teamId: string;
  userId: string;
  userName?: string;
  channelId: string;
}

/** The CommandContext for a Slack user; `client` carries the bot token when there is one. */
export async function commandContext(
  scope: RequestScope,
  who: Who,
  client: WebClient,
): Promise<CommandContext> {
  const { env, deps } = scope;
  const tenant = await deps.resolveTenant(env, "slack", who.teamId);
  const name = who.userName?.trim();
  return {
    env,
    tenant,
    actor: name ? { platform: "slack", id: who.userId, name } : { platform: "slack", id: who.userId },
    place: { platform: "slack", workspaceId: who.teamId, channelId: who.channelId },
    correlationId: scope.correlationId,
    platformAdmin: () => workspaceAdmin(scope, who, client),
    now: deps.now(),
    requestUrl: scope.requestUrl,
    ...(deps.githubDirectory
      ? { directoryReads: slackDirectoryReads(env, tenant, deps.githubDirectory(env, tenant)) }
      : {}),
  };
}

/** Queues one outbound Slack call (the consumer sends it, or keeps it in the outbox in demo mode). */
export async function deliver(
  scope: RequestScope,
  tenant: string,
  action: string,
  body: Record<string, unknown>,
  key: string,
): Promise<void> {
  await enqueueDelivery(scope.env, {
    tenant,
    platform: "slack",
    action,
    body,
    key,
    correlationId: scope.correlationId,
  });
}

const ADMIN_TTL_MS = 10 * 60_000;
const adminCache = new IsolateCache<boolean>();

/** Workspace admin or owner, from `users.info` (cached); false without a bot token or on error. */
async function workspaceAdmin(scope: RequestScope, who: Who, client: WebClient): Promise<boolean> {
  if (!client.token) return false;
  const key = `${who.teamId}:${who.userId}`;
  const now = Date.now();
  const hit = adminCache.get(key, now, ADMIN_TTL_MS);
  if (hit) return hit.value;
  try {
    const res = await client.users.info({ user: who.userId });
    const admin = Boolean(res.user?.is_admin || res.user?.is_owner);
    adminCache.set(key, admin, now, ADMIN_TTL_MS);
    return admin;
  } catch (err) {
    scope.log("warn", "slack.users_info_failed", { user: who.userId, error: errorMessage(err) });
    return false;
  }
}
