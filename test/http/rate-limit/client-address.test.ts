/**
 * The per-address limit cannot be dodged with a header: with no trusted proxy header (local runs,
 * `npm start`, `npm run dev`) a client's own `CF-Connecting-IP` or `X-Forwarded-For` is ignored, so
 * rotating it does not give a flood of bad keys fresh budgets.
 *
 * The rate-limit middleware runs in a small app of its own with a private in-isolate front and
 * private RateLimiter objects: the shared bucket `unknown` of the real app is never touched, so no
 * other test's unauthenticated calls are refused because of these floods.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { Env } from "../../../src/env";
import type { RateConfig } from "../../../src/http/rate-limit/config";
import { rateLimit } from "../../../src/http/rate-limit/middleware";
import { rateLimiter } from "../../../src/http/rate-limit/rate-limiter";
import { LocalFront } from "../../../src/http/rate-limit/window";
import type { AppEnv } from "../../../src/http/types";
import { authenticate } from "../../../src/tenants/authenticate";
import { newKey } from "../helpers";

const HOUR = 3_600_000;
const LIMITS: RateConfig = { perKey: { limit: 3, windowMs: HOUR }, perIp: { limit: 3, windowMs: HOUR } };

/** The middleware in front of one authenticated route; buckets named `<scope>|<bucket>`. */
function limitedApp(scope: string, overrides: Partial<Env>) {
  const buckets: string[] = [];
  const app = new Hono<AppEnv>();
  app.use(
    "/api/*",
    rateLimit({
      config: LIMITS,
      front: new LocalFront(),
      remote: (c, bucket, rate) => (served) => {
        buckets.push(bucket);
        return rateLimiter(c.env, `${scope}|${bucket}`).hit(served, rate.limit, rate.windowMs);
      },
    }),
  );
  app.get("/api/thing", async (c) =>
    (await authenticate(c.env, c.req.raw)) ? c.json({ ok: true }) : c.json({ error: "no" }, 401),
  );
  const call = async (headers: Record<string, string>, key: string | null = "fmn_made_up") => {
    const all = new Headers(headers);
    if (key) all.set("Authorization", `Bearer ${key}`);
    const ctx = createExecutionContext();
    const res = await app.fetch(
      new Request("http://foreman.test/api/thing", { headers: all }),
      { ...env, ...overrides },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    return res.status;
  };
  return { call, buckets };
}

async function statuses(n: number, send: (i: number) => Promise<number>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await send(i));
  return out;
}

describe("no trusted proxy header (local runs)", () => {
  it("bad keys with a fresh CF-Connecting-IP each still get 429 after the budget", async () => {
    const { call, buckets } = limitedApp("ca-cf", {});
    const rotating = (i: number) => call({ "CF-Connecting-IP": `198.51.100.${i + 1}` });
    expect(await statuses(8, rotating)).toEqual([401, 401, 401, 429, 429, 429, 429, 429]);
    expect(new Set(buckets)).toEqual(new Set(["ip:unknown"]));
  });

  it("nor does rotating X-Forwarded-For or X-Real-IP help", async () => {
    const { call } = limitedApp("ca-xff", {});
    const rotating = (i: number) =>
      call({ "X-Forwarded-For": `203.0.113.${i + 1}`, "X-Real-IP": `203.0.113.${i + 1}` });
    expect(await statuses(5, rotating)).toEqual([401, 401, 401, 429, 429]);
  });

  it("a flood in the shared bucket does not lock valid keys out; calls without a key wait", async () => {
    const { key } = await newKey("sec-ca-valid", "viewer");
    const { call } = limitedApp("ca-valid", {});
    expect(await statuses(4, (i) => call({ "CF-Connecting-IP": `192.0.2.${i + 1}` }))).toEqual([
      401, 401, 401, 429,
    ]);
    expect(await call({ "CF-Connecting-IP": "192.0.2.200" }, key)).toBe(200);
    expect(await call({}, key)).toBe(200);
    expect(await call({}, null)).toBe(429);
    expect(await call({}, "fmn_still_made_up")).toBe(429);
  });
});

describe("TRUST_PROXY_HEADER names the header something in front sets", () => {
  it("CF-Connecting-IP (Cloudflare's edge): each address has its own budget", async () => {
    const { call } = limitedApp("ca-trust-cf", { TRUST_PROXY_HEADER: "CF-Connecting-IP" });
    const rotating = (i: number) => call({ "CF-Connecting-IP": `198.51.100.${i + 1}` });
    expect(await statuses(5, rotating)).toEqual([401, 401, 401, 401, 401]);
    const one = () => call({ "CF-Connecting-IP": "198.51.100.77" });
    expect(await statuses(4, one)).toEqual([401, 401, 401, 429]);
  });

  it("X-Forwarded-For: the last entry, the one the proxy added; the client's own entries do not count", async () => {
    const { call, buckets } = limitedApp("ca-trust-xff", { TRUST_PROXY_HEADER: "X-Forwarded-For" });
    const spoofed = (i: number) => call({ "X-Forwarded-For": `10.0.0.${i + 1}, 203.0.113.40` });
    expect(await statuses(4, spoofed)).toEqual([401, 401, 401, 429]);
    expect(new Set(buckets)).toEqual(new Set(["ip:203.0.113.40"]));
    // CF-Connecting-IP is not the trusted header here: ignored.
    expect(await call({ "X-Forwarded-For": "203.0.113.40", "CF-Connecting-IP": "192.0.2.1" })).toBe(429);
  });
});
