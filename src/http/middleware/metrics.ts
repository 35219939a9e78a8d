/**
 * Request metrics: after the response is built, one `http` event per request with the matched
 * route pattern (`/api/agents/:id`, never the raw URL), method, status and latency. Written to
 * Analytics Engine at once and to the tenant's Metrics rollup (`_system` without a tenant) in the
 * background: nothing here is awaited on the response path.
 */
import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import { inBackground, MetricsRecorder } from "../../observability/metrics";
import { methodLabel, UNMATCHED_ROUTE } from "../../observability/metrics-model";
import type { AppEnv } from "../types";

/** The pattern of the route that answered; middleware-only matches (404s, early answers) are unmatched. */
export function routeLabel(c: Context<AppEnv>): string {
  try {
    const route = matchedRoutes(c)[c.req.routeIndex];
    if (!route || route.method === "ALL" || route.path.includes("*")) return UNMATCHED_ROUTE;
    return route.path;
  } catch {
    return UNMATCHED_ROUTE;
  }
}

/** The request's execution context; none when the app was called without one (some tests). */
function executionContext(c: Context<AppEnv>): { waitUntil(promise: Promise<unknown>): void } | undefined {
  try {
    return c.executionCtx;
  } catch {
    return undefined;
  }
}

export function requestMetrics(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const ms = performance.now() - started;
    const recorder = new MetricsRecorder(c.env);
    recorder.http(c.get("tenant"), routeLabel(c), methodLabel(c.req.method), c.res.status, ms);
    inBackground(executionContext(c), recorder.flush());
  };
}
