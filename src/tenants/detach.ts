/**
 * The Directory's part in tenant deletion (the SQL; the Directory's methods call these):
 *
 * 1. `detachTenant`: cuts the tenant off before its objects are wiped — its API keys are revoked,
 *    its chat workspaces unbound, its webhook hooks (and their sealed secrets) deleted — so no
 *    request or webhook recreates state while the wipe runs.
 * 2. `forgetTenant`: at the end, deletes the key rows, the id -> tenant index and the tenant itself,
 *    and writes the deletion record (`tenant_deletions`: who, when, correlation id, what was removed),
 *    which outlives the tenant so an operator can see who deleted what (`GET /api/tenants/deletions`).
 *
 * A failure between the two leaves the tenant known, so the deletion can simply be run again.
 */

import { all, count, first, run } from "../platform/sql";
import { deleteInstallationsOf } from "./installations";
import { deleteSessionsOf } from "./sessions";
import { deleteHooksOf } from "./webhook-hooks";

export interface DetachCounts {
  /** Keys that were live and are now revoked. */
  revokedKeys: number;
  chatBindings: number;
  /** GitHub and Linear hooks (webhook URL and secret) deleted. */
  webhookHooks: number;
}

export interface ForgetCounts {
  apiKeys: number;
  resources: number;
}

export interface DeletionInput {
  keyId: string;
  correlationId: string;
  removed: Record<string, number>;
}

export interface TenantDeletion extends DeletionInput {
  id: string;
  tenant: string;
  deletedAt: string;
}

type DeletionRow = {
  id: string;
  tenant: string;
  deleted_at: string;
  key_id: string;
  correlation_id: string;
  removed: string;
};

function ensureTable(sql: SqlStorage): void {
  sql.exec(`CREATE TABLE IF NOT EXISTS tenant_deletions (
    id TEXT PRIMARY KEY, tenant TEXT NOT NULL, deleted_at TEXT NOT NULL, key_id TEXT NOT NULL,
    correlation_id TEXT NOT NULL, removed TEXT NOT NULL)`);
}

export function tenantExists(sql: SqlStorage, tenant: string): boolean {
  return first(sql, "SELECT 1 AS found FROM tenants WHERE id = ?", tenant) !== null;
}

/** Rows of `table` belonging to the tenant (counted first: `rowsWritten` also counts index writes). */
function rowsOf(sql: SqlStorage, table: string, tenant: string, extra = ""): number {
  return count(sql, `SELECT COUNT(*) AS n FROM ${table} WHERE tenant = ?${extra}`, tenant);
}

export function detachTenant(sql: SqlStorage, tenant: string, now: string): DetachCounts {
  const revokedKeys = rowsOf(sql, "api_keys", tenant, " AND revoked_at IS NULL");
  run(sql, "UPDATE api_keys SET revoked_at = ? WHERE tenant = ? AND revoked_at IS NULL", now, tenant);
  const chatBindings = rowsOf(sql, "chat_bindings", tenant);
  run(sql, "DELETE FROM chat_bindings WHERE tenant = ?", tenant);
  const webhookHooks = deleteHooksOf(sql, tenant);
  // Installs go with the bindings: deliveries from those accounts no longer reach the tenant.
  deleteInstallationsOf(sql, tenant);
  // Dashboard sessions and unused sign-in links end with the keys: nobody stays signed in.
  deleteSessionsOf(sql, tenant);
  return { revokedKeys, chatBindings, webhookHooks };
}

export function forgetTenant(
  sql: SqlStorage,
  tenant: string,
  record: DeletionInput,
  id: string,
  now: string,
): ForgetCounts {
  ensureTable(sql);
  const apiKeys = rowsOf(sql, "api_keys", tenant);
  const resources = rowsOf(sql, "resources", tenant);
  run(sql, "DELETE FROM api_keys WHERE tenant = ?", tenant);
  run(sql, "DELETE FROM resources WHERE tenant = ?", tenant);
  // Anything bound or linked while the wipe ran goes too.
  run(sql, "DELETE FROM chat_bindings WHERE tenant = ?", tenant);
  deleteHooksOf(sql, tenant);
  deleteInstallationsOf(sql, tenant);
  run(sql, "DELETE FROM tenants WHERE id = ?", tenant);
  const removed = { ...record.removed, apiKeys, resources };
  run(
    sql,
    `INSERT INTO tenant_deletions (id, tenant, deleted_at, key_id, correlation_id, removed)
     VALUES (?, ?, ?, ?, ?, ?)`,
    id,
    tenant,
    now,
    record.keyId,
    record.correlationId,
    JSON.stringify(removed),
  );
  return { apiKeys, resources };
}

function parseRemoved(text: string): Record<string, number> {
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== "object") return {};
    return Object.fromEntries(
      Object.entries(value).filter((e): e is [string, number] => typeof e[1] === "number"),
    );
  } catch {
    return {};
  }
}

/** Deletion records, newest first. */
export function listDeletions(sql: SqlStorage, limit: number): TenantDeletion[] {
  ensureTable(sql);
  const rows = all<DeletionRow>(
    sql,
    "SELECT * FROM tenant_deletions ORDER BY deleted_at DESC, id LIMIT ?",
    Math.max(1, Math.min(1000, Math.floor(limit))),
  );
  return rows.map((r) => ({
    id: r.id,
    tenant: r.tenant,
    deletedAt: r.deleted_at,
    keyId: r.key_id,
    correlationId: r.correlation_id,
    removed: parseRemoved(r.removed),
  }));
}
