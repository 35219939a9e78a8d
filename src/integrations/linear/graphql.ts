/**
 * One Linear GraphQL request and what it means for a delivery. Linear reports failures as GraphQL
 * `errors` (rate limits: extension code RATELIMITED), sometimes with HTTP 200, sometimes with 400:
 * RATELIMITED is retried (after the rate-limit reset), other errors are permanent, 5xx and network
 * errors are retried.
 */

import type { FetchFn, SendResult } from "../../platform/http-client";
import {
  classifyStatus,
  describe,
  isRecord,
  jsonInit,
  parseRetryAfter,
  rateLimited,
  readBody,
  send,
  truncate,
} from "../../platform/http-client";

export interface GraphQLTarget {
  url: string;
  apiKey: string;
  fetch: FetchFn;
  now: () => number;
}

/** The `data` of a successful answer, or the delivery result a failure amounts to. */
export type GraphQLAnswer =
  | { ok: true; status: number; data: Record<string, unknown> }
  | { ok: false; result: SendResult };

export type GraphQL = (query: string, variables: Record<string, unknown>) => Promise<GraphQLAnswer>;

/** A GraphQL caller bound to one endpoint and API key (sent raw in `Authorization`, as Linear wants). */
export function graphQL(target: GraphQLTarget): GraphQL {
  return async (query, variables) => {
    const init = jsonInit("POST", { Authorization: target.apiKey }, { query, variables });
    const res = await send(target.fetch, target.url, init, [target.apiKey]);
    if (!(res instanceof Response)) return { ok: false, result: res };
    return interpret(res, target.now());
  };
}

interface GraphQLError {
  message: string;
  code: string | null;
}

function graphQLErrors(json: unknown): GraphQLError[] {
  if (!isRecord(json) || !Array.isArray(json.errors)) return [];
  return json.errors.filter(isRecord).map((e) => ({
    message: typeof e.message === "string" ? e.message : "unknown error",
    code: isRecord(e.extensions) && typeof e.extensions.code === "string" ? e.extensions.code : null,
  }));
}

async function interpret(res: Response, nowMs: number): Promise<GraphQLAnswer> {
  const body = await readBody(res);
  const errors = graphQLErrors(body.json);
  if (errors.some((e) => e.code === "RATELIMITED")) {
    return { ok: false, result: rateLimited(res.status, "linear: RATELIMITED", resetSeconds(res, nowMs)) };
  }
  if (errors.length > 0 && res.status < 500) {
    const first = errors[0];
    const error = `linear: ${first?.code ? `${first.code}: ` : ""}${first?.message ?? ""}`;
    return { ok: false, result: { kind: "permanent", status: res.status, error: truncate(error) } };
  }
  if (res.status < 200 || res.status >= 300) {
    return { ok: false, result: classifyStatus(res, describe(body), nowMs) };
  }
  const data = isRecord(body.json) && isRecord(body.json.data) ? body.json.data : {};
  return { ok: true, status: res.status, data };
}

/** Seconds until Linear's rate-limit window resets (`X-RateLimit-*-Reset` are epoch milliseconds). */
function resetSeconds(res: Response, nowMs: number): number | null {
  const resets = ["x-ratelimit-requests-reset", "x-ratelimit-complexity-reset"]
    .map((h) => Number(res.headers.get(h)))
    .filter((ms) => Number.isFinite(ms) && ms > 0);
  if (resets.length > 0) return (Math.max(...resets) - nowMs) / 1000;
  return parseRetryAfter(res.headers.get("retry-after"), nowMs);
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
