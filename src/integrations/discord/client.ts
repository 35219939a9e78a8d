/**
 * Discord REST client for outbound deliveries. Channel actions use `Authorization: Bot <token>`;
 * interaction webhooks (follow-ups, editing the original response) are authorised by the
 * interaction token in the path and carry no bot credentials.
 */

import type { FetchFn, PlatformClient, SendResult } from "../../platform/http-client";
import {
  clampDelay,
  classifyStatus,
  defaultFetch,
  describe,
  fillPath,
  isRecord,
  joinUrl,
  jsonInit,
  parseRetryAfter,
  type RestAction,
  rateLimited,
  readBody,
  send,
} from "../../platform/http-client";

export const DEFAULT_DISCORD_API_URL = "https://discord.com/api/v10";

/** Path parameters come from the body (`{channel_id}`, ...); the remaining body is the JSON payload. */
export const DISCORD_ACTIONS: Readonly<Record<string, RestAction>> = {
  "channels.messages.create": { method: "POST", path: "/channels/{channel_id}/messages" },
  "channels.messages.edit": { method: "PATCH", path: "/channels/{channel_id}/messages/{message_id}" },
  "channels.messages.delete": { method: "DELETE", path: "/channels/{channel_id}/messages/{message_id}" },
  "webhooks.followup": { method: "POST", path: "/webhooks/{application_id}/{token}", auth: false },
  "webhooks.editOriginal": {
    method: "PATCH",
    path: "/webhooks/{application_id}/{token}/messages/@original",
    auth: false,
  },
  "webhooks.editFollowup": {
    method: "PATCH",
    path: "/webhooks/{application_id}/{token}/messages/{message_id}",
    auth: false,
  },
};

export interface DiscordClientOptions {
  token: string;
  /** `DISCORD_API_URL`; default https://discord.com/api/v10. */
  baseUrl?: string;
  /** Used for webhook actions whose body has no `application_id`. */
  applicationId?: string;
  fetch?: FetchFn;
  now?: () => number;
}

const USER_AGENT = "DiscordBot (https://github.com/foreman-bot/foreman, 0.1)";

export function createDiscordClient(options: DiscordClientOptions): PlatformClient {
  const base = options.baseUrl || DEFAULT_DISCORD_API_URL;
  const fetchFn = options.fetch ?? defaultFetch;
  const now = options.now ?? Date.now;

  return {
    async send(action, body) {
      const spec = Object.hasOwn(DISCORD_ACTIONS, action) ? DISCORD_ACTIONS[action] : undefined;
      if (spec === undefined) return permanent(`unknown Discord action "${action}"`);
      const withApp =
        spec.auth === false && body.application_id === undefined && options.applicationId
          ? { ...body, application_id: options.applicationId }
          : body;
      const filled = fillPath(spec.path, withApp);
      if (!filled.ok) return permanent(`discord ${action}: ${filled.error}`);
      const headers: Record<string, string> = { "User-Agent": USER_AGENT };
      if (spec.auth !== false) headers.Authorization = `Bot ${options.token}`;
      const payload = spec.method === "DELETE" ? null : filled.rest;
      // The interaction token sits in webhook paths: never let it reach stored error text.
      const secrets = [options.token, typeof body.token === "string" ? body.token : undefined];
      const res = await send(
        fetchFn,
        joinUrl(base, filled.path),
        jsonInit(spec.method, headers, payload),
        secrets,
      );
      if (!(res instanceof Response)) return res;
      return interpret(res, now());
    },
  };
}

async function interpret(res: Response, nowMs: number): Promise<SendResult> {
  const body = await readBody(res);
  if (res.status !== 429) {
    const result = classifyStatus(res, describe(body), nowMs);
    // A created message answers its id: kept so it can be edited in place (PATCH).
    const json = body.json;
    if (result.kind === "delivered" && isRecord(json) && typeof json.id === "string") {
      const channel = typeof json.channel_id === "string" ? json.channel_id : null;
      if (channel) result.ref = { channel_id: channel, message_id: json.id };
    }
    return result;
  }
  // 429: `retry_after` (float seconds) in the body is the precise value; Retry-After is whole seconds.
  const header = parseRetryAfter(res.headers.get("retry-after"), nowMs);
  const json = body.json;
  const bodyAfter =
    isRecord(json) && typeof json.retry_after === "number" ? Math.ceil(json.retry_after) : null;
  const seconds = bodyAfter !== null || header !== null ? Math.max(bodyAfter ?? 0, header ?? 0) : null;
  const scope = res.headers.get("x-ratelimit-scope");
  const global = isRecord(json) && json.global === true ? " (global)" : "";
  const error = `HTTP 429: rate limited${global}${scope ? ` scope=${scope}` : ""}`;
  return rateLimited(429, error, seconds === null ? null : clampDelay(seconds));
}

function permanent(error: string): SendResult {
  return { kind: "permanent", status: null, error };
}
