/**
 * The Directory: one global SQLite Durable Object (`env.DIRECTORY.getByName("global")`).
 * Holds API keys and dashboard sessions (as SHA-256 hashes only), the tenants, an index from
 * workflow / agent id to the tenant that owns it (so the bootstrap key can address any resource by
 * id), chat workspace bindings, each tenant's webhook hooks (src/tenants/webhook-hooks.ts: a delivery
 * names its tenant only by the hook id in its URL; no repository -> tenant index) and the cron index
 * of tenants with digests or alert checks due (src/tenants/cron-index.ts).
 */

import { DurableObject } from "cloudflare:workers";
import type { ChatPlatform } from "../chat/platform";
import type { Env } from "../env";
import { attempt, type Outcome } from "../platform/errors";
import { randomId } from "../platform/ids";
import { all, first, run } from "../platform/sql";
import {
  bindChat,
  type ChatBinding,
  chatBindings,
  chatTenantOf,
  ensureChatBindingTable,
} from "./chat-bindings";
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
import {
  checkInvite,
  createInvite,
  createOAuthState,
  ensureInstallTables,
  type Installation,
  type InstallPlatform,
  type Invite,
  type InviteProblem,
  installationOf,
  installationsOf,
  installationsPage,
  invitesOf,
  type NewInstallation,
  type NewOAuthState,
  type OAuthPurpose,
  recordInstallation,
  revokeInstallation,
  type StateProblem,
  type TakenState,
  takeOAuthState,
  useInvite,
} from "./installations";
import { ensureKeyTable, findKey, insertKey, listKeys, revokeKey } from "./key-rows";
import type { Role } from "./roles";
import * as sessions from "./sessions";
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

export class Directory extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    ensureKeyTable(this.sql);
    this.sql.exec("CREATE TABLE IF NOT EXISTS tenants (id TEXT PRIMARY KEY, created_at TEXT NOT NULL)");
    this.sql.exec(`CREATE TABLE IF NOT EXISTS resources (
      id TEXT PRIMARY KEY, kind TEXT NOT NULL, tenant TEXT NOT NULL, created_at TEXT NOT NULL)`);
    ensureChatBindingTable(this.sql);
    // Before per-tenant hooks, deliveries were routed through a global repository -> tenants index.
    this.sql.exec("DROP TABLE IF EXISTS link_index");
    ensureHookTable(this.sql);
    ensureCronTables(this.sql);
    ensureInstallTables(this.sql);
    sessions.ensureSessionTables(this.sql);
  }

  // ------------------------------------------------------------------ api keys

  async createKey(input: NewApiKey): Promise<ApiKeyInfo> {
    const now = new Date().toISOString();
    this.insertTenant(input.tenant, now);
    return insertKey(this.sql, input, now);
  }

  /** The live (not revoked) key with this hash, or null. Not cached: a revocation applies at once. */
  async findKeyByHash(hash: string): Promise<ApiKeyInfo | null> {
    return findKey(this.sql, hash, Date.now());
  }

  /** Keys of one tenant, or of every tenant when `tenant` is omitted; newest first. */
  async listKeys(tenant?: string): Promise<ApiKeyInfo[]> {
    return listKeys(this.sql, tenant);
  }

  /**
   * Revokes a key (idempotent). With `tenant`, only that tenant's key: another tenant's key is
   * reported as unknown (null), exactly like a key that does not exist.
   */
  async revokeKey(id: string, tenant?: string): Promise<ApiKeyInfo | null> {
    return revokeKey(this.sql, id, tenant);
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
    return bindChat(this.sql, platform, workspaceId, tenant, now);
  }

  /** The tenant a workspace is bound to, or null. */
  async chatTenant(platform: ChatPlatform, workspaceId: string): Promise<string | null> {
    return chatTenantOf(this.sql, platform, workspaceId);
  }

  /** Bindings of one tenant, or of all when `tenant` is omitted. */
  async listChatBindings(tenant?: string): Promise<ChatBinding[]> {
    return chatBindings(this.sql, tenant);
  }

  // ----------------------------------------------- installs (src/tenants/installations.ts)

  /** A tenant of its own for a new install: `<slug of the name>-<6 random>`, created here. */
  async newTenant(name: string): Promise<string> {
    const slug =
      name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-+|-+$/g, "")
        .slice(0, 40) || "team";
    for (;;) {
      const id = `${slug}-${randomId("t", 6).slice(2)}`;
      if (!tenantExists(this.sql, id)) {
        this.insertTenant(id, new Date().toISOString());
        return id;
      }
    }
  }

  async recordInstallation(
    input: NewInstallation,
  ): Promise<{ installation: Installation; boundElsewhere: boolean }> {
    const now = new Date().toISOString();
    return this.ctx.storage.transactionSync(() => {
      this.insertTenant(input.tenant, now);
      return recordInstallation(this.sql, input, now);
    });
  }

  async installation(platform: InstallPlatform, account: string): Promise<Installation | null> {
    return installationOf(this.sql, platform, account);
  }

  async installationsOf(tenant: string): Promise<Installation[]> {
    return installationsOf(this.sql, tenant);
  }

  async installationsPage(after: string, limit: number, tenant?: string): Promise<Installation[]> {
    return installationsPage(this.sql, after, limit, tenant);
  }

  async revokeInstallation(
    platform: InstallPlatform,
    account: string,
    reason: string,
  ): Promise<Installation | null> {
    return revokeInstallation(this.sql, platform, account, reason, new Date().toISOString());
  }

  async createOAuthState(state: NewOAuthState): Promise<void> {
    createOAuthState(this.sql, state, Date.now());
  }

  async takeOAuthState(hash: string, purpose: OAuthPurpose): Promise<TakenState | StateProblem> {
    return takeOAuthState(this.sql, hash, purpose, Date.now());
  }

  async createInvite(input: {
    hash: string;
    id: string;
    tenant: string;
    createdBy: string | null;
    expiresAtMs: number;
  }): Promise<Invite> {
    const now = new Date().toISOString();
    this.insertTenant(input.tenant, now);
    return createInvite(this.sql, input, now);
  }

  async checkInvite(hash: string): Promise<Invite | InviteProblem> {
    return checkInvite(this.sql, hash, Date.now());
  }

  async useInvite(hash: string, usedBy: string): Promise<Invite | InviteProblem> {
    return useInvite(this.sql, hash, usedBy, Date.now());
  }

  async invitesOf(tenant: string): Promise<Invite[]> {
    return invitesOf(this.sql, tenant);
  }

  // ------------------------- dashboard sign-in links and sessions (src/tenants/sessions.ts)

  async createSignInLink(link: sessions.NewSignInLink): Promise<void> {
    sessions.createSignInLink(this.sql, link, Date.now());
  }

  async redeemSignInLink(link: string, session: string, ttlMs: number): Promise<sessions.Redeemed> {
    return sessions.redeemSignInLink(this.ctx.storage, link, session, ttlMs, Date.now());
  }

  async session(hash: string): Promise<sessions.Session | null> {
    return sessions.sessionOf(this.sql, hash, Date.now());
  }

  async endSession(hash: string): Promise<boolean> {
    return sessions.endSession(this.sql, hash, Date.now());
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
