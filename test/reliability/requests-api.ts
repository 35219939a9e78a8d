/**
 * Request generators for the `/api` surface: GitHub and Linear deliveries (junk, or mutated real
 * payloads for a linked repository / team, with signing modes), and REST requests over the routes
 * of the OpenAPI document (path parameters, keys, tenant headers, queries, bodies).
 */
import fc from "fast-check";
import commentCreate from "../fixtures/linear/comment-create.json";
import issueCreate from "../fixtures/linear/issue-create.json";
import issueUpdateState from "../fixtures/linear/issue-update-state.json";
import { examplesOf, setPath } from "../helpers/payloads";
import {
  contentType,
  extraHeaders,
  garbageHeader,
  type Json,
  junkBody,
  mutated,
  printable,
} from "./arbitraries";
import { ADMIN, bytesOf } from "./support";

export const WEBHOOK_MODES = [
  "valid",
  "none",
  "garbage",
  "other-secret",
  "other-body",
  "upper",
  "sha1",
] as const;
export type WebhookMode = (typeof WEBHOOK_MODES)[number];

/** The signature header value for `body` under `mode`, made by `sign` (GitHub or Linear). */
export async function webhookSignature(
  mode: WebhookMode,
  body: Uint8Array,
  junk: string,
  sign: (b: Uint8Array, secret?: string) => Promise<string>,
): Promise<string> {
  const signed = mode === "other-body" ? bytesOf(`${new TextDecoder().decode(body)} `) : body;
  const value = await sign(signed, mode === "other-secret" ? "not-the-secret" : undefined);
  if (mode === "garbage") return junk;
  if (mode === "upper") return value.toUpperCase();
  if (mode === "sha1") return value.replace("sha256=", "sha1=");
  return value;
}

const GH_EVENTS = ["pull_request", "pull_request_review", "check_suite", "installation", "push", "ping"];

/** A real example payload of `event`, about `repo`. */
function githubExample(event: string, index: number, repo: string): Json {
  const all = examplesOf(event);
  const payload = structuredClone(all[index % all.length] ?? {});
  if (payload.repository && typeof payload.repository === "object")
    setPath(payload, "repository.full_name", repo);
  return payload;
}

/** An event name and a body: a mutated real payload about `repo`, or junk. */
export function githubDelivery(repo: string): fc.Arbitrary<{ event: string; body: Uint8Array }> {
  return fc.oneof(
    fc
      .tuple(fc.constantFrom(...GH_EVENTS), fc.nat())
      .chain(([event, i]) =>
        mutated(githubExample(event, i, repo)).map((p) => ({ event, body: bytesOf(JSON.stringify(p)) })),
      ),
    fc
      .tuple(fc.constantFrom(...GH_EVENTS, "", "issues", "junk event"), junkBody())
      .map(([event, body]) => ({ event, body })),
  );
}

const LINEAR_FIXTURES = [issueCreate, issueUpdateState, commentCreate] as Json[];

/** A Linear fixture about team `key` (its own key: other test files link the fixtures' ENG). */
function linearExample(index: number, key: string): Json {
  const payload = structuredClone(LINEAR_FIXTURES[index % LINEAR_FIXTURES.length] ?? {});
  const data = payload.data;
  if (data && typeof data === "object") {
    const d = data as Json;
    if (typeof d.identifier === "string") d.identifier = `${key}-123`;
    if (d.team && typeof d.team === "object") (d.team as Json).key = key;
    if (d.issue && typeof d.issue === "object") (d.issue as Json).identifier = `${key}-123`;
  }
  return payload;
}

/** A Linear body about team `key`: a mutated real payload (fresh or skewed `webhookTimestamp`), or junk. */
export function linearDelivery(key: string): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    fc
      .tuple(fc.nat(), fc.boolean(), fc.integer({ min: -120_000, max: 120_000 }))
      .chain(([i, fresh, skew]) => {
        const base = linearExample(i, key);
        base.webhookTimestamp = Date.now() + (fresh ? 0 : skew);
        return mutated(base);
      })
      .map((p) => bytesOf(JSON.stringify(p))),
    junkBody(),
  );
}

/** A delivery id header: mostly a UUID, sometimes missing or garbage. */
export const deliveryHeader: fc.Arbitrary<string | null> = fc.oneof(
  { weight: 4, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: garbageHeader },
);

// -------------------------------------------------------------------- REST

