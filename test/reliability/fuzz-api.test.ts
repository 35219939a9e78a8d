/**
 * Fuzzing the `/api` surface through the full app (every global middleware):
 * - `POST /api/webhooks/github` and `/api/webhooks/linear` (the seed URLs), and the tenants' own
 *   `POST /api/webhooks/{github,linear}/t/{hookId}` (real and made-up hook ids): random bodies, event /
 *   delivery / signature headers (missing, garbage, huge, another secret — another tenant's, the
 *   deployment's —, another body), content types, and validly signed mutations of real payloads for
 *   a linked repository / team (so they reach the parsers, the routing and the Coordinator hand-off);
 * - every REST route of `/api/openapi.json` (routes added later are fuzzed too) plus unknown paths
 *   and methods, with random path parameters (real ids among them), keys (none, garbage, huge,
 *   revoked, each role), tenant headers, query strings, content types and bodies.
 * Never a 5xx; a refused request leaves no trace beyond its own audit record (the audit log records
 * refusals by design); each route's body limit holds to the byte.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { coordinator } from "../../src/agents/coordinator/stub";
import { bodyLimitFor } from "../../src/platform/limits";
import { linkQuietly } from "../webhooks/support";
import { contentType, extraHeaders, garbageHeader, printable } from "./arbitraries";
import {
  deliveryHeader,
  githubDelivery,
  linearDelivery,
  type RestWorld,
  restRequest,
  WEBHOOK_MODES,
  webhookSignature,
} from "./requests-api";
import {
  ADMIN,
  BASE,
  bytesOf,
  call,
  describeBody,
  fuzzEnv,
  githubSignature,
  linearSignature,
  post,
  TraceGuard,
} from "./support";

const GH_TENANT = "fz-github";
const LINEAR_TENANT = "fz-linear";
/** Tenants fuzzed at their own hook URLs (with their own secrets). */
const HOOK_TENANTS = { github: "fz-hook-github", linear: "fz-hook-linear" } as const;
const hooks = { github: { path: "", secret: "" }, linear: { path: "", secret: "" } };
const REPO = "acme/fuzz";
/** A team key of this file only (links are global: a delivery reaches every tenant linking it). */
const LINEAR_TEAM = "FZL";
const TENANT = "fz-rest";
const OTHER = "fz-rest-b";
/** Valid signatures more often, so deliveries reach the parsers. */
const MODES = [...WEBHOOK_MODES, "valid", "valid", "valid"] as const;

const { env: restEnv, sent: restSent } = fuzzEnv(TENANT);
const world: RestWorld = {
  routes: [],
  ids: [],
  keys: { operator: "", viewer: "", otherAdmin: "", revoked: "" },
  tenants: [TENANT, OTHER],
};

