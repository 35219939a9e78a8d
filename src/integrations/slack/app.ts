/**
 * Foreman's Bolt App: created lazily, once per isolate, and rebuilt only when the configuration it
 * depends on changes (bot token, API URL, bot ids, log level). What else depends only on the env (the
 * log, the trimmed signing secret) is kept with it per env (`slackSetup`); per-request things (env,
 * waitUntil, correlation id) travel with each event, see scope.ts.
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
import { registerUninstallEvents } from "./listeners/uninstall";
import { boltLogger, createSlackLog, type SlackLog } from "./log";
import { WorkerReceiver } from "./receiver";
import { DEFAULT_DEPS, type ForemanContext, type RequestScope, type SlackDeps } from "./scope";
import { scopeEnvs, workspaceToken } from "./workspace-token";

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
    // The workspace's own token (its install), found through the request's env (workspace-token.ts).
    authorize: async (source, body) => {
      const env = body ? scopeEnvs.get(body) : undefined;
      const team = source.teamId ?? source.enterpriseId ?? "";
      const botToken = env ? await workspaceToken(env, team) : config.botToken;
      return { ...(botToken ? { botToken } : {}), botId: config.botId, botUserId: config.botUserId };
    },
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
  registerUninstallEvents(app);
  return { app, receiver };
}

/**
 * What a request needs that depends only on the env: the receiver (its App), the log, the trimmed
 * signing secret. Built once per env object and isolate; `source` holds the raw values it was built
 * from and is compared on every request (a few string comparisons), so an env whose values differ,
 * or change, gets a setup of its own and nothing carries over between configurations.
 */
interface SlackSetup {
  source: readonly (string | undefined)[];
  receiver: WorkerReceiver;
  log: SlackLog;
  signingSecret: string | undefined;
}

const setups = new WeakMap<Env, SlackSetup>();
/** Receivers by configuration: envs with the same Slack configuration share one App. */
let lastReceiver: { key: string; receiver: WorkerReceiver } | undefined;

/** The env values a setup is built from. */
const SOURCE = [
  "SLACK_BOT_TOKEN",
  "SLACK_API_URL",
  "SLACK_BOT_ID",
  "SLACK_BOT_USER_ID",
  "LOG_LEVEL",
  "SLACK_SIGNING_SECRET",
] as const satisfies readonly (keyof Env)[];

function sourceOf(env: Env): (string | undefined)[] {
  return SOURCE.map((name) => env[name]);
}

function builtFrom(setup: SlackSetup, env: Env): boolean {
  return SOURCE.every((name, i) => setup.source[i] === env[name]);
}

function receiverFor(config: SlackConfig): WorkerReceiver {
  const key = JSON.stringify(config);
  if (lastReceiver?.key !== key) lastReceiver = { key, receiver: createSlackApp(config).receiver };
  return lastReceiver.receiver;
}

/** The env's setup: cached while the env's Slack values stay the same. */
export function slackSetup(env: Env): SlackSetup {
  const known = setups.get(env);
  if (known && builtFrom(known, env)) return known;
  const config = slackConfig(env);
  const setup: SlackSetup = {
    source: sourceOf(env),
    receiver: receiverFor(config),
    log: createSlackLog(config.logLevel),
    signingSecret: env.SLACK_SIGNING_SECRET?.trim() || undefined,
  };
  setups.set(env, setup);
  return setup;
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
  const setup = slackSetup(env);
  const scope: RequestScope = {
    env,
    correlationId: options.correlationId,
    requestUrl: request.url,
    waitUntil: (p) => ctx.waitUntil(p),
    deps: options.deps ? { ...DEFAULT_DEPS, ...options.deps } : DEFAULT_DEPS,
    log: setup.log,
  };
  return setup.receiver.handle(request, scope, {
    signingSecret: setup.signingSecret,
    nowMs: options.nowMs,
  });
}
