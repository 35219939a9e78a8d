/**
 * Rate limiting of the REST API (`/api/*`): per API key for authenticated calls
 * (`RATE_LIMIT_PER_KEY`, default 600/min; a dashboard session counts as the key `session:<person>`)
 * and per source address for calls with no key or a key that is not valid (`RATE_LIMIT_PER_IP`,
 * default 300/min). Over the limit: 429 in the one error
 * shape with `Retry-After` (seconds until the window ends).
 *
 * Never applied to the platform endpoints — `/slack/*`, `/discord/*` (not under `/api`) and the
 * webhook deliveries (`/api/webhooks/<kind>` and `/api/webhooks/<kind>/t/<hook id>`) — so a legitimate
 * platform retry is never refused: those are authenticated by signatures and de-duplicated by
 * delivery id instead. The admins' webhook routes (`/api/webhooks/<kind>/secret`, …) are limited.
 *
 * The address comes only from the header `TRUST_PROXY_HEADER` names (src/http/rate-limit/client-address.ts);
 * without one every caller shares the address bucket `unknown`.
 *
 * Counting: a fixed window per bucket in a RateLimiter Durable Object, behind an in-isolate front
 * (src/http/rate-limit/window.ts). An address this isolate has seen refused is refused before its key
 * is looked up, so a flood of made-up keys does not reach the Directory. The shared bucket `unknown`
 * is the exception for calls that carry a key: one caller's flood must not lock everyone's valid
 * keys out, so those keys are looked up first (a valid one counts against its own key). If the
 * limiter cannot be reached the request goes through (logged): rate limiting never takes the API down.
 */
import type { Context, MiddlewareHandler } from "hono";
import { logger } from "../../observability/logger";
import { errorText } from "../../platform/errors";
import { webhookDeliveryKind } from "../../platform/limits";
import { authenticate, bearerToken } from "../../tenants/authenticate";
import { sessionToken } from "../../tenants/dashboard-sessions";
import type { AppEnv } from "../types";
import { clientAddress, trustedHeader, UNKNOWN_ADDRESS } from "./client-address";
import { type Rate, type RateConfig, rateConfig } from "./config";
import { rateLimiter } from "./rate-limiter";
import { LocalFront, type RemoteHit } from "./window";

export interface RateLimitOptions {
  /** Limits; default from the env (`RATE_LIMIT_PER_KEY`, `RATE_LIMIT_PER_IP`). */
  config?: RateConfig;
  /** The in-isolate front; default one shared by the isolate. */
  front?: LocalFront;
  /** The authoritative counter of a bucket; default its RateLimiter object. */
  remote?: (c: Context<AppEnv>, bucket: string, rate: Rate) => RemoteHit;
  now?: () => number;
}

const sharedFront = new LocalFront();
const log = logger("http.rate-limit");

const viaObject = (c: Context<AppEnv>, bucket: string, rate: Rate): RemoteHit => {
  return (served) => rateLimiter(c.env, bucket).hit(served, rate.limit, rate.windowMs);
};

function per(rate: Rate): string {
  const seconds = rate.windowMs / 1000;
  if (seconds === 60) return "minute";
  if (seconds === 3600) return "hour";
  return seconds === 1 ? "second" : `${seconds} seconds`;
}

function tooMany(c: Context<AppEnv>, scope: "API key" | "address", rate: Rate, retryAfter: number): Response {
  const message = `Too many requests for this ${scope}: at most ${rate.limit} per ${per(rate)}; retry in ${retryAfter} s`;
  const details = {
    scope: scope === "API key" ? "key" : "address",
    limit: rate.limit,
    windowSeconds: rate.windowMs / 1000,
    retryAfterSeconds: retryAfter,
  };
  return c.json({ error: { code: "rate_limited", message, details } }, 429, {
    "Retry-After": String(retryAfter),
  });
}

export function rateLimit(options: RateLimitOptions = {}): MiddlewareHandler<AppEnv> {
  const front = options.front ?? sharedFront;
  const remoteOf = options.remote ?? viaObject;
  const clock = options.now ?? Date.now;
  return async (c, next) => {
    if (c.req.method === "OPTIONS" || webhookDeliveryKind(c.req.path) !== null) {
      return next();
    }
    const config = options.config ?? rateConfig(c.env);
    const now = clock();
    const address = clientAddress(c.req.raw, trustedHeader(c.env));
    const ipBucket = `ip:${address}`;
    // In the shared bucket a refusal says nothing about this caller: a key is looked up first.
    const credential = bearerToken(c.req.raw) ?? sessionToken(c.req.raw);
    const refuseEarly = address !== UNKNOWN_ADDRESS || credential === null;
    if (config.perIp && refuseEarly) {
      const wait = front.blockedFor(ipBucket, now);
      if (wait !== null) return tooMany(c, "address", config.perIp, wait);
    }
    const principal = await authenticate(c.env, c.req.raw);
    const bucket = principal ? `key:${principal.keyId}` : ipBucket;
    const rate = principal ? config.perKey : config.perIp;
    if (!rate) return next();
    let verdict: Awaited<ReturnType<RemoteHit>>;
    try {
      verdict = await front.check(bucket, rate, now, remoteOf(c, bucket, rate));
    } catch (err) {
      log.warn("rate_limit.unavailable", { scope: principal ? "key" : "address", error: errorText(err) });
      return next();
    }
    if (!verdict.allowed)
      return tooMany(c, principal ? "API key" : "address", rate, verdict.retryAfterSeconds);
    await next();
  };
}
