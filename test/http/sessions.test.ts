/**
 * Dashboard sessions opened from chat (issue 19): the sign-in link works once and expires, the cookie
 * and its flags, the cookie as a principal scoped to its tenant, the same-origin rule for changes,
 * logout ending the session server-side.
 */
import { createExecutionContext, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { rateLimit } from "../../src/http/rate-limit/middleware";
import { rateLimiter } from "../../src/http/rate-limit/rate-limiter";
import { LocalFront } from "../../src/http/rate-limit/window";
import type { AppEnv } from "../../src/http/types";
import { newSignInLink, type SessionRole, SIGNIN_LINK_TTL_MS } from "../../src/tenants/dashboard-sessions";
import { BASE, errorOf, jsonOf, newKey, viaApp, viaWorker } from "./helpers";

const SECURE_NAME = "__Host-foreman_session";

async function link(tenant: string, role: SessionRole, actor = "slack:U0ALICE", nowMs?: number) {
  return newSignInLink(env, { origin: BASE, tenant, role, actor }, nowMs);
}

/** Follows a link as a browser would (no Authorization header): the response, not followed further. */
const redeem = (url: string) =>
  exports.default.fetch(new Request(url.startsWith("http") ? url : BASE + url, { redirect: "manual" }));

/** Signs in through a fresh link: the `name=value` pair to send back as `Cookie`. */
async function signIn(tenant: string, role: SessionRole, actor?: string): Promise<string> {
  const res = await redeem(await link(tenant, role, actor));
  expect(res.status).toBe(303);
  return (res.headers.get("Set-Cookie") ?? "").split(";")[0] ?? "";
}

const withCookie = (cookie: string, headers: Record<string, string> = {}) => ({
  key: null,
  headers: { Cookie: cookie, ...headers },
});
const SAME_ORIGIN = { Origin: BASE, "Sec-Fetch-Site": "same-origin" };

describe("sign-in links", () => {
  it("work once: the first use sets the cookie and redirects to the dashboard, the second is refused", async () => {
    const url = await link("ses-once", "viewer");
    expect(url).toMatch(/^http:\/\/foreman\.test\/api\/sessions\/redeem\?token=[A-Za-z0-9_-]{43}$/);

    const first = await redeem(url);
    expect(first.status).toBe(303);
    expect(first.headers.get("Location")).toBe("/#session");
    expect(first.headers.get("Cache-Control")).toBe("no-store");

    const second = await redeem(url);
    expect(second.status).toBe(410);
    expect(second.headers.get("Set-Cookie")).toBeNull();
    expect(second.headers.get("Content-Type")).toContain("text/html");
    expect(await second.text()).toContain("already been used");
  });

  it("expire after 10 minutes", async () => {
    const url = await link("ses-expired", "admin", "slack:U0ALICE", Date.now() - SIGNIN_LINK_TTL_MS - 1000);
    const res = await redeem(url);
    expect(res.status).toBe(410);
    expect(res.headers.get("Set-Cookie")).toBeNull();
    expect(await res.text()).toContain("has expired");
  });

  it("an unknown or malformed token is a page, nothing set", async () => {
    for (const token of ["", "nope", "A".repeat(43)]) {
      const res = await redeem(`/api/sessions/redeem?token=${token}`);
      expect(res.status).toBe(400);
      expect(res.headers.get("Set-Cookie")).toBeNull();
      expect(await res.text()).toContain("not one Foreman made");
    }
  });

  it("are kept only as hashes", async () => {
    const url = await link("ses-hash", "viewer");
    const token = new URL(url).searchParams.get("token") ?? "";
    const rows = await runInDurableObject(env.DIRECTORY.getByName("global"), (_i, state) =>
      state.storage.sql.exec("SELECT * FROM signin_links WHERE tenant = 'ses-hash'").toArray(),
    );
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(token);
  });
});

describe("the session cookie", () => {
  it("is HttpOnly, Secure, SameSite=Strict, Path=/, 12 hours, __Host- prefixed", async () => {
    const res = await redeem(await link("ses-flags", "viewer"));
    const cookie = res.headers.get("Set-Cookie") ?? "";
    expect(cookie).toMatch(new RegExp(`^${SECURE_NAME}=[A-Za-z0-9_-]{43};`));
    const attributes = cookie.split(";").map((a) => a.trim());
    expect(attributes).toEqual(
      expect.arrayContaining(["HttpOnly", "Secure", "SameSite=Strict", "Path=/", "Max-Age=43200"]),
    );
    expect(cookie).not.toMatch(/Domain=/i);
  });

  it("is not Secure on plain-http localhost only (a browser would not keep it there)", async () => {
    const url = await newSignInLink(env, {
      origin: "http://127.0.0.1:8787",
      tenant: "ses-local",
      role: "viewer",
      actor: "slack:U0ALICE",
    });
    const res = await viaApp(url, { key: null });
    const cookie = res.headers.get("Set-Cookie") ?? "";
    expect(cookie).toMatch(/^foreman_session=/);
    expect(cookie).not.toContain("Secure");
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Strict");
  });

  it("/api/sessions/me says who is signed in, or 401", async () => {
    const cookie = await signIn("ses-me", "admin", "discord:1234567890");
    const me = await viaWorker("/api/sessions/me", withCookie(cookie));
    expect(me.status).toBe(200);
    const body = await jsonOf<Record<string, string>>(me);
    expect(body).toMatchObject({ tenant: "ses-me", role: "admin", actor: "discord:1234567890" });
    expect(Date.parse(body.expiresAt ?? "") - Date.now()).toBeGreaterThan(11.9 * 3_600_000);

    expect((await viaWorker("/api/sessions/me", { key: null })).status).toBe(401);
    const forged = `${SECURE_NAME}=${"B".repeat(43)}`;
    expect((await viaWorker("/api/sessions/me", withCookie(forged))).status).toBe(401);
  });
});

describe("the cookie as an API principal", () => {
  it("reads its own tenant's data only", async () => {
    const created = await viaWorker("/api/workflows/create", {
      headers: { "X-Foreman-Tenant": "ses-other" },
      body: { name: "someone else's" },
    });
    expect(created.status).toBe(201);
    const other = (await jsonOf<{ id: string }>(created)).id;

    const cookie = await signIn("ses-scope", "viewer");
    const list = await viaWorker("/api/workflows", withCookie(cookie));
    expect(list.status).toBe(200);
    expect(JSON.stringify(await list.json())).not.toContain(other);
    // Naming another tenant changes nothing: a session acts on its own tenant, like a tenant key.
    const named = await viaWorker("/api/workflows?tenant=ses-other", withCookie(cookie));
    expect(JSON.stringify(await named.json())).not.toContain(other);
    const theirs = await viaWorker(`/api/workflows/status/${other}`, withCookie(cookie));
    expect([403, 404]).toContain(theirs.status);
  });

  it("has the role of the link: a viewer cannot change anything, an admin can", async () => {
    const viewer = await signIn("ses-roles", "viewer");
    const refused = await viaWorker("/api/workflows/create", {
      ...withCookie(viewer, SAME_ORIGIN),
      body: { name: "x" },
    });
    expect(refused.status).toBe(403);
    expect((await errorOf(refused)).message).toContain("operator");
    expect((await viaWorker("/api/audit", withCookie(viewer))).status).toBe(403);

    const admin = await signIn("ses-roles", "admin", "slack:U0LEAD");
    const made = await viaApp("/api/workflows/create", {
      ...withCookie(admin, SAME_ORIGIN),
      body: { name: "ok" },
    });
    expect(made.status).toBe(201);
    // The audit names the session's person.
    const audit = await viaWorker("/api/audit", withCookie(admin));
    expect(audit.status).toBe(200);
    const entries = (await jsonOf<{ entries: Array<{ keyId: string; action: string }> }>(audit)).entries;
    expect(entries).toContainEqual(
      expect.objectContaining({ keyId: "session:slack:U0LEAD", action: "workflows.create" }),
    );
  });

  it("a cross-origin change with the cookie is refused (the same-origin rule)", async () => {
    const cookie = await signIn("ses-csrf", "admin");
    const attempts: Record<string, string>[] = [
      { Origin: "https://evil.example" },
      { Origin: "https://evil.example", "Sec-Fetch-Site": "cross-site" },
      { Origin: BASE, "Sec-Fetch-Site": "same-site" },
      {},
    ];
    for (const headers of attempts) {
      const res = await viaWorker("/api/workflows/create", {
        ...withCookie(cookie, headers),
        body: { name: "x" },
      });
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect((await errorOf(res)).message).toContain("same origin");
    }
    // Same origin by Origin alone (a browser without Sec-Fetch-*) is accepted.
    const ok = await viaWorker("/api/workflows/create", {
      ...withCookie(cookie, { Origin: BASE }),
      body: { name: "x" },
    });
    expect(ok.status).toBe(201);
  });

  it("an Authorization header wins: a bad key is a 401 even with a live cookie", async () => {
    const cookie = await signIn("ses-header", "admin");
    const res = await viaWorker("/api/workflows", { key: "fmn_not_a_key", headers: { Cookie: cookie } });
    expect(res.status).toBe(401);
  });
});

describe("rate limiting", () => {
  it("counts a session like an API key: one bucket per person, with the per-key limit", async () => {
    const cookie = await signIn("ses-rate", "viewer", "slack:U0RATE");
    const buckets: string[] = [];
    const app = new Hono<AppEnv>();
    const perHour = { limit: 2, windowMs: 3_600_000 };
    app.use(
      "/api/*",
      rateLimit({
        config: { perKey: perHour, perIp: { limit: 100, windowMs: 3_600_000 } },
        front: new LocalFront(),
        remote: (c, bucket, rate) => (served) => {
          buckets.push(bucket);
          return rateLimiter(c.env, `ses-rate|${bucket}`).hit(served, rate.limit, rate.windowMs);
        },
      }),
    );
    app.get("/api/thing", (c) => c.json({ ok: true }));
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const ctx = createExecutionContext();
      const res = await app.fetch(
        new Request(`${BASE}/api/thing`, { headers: { Cookie: cookie } }),
        env,
        ctx,
      );
      await waitOnExecutionContext(ctx);
      statuses.push(res.status);
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect(new Set(buckets)).toEqual(new Set(["key:session:slack:U0RATE"]));
  });
});

describe("logout", () => {
  it("ends the session server-side and clears the cookie", async () => {
    const cookie = await signIn("ses-logout", "viewer");
    expect((await viaWorker("/api/workflows", withCookie(cookie))).status).toBe(200);

    const out = await viaApp("/api/sessions/logout", { ...withCookie(cookie, SAME_ORIGIN), method: "POST" });
    expect(out.status).toBe(204);
    const cleared = out.headers.get("Set-Cookie") ?? "";
    expect(cleared).toMatch(new RegExp(`^${SECURE_NAME}=;`));
    expect(cleared).toContain("Max-Age=0");

    // The old cookie value is dead even if a browser (or a thief) still sends it.
    expect((await viaWorker("/api/sessions/me", withCookie(cookie))).status).toBe(401);
    expect((await viaWorker("/api/workflows", withCookie(cookie))).status).toBe(401);
  });

  it("from another origin is refused and the session stays", async () => {
    const cookie = await signIn("ses-logout-csrf", "viewer");
    const out = await viaWorker("/api/sessions/logout", {
      ...withCookie(cookie, { Origin: "https://evil.example" }),
      method: "POST",
    });
    expect(out.status).toBe(403);
    expect((await viaWorker("/api/sessions/me", withCookie(cookie))).status).toBe(200);
  });

  it("deleting the tenant ends its sessions and unused links", async () => {
    await newKey("ses-deleted", "viewer"); // the tenant exists (as a chat-bound one always does)
    const cookie = await signIn("ses-deleted", "admin");
    const unused = await link("ses-deleted", "viewer");
    expect((await viaApp("/api/tenants/ses-deleted", { method: "DELETE" })).status).toBe(200);
    expect((await viaWorker("/api/sessions/me", withCookie(cookie))).status).toBe(401);
    expect((await redeem(unused)).status).toBe(400);
  });

  it("without a session still answers 204 and clears the cookie", async () => {
    const out = await viaWorker("/api/sessions/logout", { key: null, method: "POST" });
    expect(out.status).toBe(204);
    expect(out.headers.get("Set-Cookie")).toContain("Max-Age=0");
  });
});
