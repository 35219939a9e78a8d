import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { constantTimeEqual } from "../../src/platform/compare";
import { DEMO_ADMIN_KEY } from "../../src/tenants/authenticate";
import { generateApiKey, hashApiKey } from "../../src/tenants/keys";
import { roleAtLeast } from "../../src/tenants/roles";
import { errorOf, jsonOf, newKey, viaApp, viaWorker } from "./helpers";

describe("key material", () => {
  it("generates fmn_ keys of 32 random bytes and hashes them to SHA-256 hex", async () => {
    const key = generateApiKey();
    expect(key).toMatch(/^fmn_[A-Za-z0-9_-]{43}$/);
    expect(generateApiKey()).not.toBe(key);
    expect(await hashApiKey("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("compares in constant time, correctly", async () => {
    expect(await constantTimeEqual("same", "same")).toBe(true);
    expect(await constantTimeEqual("same", "Same")).toBe(false);
    expect(await constantTimeEqual("short", "a much longer value")).toBe(false);
  });

  it("orders roles admin > operator > viewer", () => {
    expect(roleAtLeast("admin", "operator")).toBe(true);
    expect(roleAtLeast("operator", "operator")).toBe(true);
    expect(roleAtLeast("viewer", "operator")).toBe(false);
  });
});

describe("authentication", () => {
  it("401 with WWW-Authenticate for a missing, unknown or malformed key", async () => {
    const cases: Array<Record<string, string>> = [
      {},
      { Authorization: "Bearer nope" },
      { Authorization: "Basic dGVzdDp0ZXN0" },
    ];
    for (const headers of cases) {
      const res = await viaApp("/api/workflows", { key: null, headers });
      expect(res.status).toBe(401);
      expect(res.headers.get("WWW-Authenticate")).toBe('Bearer realm="foreman"');
      expect((await errorOf(res)).code).toBe("unauthorized");
    }
  });

  it("a local 401 says how to sign in there: the demo key while it works, else ADMIN_API_KEY", async () => {
    const at = (host: string) => `http://${host}:8787/api/workflows`;
    const message = async (host: string, overrides: Partial<typeof env>) =>
      (await errorOf(await viaApp(at(host), { key: null }, overrides))).message;
    const demo = { ADMIN_API_KEY: undefined, DEMO_MODE: "true" };
    expect(await message("127.0.0.1", demo)).toContain(`the demo key ${DEMO_ADMIN_KEY} signs in`);
    expect(await message("localhost", demo)).toContain(DEMO_ADMIN_KEY);
    expect(await message("127.0.0.1", { DEMO_MODE: "true" })).toContain(
      "sign in with the ADMIN_API_KEY set in .dev.vars",
    );
    expect(await message("127.0.0.1", { ADMIN_API_KEY: undefined, DEMO_MODE: "false" })).toContain(
      "set ADMIN_API_KEY in .dev.vars",
    );
    // Not on this machine: only what is needed.
    expect(await message("foreman.example.com", demo)).toBe(
      "A valid API key is required (Authorization: Bearer <key>)",
    );
  });

  it("403 naming the role needed", async () => {
    const viewer = await newKey("ha-roles", "viewer");
    const operator = await newKey("ha-roles", "operator");
    expect((await viaWorker("/api/workflows", { key: viewer.key })).status).toBe(200);
    const create = await viaWorker("/api/workflows/create", { key: viewer.key, body: { name: "x" } });
    expect(create.status).toBe(403);
    const error = await errorOf(create);
    expect(error.code).toBe("forbidden");
    expect(error.message).toContain("operator");
    const keys = await viaWorker("/api/keys", { key: operator.key });
    expect(keys.status).toBe(403);
    expect((await errorOf(keys)).message).toContain("admin");
    expect((await viaWorker("/api/audit", { key: operator.key })).status).toBe(403);
  });

  it("a revoked key is refused at once", async () => {
    const { key, id } = await newKey("ha-revoke", "operator");
    expect((await viaWorker("/api/workflows", { key })).status).toBe(200);
    const revoked = await viaWorker(`/api/keys/${id}`, { method: "DELETE" });
    expect(revoked.status).toBe(200);
    expect((await jsonOf<{ revokedAt: string | null }>(revoked)).revokedAt).not.toBeNull();
    const after = await viaWorker("/api/workflows", { key });
    expect(after.status).toBe(401);
  });

  it("an invalid tenant named by the bootstrap key is a 400 naming the header", async () => {
    const res = await viaApp("/api/workflows", { headers: { "X-Foreman-Tenant": "Not A Slug" } });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).details?.issues?.[0]?.field).toBe("X-Foreman-Tenant");
  });
});

