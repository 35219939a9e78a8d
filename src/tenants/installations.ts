/**
 * Installs, in the Directory: which tenant each installed Slack workspace (or Enterprise Grid org),
 * Discord guild, GitHub App installation and Linear organisation belongs to, with what Foreman may
 * show of it (names, who installed it, when, whether it was revoked). No secret is kept here: a
 * tenant's tokens live sealed in that tenant's Outbox (src/delivery/credentials.ts), next to the
 * deliveries sent with them, so a revocation stops the very next send.
 *
 * Also the one-time `state`s of the OAuth redirects and the single-use invites that bind a new
 * workspace to an existing tenant; both are kept as SHA-256 hashes only (the plaintext travels in
 * the URL and never reaches storage) and taken with one UPDATE … RETURNING, so a state or an invite
 * works once even when two redirects race.
 */

import { all, first, parseJson, run } from "../platform/sql";

export const INSTALL_PLATFORMS = ["slack", "discord", "github", "linear"] as const;
export type InstallPlatform = (typeof INSTALL_PLATFORMS)[number];

/** What is shown of an install: names and ids the platform gave, never a token. */
export type InstallDetails = Record<string, string | number | boolean | null>;

export interface Installation {
  platform: InstallPlatform;
  /** Slack team id (or enterprise id for an org-wide install), Discord guild id, GitHub installation id, Linear organisation id. */
  account: string;
  tenant: string;
  /** The workspace / guild / GitHub account / organisation name, as the platform gave it. */
  name: string | null;
  /** Who installed it: `slack:U123`, `discord:123`, `github:octocat`, `linear:<user id>`. */
  installer: string | null;
  details: InstallDetails;
  installedAt: string;
  updatedAt: string;
  /** Set when the platform said it was removed or its tokens revoked; the tenant stops using it. */
  revokedAt: string | null;
  revokedReason: string | null;
}

/** What an install records; the times and the revocation are the store's. */
export type NewInstallation = Pick<
  Installation,
  "platform" | "account" | "tenant" | "name" | "installer" | "details"
>;

type InstallRow = {
  platform: string;
  account: string;
  tenant: string;
  name: string | null;
  installer: string | null;
  details: string;
  installed_at: string;
  updated_at: string;
  revoked_at: string | null;
  revoked_reason: string | null;
};

export function ensureInstallTables(sql: SqlStorage): void {
  sql.exec(`CREATE TABLE IF NOT EXISTS installations (
    platform TEXT NOT NULL, account TEXT NOT NULL, tenant TEXT NOT NULL, name TEXT, installer TEXT,
    details TEXT NOT NULL, installed_at TEXT NOT NULL, updated_at TEXT NOT NULL, revoked_at TEXT,
    revoked_reason TEXT, PRIMARY KEY (platform, account))`);
  sql.exec("CREATE INDEX IF NOT EXISTS installations_tenant ON installations (tenant, platform)");
  sql.exec(`CREATE TABLE IF NOT EXISTS oauth_states (
    hash TEXT PRIMARY KEY, purpose TEXT NOT NULL, tenant TEXT, invite TEXT, created_by TEXT,
    expires_at INTEGER NOT NULL, used_at INTEGER)`);
  sql.exec("CREATE INDEX IF NOT EXISTS oauth_states_expiry ON oauth_states (expires_at)");
  sql.exec(`CREATE TABLE IF NOT EXISTS invites (
    hash TEXT PRIMARY KEY, id TEXT NOT NULL UNIQUE, tenant TEXT NOT NULL, created_by TEXT,
    created_at TEXT NOT NULL, expires_at INTEGER NOT NULL, used_at TEXT, used_by TEXT)`);
  sql.exec("CREATE INDEX IF NOT EXISTS invites_tenant ON invites (tenant)");
}

const isInstallPlatform = (p: string): p is InstallPlatform =>
  (INSTALL_PLATFORMS as readonly string[]).includes(p);

function toInstallation(r: InstallRow): Installation {
  return {
    platform: isInstallPlatform(r.platform) ? r.platform : "slack",
    account: r.account,
    tenant: r.tenant,
    name: r.name,
    installer: r.installer,
    details: parseJson<InstallDetails>(r.details, {}),
    installedAt: r.installed_at,
    updatedAt: r.updated_at,
    revokedAt: r.revoked_at,
    revokedReason: r.revoked_reason,
  };
}

