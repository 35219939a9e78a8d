/**
 * One log line per HTTP request: method, route pattern, path, status, duration, correlation id and
 * tenant (once the request's key named one). Never bodies, headers or query strings.
 *
 * It also binds the invocation's log scope (src/observability/context.ts) to this request, so every
 * line logged while it is handled — in routes, handlers, background work — carries its current
 * correlation id and tenant. Without a scope (the app called directly, as some tests do) it opens a
 * console-only one. Registered right after the correlation id middleware.
 */
import type { Context, MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import { currentScope, withLogScope } from "../../observability/context";
import { logger } from "../../observability/logger";
import type { AppEnv } from "../types";

const log = logger("http");

function route(c: Context<AppEnv>): string | undefined {
  try {
    return routePath(c, -1);
  } catch {
    return undefined;
  }
}

export function requestLog(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = Date.now();
    const resolve = () => ({ correlationId: c.get("correlationId"), tenant: c.get("tenant") });
    const scope = currentScope();
    if (scope) {
      scope.bind(resolve);
      await next();
    } else {
      await withLogScope(c.env, undefined, { archive: false }, async () => {
        currentScope()?.bind(resolve);
        await next();
      });
    }
    const status = c.res.status;
    log.log(status >= 500 ? "error" : "info", "http.request", {
      method: c.req.method,
      route: route(c),
      path: c.req.path,
      status,
      durationMs: Date.now() - started,
      correlationId: c.get("correlationId"),
      tenant: c.get("tenant"),
    });
  };
}
