/** The Directory's API key rows: the table, its columns, and how a row is shown (never the hash). */

import { randomId } from "../platform/ids";
import { all, first, run } from "../platform/sql";
import type { ApiKeyInfo, NewApiKey } from "./directory";
import { isRole } from "./roles";

export function ensureKeyTable(sql: SqlStorage): void {
  sql.exec(`CREATE TABLE IF NOT EXISTS api_keys (
    id TEXT PRIMARY KEY, tenant TEXT NOT NULL, role TEXT NOT NULL, name TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL, revoked_at TEXT, last_used_at TEXT)`);
  sql.exec("CREATE INDEX IF NOT EXISTS api_keys_tenant ON api_keys (tenant)");
}

type KeyRow = {
  id: string;
  tenant: string;
  role: string;
  name: string;
  created_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
};

const KEY_COLUMNS = "id, tenant, role, name, created_at, revoked_at, last_used_at";
/** lastUsedAt is refreshed at most this often per key (one write per request would be wasteful). */
const TOUCH_INTERVAL_MS = 60_000;

function toInfo(row: KeyRow): ApiKeyInfo {
  return {
    id: row.id,
    tenant: row.tenant,
    role: isRole(row.role) ? row.role : "viewer",
    name: row.name,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}

export function insertKey(sql: SqlStorage, input: NewApiKey, now: string): ApiKeyInfo {
  const id = randomId("key");
  run(
    sql,
    "INSERT INTO api_keys (id, tenant, role, name, hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    id,
    input.tenant,
    input.role,
    input.name,
    input.hash,
    now,
  );
  const { tenant, role, name } = input;
  return { id, tenant, role, name, createdAt: now, revokedAt: null, lastUsedAt: null };
}

export function findKey(sql: SqlStorage, hash: string, nowMs: number): ApiKeyInfo | null {
  const row = first<KeyRow>(
    sql,
    `SELECT ${KEY_COLUMNS} FROM api_keys WHERE hash = ? AND revoked_at IS NULL`,
    hash,
  );
  if (!row) return null;
  if (!row.last_used_at || nowMs - Date.parse(row.last_used_at) > TOUCH_INTERVAL_MS) {
    row.last_used_at = new Date(nowMs).toISOString();
    run(sql, "UPDATE api_keys SET last_used_at = ? WHERE id = ?", row.last_used_at, row.id);
  }
  return toInfo(row);
}

export function listKeys(sql: SqlStorage, tenant?: string): ApiKeyInfo[] {
  const order = "ORDER BY created_at DESC, id";
  const rows = tenant
    ? all<KeyRow>(sql, `SELECT ${KEY_COLUMNS} FROM api_keys WHERE tenant = ? ${order}`, tenant)
    : all<KeyRow>(sql, `SELECT ${KEY_COLUMNS} FROM api_keys ${order}`);
  return rows.map(toInfo);
}

export function revokeKey(sql: SqlStorage, id: string, tenant?: string): ApiKeyInfo | null {
  const row = first<KeyRow>(sql, `SELECT ${KEY_COLUMNS} FROM api_keys WHERE id = ?`, id);
  if (!row || (tenant !== undefined && row.tenant !== tenant)) return null;
  if (!row.revoked_at) {
    row.revoked_at = new Date().toISOString();
    run(sql, "UPDATE api_keys SET revoked_at = ? WHERE id = ?", row.revoked_at, id);
  }
  return toInfo(row);
}
