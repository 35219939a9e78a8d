/**
 * Correlation id: taken from `X-Correlation-Id` / `X-Request-Id` when sane, else a fresh UUID.
 * A route may replace it (webhooks use the delivery id); the response carries the final one.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../types";

const SANE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export function correlation(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const given = c.req.header("X-Correlation-Id") ?? c.req.header("X-Request-Id");
    const id = given && SANE.test(given) ? given : crypto.randomUUID();
    c.set("correlationId", id);
    await next();
    c.header("X-Correlation-Id", c.get("correlationId") ?? id);
  };
}
