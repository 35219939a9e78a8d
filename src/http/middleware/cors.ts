/**
 * CORS for the exact origins listed in `CORS_ORIGINS` (comma-separated). None listed (the default):
 * no CORS headers at all. A request from an origin not listed gets no CORS headers, and its
 * preflight is not answered (it falls through to the 404 of an unknown route).
 */
import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import type { AppEnv } from "../types";

export function allowedOrigins(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((origin) => origin.trim())
    .filter((origin) => origin.length > 0);
}

export function corsPolicy(): MiddlewareHandler<AppEnv> {
  const handler = cors({
    origin: (origin, c) => (allowedOrigins(c.env.CORS_ORIGINS).includes(origin) ? origin : null),
    allowMethods: ["GET", "POST", "DELETE", "OPTIONS"],
    allowHeaders: ["Authorization", "Content-Type", "X-Foreman-Tenant", "X-Request-Id", "X-Correlation-Id"],
    exposeHeaders: ["X-Correlation-Id", "WWW-Authenticate"],
    maxAge: 600,
  });
  return async (c, next) => {
    const origin = c.req.header("Origin");
    if (!origin || !allowedOrigins(c.env.CORS_ORIGINS).includes(origin)) return next();
    return handler(c, next);
  };
}
