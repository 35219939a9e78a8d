/**
 * Per-tenant webhooks: the admins' REST side (create, show, rotate, end a rotation, re-encrypt),
 * the secret kept encrypted at rest, rotation with a previous secret that is accepted and then not,
 * the per-isolate cache, the encryption key's rotation and the demo-only dev key, and Linear's
 * organisation binding. Real HMAC signing over real example payloads.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { coordinator } from "../../src/agents/coordinator/stub";
import { keyringFor, open, seal } from "../../src/tenants/encryption";
import { PREVIOUS_SECRET_TTL_MS } from "../../src/tenants/hooks";
import { forgetHook, sealContext } from "../../src/tenants/receivers";
import { directory } from "../../src/tenants/stub";
import issueUpdate from "../fixtures/linear/issue-update-state.json";
import { errorOf, jsonOf, newKey, viaApp } from "../http/helpers";
import {
  bodyOf,
  exampleOf,
  githubRequest,
  hookOf,
  issueHook,
  linearRequest,
  linkQuietly,
  type Payload,
  prOpened,
  sendGitHub,
  sendLinear,
  viaWebhookApp,
} from "./support";

const OTHER_KEY = "o0PqeU6p8yQ9oHc4r5c0W2a3x4JbV8sW9mZkL1nT2uE=";
const THIRD_KEY = "Zm9yZW1hbi10ZXN0LXRoaXJkLWtleS0zMi1ieXRlcyE=";

interface Status {
  configured: boolean;
  hookId: string | null;
  url: string | null;
  path: string | null;
  previousAcceptedUntil: string | null;
  links: Array<{ target: string; active: boolean }>;
  linearOrganization: { organizationId: string } | null;
  secret?: string;
}

const secretPath = (kind: string) => `/api/webhooks/${kind}/secret`;
const asTenant = (tenant: string) => ({ headers: { "X-Foreman-Tenant": tenant } });

describe("REST: a tenant's own webhook", () => {
  it("is made by an admin (201, the secret shown once), shown without the secret, rotated (200)", async () => {
    const tenant = "th-rest";
    const before = await jsonOf<Status>(await viaApp(secretPath("github"), asTenant(tenant)));
    expect(before).toMatchObject({ configured: false, hookId: null, url: null });

    const created = await viaApp(secretPath("github"), { method: "POST", ...asTenant(tenant) });
    expect(created.status).toBe(201);
    const issued = await jsonOf<Status>(created);
    expect(issued.secret).toMatch(/^fmwh_[A-Za-z0-9_-]{43}$/);
    expect(issued.url).toBe(`http://foreman.test/api/webhooks/github/t/${issued.hookId}`);
    expect(issued.hookId).toMatch(/^hk_[a-z2-7]{20}$/);
    expect(issued.hookId).not.toContain(tenant);

    const shown = await viaApp(secretPath("github"), asTenant(tenant));
    const text = await shown.text();
    expect(text).not.toContain(issued.secret ?? "?");
    expect(JSON.parse(text)).toMatchObject({
      configured: true,
      hookId: issued.hookId,
      previousAcceptedUntil: null,
    });

    const rotated = await viaApp(secretPath("github"), { method: "POST", ...asTenant(tenant) });
    expect(rotated.status).toBe(200);
    const next = await jsonOf<Status>(rotated);
    expect(next.hookId).toBe(issued.hookId);
    expect(next.secret).not.toBe(issued.secret);
    const until = Date.parse(next.previousAcceptedUntil ?? "");
    expect(Math.abs(until - (Date.now() + PREVIOUS_SECRET_TTL_MS))).toBeLessThan(60_000);
  });

  it("is for admins of the tenant only; GitHub secrets are never chosen by the caller", async () => {
    const tenant = "th-roles";
    for (const role of ["viewer", "operator"] as const) {
      const { key } = await newKey(tenant, role);
      expect((await viaApp(secretPath("github"), { key })).status).toBe(403);
      expect((await viaApp(secretPath("github"), { key, method: "POST" })).status).toBe(403);
    }
    const { key } = await newKey(tenant, "admin");
    // A tenant key names another tenant in vain: it acts on its own.
    const own = await viaApp(secretPath("linear"), {
      key,
      method: "POST",
      headers: { "X-Foreman-Tenant": "th-rest" },
    });
    expect(own.status).toBe(201);
    expect((await directory(env).webhookHookOf(tenant, "linear"))?.hookId).toBe(
      (await jsonOf<Status>(own)).hookId,
    );
    const chosen = await viaApp(secretPath("github"), { key, body: { secret: "x".repeat(40) } });
    expect(chosen.status).toBe(400);
    expect((await viaApp(secretPath("gitlab"), { key })).status).toBe(400);
    expect((await viaApp("/api/webhooks/reencrypt", { key, method: "POST" })).status).toBe(403);
    expect((await viaApp(`${secretPath("github")}/previous`, { key, method: "DELETE" })).status).toBe(404);
  });
});

describe("the secret at rest", () => {
  it("is stored sealed: not the secret, bound to its own hook", async () => {
    const hook = await issueHook("th-rest-at", "github");
    const stored = await directory(env).webhookHookOf("th-rest-at", "github");
    if (!stored) throw new Error("no hook stored");
    expect(stored.secret).not.toContain(hook.secret);
    expect(stored.secret).not.toContain(hook.secret.slice(5, 25));
    expect(stored.secret).toMatch(/^v1\.[0-9a-f]{8}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    // Nothing of it in any column of the Directory.
    const dump = await runInDurableObject(env.DIRECTORY.getByName("global"), (_i, state) =>
      JSON.stringify(state.storage.sql.exec("SELECT * FROM webhook_hooks").toArray()),
    );
    expect(dump).not.toContain(hook.secret);

    // The sealed value copied onto another tenant's hook does not open there.
    const other = await issueHook("th-rest-other", "github");
    await runInDurableObject(env.DIRECTORY.getByName("global"), (_i, state) => {
      state.storage.sql.exec(
        "UPDATE webhook_hooks SET secret = ? WHERE hook_id = ?",
        stored.secret,
        other.hookId,
      );
    });
    forgetHook(other.hookId);
    const res = await sendGitHub(prOpened("acme/copied"), { to: "th-rest-other", secret: hook.secret });
    expect(res.status).toBe(503);
    expect((await errorOf(res)).message).toContain("does not open");
    const ring = await keyringFor(env, null);
    expect((await open(ring, stored.secret, sealContext(stored))).plaintext).toBe(hook.secret);
  });
});

describe("rotation", () => {
  it("accepts the previous secret until the rotation is ended, then not", async () => {
    await linkQuietly("th-rot", "github", "acme/rot");
    const old = await hookOf("th-rot", "github");
    expect((await sendGitHub(prOpened("acme/rot", 1), { to: "th-rot" })).status).toBe(200);
    const next = await issueHook("th-rot", "github");
    expect(next.path).toBe(old.path);
    for (const [secret, n] of [
      [old.secret, 2],
      [next.secret, 3],
    ] as const) {
      expect((await sendGitHub(prOpened("acme/rot", n), { to: "th-rot", secret })).status).toBe(200);
    }
    const ended = await viaApp(`${secretPath("github")}/previous`, {
      method: "DELETE",
      ...asTenant("th-rot"),
    });
    expect(ended.status).toBe(200);
    expect((await jsonOf<Status>(ended)).previousAcceptedUntil).toBeNull();
    expect((await sendGitHub(prOpened("acme/rot", 4), { to: "th-rot", secret: old.secret })).status).toBe(
      401,
    );
    expect((await sendGitHub(prOpened("acme/rot", 5), { to: "th-rot" })).status).toBe(200);
  });

  it("accepts the previous secret for 72 hours at most", async () => {
    await linkQuietly("th-rot-time", "github", "acme/rot-time");
    const old = await hookOf("th-rot-time", "github");
    const next = await issueHook("th-rot-time", "github");
    const at = (ms: number) => ({ now: () => Date.now() + ms });
    const send = async (secret: string, ms: number) =>
      (
        await viaWebhookApp(
          await githubRequest(prOpened("acme/rot-time"), { to: "th-rot-time", secret }),
          at(ms),
        )
      ).status;
    expect(await send(old.secret, PREVIOUS_SECRET_TTL_MS - 60_000)).toBe(200);
    expect(await send(old.secret, PREVIOUS_SECRET_TTL_MS + 60_000)).toBe(401);
    expect(await send(next.secret, PREVIOUS_SECRET_TTL_MS + 60_000)).toBe(200);
  });

  it("a secret rotated elsewhere (another isolate) works at once; the cache re-reads on a failed signature", async () => {
    await linkQuietly("th-cache", "github", "acme/cache");
    const hook = await hookOf("th-cache", "github");
    expect((await sendGitHub(prOpened("acme/cache", 1), { to: "th-cache" })).status).toBe(200); // cached now
    const stored = await directory(env).webhookHookOf("th-cache", "github");
    // Another tenant's sealed secret cannot be planted, so seal a new one as the other isolate would.
    const fresh = "fmwh_rotated-in-another-isolate-0123456789abcdefghijk";
    const sealed = await seal(
      await keyringFor(env, null),
      fresh,
      sealContext({ kind: "github", tenant: "th-cache", hookId: hook.hookId }),
    );
    await directory(env).rotateWebhookSecret({
      tenant: "th-cache",
      kind: "github",
      expected: stored?.secret ?? "",
      secret: sealed,
      previousUntil: Date.now() + PREVIOUS_SECRET_TTL_MS,
    });
    // Within a second of the cached read, the cache is trusted (a forged flood stays off the Directory).
    const sameMoment = { now: () => Date.now() - 5_000 };
    const early = await githubRequest(prOpened("acme/cache", 4), { to: "th-cache", secret: fresh });
    expect((await viaWebhookApp(early, sameMoment)).status).toBe(401);
    const later = { now: () => Date.now() + 2_000 };
    const req = await githubRequest(prOpened("acme/cache", 2), { to: "th-cache", secret: fresh });
    expect((await viaWebhookApp(req, later)).status).toBe(200);
    const old = await githubRequest(prOpened("acme/cache", 3), { to: "th-cache", secret: hook.secret });
    expect((await viaWebhookApp(old, later)).status).toBe(200);
  });

  it("refuses unknown hook ids and a hook of the other platform with 404, before reading the body", async () => {
    const linear = await hookOf("th-404", "linear");
    for (const path of [
      "/api/webhooks/github/t/hk_aaaaaaaaaaaaaaaaaaaa",
      "/api/webhooks/github/t/not-a-hook",
      `/api/webhooks/github/t/${linear.hookId}`,
    ]) {
      const req = await githubRequest(exampleOf("ping"), { event: "ping" });
      const res = await viaWebhookApp(new Request(`http://foreman.test${path}`, req));
      expect(res.status, path).toBe(404);
    }
  });
});

describe("TOKEN_ENCRYPTION_KEY", () => {
  it("rotates: the previous key still opens, re-encryption moves the secrets to the new key", async () => {
    await linkQuietly("th-key", "github", "acme/key");
    const hook = await hookOf("th-key", "github");
    const send = async (overrides: Record<string, string>) =>
      (await viaApp(await githubRequest(prOpened("acme/key"), { to: "th-key" }), {}, overrides)).status;
    const rotating = {
      TOKEN_ENCRYPTION_KEY: OTHER_KEY,
      TOKEN_ENCRYPTION_KEY_PREVIOUS: env.TOKEN_ENCRYPTION_KEY ?? "",
    };
    expect(await send(rotating)).toBe(200);
    expect(await send({ TOKEN_ENCRYPTION_KEY: OTHER_KEY })).toBe(503);

    const reencrypt = (overrides: Record<string, string>) =>
      viaApp("/api/webhooks/reencrypt?tenant=th-key", { method: "POST" }, overrides);
    expect(await jsonOf(await reencrypt(rotating))).toMatchObject({ hooks: 1, resealed: 1, failed: [] });
    expect(await jsonOf(await reencrypt(rotating))).toMatchObject({ hooks: 1, resealed: 0, failed: [] });
    forgetHook(hook.hookId);
    expect(await send({ TOKEN_ENCRYPTION_KEY: OTHER_KEY })).toBe(200);
    const lost = await jsonOf<{ failed: Array<{ error: string }> }>(
      await reencrypt({ TOKEN_ENCRYPTION_KEY: THIRD_KEY }),
    );
    expect(lost.failed[0]?.error).toContain("does not have");
    // Back under the suite's key for the rest of the run.
    await reencrypt({
      TOKEN_ENCRYPTION_KEY: env.TOKEN_ENCRYPTION_KEY ?? "",
      TOKEN_ENCRYPTION_KEY_PREVIOUS: OTHER_KEY,
    });
    forgetHook(hook.hookId);
    expect(await send({})).toBe(200);
  });

  it("without a key: refused outside demo mode on localhost; the dev-only key works there", async () => {
    const none = { TOKEN_ENCRYPTION_KEY: "" };
    const refused = await viaApp(secretPath("github"), { method: "POST", ...asTenant("th-nokey") }, none);
    expect(refused.status).toBe(503);
    expect((await errorOf(refused)).message).toContain("TOKEN_ENCRYPTION_KEY is not set");
    const demo = { ...none, DEMO_MODE: "true" };
    const remote = await viaApp(secretPath("github"), { method: "POST", ...asTenant("th-nokey") }, demo);
    expect(remote.status).toBe(503);
    const local = await viaApp(
      "http://127.0.0.1:8787/api/webhooks/github/secret",
      { method: "POST", ...asTenant("th-nokey") },
      demo,
    );
    expect(local.status).toBe(201);
    expect(await directory(env).webhookHookOf("th-nokey", "github")).not.toBeNull();
    const bad = await viaApp(
      secretPath("linear"),
      { method: "POST", ...asTenant("th-nokey") },
      { TOKEN_ENCRYPTION_KEY: "c2hvcnQ=" },
    );
    expect(bad.status).toBe(503);
    expect((await errorOf(bad)).message).toContain("must be 32 bytes");
  });
});

describe("Linear: the organisation is bound by the first delivery", () => {
  const ORG = "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d";
  const fresh = (org: string): Payload => ({
    ...structuredClone(issueUpdate),
    organizationId: org,
    webhookTimestamp: Date.now(),
  });
  const status = async (tenant: string) =>
    jsonOf<Status>(await viaApp(secretPath("linear"), asTenant(tenant)));

  it("binds, refuses another organisation (403, nothing handed over), and can be unbound", async () => {
    await linkQuietly("th-org", "linear", "ENG");
    expect((await status("th-org")).links).toEqual([
      expect.objectContaining({ target: "ENG", active: false }),
    ]);
    const first = await sendLinear(fresh(ORG), { to: "th-org" });
    expect(await bodyOf(first)).toMatchObject({ status: "accepted", tenants: 1 });
    const bound = await status("th-org");
    expect(bound.linearOrganization?.organizationId).toBe(ORG);
    expect(bound.links).toEqual([expect.objectContaining({ target: "ENG", active: true })]);

    const delivery = crypto.randomUUID();
    const foreign = await sendLinear(fresh("ffffffff-0000-4000-8000-000000000000"), {
      to: "th-org",
      delivery,
    });
    expect(foreign.status).toBe(403);
    expect((await errorOf(foreign)).message).toContain("bound to another Linear organization");
    expect(await coordinator(env, "th-org").webhookDelivery("linear", delivery)).toBeNull();
    expect((await sendLinear({ ...fresh(ORG), organizationId: undefined }, { to: "th-org" })).status).toBe(
      403,
    );

    // Moving to another Linear workspace: unbind (and adopt the secret its UI made).
    const adopted = "lin_wh_adopted_from_linear_ui_0123456789";
    const reset = await issueHook("th-org", "linear", { resetOrganization: true, secret: adopted });
    expect(reset.secret).toBe(adopted);
    expect((await status("th-org")).linearOrganization).toBeNull();
    const moved = await sendLinear(fresh("ffffffff-0000-4000-8000-000000000000"), {
      to: "th-org",
      secret: adopted,
    });
    expect(moved.status).toBe(200);
    expect((await status("th-org")).linearOrganization?.organizationId).toBe(
      "ffffffff-0000-4000-8000-000000000000",
    );
  });

  it("another tenant's Linear secret or the deployment's is refused at a tenant's URL", async () => {
    await linkQuietly("th-org-a", "linear", "ENG");
    const b = await hookOf("th-org-b", "linear");
    expect((await sendLinear(fresh(ORG), { to: "th-org-a", secret: b.secret })).status).toBe(401);
    expect((await sendLinear(fresh(ORG), { to: "th-org-a", secret: "test-linear-secret" })).status).toBe(401);
    const req = await linearRequest(fresh(ORG), { to: "th-org-a" });
    expect((await viaWebhookApp(req)).status).toBe(200);
  });
});
