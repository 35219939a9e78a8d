/**
 * Foreman's Bolt App: created lazily, once per isolate, and rebuilt only when the configuration it
 * depends on changes (bot token, API URL, bot ids, log level). Per-request things (env, waitUntil,
 * correlation id) travel with each event, see scope.ts.
 *
 * Two fixes make Bolt 5.1 / @slack/web-api 8.2 work in workerd (docs/toolchain-notes): a fetch wrapper
 * (WebClient calls `fetch` unbound and asks for `redirect: "error"`, which workerd rejects) and an
 * `authorize` that returns bot ids, so Bolt never calls `auth.test`. Socket Mode and Express are
 * aliased to stubs (wrangler.toml `[alias]`, vitest `resolve.alias`).
 */
import { App } from "@slack/bolt";
import type { Env } from "../../env";
import { errorMessage } from "../../platform/errors";
import { DEFAULT_SLACK_API_URL } from "./client";
import { registerActions } from "./listeners/actions";
import { registerCommand } from "./listeners/command";
import { registerEvents } from "./listeners/events";
import { registerTeamAddView } from "./listeners/team-add";
import { boltLogger, createSlackLog } from "./log";
import { WorkerReceiver } from "./receiver";
import { DEFAULT_DEPS, type ForemanContext, type RequestScope, type SlackDeps } from "./scope";

/** Used when SLACK_BOT_ID / SLACK_BOT_USER_ID are not set; only Bolt's ignoreSelf filter reads them. */
export const PLACEHOLDER_BOT_ID = "B00000000";
export const PLACEHOLDER_BOT_USER_ID = "U00000000";

interface SlackConfig {
  botToken: string | undefined;
  apiUrl: string;
  botId: string;
  botUserId: string;
  logLevel: string | undefined;
}

export function slackConfig(env: Env): SlackConfig {
  const e = env;
  return {
    botToken: e.SLACK_BOT_TOKEN?.trim() || undefined,
    apiUrl: `${(e.SLACK_API_URL?.trim() || DEFAULT_SLACK_API_URL).replace(/\/+$/, "")}/`,
    botId: e.SLACK_BOT_ID?.trim() || PLACEHOLDER_BOT_ID,
    botUserId: e.SLACK_BOT_USER_ID?.trim() || PLACEHOLDER_BOT_USER_ID,
    logLevel: e.LOG_LEVEL,
  };
}

/** workerd-safe fetch for WebClient: bound to the global, and no `redirect: "error"`. */
export const workerFetch = (input: string | URL, init?: RequestInit): Promise<Response> =>
  fetch(input, { ...init, redirect: init?.redirect === "error" ? "manual" : init?.redirect });

export function createSlackApp(config: SlackConfig): { app: App<ForemanContext>; receiver: WorkerReceiver } {
  const receiver = new WorkerReceiver();
  const app = new App<ForemanContext>({
    receiver,
    logger: boltLogger(config.logLevel),
    convoStore: false,
    authorize: async () => ({
      ...(config.botToken ? { botToken: config.botToken } : {}),
      botId: config.botId,
      botUserId: config.botUserId,
    }),
    clientOptions: {
      slackApiUrl: config.apiUrl,
      fetch: workerFetch,
      // Calls made from a request (views.open, users.info) must finish within Slack's 3 s.
      retryConfig: { retries: 0 },
      timeout: 2_500,
    },
  });
  app.error(async (error) => {
    createSlackLog(config.logLevel)("error", "slack.listener_error", { error: errorMessage(error) });
  });
  registerCommand(app);
  registerActions(app);
  registerTeamAddView(app);
  registerEvents(app);
  return { app, receiver };
}

let cached: { key: string; receiver: WorkerReceiver } | undefined;

function receiverFor(env: Env): WorkerReceiver {
  const config = slackConfig(env);
  const key = JSON.stringify(config);
  if (cached?.key !== key) cached = { key, receiver: createSlackApp(config).receiver };
  return cached.receiver;
}

export interface SlackRequestOptions {
  correlationId: string;
  /** Test seams: replace the command functions, the budget, the clock. */
  deps?: Partial<SlackDeps>;
  nowMs?: number;
}

/** `POST /slack/events`: slash commands, interactivity and events. */
export async function handleSlackEvents(
  request: Request,
  env: Env,
  ctx: Pick<ExecutionContext, "waitUntil">,
  options: SlackRequestOptions,
): Promise<Response> {
  const scope: RequestScope = {
    env,
    correlationId: options.correlationId,
    requestUrl: request.url,
    waitUntil: (p) => ctx.waitUntil(p),
    deps: { ...DEFAULT_DEPS, ...options.deps },
    log: createSlackLog(env.LOG_LEVEL),
  };
  return receiverFor(env).handle(request, scope, {
    signingSecret: env.SLACK_SIGNING_SECRET,
    nowMs: options.nowMs,
  });
}