async function admin<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers = { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" };
  const res = await call(
    new Request(BASE + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
    restEnv,
  );
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.text}`);
  return JSON.parse(res.text) as T;
}

beforeAll(async () => {
  await linkQuietly(GH_TENANT, "github", REPO);
  await linkQuietly(LINEAR_TENANT, "linear", LINEAR_TEAM);
  for (const kind of ["github", "linear"] as const) {
    const tenant = HOOK_TENANTS[kind];
    await linkQuietly(tenant, kind, kind === "github" ? REPO : LINEAR_TEAM);
    const made = await call(
      new Request(`${BASE}/api/webhooks/${kind}/secret`, {
        method: "POST",
        headers: { authorization: `Bearer ${ADMIN}`, "x-foreman-tenant": tenant },
      }),
      fuzzEnv(tenant).env,
    );
    if (made.status !== 201) throw new Error(`hook for ${tenant}: ${made.status} ${made.text}`);
    const { path, secret } = JSON.parse(made.text) as { path: string; secret: string };
    hooks[kind] = { path, secret };
  }

  const doc = await admin<{ paths: Record<string, Record<string, unknown>> }>("GET", "/api/openapi.json");
  world.routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.keys(ops).map((method) => ({ method: method.toUpperCase(), path })),
  );
  const key = (tenant: string, role: string) =>
    admin<{ key: string; id: string }>("POST", "/api/keys", { tenant, role, name: `fuzz ${role}` });
  world.keys.operator = (await key(TENANT, "operator")).key;
  world.keys.viewer = (await key(TENANT, "viewer")).key;
  world.keys.otherAdmin = (await key(OTHER, "admin")).key;
  const revoked = await key(TENANT, "admin");
  await admin("DELETE", `/api/keys/${revoked.id}`);
  world.keys.revoked = revoked.key;
  const wf = await admin<{ workflowId: string }>("POST", "/api/workflows/create", { name: "fuzz" });
  const agent = await admin<{ agentId: string }>("POST", "/api/agents/spawn", {
    type: "integration-dashboard",
    workflowId: wf.workflowId,
  });
  // Real values of every path parameter: ids, tenants, and the webhook kinds of /api/webhooks/{kind}/….
  world.ids = [wf.workflowId, agent.agentId, revoked.id, TENANT, OTHER, "github", "linear"];
});

describe("fuzz: /api/webhooks/github and /api/webhooks/linear", () => {
  it("GitHub: random and mutated deliveries under every kind of signature: no 5xx, refusals leave no trace", async () => {
    const { env, sent } = fuzzEnv(GH_TENANT);
    // Accepted deliveries start agents working in the background: the Coordinator (delivery log,
    // audit, registry), the Directory and settings are compared; agents are reached only through it.
    const guard = new TraceGuard({ tenants: [GH_TENANT], sent, deep: false });
    await fc.assert(
      fc.asyncProperty(
        githubDelivery(REPO),
        fc.constantFrom(...MODES),
        deliveryHeader,
        fc.option(contentType, { freq: 3 }),
        garbageHeader,
        extraHeaders,
        async ({ event, body }, mode, delivery, ct, junk, extra) => {
          await guard.ready();
          const headers: Record<string, string> = { ...extra, "content-type": ct ?? "application/json" };
          if (event) headers["x-github-event"] = event;
          if (delivery !== null) headers["x-github-delivery"] = delivery;
          if (mode !== "none")
            headers["x-hub-signature-256"] = await webhookSignature(mode, body, junk, githubSignature);
          const res = await call(post("/api/webhooks/github", body, headers), env);
          await guard.check(
            res,
            () => `${mode} ${event} ${delivery?.slice(0, 40)} ${ct} ${describeBody(body)}`,
          );
          if (mode !== "valid" && mode !== "upper") expect(res.status).toBe(401);
        },
      ),
      { numRuns: 70 },
    );
    // The generators reach both sides of the signature check.
    expect(guard.statuses.get(401)).toBeGreaterThan(10);
    expect(guard.other(401)).toBeGreaterThan(5);
  });

  it("Linear: random and mutated deliveries under every kind of signature: no 5xx, refusals leave no trace", async () => {
    const { env, sent } = fuzzEnv(LINEAR_TENANT);
    const guard = new TraceGuard({ tenants: [LINEAR_TENANT], sent, deep: false });
    await fc.assert(
      fc.asyncProperty(
        linearDelivery(LINEAR_TEAM),
        fc.constantFrom(...MODES.filter((m) => m !== "sha1")),
        deliveryHeader,
        fc.option(contentType, { freq: 3 }),
        fc.option(printable(30)),
        garbageHeader,
        extraHeaders,
        async (body, mode, delivery, ct, event, junk, extra) => {
          await guard.ready();
          const headers: Record<string, string> = { ...extra, "content-type": ct ?? "application/json" };
          if (event !== null) headers["linear-event"] = event;
          if (delivery !== null) headers["linear-delivery"] = delivery;
          if (mode !== "none")
            headers["linear-signature"] = await webhookSignature(mode, body, junk, linearSignature);
          const res = await call(post("/api/webhooks/linear", body, headers), env);
          await guard.check(res, () => `${mode} ${delivery?.slice(0, 40)} ${describeBody(body)}`);
          if (mode !== "valid" && mode !== "upper") expect(res.status).toBe(401);
        },
      ),
      { numRuns: 60 },
    );
    // The generators reach both sides of the signature check.
    expect(guard.statuses.get(401)).toBeGreaterThan(10);
    expect(guard.other(401)).toBeGreaterThan(5);
  });
});

describe("fuzz: the tenants' own URLs /api/webhooks/{github,linear}/t/{hookId}", () => {
  /** The tenant's hook path most of the time; sometimes a made-up or malformed hook id. */
  const hookPath = (kind: "github" | "linear") =>
    fc.oneof(
      { weight: 8, arbitrary: fc.constant(hooks[kind].path) },
      {
        weight: 1,
        arbitrary: fc.stringMatching(/^hk_[a-z2-7]{20}$/).map((id) => `/api/webhooks/${kind}/t/${id}`),
      },
      {
        weight: 1,
        arbitrary: printable(30).map((id) => `/api/webhooks/${kind}/t/${encodeURIComponent(id) || "x"}`),
      },
    );
  /** Another tenant's secret or the deployment's, instead of the tenant's own, now and then. */
  const signer = (kind: "github" | "linear") =>
    fc
      .constantFrom<"own" | "other-tenant" | "deployment">(
        "own",
        "own",
        "own",
        "own",
        "other-tenant",
        "deployment",
      )
      .map((who) =>
        who === "own"
          ? hooks[kind].secret
          : who === "other-tenant"
            ? hooks[kind === "github" ? "linear" : "github"].secret
            : undefined,
      );

  it("GitHub: no 5xx; refusals (wrong tenant's secret, unknown hook) leave no trace", async () => {
    const tenant = HOOK_TENANTS.github;
    const { env, sent } = fuzzEnv(GH_TENANT);
    const guard = new TraceGuard({ tenants: [tenant], sent, deep: false });
    await fc.assert(
      fc.asyncProperty(
        githubDelivery(REPO),
        fc.constantFrom(...MODES),
        hookPath("github"),
        signer("github"),
        deliveryHeader,
        garbageHeader,
        async ({ event, body }, mode, path, secret, delivery, junk) => {
          await guard.ready();
          const headers: Record<string, string> = { "content-type": "application/json" };
          if (event) headers["x-github-event"] = event;
          if (delivery !== null) headers["x-github-delivery"] = delivery;
          const sign = (b: Uint8Array, s?: string) => githubSignature(b, s ?? secret);
          if (mode !== "none")
            headers["x-hub-signature-256"] = await webhookSignature(mode, body, junk, sign);
          const res = await call(post(path, body, headers), env);
          await guard.check(res, () => `${path} ${mode} ${event} ${describeBody(body)}`);
          if (path !== hooks.github.path) expect(res.status).toBe(404);
          else if (secret !== hooks.github.secret || (mode !== "valid" && mode !== "upper")) {
            expect(res.status).toBe(401);
          }
        },
      ),
      { numRuns: 80 },
    );
    // Both sides of the signature check are reached (about a quarter of the runs get past it).
    expect(guard.statuses.get(401)).toBeGreaterThan(10);
    expect(guard.other(401) - (guard.statuses.get(404) ?? 0)).toBeGreaterThan(3);
  });

  it("Linear: no 5xx; refusals (wrong tenant's secret, unknown hook, another organisation) leave no trace", async () => {
    const tenant = HOOK_TENANTS.linear;
    const { env, sent } = fuzzEnv(LINEAR_TENANT);
    const guard = new TraceGuard({ tenants: [tenant], sent, deep: false });
    await fc.assert(
      fc.asyncProperty(
        linearDelivery(LINEAR_TEAM),
        fc.constantFrom(...MODES.filter((m) => m !== "sha1")),
        hookPath("linear"),
        signer("linear"),
        deliveryHeader,
        garbageHeader,
        async (body, mode, path, secret, delivery, junk) => {
          await guard.ready();
          const headers: Record<string, string> = { "content-type": "application/json" };
          if (delivery !== null) headers["linear-delivery"] = delivery;
          const sign = (b: Uint8Array, s?: string) => linearSignature(b, s ?? secret);
          if (mode !== "none") headers["linear-signature"] = await webhookSignature(mode, body, junk, sign);
          const res = await call(post(path, body, headers), env);
          await guard.check(res, () => `${path} ${mode} ${describeBody(body)}`);
          if (path !== hooks.linear.path) expect(res.status).toBe(404);
          else if (secret !== hooks.linear.secret || (mode !== "valid" && mode !== "upper")) {
            expect(res.status).toBe(401);
          }
        },
      ),
      { numRuns: 70 },
    );
    expect(guard.statuses.get(401)).toBeGreaterThan(10);
    expect(guard.other(401) - (guard.statuses.get(404) ?? 0)).toBeGreaterThan(3);
  });
});

describe("fuzz: REST /api/*", () => {
  it("every documented route with random params, keys, tenants, queries and bodies: no 5xx, no trace", async () => {
    expect(world.routes.length).toBeGreaterThan(10);
    const guard = new TraceGuard({ tenants: [TENANT, OTHER], sent: restSent });
    await fc.assert(
      fc.asyncProperty(restRequest(world), async (r) => {
        await guard.ready();
        const req = new Request(BASE + r.path, { method: r.method, headers: r.headers, body: r.body });
        const res = await call(req, restEnv);
        const auth = r.headers.authorization?.slice(0, 30);
        await guard.check(
          res,
          () => `${r.method} ${r.path} auth=${auth} ${r.body ? describeBody(r.body) : ""}`,
        );
      }),
      { numRuns: 100 },
    );
    expect(guard.refused).toBeGreaterThan(30);
    expect(guard.other(401)).toBeGreaterThan(20);
    expect(guard.accepted).toBeGreaterThan(0);
  });
});

describe("the oracle", () => {
  it("sees a trace: a refusal followed by any write (here an audit row of another request) fails", async () => {
    const guard = new TraceGuard({ tenants: [TENANT], sent: restSent });
    await guard.ready();
    await coordinator(restEnv, TENANT).recordAudit({
      id: "aud_oracle",
      at: new Date().toISOString(),
      tenant: TENANT,
      keyId: "bootstrap",
      action: "oracle.check",
      target: "",
      status: 200,
      correlationId: "someone-else",
    });
    const refused = { status: 400, text: "{}", headers: new Headers({ "x-correlation-id": "this-request" }) };
    await expect(guard.check(refused, () => "oracle")).rejects.toThrow("left a trace");
  });
});

describe("body limits of the /api routes", () => {
  const paths = () => ["/api/webhooks/github", "/api/webhooks/linear", hooks.github.path, hooks.linear.path];
  for (const index of [0, 1, 2, 3]) {
    it(`webhook path ${index}: a body at the limit is read (then 401 unsigned), one byte more is a 413`, async () => {
      const { env } = fuzzEnv(GH_TENANT);
      const path = paths()[index] ?? "";
      expect(path).toMatch(/^\/api\/webhooks\/(github|linear)/);
      const limit = bodyLimitFor(path);
      const json = { "content-type": "application/json" };
      expect((await call(post(path, new Uint8Array(limit), json), env)).status).toBe(401);
      const over = new Uint8Array(limit + 1);
      expect((await call(post(path, over, json), env)).status).toBe(413);
      const streamed = new Request(BASE + path, {
        method: "POST",
        headers: json,
        body: new Blob([over]).stream(),
      });
      expect((await call(streamed, env)).status).toBe(413);
    });
  }

  it("REST: a JSON body at the limit passes the size check (a 400 naming the field), one byte more is a 413", async () => {
    const path = "/api/workflows/create";
    const limit = bodyLimitFor(path);
    const name = "x".repeat(limit - JSON.stringify({ name: "" }).length);
    const at = bytesOf(JSON.stringify({ name }));
    expect(at.byteLength).toBe(limit);
    const headers = { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" };
    const send = (b: BodyInit) =>
      call(new Request(BASE + path, { method: "POST", headers, body: b }), restEnv);
    const atLimit = await send(at.slice());
    expect(atLimit.status).toBe(400);
    expect(atLimit.text).toContain("name");
    const over = bytesOf(JSON.stringify({ name: `${name}x` }));
    expect((await send(over.slice())).status).toBe(413);
    expect((await send(new Blob([over]).stream())).status).toBe(413);
  });
});
