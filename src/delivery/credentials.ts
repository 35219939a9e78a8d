/**
 * A tenant's platform credentials, kept in the tenant's Outbox: the sending side holds the keys it
 * sends with, so the consumer learns which token a delivery goes out with in the same object that
 * claims it, and a revoked install stops the very next send (no cache to outlive it).
 *
 * - Slack: the workspace's bot token (and refresh token when rotation is on), sealed.
 * - Linear: the organisation's OAuth access token (and refresh token), sealed.
 * - GitHub: no secret at all — an installation's tokens are minted from the App's key when needed —
 *   but the repositories each installation covers, which say which installation sends for a repo.
 *
 * Values are sealed by the caller (src/tenants/encryption.ts, bound to `credential:<platform>:
 * <tenant>:<account>`): this layer only stores envelopes. The Directory keeps which tenant an account
 * belongs to (src/tenants/installations.ts).
 */

import { all, first, parseJson, run } from "../platform/sql";
import { PLATFORMS, type Platform } from "./types";

const isPlatform = (p: string): p is Platform => (PLATFORMS as readonly string[]).includes(p);

/** Shown details of a credential: ids and names, never a token. */
export type CredentialDetails = Record<string, string | number | boolean | null>;

export interface NewCredential {
  platform: Platform;
  /** Slack team / enterprise id, GitHub installation id, Linear organisation id. */
  account: string;
  /** The sealed secret (an envelope), or null when the platform needs none kept (GitHub). */
  sealed: string | null;
  details: CredentialDetails;
  /** GitHub: every repository the installation covers (`owner/repo`, lower case); replaces the list. */
  repos?: string[];
  /** A renewed token: kept only while the credential is live (a revocation meanwhile wins). */
  renew?: boolean;
  /** With `renew`: only if the stored envelope is still this one (a re-seal must not undo a renewal). */
  expected?: string;
}

/** What a delivery goes out with, as the tenant's Outbox knows it. */
export type CredentialLookup =
  /** No install for the platform: the deployment's own token applies (self-hosting), or demo mode. */
  | { state: "none" }
  | { state: "active"; account: string; sealed: string | null; details: CredentialDetails }
  /** Installed once, revoked since: nothing is sent for the tenant until it installs again. */
  | { state: "revoked"; account: string; reason: string }
  /** GitHub: the tenant has App installations, and none covers this repository. */
  | { state: "uncovered"; repo: string };

export interface CredentialInfo {
  platform: Platform;
  account: string;
  details: CredentialDetails;
  updatedAt: string;
  revokedAt: string | null;
  revokedReason: string | null;
  /** GitHub: how many repositories the installation covers. */
  repos: number;
}

type CredentialRow = {
  platform: string;
  account: string;
  sealed: string | null;
  details: string;
  updated_at: string;
  revoked_at: string | null;
  revoked_reason: string | null;
};

/** A GitHub installation lists at most this many repositories here (GitHub's own cap is far above). */
export const MAX_REPOS_PER_INSTALLATION = 50_000;

export const CREDENTIAL_SCHEMA = `
  CREATE TABLE IF NOT EXISTS credentials (
    platform TEXT NOT NULL, account TEXT NOT NULL, sealed TEXT, details TEXT NOT NULL,
    updated_at TEXT NOT NULL, revoked_at TEXT, revoked_reason TEXT, PRIMARY KEY (platform, account));
  CREATE TABLE IF NOT EXISTS credential_repos (
    repo TEXT NOT NULL, account TEXT NOT NULL, PRIMARY KEY (repo, account));
  CREATE INDEX IF NOT EXISTS credential_repos_account ON credential_repos (account);
`;

export function putCredential(sql: SqlStorage, c: NewCredential, now: string): void {
  if (c.renew) {
    const guard = c.expected === undefined ? "" : " AND sealed = ?";
    const expected = c.expected === undefined ? [] : [c.expected];
    run(
      sql,
      `UPDATE credentials SET sealed = ?, updated_at = ? WHERE platform = ? AND account = ? AND revoked_at IS NULL${guard}`,
      c.sealed,
      now,
      c.platform,
      c.account,
      ...expected,
    );
    return;
  }
  run(
    sql,
    `INSERT INTO credentials (platform, account, sealed, details, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (platform, account) DO UPDATE SET sealed = excluded.sealed, details = excluded.details,
       updated_at = excluded.updated_at, revoked_at = NULL, revoked_reason = NULL`,
    c.platform,
    c.account,
    c.sealed,
    JSON.stringify(c.details),
    now,
  );
  if (c.platform === "github" && c.repos) {
    run(sql, "DELETE FROM credential_repos WHERE account = ?", c.account);
    changeRepos(sql, c.account, c.repos, []);
  }
}

