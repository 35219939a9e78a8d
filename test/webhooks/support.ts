/**
 * Helpers for the webhook route tests: signed requests through the Worker — at a tenant's own hook
 * URL with its own secret (`to: tenant`), or at the seed URL with the deployment's secret (the
 * default tenant) — links, inbox reads.
 */
import { createExecutionContext, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { OpenAPIHono } from "@hono/zod-openapi";
import { coordinator } from "../../src/agents/coordinator/stub";
import type { AgentHealth, AgentSnapshot, AgentType } from "../../src/agents/model";
import { agentNamespace } from "../../src/agents/registry";
import type { Env } from "../../src/env";
import { notFound, onError } from "../../src/http/errors";
import { correlation } from "../../src/http/middleware/correlation";
import { registerWebhookRoutes } from "../../src/http/routes/webhooks";
import type { AppEnv } from "../../src/http/types";
import { signGitHub } from "../../src/integrations/github/verify";
import { signLinear } from "../../src/integrations/linear/verify";
import { unwrap } from "../../src/platform/errors";
import { settings } from "../../src/settings/stub";
import { defaultTenant } from "../../src/tenants/default-tenant";
import type { WebhookOptions } from "../../src/webhooks/options";
import { chatContext, run } from "../commands/helpers";
import { exampleOf, type Payload, setPath } from "../helpers/payloads";
import { PATIENCE_MS } from "../helpers/wait";

export { exampleOf, type Payload, setPath };

export const BASE = "http://foreman.test";
export const GITHUB_SECRET = "test-github-secret";
export const LINEAR_SECRET = "test-linear-secret";
export const ADMIN = "test-admin-key";

/** A tenant's own webhook, as `POST /api/webhooks/<kind>/secret` answered it. */
export interface TenantHook {
  tenant: string;
  kind: "github" | "linear";
  hookId: string;
  url: string;
  path: string;
  secret: string;
}

const hooks = new Map<string, Promise<TenantHook>>();

/** Creates (or rotates: `fresh`) the tenant's webhook through the REST API with the bootstrap key. */
export function issueHook(
  tenant: string,
  kind: "github" | "linear",
  body?: Record<string, unknown>,
): Promise<TenantHook> {
  const issued = requestHook(tenant, kind, body);
  hooks.set(`${tenant}:${kind}`, issued);
  return issued;
}

async function requestHook(
  tenant: string,
  kind: "github" | "linear",
  body?: Record<string, unknown>,
): Promise<TenantHook> {
  const res = await exports.default.fetch(
    new Request(`${BASE}/api/webhooks/${kind}/secret`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${ADMIN}`,
        "X-Foreman-Tenant": tenant,
        ...(body ? { "Content-Type": "application/json" } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    }),
  );
  if (res.status !== 200 && res.status !== 201) throw new Error(`hook ${res.status}: ${await res.text()}`);
  const issued = (await res.json()) as { hookId: string; url: string; path: string; secret: string };
  return { tenant, kind, hookId: issued.hookId, url: issued.url, path: issued.path, secret: issued.secret };
}

/** The tenant's webhook (made on first use in this test run). */
export function hookOf(tenant: string, kind: "github" | "linear"): Promise<TenantHook> {
  return hooks.get(`${tenant}:${kind}`) ?? issueHook(tenant, kind);
}

export interface GitHubSend {
  /** Send to this tenant's own hook URL, signed with its secret (default: the seed URL). */
  to?: string;
  event?: string;
  delivery?: string;
  secret?: string;
  /** Overrides the signature header; `null` leaves it out. */
  signature?: string | null;
  /** Sent as is instead of the JSON of the payload. */
  raw?: string;
  headers?: Record<string, string>;
  /**
   * Answer at once, without waiting until an accepted delivery is in the agents' inboxes (the ack
   * comes once it is recorded; the Coordinator publishes it right after).
   */
  unsettled?: boolean;
}

export async function githubRequest(payload: unknown, init: GitHubSend = {}): Promise<Request> {
  const body = init.raw ?? JSON.stringify(payload);
  const headers = new Headers({ "Content-Type": "application/json", ...init.headers });
  if (init.event !== "") headers.set("X-GitHub-Event", init.event ?? "pull_request");
  if (init.delivery !== "") headers.set("X-GitHub-Delivery", init.delivery ?? crypto.randomUUID());
  const hook = init.to === undefined ? null : await hookOf(init.to, "github");
  const secret = init.secret ?? hook?.secret ?? GITHUB_SECRET;
  const signature = init.signature === undefined ? await signGitHub(body, secret) : init.signature;
  if (signature !== null) headers.set("X-Hub-Signature-256", signature);
  return new Request(`${BASE}${hook?.path ?? "/api/webhooks/github"}`, { method: "POST", headers, body });
}

/** A signed GitHub delivery through the Worker's fetch handler. */
export async function sendGitHub(payload: unknown, init: GitHubSend = {}): Promise<Response> {
  const res = await exports.default.fetch(await githubRequest(payload, init));
  return init.unsettled ? res : settled(res, "github", init.to);
}

/**
 * Waits until an accepted delivery is published (or failed for good): the ack only says it is
 * recorded, and the tests look at the agents afterwards.
 */
async function settled(res: Response, source: "github" | "linear", to?: string): Promise<Response> {
  if (res.status !== 200) return res;
  const body = (await res.clone().json()) as { status?: string; deliveryId?: string };
  if (body.status !== "accepted" || !body.deliveryId) return res;
  const deliveryId = body.deliveryId;
  const c = coordinator(env, to ?? defaultTenant(env));
  await eventually(async () => (await c.webhookDelivery(source, deliveryId))?.status !== "pending");
  return res;
}

export interface LinearSend {
  /** Send to this tenant's own hook URL, signed with its secret (default: the seed URL). */
  to?: string;
  delivery?: string | null;
  secret?: string;
  signature?: string;
  /** As for GitHub: answer without waiting for the delivery to be published. */
  unsettled?: boolean;
}

export async function linearRequest(payload: Payload, init: LinearSend = {}): Promise<Request> {
  const body = JSON.stringify(payload);
  const headers = new Headers({ "Content-Type": "application/json", "Linear-Event": String(payload.type) });
  if (init.delivery !== null) headers.set("Linear-Delivery", init.delivery ?? crypto.randomUUID());
  const hook = init.to === undefined ? null : await hookOf(init.to, "linear");
  const secret = init.secret ?? hook?.secret ?? LINEAR_SECRET;
  headers.set("Linear-Signature", init.signature ?? (await signLinear(body, secret)));
  return new Request(`${BASE}${hook?.path ?? "/api/webhooks/linear"}`, { method: "POST", headers, body });
}

export async function sendLinear(payload: Payload, init: LinearSend = {}): Promise<Response> {
  const res = await exports.default.fetch(await linearRequest(payload, init));
  return init.unsettled ? res : settled(res, "linear", init.to);
}

/** Through a bare app with only the webhook routes, `options` and env `overrides`. */
export async function viaWebhookApp(
  request: Request,
  options: Partial<WebhookOptions> = {},
  overrides: Partial<Env> = {},
): Promise<Response> {
  const app = new OpenAPIHono<AppEnv>();
  app.use("*", correlation());
  registerWebhookRoutes(app, options);
  app.onError(onError);
  app.notFound(notFound);
  const ctx = createExecutionContext();
  const res = await app.fetch(request, { ...env, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/** `pull_request.opened` (octokit example) for `repo`. */
export function prOpened(repo: string, number = 7): Payload {
  const payload = exampleOf("pull_request", "opened");
  setPath(payload, "repository.full_name", repo);
  return setPath(payload, "pull_request.number", number);
}

/** Links through `/foreman link …` (which also starts the standing agents). */
export async function linkViaChat(tenant: string, kind: "github" | "linear", target: string): Promise<void> {
  const reply = await run(`link ${kind} ${target}`, chatContext(tenant));
  if (reply.tone === "error") throw new Error(reply.text);
}

/** Links in TenantSettings (and the Directory index) only: no agents are started. */
export async function linkQuietly(tenant: string, kind: "github" | "linear", target: string): Promise<void> {
  const channel = { platform: "slack" as const, workspaceId: "T0FOREMAN", channelId: "C0HOOKS" };
  unwrap(await settings(env, tenant).link(kind, target, channel, "slack:U0TEST"));
}

export async function agentsOf(tenant: string): Promise<AgentSnapshot[]> {
  return unwrap(await coordinator(env, tenant).listAgents());
}

export async function agentOfType(tenant: string, type: AgentType): Promise<AgentSnapshot> {
  const found = (await agentsOf(tenant)).filter((a) => a.type === type && a.status !== "terminated");
  if (found.length !== 1) throw new Error(`expected one live ${type} in ${tenant}, found ${found.length}`);
  return found[0] as AgentSnapshot;
}

export interface InboxRow {
  seq: number;
  messageId: string;
  status: string;
  startedAt: number | null;
  correlationId: string;
}

/** An agent's inbox rows whose message id starts with `deliveryId:` (one per event of it). */
export async function inboxRows(agent: AgentSnapshot, deliveryId: string): Promise<InboxRow[]> {
  const stub = agentNamespace(env, agent.type).getByName(agent.agentId);
  return runInDurableObject(stub, (_instance, state) =>
    state.storage.sql
      .exec<{
        seq: number;
        message_id: string;
        status: string;
        started_at: number | null;
        correlation_id: string;
      }>(
        "SELECT seq, message_id, status, started_at, correlation_id FROM inbox WHERE message_id LIKE ? ORDER BY seq",
        `${deliveryId}:%`,
      )
      .toArray()
      .map((r) => ({
        seq: r.seq,
        messageId: r.message_id,
        status: r.status,
        startedAt: r.started_at,
        correlationId: r.correlation_id,
      })),
  );
}

export type HealthView = AgentHealth & {
  recentEvents: Array<{ kind: string; message: string; correlationId?: string }>;
};

export async function healthOf(agent: AgentSnapshot): Promise<HealthView> {
  const res = await exports.default.fetch(
    new Request(`${BASE}/api/agents/health/${agent.agentId}`, {
      headers: { Authorization: `Bearer ${ADMIN}` },
    }),
  );
  if (res.status !== 200) throw new Error(`health ${res.status}: ${await res.text()}`);
  return (await res.json()) as HealthView;
}

export async function adminPost(path: string): Promise<Response> {
  return exports.default.fetch(
    new Request(`${BASE}${path}`, { method: "POST", headers: { Authorization: `Bearer ${ADMIN}` } }),
  );
}

/** Polls `check` until it returns true (or fails after `ms`). */
export async function eventually(check: () => Promise<boolean>, ms = PATIENCE_MS): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function bodyOf<T = Record<string, unknown>>(res: Response): Promise<T> {
  return (await res.json()) as T;
}