export function installationOf(
  sql: SqlStorage,
  platform: InstallPlatform,
  account: string,
): Installation | null {
  const row = first<InstallRow>(
    sql,
    "SELECT * FROM installations WHERE platform = ? AND account = ?",
    platform,
    account,
  );
  return row ? toInstallation(row) : null;
}

export function installationsOf(sql: SqlStorage, tenant: string): Installation[] {
  return all<InstallRow>(
    sql,
    "SELECT * FROM installations WHERE tenant = ? ORDER BY platform, installed_at",
    tenant,
  ).map(toInstallation);
}

/**
 * Records an install (or a re-install: the row is renewed and un-revoked). An account already bound
 * to another tenant stays there: the answer says so and nothing changes.
 */
export function recordInstallation(
  sql: SqlStorage,
  input: NewInstallation,
  now: string,
): { installation: Installation; boundElsewhere: boolean } {
  const known = installationOf(sql, input.platform, input.account);
  if (known && known.tenant !== input.tenant) return { installation: known, boundElsewhere: true };
  const row = sql
    .exec<InstallRow>(
      `INSERT INTO installations (platform, account, tenant, name, installer, details, installed_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (platform, account) DO UPDATE SET name = excluded.name, installer = excluded.installer,
         details = excluded.details, updated_at = excluded.updated_at, revoked_at = NULL, revoked_reason = NULL
       RETURNING *`,
      input.platform,
      input.account,
      input.tenant,
      input.name,
      input.installer,
      JSON.stringify(input.details),
      now,
      now,
    )
    .one();
  return { installation: toInstallation(row), boundElsewhere: false };
}

/** Marks an install revoked (kept, so the tenant's setup shows what happened); null if unknown. */
export function revokeInstallation(
  sql: SqlStorage,
  platform: InstallPlatform,
  account: string,
  reason: string,
  now: string,
): Installation | null {
  run(
    sql,
    "UPDATE installations SET revoked_at = ?, revoked_reason = ?, updated_at = ? WHERE platform = ? AND account = ? AND revoked_at IS NULL",
    now,
    reason,
    now,
    platform,
    account,
  );
  return installationOf(sql, platform, account);
}

/** Installs after `after` (`platform:account` order), of one tenant or all: for re-sealing tokens. */
export function installationsPage(
  sql: SqlStorage,
  after: string,
  limit: number,
  tenant?: string,
): Installation[] {
  const where = tenant === undefined ? "" : " AND tenant = ?";
  const bindings = tenant === undefined ? [] : [tenant];
  return all<InstallRow>(
    sql,
    `SELECT * FROM installations WHERE platform || ':' || account > ?${where} ORDER BY platform || ':' || account LIMIT ?`,
    after,
    ...bindings,
    Math.max(1, Math.min(500, limit)),
  ).map(toInstallation);
}

export function deleteInstallationsOf(sql: SqlStorage, tenant: string): number {
  return (
    run(sql, "DELETE FROM installations WHERE tenant = ?", tenant) +
    run(sql, "DELETE FROM invites WHERE tenant = ?", tenant) +
    run(sql, "DELETE FROM oauth_states WHERE tenant = ?", tenant)
  );
}

// ---------------------------------------------------------------------------------- OAuth states

/** Which install a state is for: one per platform. */
export type OAuthPurpose = InstallPlatform;

export interface NewOAuthState {
  /** SHA-256 hex of the state in the URL. */
  hash: string;
  purpose: OAuthPurpose;
  /** The tenant the install joins; null: a new tenant is made for it. */
  tenant: string | null;
  /** The invite (its hash) this install uses up when it succeeds. */
  invite: string | null;
  createdBy: string | null;
  expiresAtMs: number;
}

export interface TakenState {
  purpose: OAuthPurpose;
  tenant: string | null;
  invite: string | null;
  createdBy: string | null;
}

export type StateProblem = "unknown" | "used" | "expired" | "wrong_purpose";

