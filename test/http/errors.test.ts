import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { OpenAPIHono } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { notFound, onError } from "../../src/http/errors";
import { correlation } from "../../src/http/middleware/correlation";
import type { AppEnv } from "../../src/http/types";
import { ConflictError } from "../../src/platform/errors";
import { errorOf, viaApp } from "./helpers";

function throwingApp(): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();
  app.use("*", correlation());
  app.get("/boom", () => {
    throw new TypeError("secret internals at line 42");
  });
  app.get("/conflict", () => {
    throw new ConflictError("Illegal transition running -> running", { from: "running" });
  });
  app.onError(onError);
  app.notFound(notFound);
  return app;
}

describe("errors", () => {
  it("unknown routes are a JSON 404", async () => {
    const res = await viaApp("/api/nope", { key: null });
    expect(res.status).toBe(404);
    expect(res.headers.get("Content-Type")).toContain("application/json");
    expect(await errorOf(res)).toEqual({ code: "not_found", message: "No route for GET /api/nope" });
  });

  it("an unexpected error is a 500 internal with the correlation id and no stack", async () => {
    const res = await throwingApp().fetch(
      new Request("http://x/boom", { headers: { "X-Request-Id": "req-500" } }),
      env,
      createExecutionContext(),
    );
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({
      error: { code: "internal", message: "Internal error", details: { correlationId: "req-500" } },
    });
    expect(text).not.toContain("secret internals");
    expect(res.headers.get("X-Correlation-Id")).toBe("req-500");
  });

  it("AppErrors keep their status, code and details", async () => {
    const res = await throwingApp().fetch(new Request("http://x/conflict"), env, createExecutionContext());
    expect(res.status).toBe(409);
    expect(await errorOf(res)).toEqual({
      code: "conflict",
      message: "Illegal transition running -> running",
      details: { from: "running" },
    });
  });
});

describe("correlation id", () => {
  it("echoes a sane X-Correlation-Id or X-Request-Id, replaces anything else", async () => {
    const given = await viaApp("/api/workflows", { headers: { "X-Correlation-Id": "abc-123" } });
    expect(given.headers.get("X-Correlation-Id")).toBe("abc-123");
    const request = await viaApp("/api/workflows", { headers: { "X-Request-Id": "req.7:x" } });
    expect(request.headers.get("X-Correlation-Id")).toBe("req.7:x");
    const insane = await viaApp("/api/workflows", { headers: { "X-Correlation-Id": "<script>" } });
    expect(insane.headers.get("X-Correlation-Id")).toMatch(/^[0-9a-f-]{36}$/);
    const onError = await viaApp("/api/workflows", { key: null, headers: { "X-Correlation-Id": "on-401" } });
    expect(onError.headers.get("X-Correlation-Id")).toBe("on-401");
  });
});