/** GitHub: repositories added to or removed from an installation (`installation_repositories`). */
export function changeRepos(sql: SqlStorage, account: string, added: string[], removed: string[]): void {
  for (const repo of removed) {
    run(sql, "DELETE FROM credential_repos WHERE repo = ? AND account = ?", repo.toLowerCase(), account);
  }
  for (const repo of added.slice(0, MAX_REPOS_PER_INSTALLATION)) {
    run(
      sql,
      "INSERT OR IGNORE INTO credential_repos (repo, account) VALUES (?, ?)",
      repo.toLowerCase(),
      account,
    );
  }
}

/** Forgets the secret (and GitHub's repositories) at once; the row stays to say it was revoked. */
export function revokeCredential(
  sql: SqlStorage,
  platform: Platform,
  account: string,
  reason: string,
  now: string,
): boolean {
  const changed = run(
    sql,
    `UPDATE credentials SET sealed = NULL, revoked_at = ?, revoked_reason = ?, updated_at = ?
     WHERE platform = ? AND account = ? AND revoked_at IS NULL`,
    now,
    reason,
    now,
    platform,
    account,
  );
  if (platform === "github") run(sql, "DELETE FROM credential_repos WHERE account = ?", account);
  return changed > 0;
}

/**
 * The credential a delivery to `platform` goes out with. Slack and Linear: the tenant's live install
 * (the newest, should there be several). GitHub: the installation covering `repo`. Two indexed
 * lookups at most, whatever the number of repositories.
 */
export function credentialFor(sql: SqlStorage, platform: Platform, repo: string | null): CredentialLookup {
  if (platform === "github" && repo !== null) {
    const covering = first<CredentialRow>(
      sql,
      `SELECT c.* FROM credential_repos r JOIN credentials c ON c.platform = 'github' AND c.account = r.account
       WHERE r.repo = ? AND c.revoked_at IS NULL LIMIT 1`,
      repo.toLowerCase(),
    );
    if (covering) return active(covering);
  }
  const live = first<CredentialRow>(
    sql,
    "SELECT * FROM credentials WHERE platform = ? AND revoked_at IS NULL ORDER BY updated_at DESC LIMIT 1",
    platform,
  );
  if (live) return platform === "github" && repo !== null ? { state: "uncovered", repo } : active(live);
  const revoked = first<CredentialRow>(
    sql,
    "SELECT * FROM credentials WHERE platform = ? ORDER BY updated_at DESC LIMIT 1",
    platform,
  );
  if (revoked)
    return { state: "revoked", account: revoked.account, reason: revoked.revoked_reason ?? "revoked" };
  return { state: "none" };
}

function active(row: CredentialRow): CredentialLookup {
  return {
    state: "active",
    account: row.account,
    sealed: row.sealed,
    details: parseJson<CredentialDetails>(row.details, {}),
  };
}

export function listCredentials(sql: SqlStorage): CredentialInfo[] {
  return all<CredentialRow & { repos: number }>(
    sql,
    `SELECT c.platform, c.account, c.details, c.updated_at, c.revoked_at, c.revoked_reason,
       (SELECT COUNT(*) FROM credential_repos r WHERE r.account = c.account AND c.platform = 'github') AS repos
     FROM credentials c ORDER BY c.platform, c.updated_at`,
  ).map((r) => ({
    platform: isPlatform(r.platform) ? r.platform : "slack",
    account: r.account,
    details: parseJson<CredentialDetails>(r.details, {}),
    updatedAt: r.updated_at,
    revokedAt: r.revoked_at,
    revokedReason: r.revoked_reason,
    repos: r.repos,
  }));
}

/** GitHub repositories the tenant's live installations cover, in name order (for pickers). */
export function coveredRepos(sql: SqlStorage, after: string, limit: number): string[] {
  return all<{ repo: string }>(
    sql,
    `SELECT DISTINCT r.repo FROM credential_repos r JOIN credentials c ON c.platform = 'github' AND c.account = r.account
     WHERE c.revoked_at IS NULL AND r.repo > ? ORDER BY r.repo LIMIT ?`,
    after.toLowerCase(),
    Math.max(1, Math.min(1000, limit)),
  ).map((r) => r.repo);
}