describe("demo key", () => {
  const demo = { key: DEMO_ADMIN_KEY };
  const demoEnv = { ADMIN_API_KEY: undefined, DEMO_MODE: "true" };

  it("acts as the bootstrap key on localhost in demo mode with no ADMIN_API_KEY", async () => {
    for (const host of ["127.0.0.1:8787", "localhost:8787", "[::1]:8787"]) {
      expect((await viaApp(`http://${host}/api/workflows`, demo, demoEnv)).status).toBe(200);
    }
  });

  it("is refused anywhere else", async () => {
    expect((await viaApp("http://foreman.test/api/workflows", demo, demoEnv)).status).toBe(401);
    const notDemo = { ADMIN_API_KEY: undefined, DEMO_MODE: "false" };
    expect((await viaApp("http://127.0.0.1:8787/api/workflows", demo, notDemo)).status).toBe(401);
    const withSecret = { ADMIN_API_KEY: "real-secret", DEMO_MODE: "true" };
    expect((await viaApp("http://127.0.0.1:8787/api/workflows", demo, withSecret)).status).toBe(401);
  });
});

describe("API keys", () => {
  it("are stored only as a SHA-256 hash and listed without it", async () => {
    const res = await viaWorker("/api/keys", { body: { tenant: "ha-hash", role: "viewer", name: "ci" } });
    expect(res.status).toBe(201);
    const created = await jsonOf<Record<string, string>>(res);
    expect(Object.keys(created).sort()).toEqual(["createdAt", "id", "key", "name", "role", "tenant"]);
    expect(created).toMatchObject({ tenant: "ha-hash", role: "viewer", name: "ci" });
    const key = created.key ?? "";
    expect(created.id).toMatch(/^key_/);

    const rows = await runInDurableObject(env.DIRECTORY.getByName("global"), (_instance, state) =>
      state.storage.sql.exec("SELECT * FROM api_keys WHERE id = ?", created.id ?? "").toArray(),
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.hash).toBe(await hashApiKey(key));
    expect(Object.values(rows[0] ?? {})).not.toContain(key);

    const list = await viaWorker("/api/keys?tenant=ha-hash");
    const text = await list.text();
    expect(text).not.toContain(key);
    expect(text).not.toContain(await hashApiKey(key));
    expect(text).not.toContain('"hash"');
    expect((JSON.parse(text) as { keys: Array<{ id: string }> }).keys.map((k) => k.id)).toEqual([created.id]);
  });

  it("tenant admins manage only their own tenant's keys", async () => {
    const admin = await newKey("ha-admin-a", "admin");
    const other = await newKey("ha-admin-b", "viewer");
    const own = await viaWorker("/api/keys", {
      key: admin.key,
      body: { tenant: "ha-admin-a", role: "viewer" },
    });
    expect(own.status).toBe(201);
    const foreign = await viaWorker("/api/keys", {
      key: admin.key,
      body: { tenant: "ha-admin-b", role: "admin" },
    });
    expect(foreign.status).toBe(403);
    const listed = await jsonOf<{ keys: Array<{ tenant: string }> }>(
      await viaWorker("/api/keys?tenant=ha-admin-b", { key: admin.key }),
    );
    expect(listed.keys.length).toBe(2);
    expect(new Set(listed.keys.map((k) => k.tenant))).toEqual(new Set(["ha-admin-a"]));
    const revokeForeign = await viaWorker(`/api/keys/${other.id}`, { key: admin.key, method: "DELETE" });
    expect(revokeForeign.status).toBe(404);
    const revokeMissing = await viaWorker("/api/keys/key_doesnotexist", { key: admin.key, method: "DELETE" });
    expect(await errorOf(revokeForeign)).toEqual({
      ...(await errorOf(revokeMissing)),
      message: `API key ${other.id} not found`,
    });
    expect((await viaWorker("/api/workflows", { key: other.key })).status).toBe(200);
  });
});
