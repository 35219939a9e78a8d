/**
 * One Linear GraphQL request through `@linear/sdk` and what it means for a delivery.
 *
 * The SDK's `LinearClient` sends the request (its `client.rawRequest`, so Foreman's own mutations
 * keep their exact documents) with the API key raw in `Authorization` or an OAuth access token as
 * `Bearer`. The SDK always calls the global `fetch` (it takes no fetch function), so a per-request
 * `AbortSignal` is the one thing handed to it: a client is built per request, with a fresh timeout.
 *
 * Failures come back as `LinearError`s (`type`, `status`, the raw GraphQL errors) or, when the
 * request never got an answer, as whatever `fetch` threw. Linear reports failures as GraphQL
 * `errors`, sometimes with HTTP 200, sometimes with 400: RATELIMITED (extension code, SDK type
 * `Ratelimited`, or HTTP 429) is retried after the rate-limit reset; 408, 5xx and network errors
 * are retried; authentication and other GraphQL errors are permanent.
 */

import { LinearClient, LinearError, LinearErrorType } from "@linear/sdk";
import { z } from "zod";
import { errorText } from "../../platform/errors";
import type { SendResult } from "../../platform/http-client";
import {
  clampDelay,
  isRecord,
  parseRetryAfter,
  REQUEST_TIMEOUT_MS,
  scrub,
  truncate,
} from "../../platform/http-client";

/** A send that did not deliver: a retry or a permanent failure. */
export type SendFailure = Exclude<SendResult, { kind: "delivered" }>;

export const DEFAULT_LINEAR_API_URL = "https://api.linear.app/graphql";

/** How Foreman authenticates to Linear: a personal API key, or an OAuth access token (`actor=app`). */
export type LinearCredential = { apiKey: string } | { accessToken: string };

/** The token of a credential (for scrubbing it from error text). */
function credentialSecret(credential: LinearCredential): string {
  return "apiKey" in credential ? credential.apiKey : credential.accessToken;
}

/**
 * An SDK client for one request. Throws the SDK's plain `Error` when `apiUrl` is not HTTPS (plain
 * HTTP only for localhost / 127.0.0.1 / [::1]) or the credential is empty.
 */
export function linearSdk(
  credential: LinearCredential,
  apiUrl: string,
  signal: AbortSignal = AbortSignal.timeout(REQUEST_TIMEOUT_MS),
): LinearClient {
  return new LinearClient({ ...credential, apiUrl, signal });
}

export interface GraphQLTarget {
  url: string;
  credential: LinearCredential;
  now: () => number;
}

/** The `data` of a successful answer, or the delivery result a failure amounts to. */
export type GraphQLAnswer =
  | { ok: true; status: number; data: Record<string, unknown> }
  | { ok: false; result: SendResult };

export type GraphQL = (query: string, variables: Record<string, unknown>) => Promise<GraphQLAnswer>;

/** A GraphQL caller bound to one endpoint and credential. */
export function graphQL(target: GraphQLTarget): GraphQL {
  const secrets = [credentialSecret(target.credential)];
  return async (query, variables) => {
    let sdk: LinearClient;
    try {
      sdk = linearSdk(target.credential, target.url);
    } catch (err) {
      return { ok: false, result: permanentFailure("linear: client not configured", err, secrets) };
    }
    try {
      const answer = await sdk.client.rawRequest<unknown, Record<string, unknown>>(query, variables);
      const data = isRecord(answer.data) ? answer.data : {};
      return { ok: true, status: answer.status ?? 200, data };
    } catch (err) {
      return { ok: false, result: linearFailure(err, target.now(), secrets) };
    }
  };
}

/**
 * A failed GraphQL request outside deliveries (e.g. the organisation lookup of an install), with
 * the delivery classification it amounts to: `retryable` for rate limits, 5xx and network errors.
 * Its message is the scrubbed error text.
 */
