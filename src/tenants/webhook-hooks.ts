/**
 * The Directory's `webhook_hooks` table: per tenant and platform (GitHub, Linear) one hook — a random
 * hook id (the last part of the tenant's webhook URL, `/api/webhooks/<kind>/t/<hook id>`) and its
 * secret, sealed (src/tenants/encryption.ts; this object never sees a plaintext secret). During a
 * rotation the previous sealed secret is kept with the time until which it is still accepted.
 *
 * The hook id is the only way a delivery names its tenant, so the lookup by hook id is a primary-key
 * read and the Worker caches it per isolate (src/tenants/hooks.ts).
 */
import { all, count, first, run } from "../platform/sql";

export type HookKind = "github" | "linear";

/** A hook as stored: secrets sealed. Plain data (crosses Durable Object RPC). */
export interface HookRecord {
  hookId: string;
  tenant: string;
  kind: HookKind;
  /** Sealed current secret. */
  secret: string;
  /** Sealed previous secret while a rotation is under way, else null. */
  previous: string | null;
  /** Epoch ms until which `previous` is accepted. */
  previousUntil: number | null;
  createdAt: string;
  rotatedAt: string | null;
}

type HookRow = {
  hook_id: string;
  tenant: string;
  kind: string;
  secret: string;
  previous: string | null;
  previous_until: number | null;
  created_at: string;
  rotated_at: string | null;
};

const toRecord = (r: HookRow): HookRecord => ({
  hookId: r.hook_id,
  tenant: r.tenant,
  kind: r.kind === "linear" ? "linear" : "github",
  secret: r.secret,
  previous: r.previous,
  previousUntil: r.previous_until === null ? null : Number(r.previous_until),
  createdAt: r.created_at,
  rotatedAt: r.rotated_at,
});

export function ensureHookTable(sql: SqlStorage): void {
  sql.exec(`CREATE TABLE IF NOT EXISTS webhook_hooks (
    hook_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, kind TEXT NOT NULL, secret TEXT NOT NULL,
    previous TEXT, previous_until INTEGER, created_at TEXT NOT NULL, rotated_at TEXT,
    UNIQUE (tenant, kind))`);
}

export function hookById(sql: SqlStorage, hookId: string): HookRecord | null {
  const row = first<HookRow>(sql, "SELECT * FROM webhook_hooks WHERE hook_id = ?", hookId);
  return row ? toRecord(row) : null;
}

export function hookOf(sql: SqlStorage, tenant: string, kind: HookKind): HookRecord | null {
  const row = first<HookRow>(sql, "SELECT * FROM webhook_hooks WHERE tenant = ? AND kind = ?", tenant, kind);
  return row ? toRecord(row) : null;
}

export interface NewHook {
  hookId: string;
  tenant: string;
  kind: HookKind;
  secret: string;
}

/** Creates the tenant's hook unless it has one; `created` false answers the one that exists. */
export function insertHook(
  sql: SqlStorage,
  hook: NewHook,
  now: string,
): { created: boolean; hook: HookRecord } {
  const created =
    run(
      sql,
      `INSERT OR IGNORE INTO webhook_hooks (hook_id, tenant, kind, secret, created_at) VALUES (?, ?, ?, ?, ?)`,
      hook.hookId,
      hook.tenant,
      hook.kind,
      hook.secret,
      now,
    ) > 0;
  const stored = hookOf(sql, hook.tenant, hook.kind);
  if (!stored) throw new Error(`webhook hook of ${hook.tenant}/${hook.kind} was not stored`);
  return { created, hook: stored };
}

export interface Rotation {
  tenant: string;
  kind: HookKind;
  /** The sealed secret the caller saw as current: the rotation applies only if it still is. */
  expected: string;
  secret: string;
  previousUntil: number;
}

/**
 * Makes `secret` current and the current one previous (accepted until `previousUntil`; an older
 * previous one is dropped). Null when the current secret is no longer `expected` (rotated meanwhile).
 */
export function rotateHook(sql: SqlStorage, r: Rotation, now: string): HookRecord | null {
  const changed = run(
    sql,
    `UPDATE webhook_hooks SET previous = secret, previous_until = ?, secret = ?, rotated_at = ?
     WHERE tenant = ? AND kind = ? AND secret = ?`,
    r.previousUntil,
    r.secret,
    now,
    r.tenant,
    r.kind,
    r.expected,
  );
  return changed > 0 ? hookOf(sql, r.tenant, r.kind) : null;
}

/** Stops accepting the previous secret at once; null when the tenant has no hook of `kind`. */
export function endRotation(sql: SqlStorage, tenant: string, kind: HookKind): HookRecord | null {
  run(
    sql,
    "UPDATE webhook_hooks SET previous = NULL, previous_until = NULL WHERE tenant = ? AND kind = ?",
    tenant,
    kind,
  );
  return hookOf(sql, tenant, kind);
}

/** Hooks (of one tenant, or all) in hook id order after `after`, for re-sealing under a new key. */
export function pageHooks(sql: SqlStorage, after: string, limit: number, tenant?: string): HookRecord[] {
  const rows = tenant
    ? all<HookRow>(
        sql,
        "SELECT * FROM webhook_hooks WHERE tenant = ? AND hook_id > ? ORDER BY hook_id LIMIT ?",
        tenant,
        after,
        limit,
      )
    : all<HookRow>(
        sql,
        "SELECT * FROM webhook_hooks WHERE hook_id > ? ORDER BY hook_id LIMIT ?",
        after,
        limit,
      );
  return rows.map(toRecord);
}

export interface Resealed {
  hookId: string;
  /** The sealed values the caller read: replaced only if they are still stored. */
  expected: { secret: string; previous: string | null };
  secret: string;
  previous: string | null;
}

/** Replaces a hook's sealed values by the same secrets sealed under the current key. */
export function resealHook(sql: SqlStorage, r: Resealed): boolean {
  return (
    run(
      sql,
      `UPDATE webhook_hooks SET secret = ?, previous = ?
       WHERE hook_id = ? AND secret = ? AND previous IS ?`,
      r.secret,
      r.previous,
      r.hookId,
      r.expected.secret,
      r.expected.previous,
    ) > 0
  );
}

/** Drops every hook of the tenant (tenant deletion); answers how many there were. */
export function deleteHooksOf(sql: SqlStorage, tenant: string): number {
  // Counted first: `rowsWritten` also counts index writes.
  const n = count(sql, "SELECT COUNT(*) AS n FROM webhook_hooks WHERE tenant = ?", tenant);
  run(sql, "DELETE FROM webhook_hooks WHERE tenant = ?", tenant);
  return n;
}
