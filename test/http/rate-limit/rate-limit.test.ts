/**
 * Rate limiting through the whole app (createApp, real RateLimiter objects) with the limits lowered
 * by env overrides. Windows are hour-long and aligned to the clock: each test starts well clear of a
 * window boundary (waiting a few seconds for the next window if one is near), so all its requests
 * count in one window. Every test uses its own keys and source addresses: buckets are never shared
 * between tests.
 */
import { beforeEach, describe, expect, it } from "vitest";
import type { Env } from "../../../src/env";
import { signGitHub } from "../../../src/integrations/github/verify";
import { signLinear } from "../../../src/integrations/linear/verify";
import { signSlackBody } from "../../../src/integrations/slack/verify";
import issueUpdate from "../../fixtures/linear/issue-update-state.json";
import { exampleOf } from "../../helpers/payloads";
import {
  signedRequest as discordRequest,
  FIXTURES,
  generateKeyPair,
} from "../../integrations/discord/support";
import { hookOf } from "../../webhooks/support";
import { BASE, type CallInit, errorOf, newKey, viaApp } from "../helpers";

/** Low limits, and the addresses of `from()` believed (as behind Cloudflare's edge). */
const LOW: Partial<Env> = {
  RATE_LIMIT_PER_KEY: "3/h",
  RATE_LIMIT_PER_IP: "3/h",
  TRUST_PROXY_HEADER: "CF-Connecting-IP",
};

const HOUR_MS = 3_600_000;
/** More than any test here takes, even on a loaded machine. */
const CLEAR_OF_EDGE_MS = 8_000;

beforeEach(async () => {
  const left = HOUR_MS - (Date.now() % HOUR_MS);
  if (left < CLEAR_OF_EDGE_MS) await new Promise((resolve) => setTimeout(resolve, left + 50));
}, CLEAR_OF_EDGE_MS + 5_000);

async function statuses(n: number, send: () => Promise<Response>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await send()).status);
  return out;
}

const from = (ip: string, init: CallInit = {}): CallInit => ({
  ...init,
  headers: { ...init.headers, "CF-Connecting-IP": ip },
});

describe("per API key", () => {
  it("429 with Retry-After and the one error shape once a key used its budget; other keys unaffected", async () => {
    const a = await newKey("sec-rl-a", "viewer");
    const b = await newKey("sec-rl-a", "viewer");
    const call = (key: string) => viaApp("/api/workflows", from("192.0.2.10", { key }), LOW);
    expect(await statuses(3, () => call(a.key))).toEqual([200, 200, 200]);
    const refused = await call(a.key);
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get("Retry-After"));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    const error = await errorOf(refused);
    expect(error.code).toBe("rate_limited");
    expect(error.message).toContain("at most 3 per hour");
    expect(error.details).toMatchObject({
      scope: "key",
      limit: 3,
      windowSeconds: 3600,
      retryAfterSeconds: retryAfter,
    });
    expect(refused.headers.get("X-Content-Type-Options")).toBe("nosniff");
    // Same address, another key: its own budget.
    expect((await call(b.key)).status).toBe(200);
  });

  it("mutations count too, and a refused mutation does nothing", async () => {
    const { key } = await newKey("sec-rl-b", "operator");
    const create = (name: string) =>
      viaApp("/api/workflows/create", from("192.0.2.11", { key, body: { name } }), LOW);
    expect(await statuses(3, () => create("ok"))).toEqual([201, 201, 201]);
    expect((await create("refused")).status).toBe(429);
    const list = await viaApp("/api/workflows", { key }, { RATE_LIMIT_PER_KEY: "off" });
    const names = ((await list.json()) as { workflows: Array<{ name: string }> }).workflows.map(
      (w) => w.name,
    );
    expect(names).not.toContain("refused");
  });
});

