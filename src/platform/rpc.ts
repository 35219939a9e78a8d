/**
 * Typed access to Durable Objects over RPC.
 *
 * workers-types maps every RPC return type through a serializability check that turns
 * `unknown` members into `never` and gives up on recursive types, so stubs are used through
 * `Remote<T>`: the object's public methods, each returning a promise of what it returns.
 * What actually crosses the boundary is plain data (see src/agents/model.ts).
 */
import type { Coordinator } from "../agents/coordinator/coordinator";
import type { Outbox } from "../delivery/outbox";
import type { Env } from "../env";
import type { Metrics } from "../observability/metrics-do";
import type { TenantSettings } from "../settings/tenant-settings";
import type { Directory } from "../tenants/directory";

type AnyMethod = (...args: never[]) => unknown;

export type Remote<T> = {
  [K in keyof T as T[K] extends AnyMethod ? K : never]: T[K] extends (...args: infer P) => infer R
    ? (...args: P) => Promise<Awaited<R>>
    : never;
};

export function remote<T>(stub: DurableObjectStub): Remote<T> {
  return stub as unknown as Remote<T>;
}

/** The tenant's Coordinator. */
export function coordinator(env: Env, tenant: string): Remote<Coordinator> {
  return remote<Coordinator>(env.COORDINATOR.getByName(tenant));
}

/** The global Directory (API keys, tenants, resource index). */
export function directory(env: Env): Remote<Directory> {
  return remote<Directory>(env.DIRECTORY.getByName("global"));
}

/** The tenant's Outbox (delivery ledger, local outbox, dead letters). */
export function outbox(env: Env, tenant: string): Remote<Outbox> {
  return remote<Outbox>(env.OUTBOX.getByName(tenant));
}

/** The tenant's chat settings: team, out-of-office, channel links, review SLAs, digest schedules. */
export function settings(env: Env, tenant: string): Remote<TenantSettings> {
  return remote<TenantSettings>(env.TENANT_SETTINGS.getByName(tenant));
}

/** The metrics rollup of a tenant (or `_system`): counters, latency histograms, alert incidents. */
export function metrics(env: Env, scope: string): Remote<Metrics> {
  return remote<Metrics>(env.METRICS_ROLLUP.getByName(scope));
}
