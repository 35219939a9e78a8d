/**
 * Dashboard sign-in from chat, in the Directory (the SQL; src/tenants/dashboard-sessions.ts issues
 * and reads them, the Directory's thin methods call these):
 *
 * - `signin_links`: the single-use links `/foreman dashboard` hands out. Kept as the SHA-256 of the
 *   token only, valid 10 minutes, taken once with one UPDATE … RETURNING (two clicks that race: one
 *   wins, the other is told the link was used).
 * - `sessions`: what a link opens: hashed session id → tenant, role, actor (`slack:U123`), expiry
 *   (12 h). Ended server-side by logout (`ended_at`), by tenant deletion (deleted), or by time.
 */

import { first, run } from "../platform/sql";

/** A session's role: a chat admin's is `admin`, anyone else's `viewer`. */
export type SessionRole = "admin" | "viewer";

export interface NewSignInLink {
  /** SHA-256 hex of the token in the URL. */
  hash: string;
  tenant: string;
  role: SessionRole;
  /** Who asked for it: `slack:U123`, `discord:1234…`. */
  actor: string;
  expiresAtMs: number;
}

export interface Session {
  tenant: string;
  role: SessionRole;
  actor: string;
  expiresAt: string;
}

export type LinkProblem = "unknown" | "used" | "expired";
export type Redeemed = Session | LinkProblem;

type SessionRow = { tenant: string; role: string; actor: string; expires_at: number };

const toSession = (r: SessionRow): Session => ({
  tenant: r.tenant,
  // A session is viewer or admin; anything else read back is taken as the weaker one.
  role: r.role === "admin" ? "admin" : "viewer",
  actor: r.actor,
  expiresAt: new Date(r.expires_at).toISOString(),
});

export function ensureSessionTables(sql: SqlStorage): void {
  sql.exec(`CREATE TABLE IF NOT EXISTS signin_links (
    hash TEXT PRIMARY KEY, tenant TEXT NOT NULL, role TEXT NOT NULL, actor TEXT NOT NULL,
    created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, used_at INTEGER)`);
  sql.exec("CREATE INDEX IF NOT EXISTS signin_links_expiry ON signin_links (expires_at)");
  sql.exec(`CREATE TABLE IF NOT EXISTS sessions (
    hash TEXT PRIMARY KEY, tenant TEXT NOT NULL, role TEXT NOT NULL, actor TEXT NOT NULL,
    created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, ended_at INTEGER)`);
  sql.exec("CREATE INDEX IF NOT EXISTS sessions_tenant ON sessions (tenant)");
  sql.exec("CREATE INDEX IF NOT EXISTS sessions_expiry ON sessions (expires_at)");
}

export function createSignInLink(sql: SqlStorage, link: NewSignInLink, nowMs: number): void {
  // Links and sessions a day past their end are of no use: a few go with each new link.
  const old = nowMs - 86_400_000;
  run(
    sql,
    "DELETE FROM signin_links WHERE hash IN (SELECT hash FROM signin_links WHERE expires_at < ? LIMIT 20)",
    old,
  );
  run(
    sql,
    "DELETE FROM sessions WHERE hash IN (SELECT hash FROM sessions WHERE expires_at < ? LIMIT 20)",
    old,
  );
  run(
    sql,
    "INSERT INTO signin_links (hash, tenant, role, actor, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
    link.hash,
    link.tenant,
    link.role,
    link.actor,
    nowMs,
    link.expiresAtMs,
  );
}

/** Uses a link up (once, atomically) and opens its session under `sessionHash`, lasting `ttlMs`. */
export function redeemSignInLink(
  storage: DurableObjectStorage,
  linkHash: string,
  sessionHash: string,
  ttlMs: number,
  nowMs: number,
): Redeemed {
  return storage.transactionSync(() => redeem(storage.sql, linkHash, sessionHash, ttlMs, nowMs));
}

function redeem(
  sql: SqlStorage,
  linkHash: string,
  sessionHash: string,
  ttlMs: number,
  nowMs: number,
): Redeemed {
  const taken = first<{ tenant: string; role: string; actor: string }>(
    sql,
    `UPDATE signin_links SET used_at = ? WHERE hash = ? AND used_at IS NULL AND expires_at > ?
     RETURNING tenant, role, actor`,
    nowMs,
    linkHash,
    nowMs,
  );
  if (!taken) {
    const row = first<{ used_at: number | null }>(
      sql,
      "SELECT used_at FROM signin_links WHERE hash = ?",
      linkHash,
    );
    if (!row) return "unknown";
    return row.used_at !== null ? "used" : "expired";
  }
  const session = { ...taken, expires_at: nowMs + ttlMs };
  run(
    sql,
    "INSERT INTO sessions (hash, tenant, role, actor, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
    sessionHash,
    session.tenant,
    session.role,
    session.actor,
    nowMs,
    session.expires_at,
  );
  return toSession(session);
}

/** The live session with this hash (not ended, not expired), or null. */
export function sessionOf(sql: SqlStorage, hash: string, nowMs: number): Session | null {
  const row = first<SessionRow>(
    sql,
    "SELECT tenant, role, actor, expires_at FROM sessions WHERE hash = ? AND ended_at IS NULL AND expires_at > ?",
    hash,
    nowMs,
  );
  return row ? toSession(row) : null;
}

/** Ends a session; true when it was live. */
export function endSession(sql: SqlStorage, hash: string, nowMs: number): boolean {
  const ended = first(
    sql,
    "UPDATE sessions SET ended_at = ? WHERE hash = ? AND ended_at IS NULL RETURNING hash",
    nowMs,
    hash,
  );
  return ended !== null;
}

/** With the tenant's other Directory rows, when the tenant is deleted. */
export function deleteSessionsOf(sql: SqlStorage, tenant: string): number {
  return (
    run(sql, "DELETE FROM sessions WHERE tenant = ?", tenant) +
    run(sql, "DELETE FROM signin_links WHERE tenant = ?", tenant)
  );
}
