/**
 * Real checks behind `GET /api/health`: a Coordinator round trip, a round trip to every agent
 * class, a KV write + read + delete and an R2 put + get + delete. Each check has a time limit.
 */

import { coordinator } from "../agents/coordinator/stub";
import { AGENT_TYPES } from "../agents/model";
import { agentStub } from "../agents/registry";
import type { Env } from "../env";
import { errorMessage } from "../platform/errors";

export interface ComponentHealth {
  status: "healthy" | "unhealthy";
  latencyMs: number;
  error?: string;
}

export interface HealthComponents {
  coordinator: ComponentHealth;
  agents: ComponentHealth;
  storage: { kv: ComponentHealth; r2: ComponentHealth };
}

/** Durable Object name used by the probes; not a valid tenant id, so it never collides with one. */
const PROBE_NAME = "_health";
const CHECK_TIMEOUT_MS = 5_000;

async function timed(check: () => Promise<void>): Promise<ComponentHealth> {
  const started = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), limit]);
    return { status: "healthy", latencyMs: Date.now() - started };
  } catch (err) {
    const error = errorMessage(err);
    return { status: "unhealthy", latencyMs: Date.now() - started, error };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

async function checkCoordinator(env: Env): Promise<void> {
  const { at } = await coordinator(env, PROBE_NAME).ping();
  if (typeof at !== "string") throw new Error("unexpected ping answer");
}

/** Every agent class answers (an uninitialised probe object answers with a 404 outcome). */
async function checkAgents(env: Env): Promise<void> {
  await Promise.all(
    AGENT_TYPES.map(async (type) => {
      const outcome = await agentStub(env, type, PROBE_NAME).status();
      if (!outcome.ok && outcome.error.status >= 500) throw new Error(`${type}: ${outcome.error.message}`);
    }),
  );
}

async function checkKv(env: Env): Promise<void> {
  const key = `health:probe:${crypto.randomUUID()}`;
  const value = new Date().toISOString();
  await env.CONFIG_KV.put(key, value, { expirationTtl: 60 });
  try {
    const read = await env.CONFIG_KV.get(key);
    if (read !== value) throw new Error("KV read did not return the value written");
  } finally {
    await env.CONFIG_KV.delete(key);
  }
}

async function checkR2(env: Env): Promise<void> {
  const key = `health/probe-${crypto.randomUUID()}`;
  const value = new Date().toISOString();
  await env.LOGS.put(key, value);
  try {
    const object = await env.LOGS.get(key);
    if (!object || (await object.text()) !== value) throw new Error("R2 get did not return the object put");
  } finally {
    await env.LOGS.delete(key);
  }
}

export async function checkHealth(env: Env): Promise<{ healthy: boolean; components: HealthComponents }> {
  const [coord, agents, kv, r2] = await Promise.all([
    timed(() => checkCoordinator(env)),
    timed(() => checkAgents(env)),
    timed(() => checkKv(env)),
    timed(() => checkR2(env)),
  ]);
  const components = { coordinator: coord, agents, storage: { kv, r2 } };
  const healthy = [coord, agents, kv, r2].every((c) => c.status === "healthy");
  return { healthy, components };
}

/** Names of the failing components, e.g. ["storage.kv"]. */
export function failing(components: HealthComponents): string[] {
  const flat: Array<[string, ComponentHealth]> = [
    ["coordinator", components.coordinator],
    ["agents", components.agents],
    ["storage.kv", components.storage.kv],
    ["storage.r2", components.storage.r2],
  ];
  return flat.filter(([, c]) => c.status !== "healthy").map(([name]) => name);
}
