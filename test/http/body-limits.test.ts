/**
 * Body limits per route: a body over the route's limit gets 413 (the one error shape, naming the
 * limit), whether it declares its length or is sent chunked without Content-Length; a body of
 * exactly the limit is not refused for its size.
 */
import { describe, expect, it } from "vitest";
import { MAX_BODY_BYTES } from "../../src/http/middleware/body";
import { MAX_INTERACTION_BYTES } from "../../src/integrations/discord/verify";
import { MAX_BODY_BYTES as SLACK_MAX } from "../../src/integrations/slack/receiver";
import { BODY_LIMITS, bodyLimitFor } from "../../src/platform/limits";
import { WEBHOOK_BODY_LIMIT } from "../../src/webhooks/options";
import { ADMIN, BASE, errorOf, jsonOf, viaApp } from "./helpers";

const CHUNK = 64 * 1024;

/** A body stream of `size` bytes in 64 KiB chunks (no Content-Length). */
function streamOf(size: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= size) return controller.close();
      const n = Math.min(CHUNK, size - sent);
      sent += n;
      controller.enqueue(new Uint8Array(n).fill(0x20));
    },
  });
}

/**
 * A POST as it arrives from a client: a string body declares its length (workerd leaves
 * Content-Length off Request objects built in code, so it is set here); a stream has none.
 */
function post(path: string, body: string | ReadableStream<Uint8Array>, headers: Record<string, string> = {}) {
  const length =
    typeof body === "string" ? { "Content-Length": String(new TextEncoder().encode(body).byteLength) } : {};
  return new Request(`${BASE}${path}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${ADMIN}`, "Content-Type": "application/json", ...length, ...headers },
    body,
    duplex: "half",
  } as RequestInit);
}

interface Doc {
  paths: Record<string, Record<string, unknown>>;
}

/** Every REST operation that takes a body (each POST; some bodies are optional), from the OpenAPI document. */
async function restRoutesWithBody(): Promise<string[]> {
  const doc = await jsonOf<Doc>(await viaApp("/api/openapi.json", { key: null }));
  return Object.entries(doc.paths)
    .filter(([, ops]) => ops.post !== undefined)
    .map(([path]) => path.replace(/\{[^}]+\}/g, "sec-x"));
}

const PLATFORM_ROUTES: Array<[string, number]> = [
  ["/slack/events", BODY_LIMITS.slack],
  ["/discord/interactions", BODY_LIMITS.discord],
  ["/api/webhooks/github", BODY_LIMITS.github],
  ["/api/webhooks/linear", BODY_LIMITS.linear],
];

describe("the limits table", () => {
  it("is what the readers enforce", () => {
    expect(BODY_LIMITS.api).toBe(64 * 1024);
    expect(MAX_BODY_BYTES).toBe(BODY_LIMITS.api);
    expect(SLACK_MAX).toBe(BODY_LIMITS.slack);
    expect(MAX_INTERACTION_BYTES).toBe(BODY_LIMITS.discord);
    expect(WEBHOOK_BODY_LIMIT).toBe(BODY_LIMITS.github);
    expect(bodyLimitFor("/api/workflows/create")).toBe(BODY_LIMITS.api);
    expect(bodyLimitFor("/api/webhooks/linear")).toBe(BODY_LIMITS.linear);
    expect(bodyLimitFor("/slack/events")).toBe(BODY_LIMITS.slack);
    // A tenant's own webhook URL has its platform's limit; the admins' webhook routes are REST.
    expect(bodyLimitFor("/api/webhooks/github/t/hk_aaaaaaaaaaaaaaaaaaaa")).toBe(BODY_LIMITS.github);
    expect(bodyLimitFor("/api/webhooks/linear/t/hk_aaaaaaaaaaaaaaaaaaaa")).toBe(BODY_LIMITS.linear);
    expect(bodyLimitFor("/api/webhooks/github/secret")).toBe(BODY_LIMITS.api);
    expect(bodyLimitFor("/api/webhooks/reencrypt")).toBe(BODY_LIMITS.api);
  });
});

describe("REST routes: 64 KiB", () => {
  it("every route with a body refuses one over the limit, declared or chunked", async () => {
    const routes = await restRoutesWithBody();
    expect(routes.length).toBeGreaterThanOrEqual(10);
    for (const path of routes) {
      const declared = await viaApp(post(path, "x".repeat(BODY_LIMITS.api + 1)));
      expect(declared.status, `${path} with Content-Length`).toBe(413);
      const error = await errorOf(declared);
      expect(error.code).toBe("payload_too_large");
      expect(error.message).toContain(String(BODY_LIMITS.api));

      const chunked = post(path, streamOf(BODY_LIMITS.api + CHUNK));
      expect(chunked.headers.get("Content-Length")).toBeNull();
      const res = await viaApp(chunked);
      expect(res.status, `${path} chunked`).toBe(413);
      expect((await errorOf(res)).message).toContain(String(BODY_LIMITS.api));
    }
  });

  it("a body of exactly the limit is not refused for its size", async () => {
    const body = JSON.stringify({ name: "x", description: "" });
    const padded = body.replace('""', `"${" ".repeat(BODY_LIMITS.api - body.length)}"`);
    expect(new TextEncoder().encode(padded).byteLength).toBe(BODY_LIMITS.api);
    const res = await viaApp(post("/api/workflows/create", padded));
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe("validation_failed");
  });
});

describe("platform routes: their own limits", () => {
  for (const [path, limit] of PLATFORM_ROUTES) {
    it(`${path}: over ${limit} bytes -> 413, declared or chunked; exactly ${limit} -> not 413`, async () => {
      const declared = await viaApp(post(path, " ".repeat(limit + 1)));
      expect(declared.status).toBe(413);
      const error = await errorOf(declared);
      expect(error.code).toBe("payload_too_large");
      expect(error.message).toContain(String(limit));

      // Signature headers present, so the request gets as far as reading the body.
      const signed = {
        "X-Slack-Signature": "v0=00",
        "X-Slack-Request-Timestamp": String(Math.floor(Date.now() / 1000)),
        "X-Hub-Signature-256": `sha256=${"0".repeat(64)}`,
        "Linear-Signature": "0".repeat(64),
      };
      const chunked = post(path, streamOf(limit + CHUNK), signed);
      expect(chunked.headers.get("Content-Length")).toBeNull();
      const res = await viaApp(chunked);
      expect(res.status).toBe(413);
      expect((await errorOf(res)).code).toBe("payload_too_large");

      const exact = await viaApp(post(path, " ".repeat(limit), signed));
      expect(exact.status).not.toBe(413);
      expect(exact.status).toBeLessThan(500);
    });
  }
});