export interface Route {
  method: string;
  path: string;
}

/** What the REST generator draws from, known once the fuzz tenant is set up. */
export interface RestWorld {
  routes: Route[];
  /** Real ids: workflows, agents, keys, tenants. */
  ids: string[];
  /** Tenant keys by role (plus one of another tenant and a revoked one). */
  keys: Record<"operator" | "viewer" | "otherAdmin" | "revoked", string>;
  tenants: [string, string];
}

const VALID_BODIES = (tenant: string): Json[] => [
  { name: "fuzzed", priority: "high", context: { tags: ["a"], githubRepoId: 1 } },
  { type: "integration-dashboard", workflowId: "wf_x", config: { maxConcurrentTasks: 2 } },
  { type: "ping", payload: { note: "n" }, from: "fuzz" },
  { tenant, role: "viewer", name: "k" },
  { platform: "slack", workspaceId: "T0123ABCD" },
];

export interface RestRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Uint8Array | null;
}

export function restRequest(world: RestWorld): fc.Arbitrary<RestRequest> {
  const [tenant, other] = world.tenants;
  const route = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...world.routes) },
    {
      weight: 1,
      arbitrary: fc.record({
        method: fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"),
        path: fc.constantFrom("/api", "/api/", "/api/workflows/{id}", "/api/nope/{id}", "/api/keys/{id}/x"),
      }),
    },
  );
  const param = fc.oneof(
    fc.constantFrom(...world.ids),
    printable(40).map(encodeURIComponent),
    fc.constantFrom("", "%00", "..%2F..", "wf_0", `agt_${"a".repeat(300)}`, "%ff%fe", "dlv_x"),
  );
  const auth = fc.oneof(
    fc.constantFrom<string | null>(
      null,
      "Bearer",
      "Basic dGVzdDp0ZXN0",
      `Bearer ${ADMIN}x`,
      `bearer ${ADMIN}`,
    ),
    garbageHeader.map((g) => `Bearer ${g}`),
    // Real keys half of the time, so requests get past authentication.
    ...Array.from({ length: 3 }, () =>
      fc.constantFrom(ADMIN, ...Object.values(world.keys)).map((k) => `Bearer ${k}`),
    ),
  );
  const tenantHeader = fc.oneof(
    fc.constantFrom<string | null>(null, null, tenant, other, "", "UPPER", "a b", "-x", "x".repeat(100)),
    printable(20).map((s) => `!${s}`),
  );
  const query = fc.oneof(
    fc.constant(""),
    fc
      .record(
        {
          limit: fc.oneof(fc.integer({ min: -5, max: 5000 }).map(String), printable(10)),
          tenant: fc.constantFrom(tenant, other, "BAD", ""),
          status: fc.constantFrom("active", "running", "junk"),
          type: fc.constantFrom("review-manager", "junk"),
          format: fc.constantFrom("prometheus", "json", "xml"),
          junk: printable(10),
        },
        { requiredKeys: [] },
      )
      .map((q) => `?${new URLSearchParams(q).toString()}`),
    printable(60).map((s) => `?${s}`),
  );
  const bodies = VALID_BODIES(tenant);
  const body = fc.oneof(
    fc.constant(null),
    junkBody(),
    fc
      .tuple(fc.nat(), fc.boolean())
      .chain(([i, keep]) => {
        const valid = bodies[i % bodies.length] ?? {};
        return keep ? fc.constant(valid) : mutated(valid);
      })
      .map((j) => bytesOf(JSON.stringify(j))),
  );
  return fc
    .record({
      route,
      otherMethod: fc.option(fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE"), { freq: 6 }),
      param,
      auth,
      tenant: tenantHeader,
      query,
      body,
      type: fc.option(contentType, { freq: 2 }),
      extra: extraHeaders,
    })
    .map((r) => {
      const method = r.otherMethod ?? r.route.method;
      const headers: Record<string, string> = { ...r.extra, "content-type": r.type ?? "application/json" };
      if (r.auth !== null) headers.authorization = r.auth;
      if (r.tenant !== null) headers["x-foreman-tenant"] = r.tenant;
      const withBody = r.body !== null && method !== "GET" && method !== "HEAD";
      return {
        method,
        path: r.route.path.replace(/\{[^}]+\}/g, r.param) + r.query,
        headers,
        body: withBody ? r.body : null,
      };
    });
}
