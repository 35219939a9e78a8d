/**
 * Helpers of the reliability suite: requests signed with the real test secrets (over raw bytes, so
 * invalid UTF-8 can be signed too), one call path through the full app (createApp, every global
 * middleware) with env overrides, and a generic "trace" snapshot of everything a request could
 * leave behind: every SQLite table of the Directory and of a tenant's Coordinator, Outbox,
 * TenantSettings and agents, their alarms, the KV namespace, and what was sent to a recording queue.
 */

import { createExecutionContext, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { coordinator } from "../../src/agents/coordinator/stub";
import { agentNamespace } from "../../src/agents/registry";
import type { DeliveryMessage } from "../../src/delivery/types";
import type { Env } from "../../src/env";
import { createApp } from "../../src/http/app";
import { recordingQueue } from "../delivery/support";
import { concatBytes, utf8 } from "../helpers/bytes";
import type { KeyPair } from "../integrations/discord/support";

export const BASE = "http://foreman.test";
export const ADMIN = "test-admin-key";
export const SLACK_SECRET = "test-signing-secret";
export const GITHUB_SECRET = "test-github-secret";
export const LINEAR_SECRET = "test-linear-secret";

export const bytesOf = (body: string | Uint8Array): Uint8Array =>
  typeof body === "string" ? utf8(body) : body;

const hex = (bytes: ArrayBuffer | Uint8Array): string =>
  [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");

async function hmacHex(secret: string, data: Uint8Array): Promise<string> {
  const key = await crypto.subtle.importKey("raw", utf8(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  return hex(await crypto.subtle.sign("HMAC", key, data));
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** `X-Slack-Signature` over the exact bytes: `v0=` HMAC of `v0:{ts}:{body}`. */
export async function slackSignature(body: string | Uint8Array, ts: string): Promise<string> {
  return `v0=${await hmacHex(SLACK_SECRET, concatBytes(utf8(`v0:${ts}:`), bytesOf(body)))}`;
}

/** `X-Hub-Signature-256`. */
export async function githubSignature(body: string | Uint8Array, secret = GITHUB_SECRET): Promise<string> {
  return `sha256=${await hmacHex(secret, bytesOf(body))}`;
}

/** `Linear-Signature`. */
export async function linearSignature(body: string | Uint8Array, secret = LINEAR_SECRET): Promise<string> {
  return hmacHex(secret, bytesOf(body));
}

/** `X-Signature-Ed25519` over `timestamp + body`. */
export async function discordSignature(
  keys: KeyPair,
  body: string | Uint8Array,
  ts: string,
): Promise<string> {
  const message = concatBytes(utf8(ts), bytesOf(body));
  return hex(await crypto.subtle.sign({ name: "Ed25519" }, keys.privateKey, message));
}

/** A request with a body of bytes (a fresh copy: bodies are read once). */
export function post(path: string, body: string | Uint8Array, headers: HeadersInit = {}): Request {
  return new Request(BASE + path, { method: "POST", headers, body: bytesOf(body).slice() });
}

export interface Called {
  status: number;
  text: string;
  headers: Headers;
}

/** Through a fresh full app (every global middleware), waiting for its waitUntil work. */
export async function call(request: Request, testEnv: Env): Promise<Called> {
  const ctx = createExecutionContext();
  const res = await createApp().fetch(request, testEnv, ctx);
  const text = await res.text();
  await waitOnExecutionContext(ctx);
  return { status: res.status, text, headers: res.headers };
}

/** An env copy for the suite: `tenant` as default tenant, a recording OUTBOUND queue, error-level logs. */
export function fuzzEnv(tenant: string, extra: Partial<Env> = {}): { env: Env; sent: DeliveryMessage[] } {
  const { queue, sent } = recordingQueue();
  return {
    env: { ...env, FOREMAN_DEFAULT_TENANT: tenant, OUTBOUND: queue, LOG_LEVEL: "error", ...extra },
    sent,
  };
}

// ------------------------------------------------------------------ traces

type Rows = Record<string, unknown[]>;

/** Every user table of a Durable Object's SQLite, and its alarm. */
export async function dumpObject(stub: DurableObjectStub): Promise<{ tables: Rows; alarm: number | null }> {
  return runInDurableObject(stub, async (_instance, state) => {
    const sql = state.storage.sql;
    const names = sql
      .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .toArray()
      .map((r) => r.name)
      .filter((n) => !n.startsWith("_cf_") && !n.startsWith("sqlite_"));
    const tables: Rows = {};
    for (const name of names) tables[name] = sql.exec(`SELECT * FROM "${name}"`).toArray();
    return { tables, alarm: await state.storage.getAlarm() };
  });
}

export interface TraceScope {
  /** Tenants whose objects are dumped. */
  tenants: string[];
  /** What the request env's recording queue received. */
  sent?: DeliveryMessage[];
  /**
   * Dump agents and the Outbox too (default true). Off for tenants where accepted requests start
   * background work (agents, queue consumer) that may still be running during a later request:
   * the Coordinator (delivery log, audit, registry) is still compared, and agents and deliveries
   * are only reachable through it.
   */
  deep?: boolean;
}

export interface Trace {
  directory: unknown;
  kv: string[];
  tenants: Record<string, unknown>;
  queued: number;
}

/** Everything a request could have changed for the scope's tenants (and globally). */
export async function trace(scope: TraceScope): Promise<Trace> {
  const directory = await dumpObject(env.DIRECTORY.getByName("global"));
  // Authentication bookkeeping (a key's last use), not an effect of the request.
  for (const row of directory.tables.api_keys ?? []) delete (row as Record<string, unknown>).last_used_at;
  // The cron index: due times other objects report in the background (a tenant's settings, its
  // metrics), not an effect of the request; what they index is compared in those objects' own tables.
  delete directory.tables.cron_index;
  delete directory.tables.cron_meta;
  const out: Trace = {
    directory,
    kv: (await env.CONFIG_KV.list()).keys.map((k) => k.name),
    tenants: {},
    queued: scope.sent?.length ?? 0,
  };
  for (const tenant of scope.tenants) {
    const parts: Record<string, unknown> = {
      coordinator: await dumpObject(env.COORDINATOR.getByName(tenant)),
      settings: await dumpObject(env.TENANT_SETTINGS.getByName(tenant)),
    };
    if (scope.deep !== false) {
      parts.outbox = await dumpObject(env.OUTBOX.getByName(tenant));
      const agents = await coordinator(env, tenant).listAgents();
      for (const agent of agents.ok ? agents.value : []) {
        parts[agent.agentId] = await dumpObject(agentNamespace(env, agent.type).getByName(agent.agentId));
      }
    }
    out.tenants[tenant] = parts;
  }
  return out;
}

const equal = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

type AuditRow = { correlation_id?: unknown; status?: unknown };

/**
 * Removes the audit rows of one request (by correlation id) from a trace and returns them: the
 * audit middleware records every authenticated mutation, refusals included, by design.
 */
function takeAudit(t: Trace, correlationId: string | null): AuditRow[] {
  const taken: AuditRow[] = [];
  if (!correlationId) return taken;
  for (const parts of Object.values(t.tenants)) {
    const coord = (parts as { coordinator: { tables: Rows } }).coordinator;
    const rows = (coord.tables.audit ?? []) as AuditRow[];
    coord.tables.audit = rows.filter((r) => {
      if (r.correlation_id !== correlationId) return true;
      taken.push(r);
      return false;
    });
  }
  return taken;
}

/**
 * The fuzzers' oracle. Per request: never a 5xx; a 4xx leaves the trace exactly as it was before
 * the request (only its own audit record of the refusal is allowed). The "before" trace is reused
 * while requests are refused and taken again after one is accepted.
 */
export class TraceGuard {
  private before: Trace | null = null;
  refused = 0;
  accepted = 0;
  /** Status -> how many requests got it. */
  readonly statuses = new Map<number, number>();

  constructor(private readonly scope: TraceScope) {}

  /** How many requests got a status other than `status` (e.g. got past the signature check: not 401). */
  other(status: number): number {
    return [...this.statuses].reduce((n, [s, count]) => (s === status ? n : n + count), 0);
  }

  /**
   * Takes the "before" trace if there is none. After an accepted request, work it started may still
   * be running in an object (an agent's inbox): wait until two traces in a row agree.
   */
  async ready(): Promise<void> {
    if (this.before) return;
    let last = await trace(this.scope);
    for (let i = 0; i < 20; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      const next = await trace(this.scope);
      if (equal(next, last)) break;
      last = next;
    }
    this.before = last;
  }

  async check(res: Called, what: () => string): Promise<void> {
    expect(res.status, `5xx for ${what()}: ${res.text.slice(0, 300)}`).toBeLessThan(500);
    this.statuses.set(res.status, (this.statuses.get(res.status) ?? 0) + 1);
    if (res.status < 400) {
      this.accepted++;
      this.before = null;
      return;
    }
    this.refused++;
    const after = await trace(this.scope);
    const stripped = structuredClone(after);
    const audit = takeAudit(stripped, res.headers.get("x-correlation-id"));
    expect(audit.length, `more than one audit row for ${what()}`).toBeLessThanOrEqual(1);
    for (const row of audit) expect(row.status).toBe(res.status);
    expect(stripped, `${res.status} for ${what()} left a trace`).toEqual(this.before);
    this.before = after;
  }
}

/** A short, printable description of a generated request for failure messages. */
export function describeBody(body: Uint8Array | string): string {
  const b = bytesOf(body);
  const head = new TextDecoder().decode(b.slice(0, 120));
  return `${b.byteLength} bytes: ${JSON.stringify(head)}`;
}
