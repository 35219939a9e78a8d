/**
 * The Directory: one global SQLite Durable Object (`env.DIRECTORY.getByName("global")`).
 * Holds API keys (as SHA-256 hashes only), the tenants, and an index from workflow / agent id
 * to the tenant that owns it (so the bootstrap key can address any resource by id).
 */
import { DurableObject } from "cloudflare:workers";
import { all, first, run } from "../agents/framework/sql";
import { isRole, type Role } from "../auth/roles";
import type { Env } from "../env";
import { randomId } from "../ids";

export type ResourceKind = "workflow" | "agent";

/** An API key as the API shows it: never the hash. */
export interface ApiKeyInfo {
  id: string;
  tenant: string;
  role: Role;
  name: string;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface NewApiKey {
  tenant: string;
  role: Role;
  name: string;
  /** SHA-256 hex of the plaintext key; the plaintext never reaches this object. */
  hash: string;
}

export interface TenantInfo {
  id: string;
  createdAt: string;
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

export class Directory extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`CREATE TABLE IF NOT EXISTS api_keys (
      id TEXT PRIMARY KEY, tenant TEXT NOT NULL, role TEXT NOT NULL, name TEXT NOT NULL,
      hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL, revoked_at TEXT, last_used_at TEXT)`);
    this.sql.exec("CREATE INDEX IF NOT EXISTS api_keys_tenant ON api_keys (tenant)");
    this.sql.exec("CREATE TABLE IF NOT EXISTS tenants (id TEXT PRIMARY KEY, created_at TEXT NOT NULL)");
    this.sql.exec(`CREATE TABLE IF NOT EXISTS resources (
      id TEXT PRIMARY KEY, kind TEXT NOT NULL, tenant TEXT NOT NULL, created_at TEXT NOT NULL)`);
  }

  // ------------------------------------------------------------------ api keys

  async createKey(input: NewApiKey): Promise<ApiKeyInfo> {
    const now = new Date().toISOString();
    this.insertTenant(input.tenant, now);
    const id = randomId("key");
    run(
      this.sql,
      "INSERT INTO api_keys (id, tenant, role, name, hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
      id,
      input.tenant,
      input.role,
      input.name,
      input.hash,
      now,
    );
    return {
      id,
      tenant: input.tenant,
      role: input.role,
      name: input.name,
      createdAt: now,
      revokedAt: null,
      lastUsedAt: null,
    };
  }

  /** The live (not revoked) key with this hash, or null. Not cached: a revocation applies at once. */
  async findKeyByHash(hash: string): Promise<ApiKeyInfo | null> {
    const row = first<KeyRow>(
      this.sql,
      `SELECT ${KEY_COLUMNS} FROM api_keys WHERE hash = ? AND revoked_at IS NULL`,
      hash,
    );
    if (!row) return null;
    const now = Date.now();
    if (!row.last_used_at || now - Date.parse(row.last_used_at) > TOUCH_INTERVAL_MS) {
      row.last_used_at = new Date(now).toISOString();
      run(this.sql, "UPDATE api_keys SET last_used_at = ? WHERE id = ?", row.last_used_at, row.id);
    }
    return toInfo(row);
  }

  /** Keys of one tenant, or of every tenant when `tenant` is omitted; newest first. */
  async listKeys(tenant?: string): Promise<ApiKeyInfo[]> {
    const rows = tenant
      ? all<KeyRow>(
          this.sql,
          `SELECT ${KEY_COLUMNS} FROM api_keys WHERE tenant = ? ORDER BY created_at DESC, id`,
          tenant,
        )
      : all<KeyRow>(this.sql, `SELECT ${KEY_COLUMNS} FROM api_keys ORDER BY created_at DESC, id`);
    return rows.map(toInfo);
  }

  /**
   * Revokes a key (idempotent). With `tenant`, only that tenant's key: another tenant's key is
   * reported as unknown (null), exactly like a key that does not exist.
   */
  async revokeKey(id: string, tenant?: string): Promise<ApiKeyInfo | null> {
    const row = first<KeyRow>(this.sql, `SELECT ${KEY_COLUMNS} FROM api_keys WHERE id = ?`, id);
    if (!row || (tenant !== undefined && row.tenant !== tenant)) return null;
    if (!row.revoked_at) {
      row.revoked_at = new Date().toISOString();
      run(this.sql, "UPDATE api_keys SET revoked_at = ? WHERE id = ?", row.revoked_at, id);
    }
    return toInfo(row);
  }

  // ------------------------------------------------------------------- tenants

  async ensureTenant(id: string): Promise<void> {
    this.insertTenant(id, new Date().toISOString());
  }

  async listTenants(): Promise<TenantInfo[]> {
    return all<{ id: string; created_at: string }>(
      this.sql,
      "SELECT id, created_at FROM tenants ORDER BY id",
    ).map((row) => ({ id: row.id, createdAt: row.created_at }));
  }

  // --------------------------------------------------------------- resources

  async indexResource(id: string, kind: ResourceKind, tenant: string): Promise<void> {
    const now = new Date().toISOString();
    this.insertTenant(tenant, now);
    run(
      this.sql,
      "INSERT OR REPLACE INTO resources (id, kind, tenant, created_at) VALUES (?, ?, ?, ?)",
      id,
      kind,
      tenant,
      now,
    );
  }

  async resolveResource(id: string): Promise<{ kind: ResourceKind; tenant: string } | null> {
    const row = first<{ kind: string; tenant: string }>(
      this.sql,
      "SELECT kind, tenant FROM resources WHERE id = ?",
      id,
    );
    if (!row) return null;
    return { kind: row.kind === "agent" ? "agent" : "workflow", tenant: row.tenant };
  }

  private insertTenant(id: string, now: string): void {
    run(this.sql, "INSERT OR IGNORE INTO tenants (id, created_at) VALUES (?, ?)", id, now);
  }
}
