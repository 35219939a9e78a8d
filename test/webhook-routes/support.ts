/** Helpers for the webhook route tests: signed requests through the Worker, links, inbox reads. */
import { createExecutionContext, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { OpenAPIHono } from "@hono/zod-openapi";
import type { AgentHealth, AgentSnapshot, AgentType } from "../../src/agents/model";
import { agentNamespace } from "../../src/agents/registry";
import type { Env } from "../../src/env";
import { unwrap } from "../../src/errors";
import { notFound, onError } from "../../src/http/errors";
import { correlation } from "../../src/http/middleware/correlation";
import { registerWebhookRoutes } from "../../src/http/routes/webhooks";
import type { AppEnv } from "../../src/http/types";
import { signGitHub } from "../../src/integrations/github/verify";
import { signLinear } from "../../src/integrations/linear/verify";
import { coordinator, settings } from "../../src/rpc";
import type { WebhookOptions } from "../../src/webhooks/options";
import { chatContext, run } from "../chat/helpers";
import { PATIENCE_MS } from "../helpers/wait";
import { exampleOf, type Payload, setPath } from "../webhooks/support";

export { exampleOf, type Payload, setPath };

export const BASE = "http://foreman.test";
export const GITHUB_SECRET = "test-github-secret";
export const LINEAR_SECRET = "test-linear-secret";
export const ADMIN = "test-admin-key";

export interface GitHubSend {
  event?: string;
  delivery?: string;
  secret?: string;
  /** Overrides the signature header; `null` leaves it out. */
  signature?: string | null;
  /** Sent as is instead of the JSON of the payload. */
  raw?: string;
  headers?: Record<string, string>;
}

export async function githubRequest(payload: unknown, init: GitHubSend = {}): Promise<Request> {
  const body = init.raw ?? JSON.stringify(payload);
  const headers = new Headers({ "Content-Type": "application/json", ...init.headers });
  if (init.event !== "") headers.set("X-GitHub-Event", init.event ?? "pull_request");
  if (init.delivery !== "") headers.set("X-GitHub-Delivery", init.delivery ?? crypto.randomUUID());
  const signature =
    init.signature === undefined ? await signGitHub(body, init.secret ?? GITHUB_SECRET) : init.signature;
  if (signature !== null) headers.set("X-Hub-Signature-256", signature);
  return new Request(`${BASE}/api/webhooks/github`, { method: "POST", headers, body });
}

/** A signed GitHub delivery through the Worker's fetch handler. */
export async function sendGitHub(payload: unknown, init: GitHubSend = {}): Promise<Response> {
  return exports.default.fetch(await githubRequest(payload, init));
}

export interface LinearSend {
  delivery?: string | null;
  secret?: string;
  signature?: string;
}

export async function linearRequest(payload: Payload, init: LinearSend = {}): Promise<Request> {
  const body = JSON.stringify(payload);
  const headers = new Headers({ "Content-Type": "application/json", "Linear-Event": String(payload.type) });
  if (init.delivery !== null) headers.set("Linear-Delivery", init.delivery ?? crypto.randomUUID());
  headers.set("Linear-Signature", init.signature ?? (await signLinear(body, init.secret ?? LINEAR_SECRET)));
  return new Request(`${BASE}/api/webhooks/linear`, { method: "POST", headers, body });
}

export async function sendLinear(payload: Payload, init: LinearSend = {}): Promise<Response> {
  return exports.default.fetch(await linearRequest(payload, init));
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
