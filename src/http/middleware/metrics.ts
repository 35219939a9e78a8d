/**
 * Request metrics: after the response is built, one `http` event per request with the matched
 * route pattern (`/api/agents/:id`, never the raw URL), method, status and latency. Written to
 * Analytics Engine at once and added to the isolate's buffer for the tenant's Metrics rollup
 * (`_system` without a tenant), which is sent in batches in the background
 * (src/observability/metrics-buffer.ts): nothing here is awaited on the response path.
 */
import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import { recordRequest } from "../../observability/metrics";
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
    recordRequest(c.env, executionContext(c), c.get("tenant"), {
      route: routeLabel(c),
      method: methodLabel(c.req.method),
      status: c.res.status,
      ms,
    });
  };
}
