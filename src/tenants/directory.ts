/**
 * The Directory: one global SQLite Durable Object (`env.DIRECTORY.getByName("global")`).
 * Holds API keys (as SHA-256 hashes only), the tenants, and an index from workflow / agent id
 * to the tenant that owns it (so the bootstrap key can address any resource by id), the bindings of
 * chat workspaces (Slack team, Discord guild) to tenants, and each tenant's webhook hooks (hook id
 * and sealed secret per platform, src/tenants/webhook-hooks.ts): a delivery names its tenant only by
 * the hook id in its URL. There is no index from repositories to tenants: a repository linked by two
 * tenants is two separate links, each fed only by its own tenant's hook. The cron index says which
 * tenants have digests or alert checks due (src/tenants/cron-index.ts).
 */

import { DurableObject } from "cloudflare:workers";
import type { ChatPlatform } from "../chat/platform";
import type { Env } from "../env";
import { attempt, type Outcome } from "../platform/errors";
import { randomId } from "../platform/ids";
import { all, first, run } from "../platform/sql";
import {
  type CronEntry,
  type CronKind,
  type CronReport,
  type CronTake,
  cronEntriesOf,
  deleteCronEntriesOf,
  ensureCronTables,
  reportCron,
  takeDue,
} from "./cron-index";
import {
  type DeletionInput,
  type DetachCounts,
  detachTenant,
  type ForgetCounts,
  forgetTenant,
  listDeletions,
  type TenantDeletion,
  tenantExists,
} from "./detach";
import { isRole, type Role } from "./roles";
import {
  endRotation,
  ensureHookTable,
  type HookKind,
  type HookRecord,
  hookById,
  hookOf,
  insertHook,
  type NewHook,
  pageHooks,
  type Resealed,
  type Rotation,
  resealHook,
  rotateHook,
} from "./webhook-hooks";

export type ResourceKind = "workflow" | "agent";

/** A chat workspace (Slack team id, Discord guild id) bound to a tenant. */
export interface ChatBinding {
  platform: ChatPlatform;
  workspaceId: string;
  tenant: string;
  createdAt: string;
}

