/**
 * Slack Web API client for outbound deliveries: `POST {base}/{method}` with a bot token and a
 * JSON body, plus posts to interaction `response_url`s. Slack answers most failures with
 * HTTP 200 `{ok: false, error}`.
 */

import type { FetchFn, PlatformClient, SendResult } from "../../platform/http-client";
import {
  classifyStatus,
  defaultFetch,
  describe,
  isRecord,
  jsonInit,
  parseRetryAfter,
  rateLimited,
  readBody,
  send,
} from "../../platform/http-client";

export const DEFAULT_SLACK_API_URL = "https://slack.com/api";

type SlackActionKind = "web_api" | "response_url";

/** Actions Foreman may send. Web API methods are `POST {base}/{action}`. */
export const SLACK_ACTIONS: Readonly<Record<string, SlackActionKind>> = {
  "chat.postMessage": "web_api",
  "chat.postEphemeral": "web_api",
  "chat.update": "web_api",
  "chat.delete": "web_api",
  "chat.scheduleMessage": "web_api",
  "views.publish": "web_api",
  "views.open": "web_api",
  "views.update": "web_api",
  "views.push": "web_api",
  "reactions.add": "web_api",
  "reactions.remove": "web_api",
  "conversations.join": "web_api",
  /** Body `{url, ...message}`: posts the message to an interaction's response URL. */
  response_url: "response_url",
};

/** `{ok: false}` error codes worth retrying (Slack documents these as transient). */
const TRANSIENT_ERRORS = new Set(["internal_error", "fatal_error", "service_unavailable", "request_timeout"]);

export interface SlackClientOptions {
  token: string;
  /** `SLACK_API_URL`; default https://slack.com/api. */
  baseUrl?: string;
  fetch?: FetchFn;
  now?: () => number;
}

export function createSlackClient(options: SlackClientOptions): PlatformClient {
  const base = (options.baseUrl || DEFAULT_SLACK_API_URL).replace(/\/+$/, "");
  const fetchFn = options.fetch ?? defaultFetch;
  const now = options.now ?? Date.now;
  const secrets = [options.token];

  async function webApi(method: string, body: Record<string, unknown>): Promise<SendResult> {
    const init = jsonInit("POST", { Authorization: `Bearer ${options.token}` }, body);
    const res = await send(fetchFn, `${base}/${method}`, init, secrets);
    if (!(res instanceof Response)) return res;
    return interpret(res, now(), true);
  }

  async function responseUrl(body: Record<string, unknown>): Promise<SendResult> {
    const { url, response_url: alias, ...message } = body;
    const target = typeof url === "string" ? url : alias;
    if (typeof target !== "string") return permanent("response_url: body.url is required");
    if (!isAllowedResponseUrl(target, base)) return permanent("response_url: host not allowed");
    // The response URL is itself a credential: scrub it from any error text.
    const res = await send(fetchFn, target, jsonInit("POST", {}, message), [...secrets, target]);
    if (!(res instanceof Response)) return res;
    return interpret(res, now(), false);
  }

  return {
    async send(action, body) {
      const kind = Object.hasOwn(SLACK_ACTIONS, action) ? SLACK_ACTIONS[action] : undefined;
      if (kind === undefined) return permanent(`unknown Slack action "${action}"`);
      return kind === "response_url" ? responseUrl(body) : webApi(action, body);
    },
  };
}

/** Maps a Slack answer; `requireOk`: Web API methods must answer `{ok: true}`. */
async function interpret(res: Response, nowMs: number, requireOk: boolean): Promise<SendResult> {
  const body = await readBody(res);
  if (res.status < 200 || res.status >= 300) return classifyStatus(res, describe(body), nowMs);
  const json = body.json;
  if (isRecord(json) && json.ok === true) {
    // chat.postMessage answers where the message landed: kept so it can be edited (chat.update).
    const ref =
      typeof json.channel === "string" && typeof json.ts === "string"
        ? { channel: json.channel, ts: json.ts }
        : undefined;
    return ref ? { kind: "delivered", status: res.status, ref } : { kind: "delivered", status: res.status };
  }
  if (isRecord(json) && json.ok === false) {
    const code = typeof json.error === "string" ? json.error : "unknown_error";
    const error = `slack error: ${code}`;
    if (code === "ratelimited") {
      return rateLimited(res.status, error, parseRetryAfter(res.headers.get("retry-after"), nowMs));
    }
    if (TRANSIENT_ERRORS.has(code)) return { kind: "retry", status: res.status, error };
    return { kind: "permanent", status: res.status, error };
  }
  // response_url answers plain "ok"; the Web API always answers JSON with `ok`.
  if (!requireOk) return { kind: "delivered", status: res.status };
  return { kind: "permanent", status: res.status, error: "slack: unexpected response (no ok field)" };
}

/** Response URLs must point at hooks.slack.com (https) or at the configured API host. */
export function isAllowedResponseUrl(target: string, apiBase: string): boolean {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  const host = url.hostname.toLowerCase();
  if (url.protocol === "https:" && (host === "hooks.slack.com" || host.endsWith(".hooks.slack.com"))) {
    return true;
  }
  try {
    return url.origin === new URL(apiBase).origin;
  } catch {
    return false;
  }
}

function permanent(error: string): SendResult {
  return { kind: "permanent", status: null, error };
}
