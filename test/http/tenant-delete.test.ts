/**
 * `DELETE /api/tenants/:id`: everything of the tenant goes (Durable Objects, Directory entries, KV,
 * R2 logs), the answer says what went, the deletion is recorded; 404 for an unknown tenant (and the
 * second time), 403 for any key but the bootstrap key.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { coordinator } from "../../src/agents/coordinator/stub";
import type { AgentSnapshot } from "../../src/agents/model";
import { agentNamespace } from "../../src/agents/registry";
import { outbox } from "../../src/delivery/stub";
import { tenantKvPrefix } from "../../src/http/tenant-purge";
import { unwrap } from "../../src/platform/errors";
import { directory } from "../../src/tenants/stub";
import { chatContext, run } from "../commands/helpers";
import { delivery } from "../delivery/support";
import { errorOf, jsonOf, newKey, viaApp } from "./helpers";

/** Rows in every table of an object (0: it holds nothing). */
async function rowsIn(stub: DurableObjectStub): Promise<number> {
  return runInDurableObject(stub, (_instance, state) => {
    const tables = state.storage.sql
      .exec<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
      )
      .toArray();
    let rows = 0;
    for (const { name } of tables) {
      rows += Number(state.storage.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM "${name}"`).one().n);
    }
    return rows;
  });
}

async function alarmOf(stub: DurableObjectStub): Promise<number | null> {
  return runInDurableObject(stub, (_instance, state) => state.storage.getAlarm());
}

/** The tenant's objects: Coordinator, TenantSettings, Outbox, Metrics, Live, and each agent. */
function objectsOf(tenant: string, agents: AgentSnapshot[]): Array<[string, DurableObjectStub]> {
  return [
    ["coordinator", env.COORDINATOR.getByName(tenant)],
    ["settings", env.TENANT_SETTINGS.getByName(tenant)],
    ["outbox", env.OUTBOX.getByName(tenant)],
    ["metrics", env.METRICS_ROLLUP.getByName(tenant)],
    ["live", env.LIVE.getByName(tenant)],
    ...agents.map((a): [string, DurableObjectStub] => [
      a.agentId,
      agentNamespace(env, a.type).getByName(a.agentId),
    ]),
  ];
}

const LOG_DAY = "2026-11-24/10";

/** A tenant with a bit of everything. */
async function populate(tenant: string): Promise<{ key: string; agents: AgentSnapshot[] }> {
  const { key } = await newKey(tenant, "admin");
  const created = await viaApp("/api/workflows/create", { key, body: { name: "To be deleted" } });
  expect(created.status).toBe(201);
  const { workflowId } = await jsonOf<{ workflowId: string }>(created);
  const spawned = await viaApp("/api/agents/spawn", { key, body: { type: "pattern-bridge", workflowId } });
  expect(spawned.status).toBe(201);
  const bound = await viaApp(`/api/tenants/${tenant}/chat`, {
    key,
    body: { platform: "slack", workspaceId: "T0SECDEL" },
  });
  expect(bound.status).toBe(201);
  const ctx = chatContext(tenant, { platformAdmin: true });
  expect((await run(`link github sec-del/${tenant}`, ctx)).tone).not.toBe("error");
  expect((await run("team add <@U0ALICE|alice> github:alice", ctx)).tone).not.toBe("error");
  await outbox(env, tenant).recordLocal(
    delivery({ tenant, platform: "slack", action: "chat.postMessage", body: { channel: "C1", text: "hi" } }),
  );
  await env.CONFIG_KV.put(`${tenantKvPrefix(tenant)}alerts`, "{}");
  await env.LOGS.put(`logs/debug-info/${tenant}/${LOG_DAY}/a.jsonl`, "{}\n");
  await env.LOGS.put(`logs/warn-error/${tenant}/${LOG_DAY}/b.jsonl`, "{}\n");
  const agents = unwrap(await coordinator(env, tenant).listAgents());
  return { key, agents };
}

describe("DELETE /api/tenants/:id", () => {
  it("removes the tenant's objects, keys, bindings, links, KV and logs, and says what it removed", async () => {
    const tenant = "sec-del";
    const { key, agents } = await populate(tenant);
    expect(agents.length).toBeGreaterThanOrEqual(2);
    const hook = await directory(env).webhookHookOf(tenant, "github");
    expect(hook?.tenant).toBe(tenant);
    await env.LOGS.put(`logs/debug-info/sec-keep/${LOG_DAY}/c.jsonl`, "{}\n");
    await env.CONFIG_KV.put(`${tenantKvPrefix("sec-keep")}alerts`, "{}");
    await env.CONFIG_KV.put(`${tenantKvPrefix(`${tenant}x`)}alerts`, "{}");
    for (const [name, stub] of objectsOf(tenant, agents)) {
      if (name !== "metrics" && name !== "live") expect(await rowsIn(stub), name).toBeGreaterThan(0);
    }

    const res = await viaApp(`/api/tenants/${tenant}`, {
      method: "DELETE",
      headers: { "X-Request-Id": "sec-del-1" },
    });
    expect(res.status).toBe(200);
    const body = await jsonOf<{ tenant: string; removed: Record<string, number> }>(res);
    expect(body.tenant).toBe(tenant);
    expect(body.removed).toMatchObject({
      workflows: 2, // the one created, and the standing agents' workflow from `link`
      agents: agents.length,
      apiKeys: 1,
      chatBindings: 1,
      webhookHooks: 1, // the GitHub webhook the first `link github` made
      teamMembers: 1,
      channelLinks: 1,
      outboxEntries: 1,
      deadLetters: 0,
      kvKeys: 1,
      durableObjects: agents.length + 5,
    });
    expect(body.removed.auditEntries).toBeGreaterThan(0);
    // The two written here, plus whatever the log archive wrote for the tenant's requests above.
    expect(body.removed.r2Objects).toBeGreaterThanOrEqual(2);

    // Every object of the tenant is empty and has no alarm.
    for (const [name, stub] of objectsOf(tenant, agents)) {
      expect(await rowsIn(stub), name).toBe(0);
      expect(await alarmOf(stub), name).toBeNull();
    }
    // Directory: no key (the old one is refused), no tenant, no binding, no link, no id index.
    expect((await viaApp("/api/workflows", { key })).status).toBe(401);
    const dir = directory(env);
    expect(await dir.listKeys(tenant)).toEqual([]);
    expect((await dir.listTenants()).map((t) => t.id)).not.toContain(tenant);
    expect(await dir.chatTenant("slack", "T0SECDEL")).toBeNull();
    expect(await dir.webhookHookOf(tenant, "github")).toBeNull();
    expect(await dir.resolveResource(agents[0]?.agentId ?? "")).toBeNull();
    // KV and R2: the tenant's entries only.
    expect(await env.CONFIG_KV.get(`${tenantKvPrefix(tenant)}alerts`)).toBeNull();
    expect(await env.CONFIG_KV.get(`${tenantKvPrefix("sec-keep")}alerts`)).toBe("{}");
    expect(await env.CONFIG_KV.get(`${tenantKvPrefix(`${tenant}x`)}alerts`)).toBe("{}");
    expect((await env.LOGS.list({ prefix: `logs/debug-info/${tenant}/` })).objects).toEqual([]);
    expect((await env.LOGS.list({ prefix: `logs/warn-error/${tenant}/` })).objects).toEqual([]);
    expect(await env.LOGS.head(`logs/debug-info/sec-keep/${LOG_DAY}/c.jsonl`)).not.toBeNull();

    // The deletion record: who, when, what.
    const records = await viaApp("/api/tenants/deletions");
    expect(records.status).toBe(200);
    const { deletions } = await jsonOf<{ deletions: Array<Record<string, unknown>> }>(records);
    expect(deletions.find((d) => d.tenant === tenant)).toMatchObject({
      keyId: "bootstrap",
      correlationId: "sec-del-1",
      removed: body.removed,
    });

    // Gone: a second delete is a 404.
    const again = await viaApp(`/api/tenants/${tenant}`, { method: "DELETE" });
    expect(again.status).toBe(404);
    expect((await errorOf(again)).code).toBe("not_found");
  });

  it("the tenant can be used again afterwards, from scratch", async () => {
    const tenant = "sec-reuse";
    await populate(tenant);
    expect((await viaApp(`/api/tenants/${tenant}`, { method: "DELETE" })).status).toBe(200);
    const { key } = await newKey(tenant, "operator");
    const list = await viaApp("/api/workflows", { key });
    expect(list.status).toBe(200);
    expect((await jsonOf<{ workflows: unknown[] }>(list)).workflows).toEqual([]);
    expect((await viaApp("/api/workflows/create", { key, body: { name: "Fresh" } })).status).toBe(201);
  });

  it("404 for a tenant Foreman does not know (nothing is created for it)", async () => {
    const res = await viaApp("/api/tenants/sec-never-was", { method: "DELETE" });
    expect(res.status).toBe(404);
    expect((await errorOf(res)).message).toContain("sec-never-was");
    expect((await directory(env).listTenants()).map((t) => t.id)).not.toContain("sec-never-was");
  });

  it("403 for every key but the bootstrap key, its own tenant included; nothing is deleted", async () => {
    const tenant = "sec-keep-403";
    const admin = await newKey(tenant, "admin");
    const operator = await newKey(tenant, "operator");
    const other = await newKey("sec-other-403", "admin");
    for (const key of [admin.key, operator.key, other.key]) {
      const res = await viaApp(`/api/tenants/${tenant}`, { method: "DELETE", key });
      expect(res.status).toBe(403);
      expect((await errorOf(res)).code).toBe("forbidden");
    }
    expect((await viaApp("/api/tenants/deletions", { key: admin.key })).status).toBe(403);
    expect((await viaApp(`/api/tenants/${tenant}`, { method: "DELETE", key: null })).status).toBe(401);
    expect((await viaApp("/api/workflows", { key: admin.key })).status).toBe(200);
    expect((await directory(env).listKeys(tenant)).length).toBe(2);
  });

  it("the default tenant: deletable while it holds anything, even if the Directory never listed it", async () => {
    const tenant = "sec-default";
    const overrides = { FOREMAN_DEFAULT_TENANT: tenant };
    const ctx = chatContext(tenant, { platformAdmin: true });
    expect((await run("team add <@U0BOB|bob> github:bob", ctx)).tone).not.toBe("error");
    expect((await directory(env).listTenants()).map((t) => t.id)).not.toContain(tenant);

    const res = await viaApp(`/api/tenants/${tenant}`, { method: "DELETE" }, overrides);
    expect(res.status).toBe(200);
    expect((await jsonOf<{ removed: Record<string, number> }>(res)).removed.teamMembers).toBe(1);
    expect(await rowsIn(env.TENANT_SETTINGS.getByName(tenant))).toBe(0);
    expect((await viaApp(`/api/tenants/${tenant}`, { method: "DELETE" }, overrides)).status).toBe(404);
  });

  it("rejects an id that is not a tenant id with 400 naming the field", async () => {
    const res = await viaApp("/api/tenants/Not_A_Tenant", { method: "DELETE" });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await errorOf(res))).toContain("id");
  });
});