type BindingRow = { platform: string; workspace_id: string; tenant: string; created_at: string };
const toBinding = (r: BindingRow): ChatBinding => ({
  platform: r.platform === "discord" ? "discord" : "slack",
  workspaceId: r.workspace_id,
  tenant: r.tenant,
  createdAt: r.created_at,
});

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
    this.sql.exec(`CREATE TABLE IF NOT EXISTS chat_bindings (platform TEXT NOT NULL, workspace_id TEXT NOT NULL,
      tenant TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (platform, workspace_id))`);
    // Before per-tenant hooks, deliveries were routed through a global repository -> tenants index.
    this.sql.exec("DROP TABLE IF EXISTS link_index");
    ensureHookTable(this.sql);
    ensureCronTables(this.sql);
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

  // ------------------------------------------------------------ chat bindings

  /** Binds a chat workspace to a tenant, replacing an earlier binding; answers the binding and the old tenant. */
  async bindChat(
    platform: ChatPlatform,
    workspaceId: string,
    tenant: string,
  ): Promise<{ binding: ChatBinding; previousTenant: string | null }> {
    const now = new Date().toISOString();
    this.insertTenant(tenant, now);
    const previous = await this.chatTenant(platform, workspaceId);
    if (previous !== tenant) {
      run(
        this.sql,
        "INSERT OR REPLACE INTO chat_bindings (platform, workspace_id, tenant, created_at) VALUES (?, ?, ?, ?)",
        platform,
        workspaceId,
        tenant,
        now,
      );
    }
    const row = first<BindingRow>(
      this.sql,
      "SELECT * FROM chat_bindings WHERE platform = ? AND workspace_id = ?",
      platform,
      workspaceId,
    );
    const binding = row ? toBinding(row) : { platform, workspaceId, tenant, createdAt: now };
    return { binding, previousTenant: previous === tenant ? null : previous };
  }

  /** The tenant a workspace is bound to, or null. */
  async chatTenant(platform: ChatPlatform, workspaceId: string): Promise<string | null> {
    const row = first<{ tenant: string }>(
      this.sql,
      "SELECT tenant FROM chat_bindings WHERE platform = ? AND workspace_id = ?",
      platform,
      workspaceId,
    );
    return row?.tenant ?? null;
  }

  /** Bindings of one tenant, or of all when `tenant` is omitted. */
  async listChatBindings(tenant?: string): Promise<ChatBinding[]> {
    const order = "ORDER BY platform, workspace_id";
    const rows = tenant
      ? all<BindingRow>(this.sql, `SELECT * FROM chat_bindings WHERE tenant = ? ${order}`, tenant)
      : all<BindingRow>(this.sql, `SELECT * FROM chat_bindings ${order}`);
    return rows.map(toBinding);
  }

  // ------------------------------------------------------------ webhook hooks

  /** The hook a delivery URL names (`/api/webhooks/<kind>/t/<hook id>`), or null. */
  async webhookHook(hookId: string): Promise<HookRecord | null> {
    return hookById(this.sql, hookId);
  }

  /** The tenant's hook for GitHub or Linear, or null when it has none yet. */
  async webhookHookOf(tenant: string, kind: HookKind): Promise<HookRecord | null> {
    return hookOf(this.sql, tenant, kind);
  }

  /** Creates the tenant's hook unless it has one (then `created` is false and the stored one is answered). */
  async createWebhookHook(hook: NewHook): Promise<{ created: boolean; hook: HookRecord }> {
    this.insertTenant(hook.tenant, new Date().toISOString());
    return insertHook(this.sql, hook, new Date().toISOString());
  }

  /** Rotates the tenant's hook secret; null when it was rotated meanwhile (see `rotateHook`). */
  async rotateWebhookSecret(rotation: Rotation): Promise<HookRecord | null> {
    return rotateHook(this.sql, rotation, new Date().toISOString());
  }

  /** Stops accepting the previous secret of the tenant's hook at once. */
  async endWebhookRotation(tenant: string, kind: HookKind): Promise<HookRecord | null> {
    return endRotation(this.sql, tenant, kind);
  }

  /** Hooks (of one tenant, or all) after `after` in hook id order, for re-sealing under a new key. */
  async webhookHooksPage(after: string, limit: number, tenant?: string): Promise<HookRecord[]> {
    return pageHooks(this.sql, after, limit, tenant);
  }

  async resealWebhookHook(resealed: Resealed): Promise<boolean> {
    return resealHook(this.sql, resealed);
  }

  // ------------------------------------------------------------- cron index

  /**
   * A tenant's object says when its `kind` of work is next due (null: nothing). `false`: a newer
   * report was there (this one is dropped); 400 (`validation_failed`) on a malformed report.
   */
  async reportCron(report: CronReport): Promise<Outcome<boolean>> {
    return attempt(() => reportCron(this.sql, report));
  }

  /** The Cron Trigger's one query: up to `limit` tenants with `kind` due at `nowMs` (see takeDue). */
  async takeDueCron(kind: CronKind, nowMs: number, limit: number): Promise<CronTake> {
    return this.ctx.storage.transactionSync(() => takeDue(this.sql, kind, nowMs, limit));
  }

  async cronEntries(tenant: string): Promise<CronEntry[]> {
    return cronEntriesOf(this.sql, tenant);
  }

  // ----------------------------------------------- tenant deletion (src/http/tenant-purge.ts)

  async hasTenant(id: string): Promise<boolean> {
    return tenantExists(this.sql, id);
  }

  /** Revokes the tenant's keys and drops its chat bindings and webhook hooks (before the wipe). */
  async detachTenant(id: string): Promise<DetachCounts> {
    return detachTenant(this.sql, id, new Date().toISOString());
  }

  /** Deletes what is left of the tenant here and records who deleted it (after the wipe). */
  async forgetTenant(id: string, record: DeletionInput): Promise<ForgetCounts> {
    return this.ctx.storage.transactionSync(() => {
      deleteCronEntriesOf(this.sql, id);
      return forgetTenant(this.sql, id, record, randomId("del"), new Date().toISOString());
    });
  }

  async tenantDeletions(limit: number): Promise<TenantDeletion[]> {
    return listDeletions(this.sql, limit);
  }

  private insertTenant(id: string, now: string): void {
    run(this.sql, "INSERT OR IGNORE INTO tenants (id, created_at) VALUES (?, ?)", id, now);
  }
}
