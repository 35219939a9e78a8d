/**
 * Discord REST client for outbound deliveries. Channel actions use `Authorization: Bot <token>`;
 * interaction webhooks (follow-ups, editing the original response) are authorised by the
 * interaction token in the path and carry no bot credentials. A direct message (`users.dm`) is two
 * calls: open (or get) the DM channel, then post in it; the channel id is remembered in the isolate.
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
import { fnv1a64 } from "../../platform/ids";

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

/**
 * `users.dm`, body `{recipient_id, ...message}`: `POST /users/@me/channels` `{recipient_id}` opens (or
 * gets) the DM channel, then `POST /channels/{id}/messages` posts the message there.
 */
export const DISCORD_DM_ACTION = "users.dm";

/** DM channel ids by bot and recipient, bounded: the least recently used goes first. */
export class DmChannelCache {
  readonly #ids = new Map<string, string>();
  constructor(readonly maxSize = 1000) {}
  get(key: string): string | undefined {
    const id = this.#ids.get(key);
    if (id !== undefined) {
      this.#ids.delete(key);
      this.#ids.set(key, id);
    }
    return id;
  }
  set(key: string, id: string): void {
    this.#ids.delete(key);
    this.#ids.set(key, id);
    while (this.#ids.size > this.maxSize) {
      const oldest = this.#ids.keys().next();
      if (oldest.done) break;
      this.#ids.delete(oldest.value);
    }
  }
  delete(key: string): void {
    this.#ids.delete(key);
  }
  get size(): number {
    return this.#ids.size;
  }
}

/** A DM channel never changes for one bot and user: shared by every client of this isolate. */
const sharedDmChannels = new DmChannelCache();

export interface DiscordClientOptions {
  token: string;
  /** `DISCORD_API_URL`; default https://discord.com/api/v10. */
  baseUrl?: string;
  /** Used for webhook actions whose body has no `application_id`. */
  applicationId?: string;
  fetch?: FetchFn;
  now?: () => number;
  /** Where DM channel ids are remembered (default: one cache per isolate). */
  dmChannels?: DmChannelCache;
}

const USER_AGENT = "DiscordBot (https://github.com/foreman-bot/foreman, 0.1)";

export function createDiscordClient(options: DiscordClientOptions): PlatformClient {
  const base = options.baseUrl || DEFAULT_DISCORD_API_URL;
  const fetchFn = options.fetch ?? defaultFetch;
  const now = options.now ?? Date.now;
  const dmChannels = options.dmChannels ?? sharedDmChannels;
  const botHeaders = { "User-Agent": USER_AGENT, Authorization: `Bot ${options.token}` };

  /** One bot-authorised JSON call: the platform's answer, or a network failure as a retry. */
  async function botCall(path: string, payload: Record<string, unknown>): Promise<Interpreted> {
    const res = await send(fetchFn, joinUrl(base, path), jsonInit("POST", botHeaders, payload), [
      options.token,
    ]);
    return res instanceof Response ? interpret(res, now()) : { result: res, json: undefined };
  }

  /** Opens the DM channel with `recipient` (Discord answers an open one again) and remembers its id. */
  async function openDm(recipient: string, cacheKey: string): Promise<{ id: string } | SendResult> {
    const { result, json } = await botCall("/users/@me/channels", { recipient_id: recipient });
    if (result.kind !== "delivered") return { ...result, error: `open DM channel: ${result.error}` };
    if (!isRecord(json) || typeof json.id !== "string" || json.id === "") {
      return permanent("discord users.dm: the DM channel answer has no id");
    }
    dmChannels.set(cacheKey, json.id);
    return { id: json.id };
  }

  async function postIn(channelId: string, message: Record<string, unknown>): Promise<SendResult> {
    const { result, json } = await botCall(`/channels/${encodeURIComponent(channelId)}/messages`, message);
    if (result.kind === "delivered" && isRecord(json) && typeof json.id === "string") {
      result.ref = { channel_id: channelId, message_id: json.id };
    }
    return result;
  }

  async function directMessage(body: Record<string, unknown>): Promise<SendResult> {
    const { recipient_id: recipient, ...message } = body;
    if (typeof recipient !== "string" || recipient === "") {
      return permanent(`discord ${DISCORD_DM_ACTION}: missing "recipient_id" in body`);
    }
    const cacheKey = `${base}\n${fnv1a64(options.token)}\n${recipient}`;
    const known = dmChannels.get(cacheKey);
    if (known !== undefined) {
      const posted = await postIn(known, message);
      // 404: Discord no longer knows the remembered channel; open it again, once.
      if (posted.kind !== "permanent" || posted.status !== 404) return posted;
      dmChannels.delete(cacheKey);
    }
    const opened = await openDm(recipient, cacheKey);
    return "id" in opened ? postIn(opened.id, message) : opened;
  }

  return {
    async send(action, body) {
      if (action === DISCORD_DM_ACTION) return directMessage(body);
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
      return (await interpret(res, now())).result;
    },
  };
}

/** A classified answer and its JSON body (undefined when it had none). */
interface Interpreted {
  result: SendResult;
  json: unknown;
}

async function interpret(res: Response, nowMs: number): Promise<Interpreted> {
  const body = await readBody(res);
  const json = body.json;
  if (res.status !== 429) {
    const result = classifyStatus(res, describe(body), nowMs);
    // A created message answers its id: kept so it can be edited in place (PATCH).
    if (result.kind === "delivered" && isRecord(json) && typeof json.id === "string") {
      const channel = typeof json.channel_id === "string" ? json.channel_id : null;
      if (channel) result.ref = { channel_id: channel, message_id: json.id };
    }
    return { result, json };
  }
  // 429: `retry_after` (float seconds) in the body is the precise value; Retry-After is whole seconds.
  const header = parseRetryAfter(res.headers.get("retry-after"), nowMs);
  const bodyAfter =
    isRecord(json) && typeof json.retry_after === "number" ? Math.ceil(json.retry_after) : null;
  const seconds = bodyAfter !== null || header !== null ? Math.max(bodyAfter ?? 0, header ?? 0) : null;
  const scope = res.headers.get("x-ratelimit-scope");
  const global = isRecord(json) && json.global === true ? " (global)" : "";
  const error = `HTTP 429: rate limited${global}${scope ? ` scope=${scope}` : ""}`;
  return { result: rateLimited(429, error, seconds === null ? null : clampDelay(seconds)), json };
}

function permanent(error: string): SendResult {
  return { kind: "permanent", status: null, error };
}