describe("per source address (no key, or a key that is not valid)", () => {
  it("unauthenticated calls: 429 after the budget, per address", async () => {
    const call = (ip: string) => viaApp("/api/openapi.json", from(ip, { key: null }), LOW);
    expect(await statuses(4, () => call("198.51.100.1"))).toEqual([200, 200, 200, 429]);
    expect(Number((await call("198.51.100.1")).headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
    expect((await call("198.51.100.2")).status).toBe(200);
  });

  it("failed authentication counts against the address; once refused, even a valid key from it waits", async () => {
    const { key } = await newKey("sec-rl-c", "viewer");
    const bogus = () => viaApp("/api/workflows", from("198.51.100.3", { key: "fmn_made_up" }), LOW);
    expect(await statuses(4, bogus)).toEqual([401, 401, 401, 429]);
    const error = await errorOf(await bogus());
    expect(error.details).toMatchObject({ scope: "address" });
    const valid = await viaApp("/api/workflows", from("198.51.100.3", { key }), LOW);
    expect(valid.status).toBe(429);
    expect((await viaApp("/api/workflows", from("198.51.100.4", { key }), LOW)).status).toBe(200);
  });

  it("IPv6 addresses of one /64 share a budget", async () => {
    const call = (ip: string) => viaApp("/api/openapi.json", from(ip, { key: null }), LOW);
    expect((await call("2001:db8:77:1::1")).status).toBe(200);
    expect((await call("2001:db8:77:1::2")).status).toBe(200);
    expect((await call("2001:db8:77:1:aaaa::3")).status).toBe(200);
    expect((await call("2001:db8:77:1::4")).status).toBe(429);
    expect((await call("2001:db8:77:2::1")).status).toBe(200);
  });
});

describe("never on the platform endpoints", () => {
  it("10 signed requests each to Slack, Discord, GitHub and Linear from one address: none refused", async () => {
    const ip = "203.0.113.50";
    const keys = await generateKeyPair();
    const env: Partial<Env> = { ...LOW, RATE_LIMIT_PER_KEY: "2/h", RATE_LIMIT_PER_IP: "2/h" };
    const discordEnv = { ...env, DISCORD_PUBLIC_KEY: keys.publicKeyHex };

    const slack = async () => {
      const body = JSON.stringify({ type: "url_verification", challenge: "c", token: "t" });
      const ts = String(Math.floor(Date.now() / 1000));
      const headers = {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": await signSlackBody("test-signing-secret", ts, body),
        "CF-Connecting-IP": ip,
      };
      return viaApp(new Request(`${BASE}/slack/events`, { method: "POST", headers, body }), {}, env);
    };
    const discord = async () => {
      const req = await discordRequest(keys, FIXTURES.ping, { headers: { "CF-Connecting-IP": ip } });
      return viaApp(req, {}, discordEnv);
    };
    const github = async () => {
      const body = JSON.stringify(exampleOf("ping"));
      const headers = {
        "Content-Type": "application/json",
        "X-GitHub-Event": "ping",
        "X-GitHub-Delivery": crypto.randomUUID(),
        "X-Hub-Signature-256": await signGitHub(body, "test-github-secret"),
        "CF-Connecting-IP": ip,
      };
      return viaApp(new Request(`${BASE}/api/webhooks/github`, { method: "POST", headers, body }), {}, env);
    };
    const hook = await hookOf("sec-rate-hook", "github");
    const tenantGithub = async () => {
      const body = JSON.stringify(exampleOf("ping"));
      const headers = {
        "Content-Type": "application/json",
        "X-GitHub-Event": "ping",
        "X-GitHub-Delivery": crypto.randomUUID(),
        "X-Hub-Signature-256": await signGitHub(body, hook.secret),
        "CF-Connecting-IP": ip,
      };
      return viaApp(new Request(`${BASE}${hook.path}`, { method: "POST", headers, body }), {}, env);
    };
    const linear = async () => {
      const payload = structuredClone(issueUpdate) as Record<string, unknown> & {
        data: Record<string, unknown>;
      };
      payload.data.identifier = "NOPE-1";
      if (payload.data.team) (payload.data.team as Record<string, unknown>).key = "NOPE";
      const body = JSON.stringify({ ...payload, webhookTimestamp: Date.now() });
      const headers = {
        "Content-Type": "application/json",
        "Linear-Event": "Issue",
        "Linear-Delivery": crypto.randomUUID(),
        "Linear-Signature": await signLinear(body, "test-linear-secret"),
        "CF-Connecting-IP": ip,
      };
      return viaApp(new Request(`${BASE}/api/webhooks/linear`, { method: "POST", headers, body }), {}, env);
    };

    expect(await statuses(10, slack)).toEqual(Array(10).fill(200));
    expect(await statuses(10, discord)).toEqual(Array(10).fill(200));
    expect(await statuses(10, github)).toEqual(Array(10).fill(200));
    expect(await statuses(10, tenantGithub)).toEqual(Array(10).fill(200));
    expect(await statuses(10, linear)).toEqual(Array(10).fill(202));

    // The same address on the REST API: its budget of 2 is untouched by the 50 platform requests.
    const rest = () => viaApp("/api/openapi.json", from(ip, { key: null }), env);
    expect(await statuses(3, rest)).toEqual([200, 200, 429]);
    // The admins' webhook routes are REST: limited like the rest.
    const admin = () => viaApp("/api/webhooks/github/secret", from("203.0.113.51", { key: null }), env);
    expect(await statuses(3, admin)).toEqual([401, 401, 429]);
  });
});

describe("settings", () => {
  it("RATE_LIMIT_PER_KEY=off lifts the key limit", async () => {
    const { key } = await newKey("sec-rl-d", "viewer");
    const off = { ...LOW, RATE_LIMIT_PER_KEY: "off" };
    expect(await statuses(6, () => viaApp("/api/workflows", from("192.0.2.12", { key }), off))).toEqual(
      Array(6).fill(200),
    );
  });
});