export function createOAuthState(sql: SqlStorage, state: NewOAuthState, nowMs: number): void {
  // Expired states are of no use to anyone: a few go with each new one, so the table stays small.
  run(
    sql,
    "DELETE FROM oauth_states WHERE hash IN (SELECT hash FROM oauth_states WHERE expires_at < ? LIMIT 20)",
    nowMs - 86_400_000,
  );
  run(
    sql,
    "INSERT INTO oauth_states (hash, purpose, tenant, invite, created_by, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
    state.hash,
    state.purpose,
    state.tenant,
    state.invite,
    state.createdBy,
    state.expiresAtMs,
  );
}

/** Uses a state up (once, atomically); a problem says why it cannot be used. */
export function takeOAuthState(
  sql: SqlStorage,
  hash: string,
  purpose: OAuthPurpose,
  nowMs: number,
): TakenState | StateProblem {
  const taken = first<{
    purpose: string;
    tenant: string | null;
    invite: string | null;
    created_by: string | null;
  }>(
    sql,
    `UPDATE oauth_states SET used_at = ? WHERE hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?
     RETURNING purpose, tenant, invite, created_by`,
    nowMs,
    hash,
    purpose,
    nowMs,
  );
  if (taken) return { purpose, tenant: taken.tenant, invite: taken.invite, createdBy: taken.created_by };
  const row = first<{ purpose: string; used_at: number | null; expires_at: number }>(
    sql,
    "SELECT purpose, used_at, expires_at FROM oauth_states WHERE hash = ?",
    hash,
  );
  if (!row) return "unknown";
  if (row.purpose !== purpose) return "wrong_purpose";
  return row.used_at !== null ? "used" : "expired";
}

// --------------------------------------------------------------------------------------- invites

export interface Invite {
  id: string;
  tenant: string;
  createdBy: string | null;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
  usedBy: string | null;
}

export type InviteProblem = "unknown" | "used" | "expired";

type InviteRow = {
  id: string;
  tenant: string;
  created_by: string | null;
  created_at: string;
  expires_at: number;
  used_at: string | null;
  used_by: string | null;
};

const toInvite = (r: InviteRow): Invite => ({
  id: r.id,
  tenant: r.tenant,
  createdBy: r.created_by,
  createdAt: r.created_at,
  expiresAt: new Date(r.expires_at).toISOString(),
  usedAt: r.used_at,
  usedBy: r.used_by,
});

export function createInvite(
  sql: SqlStorage,
  input: { hash: string; id: string; tenant: string; createdBy: string | null; expiresAtMs: number },
  now: string,
): Invite {
  run(
    sql,
    "INSERT INTO invites (hash, id, tenant, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
    input.hash,
    input.id,
    input.tenant,
    input.createdBy,
    now,
    input.expiresAtMs,
  );
  return toInvite({
    ...input,
    created_by: input.createdBy,
    created_at: now,
    expires_at: input.expiresAtMs,
    used_at: null,
    used_by: null,
  });
}

/** An invite that can still be used, or why not (it is not used up here). */
export function checkInvite(sql: SqlStorage, hash: string, nowMs: number): Invite | InviteProblem {
  const row = first<InviteRow>(sql, "SELECT * FROM invites WHERE hash = ?", hash);
  if (!row) return "unknown";
  if (row.used_at !== null) return "used";
  if (row.expires_at <= nowMs) return "expired";
  return toInvite(row);
}

/** Uses an invite up, once: the invite, or why it cannot be used. */
export function useInvite(
  sql: SqlStorage,
  hash: string,
  usedBy: string,
  nowMs: number,
): Invite | InviteProblem {
  const row = first<InviteRow>(
    sql,
    "UPDATE invites SET used_at = ?, used_by = ? WHERE hash = ? AND used_at IS NULL AND expires_at > ? RETURNING *",
    new Date(nowMs).toISOString(),
    usedBy,
    hash,
    nowMs,
  );
  if (row) return toInvite(row);
  const problem = checkInvite(sql, hash, nowMs);
  return typeof problem === "string" ? problem : "used";
}

export function invitesOf(sql: SqlStorage, tenant: string): Invite[] {
  return all<InviteRow>(
    sql,
    "SELECT * FROM invites WHERE tenant = ? ORDER BY created_at DESC LIMIT 50",
    tenant,
  ).map(toInvite);
}
