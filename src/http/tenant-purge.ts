/**
 * Tenant deletion (`DELETE /api/tenants/:id`, bootstrap key only): removes everything Foreman keeps
 * for a tenant and says what it removed.
 *
 * Order:
 * 1. Census: counts of what the tenant's objects hold (workflows, agents, audit entries, team,
 *    channel links, outbox, dead letters) and the list of its agents (the Coordinator knows them).
 * 2. Directory `detachTenant`: keys revoked, chat workspaces unbound, webhook hooks deleted (and
 *    forgotten by this isolate's hook cache; other isolates drop them within WEBHOOK_HOOK_CACHE_MS,
 *    and a delivery in that window finds no linked repository once the settings are wiped) — no new
 *    request or webhook reaches the tenant while it is wiped.
 * 3. Wipe the Durable Objects (`destroy()`: storage, alarm, in-memory state): every agent, then the
 *    Coordinator, TenantSettings, Outbox, Metrics and Live objects of the tenant.
 * 4. CONFIG_KV keys under `tenant:<id>:` and the R2 log archive of the tenant
 *    (`logs/<level-class>/<id>/`, `tenantLogPrefixes` in src/observability/archive.ts).
 * 5. Directory `forgetTenant`: key rows, id index and the tenant row deleted; deletion record written.
 *
 * A tenant is known when the Directory lists it (a key, a chat binding, a workflow or the demo seed
 * put it there). The default tenant is also known while any of its objects holds data (chat on an
 * unbound workspace can give it settings before it is ever listed).
 */

import { coordinator } from "../agents/coordinator/stub";
import type { AgentSnapshot } from "../agents/model";
import { agentStub } from "../agents/registry";
import { outbox } from "../delivery/stub";
import type { Env } from "../env";
import { tenantLogPrefixes } from "../observability/archive";
import { archiveBuffer, FORGET_MS } from "../observability/archive-buffer";
import { metricsBuffer } from "../observability/metrics-buffer";
import { metrics } from "../observability/stub";
import { wipe } from "../platform/destroy";
import { unwrap } from "../platform/errors";
import { settings } from "../settings/stub";
import { defaultTenant } from "../tenants/default-tenant";
import { live } from "../tenants/live";
import { forgetHooks } from "../tenants/receivers";
import { directory } from "../tenants/stub";

/** CONFIG_KV keys that belong to one tenant start with this (the convention for tenant-scoped keys). */
export function tenantKvPrefix(tenant: string): string {
  return `tenant:${tenant}:`;
}

export interface PurgeActor {
  keyId: string;
  correlationId: string;
}

export interface PurgeReport {
  tenant: string;
  removed: Record<string, number>;
}

const AGENT_CONCURRENCY = 8;
const LIST_ALL = 1000;

interface Census {
  agents: AgentSnapshot[];
  counts: Record<string, number>;
}

async function census(env: Env, tenant: string): Promise<Census> {
  const coord = coordinator(env, tenant);
  const box = outbox(env, tenant);
  const prefs = settings(env, tenant);
  const [workflows, agents, audit, team, links, outboxEntries, deadLetters] = await Promise.all([
    coord.listWorkflows().then(unwrap),
    coord.listAgents().then(unwrap),
    coord.listAudit(LIST_ALL),
    prefs.team(),
    prefs.links(),
    box.listOutbox(LIST_ALL),
    box.listDeadLetters(LIST_ALL),
  ]);
  const counts = {
    workflows: workflows.length,
    agents: agents.length,
    auditEntries: audit.length,
    teamMembers: team.length,
    channelLinks: links.length,
    outboxEntries: outboxEntries.length,
    deadLetters: deadLetters.length,
  };
  return { agents, counts };
}

/** Runs `work` over `items`, at most `limit` at a time. */
async function inBatches<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += limit) await Promise.all(items.slice(i, i + limit).map(work));
}

async function wipeObjects(env: Env, tenant: string, agents: AgentSnapshot[]): Promise<number> {
  await inBatches(agents, AGENT_CONCURRENCY, (a) => wipe(() => agentStub(env, a.type, a.agentId).destroy()));
  await Promise.all([
    wipe(() => coordinator(env, tenant).destroy()),
    wipe(() => settings(env, tenant).destroy()),
    wipe(() => outbox(env, tenant).destroy()),
    wipe(() => metrics(env, tenant).destroy()),
    wipe(() => live(env, tenant).destroy()),
  ]);
  return agents.length + 5;
}

export async function deleteKvPrefix(kv: KVNamespace, prefix: string): Promise<number> {
  let removed = 0;
  let cursor: string | undefined;
  do {
    const page = await kv.list({ prefix, ...(cursor ? { cursor } : {}) });
    await inBatches(page.keys, 16, (k) => kv.delete(k.name));
    removed += page.keys.length;
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return removed;
}

export async function deleteR2Prefix(bucket: R2Bucket, prefix: string): Promise<number> {
  let removed = 0;
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix, limit: 1000, ...(cursor ? { cursor } : {}) });
    const keys = page.objects.map((o) => o.key);
    if (keys.length > 0) await bucket.delete(keys);
    removed += keys.length;
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return removed;
}

/** Deletes the tenant; null when it is unknown (nothing is touched then). */
export async function purgeTenant(env: Env, tenant: string, actor: PurgeActor): Promise<PurgeReport | null> {
  const dir = directory(env);
  const listed = await dir.hasTenant(tenant);
  if (!listed && tenant !== defaultTenant(env)) return null;
  const { agents, counts } = await census(env, tenant);
  if (!listed && Object.values(counts).every((n) => n === 0)) return null;

  const detached = await dir.detachTenant(tenant);
  forgetHooks();
  // What this isolate still buffers for the tenant (metrics, log lines) must not refill what is wiped.
  const now = Date.now();
  metricsBuffer.forget(tenant, now, FORGET_MS);
  archiveBuffer.forget(tenant, now);
  const durableObjects = await wipeObjects(env, tenant, agents);
  const kvKeys = await deleteKvPrefix(env.CONFIG_KV, tenantKvPrefix(tenant));
  let r2Objects = 0;
  for (const prefix of tenantLogPrefixes(tenant)) r2Objects += await deleteR2Prefix(env.LOGS, prefix);

  const removed: Record<string, number> = {
    ...counts,
    chatBindings: detached.chatBindings,
    webhookHooks: detached.webhookHooks,
    kvKeys,
    r2Objects,
    durableObjects,
  };
  const forgotten = await dir.forgetTenant(tenant, { ...actor, removed });
  return { tenant, removed: { ...removed, apiKeys: forgotten.apiKeys, resources: forgotten.resources } };
}
