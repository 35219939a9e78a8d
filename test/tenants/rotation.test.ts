/**
 * Authentication details that security relies on: rotating the bootstrap key without downtime
 * (ADMIN_API_KEY_PREVIOUS is accepted alongside the new key), and one key lookup per request.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { authenticate } from "../../src/tenants/authenticate";
import { newKey, viaApp } from "../http/helpers";

const status = async (key: string, overrides: Record<string, string>) =>
  (await viaApp("/api/keys", { key }, overrides)).status;

describe("ADMIN_API_KEY rotation", () => {
  it("both keys work while ADMIN_API_KEY_PREVIOUS is set; the old one stops when it is cleared", async () => {
    const rotating = { ADMIN_API_KEY: "new-bootstrap-key", ADMIN_API_KEY_PREVIOUS: "old-bootstrap-key" };
    expect(await status("new-bootstrap-key", rotating)).toBe(200);
    expect(await status("old-bootstrap-key", rotating)).toBe(200);
    expect(await status("some-other-key", rotating)).toBe(401);

    const done = { ADMIN_API_KEY: "new-bootstrap-key", ADMIN_API_KEY_PREVIOUS: "" };
    expect(await status("new-bootstrap-key", done)).toBe(200);
    expect(await status("old-bootstrap-key", done)).toBe(401);
  });

  it("a previous key alone is never a bootstrap key", async () => {
    const orphan = { ADMIN_API_KEY: "", ADMIN_API_KEY_PREVIOUS: "old-bootstrap-key", DEMO_MODE: "false" };
    expect(await status("old-bootstrap-key", orphan)).toBe(401);
  });
});

describe("authenticate", () => {
  it("looks a request's key up once: the rate limiter and the guard share the answer", async () => {
    const { key } = await newKey("sec-memo", "viewer");
    const request = new Request("http://foreman.test/api/workflows", {
      headers: { Authorization: `Bearer ${key}` },
    });
    const first = authenticate(env, request);
    expect(authenticate(env, request)).toBe(first);
    expect(await first).toMatchObject({ tenant: "sec-memo", role: "viewer" });
    const another = new Request(request.url, { headers: request.headers });
    expect(authenticate(env, another)).not.toBe(first);
  });
});
