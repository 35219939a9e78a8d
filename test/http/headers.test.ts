/** Security headers: API answers are nosniff + no-store; HTML carries CSP, frame, referrer headers. */
import { exports } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import {
  CONTENT_SECURITY_POLICY,
  securityHeaders,
  withHeaders,
  withHtmlSecurityHeaders,
} from "../../src/http/middleware/headers";
import type { AppEnv } from "../../src/http/types";
import { BASE, viaApp } from "./helpers";

function expectHtmlHeaders(res: Response): void {
  expect(res.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
  expect(res.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
  expect(res.headers.get("X-Frame-Options")).toBe("DENY");
  expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
  expect(res.headers.get("Referrer-Policy")).toBe("no-referrer");
}

describe("API responses", () => {
  it("carry nosniff and no-store: success, 401, 404, validation error, platform error", async () => {
    const responses = [
      await viaApp("/api/openapi.json", { key: null }),
      await viaApp("/api/workflows", { key: null }),
      await viaApp("/api/nothing-here"),
      await viaApp("/api/workflows/create", { body: { nope: 1 } }),
      await viaApp("/slack/events", { method: "POST", key: null, body: "x" }),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 401, 404, 400, 401]);
    for (const res of responses) {
      expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(res.headers.get("Cache-Control")).toBe("no-store");
    }
  });
});

describe("HTML", () => {
  it("the dashboard page served through the Worker has the full set", async () => {
    const res = await exports.default.fetch(new Request(`${BASE}/`));
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
    expectHtmlHeaders(res);
  });

  it("HTML produced by a route gets the full set; a header a route set itself is kept", async () => {
    const app = new Hono<AppEnv>();
    app.use("*", securityHeaders());
    app.get("/page", (c) => c.html("<p>hi</p>"));
    app.get("/framed", (c) => c.html("<p>hi</p>", 200, { "X-Frame-Options": "SAMEORIGIN" }));
    app.get("/cached", (c) => c.json({ ok: true }, 200, { "Cache-Control": "max-age=60" }));
    const page = await app.request("/page");
    expectHtmlHeaders(page);
    expect(page.headers.get("Content-Security-Policy")).toBe(CONTENT_SECURITY_POLICY);
    expect((await app.request("/framed")).headers.get("X-Frame-Options")).toBe("SAMEORIGIN");
    const cached = await app.request("/cached");
    expect(cached.headers.get("Cache-Control")).toBe("max-age=60");
    expect(cached.headers.get("Content-Security-Policy")).toBeNull();
  });

  it("a response with immutable headers is copied, not failed", async () => {
    const immutable = Response.redirect("https://foreman.test/elsewhere", 302);
    expect(() => immutable.headers.set("X-Test", "1")).toThrow();
    const res = withHeaders(immutable, { "X-Content-Type-Options": "nosniff" });
    expect(res).not.toBe(immutable);
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("https://foreman.test/elsewhere");
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    const json = new Response("{}", { headers: { "Content-Type": "application/json" } });
    expect(withHtmlSecurityHeaders(json).headers.get("Content-Security-Policy")).toBeNull();
    const html = new Response("<p>x</p>", { headers: { "Content-Type": "text/html; charset=utf-8" } });
    expectHtmlHeaders(withHtmlSecurityHeaders(html));
  });
});
