/** HTTP helpers and result types shared by the platform clients (src/integrations/{platform}/client.ts). */
import { errorText } from "./errors";

/**
 * Where a delivered message landed, as the platform answered it: Slack `{channel, ts}`, Discord
 * `{channel_id, message_id}`. Lets the decider edit the message later (`chat.update`, PATCH).
 */
export type DeliveryRef = Record<string, string>;

/** What a platform client reports for one send. */
export type SendResult =
  | { kind: "delivered"; status: number; ref?: DeliveryRef }
  /** Worth another try: rate limited (`retryAfterSeconds` known) or transient (5xx, network). */
  | { kind: "retry"; status: number | null; error: string; retryAfterSeconds?: number }
  /** Will never succeed as sent (4xx, unknown action, platform error code). */
  | { kind: "permanent"; status: number | null; error: string };

/** Sends one action to one platform. */
export interface PlatformClient {
  send(action: string, body: Record<string, unknown>): Promise<SendResult>;
}

export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

/** What a platform client is built with: the fetch to send with and a clock (both injected in tests). */
export interface ClientDeps {
  fetch: FetchFn;
  now: () => number;
}

/** Retry delays are capped at what Queues accept for `retry({ delaySeconds })`: 12 hours. */
export const MAX_RETRY_DELAY_SECONDS = 12 * 60 * 60;
const MAX_ERROR_CHARS = 500;
/** Per-request timeout; well under the Outbox claim lease (60 s) so a hung send cannot outlive it. */
export const REQUEST_TIMEOUT_MS = 20_000;

/** The global fetch, called unbound-safe. */
export const defaultFetch: FetchFn = (input, init) => fetch(input, init);

/** A REST action: method + path template; `{name}` segments are taken (and removed) from the body. */
export interface RestAction {
  method: "POST" | "PATCH" | "PUT" | "DELETE";
  path: string;
  /** Send the platform's bot credentials (default true). */
  auth?: boolean;
}

export type Filled = { ok: true; path: string; rest: Record<string, unknown> } | { ok: false; error: string };

/** Fills `{param}` segments of `template` from `body` (URL-encoded); the rest of the body is the payload. */
export function fillPath(template: string, body: Record<string, unknown>): Filled {
  const rest: Record<string, unknown> = { ...body };
  let missing: string | null = null;
  const path = template.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const value = body[name];
    delete rest[name];
    if ((typeof value !== "string" || value === "") && typeof value !== "number") {
      missing ??= name;
      return "";
    }
    return encodeURIComponent(String(value));
  });
  if (missing !== null) return { ok: false, error: `missing path parameter "${missing}" in body` };
  return { ok: true, path, rest };
}

/** Joins a configured base URL and a path without doubling or dropping the slash. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
}

/** Seconds from a `Retry-After` header (delta seconds or HTTP date); null when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (value === null || value.trim() === "") return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - nowMs) / 1000));
}

/** A rate-limited retry, clamped to [1 s, 12 h]. */
export function rateLimited(status: number | null, error: string, seconds: number | null): SendResult {
  const result: SendResult = { kind: "retry", status, error };
  if (seconds !== null) result.retryAfterSeconds = clampDelay(seconds);
  return result;
}

export function clampDelay(seconds: number): number {
  return Math.min(MAX_RETRY_DELAY_SECONDS, Math.max(1, Math.ceil(seconds)));
}

/** Default mapping of an HTTP status: 2xx delivered, 408/429/5xx retry, other 4xx permanent. */
export function classifyStatus(res: Response, detail: string, nowMs: number): SendResult {
  if (res.status >= 200 && res.status < 300) return { kind: "delivered", status: res.status };
  const error = detail ? `HTTP ${res.status}: ${detail}` : `HTTP ${res.status}`;
  if (res.status === 429)
    return rateLimited(429, error, parseRetryAfter(res.headers.get("retry-after"), nowMs));
  if (res.status === 408 || res.status >= 500) return { kind: "retry", status: res.status, error };
  return { kind: "permanent", status: res.status, error };
}

/** Response body text (bounded) and its JSON value when it is JSON. */
export async function readBody(res: Response): Promise<{ text: string; json: unknown }> {
  let text = "";
  try {
    text = await res.text();
  } catch {
    return { text: "", json: undefined };
  }
  try {
    return { text, json: text === "" ? undefined : JSON.parse(text) };
  } catch {
    return { text, json: undefined };
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A short, single-line description of an error body, for attempt history. */
export function describe(body: { text: string; json: unknown }): string {
  const json = body.json;
  if (isRecord(json)) {
    const parts = ["error", "message", "code"]
      .map((k) => json[k])
      .filter((v): v is string | number => typeof v === "string" || typeof v === "number");
    if (parts.length > 0) return truncate(parts.join(" / "));
  }
  return truncate(body.text.replace(/\s+/g, " ").trim());
}

export function truncate(text: string, max = MAX_ERROR_CHARS): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Removes secrets (tokens, interaction tokens in URLs) from text that will be stored or logged. */
export function scrub(text: string, secrets: Array<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join("[redacted]");
  }
  return out;
}

/**
 * Runs one HTTP request; a network failure becomes a retryable result (never throws).
 * `secrets` are scrubbed from the error text.
 */
export async function send(
  fetchFn: FetchFn,
  url: string,
  init: RequestInit,
  secrets: Array<string | undefined>,
): Promise<Response | SendResult> {
  try {
    return await fetchFn(url, { ...init, signal: init.signal ?? AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (err) {
    const message = errorText(err);
    return { kind: "retry", status: null, error: truncate(scrub(`network error: ${message}`, secrets)) };
  }
}

export function jsonInit(
  method: string,
  headers: Record<string, string>,
  payload: Record<string, unknown> | null,
): RequestInit {
  const init: RequestInit = { method, headers: { ...headers }, redirect: "manual" };
  if (payload !== null) {
    init.headers = { ...headers, "Content-Type": "application/json; charset=utf-8" };
    init.body = JSON.stringify(payload);
  }
  return init;
}