export class LinearRequestError extends Error {
  readonly status: number | null;
  readonly retryable: boolean;
  /** Seconds to wait before trying again, when Linear said (rate limits). */
  readonly retryAfterSeconds: number | null;
  constructor(result: SendFailure) {
    super(result.error);
    this.name = "LinearRequestError";
    this.status = result.status;
    this.retryable = result.kind === "retry";
    this.retryAfterSeconds = result.kind === "retry" ? (result.retryAfterSeconds ?? null) : null;
  }
}

/** A permanent failure for an error thrown before any request was made (a bad API URL). */
export function permanentFailure(
  prefix: string,
  err: unknown,
  secrets: Array<string | undefined>,
): Extract<SendResult, { kind: "permanent" }> {
  return { kind: "permanent", status: null, error: truncate(scrub(`${prefix}: ${errorText(err)}`, secrets)) };
}

/** The raw GraphQL errors of an answer, as far as Foreman reads them. */
const RawErrors = z.array(
  z.looseObject({
    message: z.string().optional(),
    extensions: z
      .looseObject({
        code: z.string().optional(),
        type: z.string().optional(),
      })
      .optional(),
  }),
);

/**
 * What a failed SDK call amounts to for a delivery. `secrets` (the token) are scrubbed from the
 * error text, which is kept in attempt histories and dead letters.
 */
export function linearFailure(err: unknown, nowMs: number, secrets: Array<string | undefined>): SendFailure {
  const clean = (text: string) => truncate(scrub(text, secrets));
  if (!(err instanceof LinearError)) {
    // No answer at all: fetch threw (connection refused or dropped, the timeout), or the body was unreadable.
    return { kind: "retry", status: null, error: clean(`network error: ${errorText(err)}`) };
  }
  const status = err.status ?? null;
  const parsed = RawErrors.safeParse(err.raw?.response?.errors ?? []);
  const errors = parsed.success ? parsed.data : [];
  const limited =
    err.type === LinearErrorType.Ratelimited ||
    status === 429 ||
    errors.some((e) => e.extensions?.code === "RATELIMITED");
  if (limited) {
    const limitedResult: SendFailure = { kind: "retry", status, error: "linear: RATELIMITED" };
    const seconds = resetSeconds(err.raw?.response?.headers, nowMs);
    if (seconds !== null) limitedResult.retryAfterSeconds = clampDelay(seconds);
    return limitedResult;
  }
  if (status !== null && (status === 408 || status >= 500)) {
    return { kind: "retry", status, error: clean(`linear: HTTP ${status}: ${detail(err)}`) };
  }
  const first = errors[0];
  if (first) {
    const code = first.extensions?.code;
    const error = `linear: ${code ? `${code}: ` : ""}${first.message ?? err.type ?? "unknown error"}`;
    return { kind: "permanent", status, error: clean(error) };
  }
  // An HTTP error without GraphQL errors (401 with a text body, a 200 that is not JSON, ...).
  return { kind: "permanent", status, error: clean(`linear: HTTP ${status ?? "?"}: ${detail(err)}`) };
}

/** A single-line description of a failed answer (scrubbed, then truncated, by the caller). */
function detail(err: LinearError): string {
  const text = err.raw?.response?.error ?? err.message;
  return text.replace(/\s+/g, " ").trim();
}

/** Seconds until Linear's rate-limit window resets (`X-RateLimit-*-Reset` are epoch milliseconds). */
function resetSeconds(headers: Headers | undefined, nowMs: number): number | null {
  if (!headers) return null;
  const resets = ["x-ratelimit-requests-reset", "x-ratelimit-complexity-reset"]
    .map((h) => Number(headers.get(h)))
    .filter((ms) => Number.isFinite(ms) && ms > 0);
  if (resets.length > 0) return (Math.max(...resets) - nowMs) / 1000;
  return parseRetryAfter(headers.get("retry-after"), nowMs);
}

/** The mutation result under `field`: delivered unless Linear answered `success: false`. */
export function mutationResult(
  answer: { status: number; data: Record<string, unknown> },
  field: string,
): SendResult {
  const result = answer.data[field];
  if (isRecord(result) && result.success === false) {
    return { kind: "permanent", status: answer.status, error: `linear: ${field} returned success=false` };
  }
  return { kind: "delivered", status: answer.status };
}
