/**
 * Review policies, stored (docs/policies.md): each policy is a list of immutable versions; one
 * version of one policy is the tenant's active policy, unless an experiment runs (then its control
 * and variant decide PRs by a stable hash, src/domain/experiment.ts). Kept in TenantSettings' SQLite
 * so the Review Manager reads the policy in the same one await as the rest of its view.
 *
 * The migration (first open after the upgrade, for new and existing tenants alike): a `default`
 * policy, version 1, whose one rule decides nothing itself — so what it leaves out comes from
 * today's settings, the SLA rules (`/foreman sla`) and the Review Manager's config, exactly as before.
 */

import type { ChannelRef } from "../chat/platform";
import { type Policy, PolicySchema, parsePolicy } from "../domain/policy";
import { ConflictError, NotFoundError, ValidationError } from "../platform/errors";
import { addColumn, all, first, run } from "../platform/sql";

export const DEFAULT_POLICY_ID = "default";
export const MIGRATED_POLICY: Policy = { rules: [{ name: "default", decide: {} }] };

export const POLICY_SOURCES = ["migration", "api", "file", "promotion", "chat"] as const;
export type PolicySource = (typeof POLICY_SOURCES)[number];

export interface PolicyVersion {
  policyId: string;
  version: number;
  policy: Policy;
  source: PolicySource;
  /** For `file`: `owner/repo@sha`; for `promotion`: the experiment id. */
  sourceRef: string | null;
  createdBy: string;
  createdAt: string;
}

export interface PolicyListing {
  id: string;
  description: string | null;
  latestVersion: number;
  /** The version in force, when this policy is the active one. */
  activeVersion: number | null;
  /** A repository's policy whose `.foreman.yml` was removed: it no longer decides. */
  retired: boolean;
  createdAt: string;
  updatedAt: string;
}

/** The version deciding PRs (outside experiments). */
export interface ActivePolicy {
  policyId: string;
  version: number;
  policy: Policy;
}

type PolicyRow = { id: string; description: string | null; created_at: string };
type VersionRow = {
  policy_id: string;
  version: number;
  body: string;
  source: string;
  source_ref: string | null;
  created_by: string;
  created_at: string;
};
type ActiveRow = { policy_id: string; version: number; set_by: string; set_at: string };

export const POLICY_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

function toVersion(row: VersionRow): PolicyVersion {
  return {
    policyId: row.policy_id,
    version: Number(row.version),
    // Stored bodies were validated on the way in; re-parsing keeps the types honest.
    policy: PolicySchema.parse(JSON.parse(row.body)),
    source: (POLICY_SOURCES as readonly string[]).includes(row.source) ? (row.source as PolicySource) : "api",
    sourceRef: row.source_ref,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

/** The policy from untrusted input, or a ValidationError naming each bad field under `rules…`. */
export function checkPolicy(input: unknown): Policy {
  const parsed = parsePolicy(input);
  if (!parsed.ok) throw new ValidationError(parsed.issues, "Invalid policy");
  return parsed.policy;
}

const MIGRATED_DESCRIPTION = "Today's settings: SLA rules and the Review Manager's config";
const IMPLICIT_VERSION: PolicyVersion = {
  policyId: DEFAULT_POLICY_ID,
  version: 1,
  policy: MIGRATED_POLICY,
  source: "migration",
  sourceRef: null,
  createdBy: "foreman",
  createdAt: "1970-01-01T00:00:00.000Z",
};
const IMPLICIT_LISTING: PolicyListing = {
  id: DEFAULT_POLICY_ID,
  description: MIGRATED_DESCRIPTION,
  latestVersion: 1,
  activeVersion: 1,
  retired: false,
  createdAt: IMPLICIT_VERSION.createdAt,
  updatedAt: IMPLICIT_VERSION.createdAt,
};

export class PolicyStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS policies (
      id TEXT PRIMARY KEY, description TEXT, created_at TEXT NOT NULL)`);
    // A repository's `.foreman.yml` policy stops deciding when the file is removed (and starts again
    // with the next valid push).
    addColumn(sql, "policies", "retired INTEGER NOT NULL DEFAULT 0");
    sql.exec(`CREATE TABLE IF NOT EXISTS policy_versions (
      policy_id TEXT NOT NULL, version INTEGER NOT NULL, body TEXT NOT NULL, source TEXT NOT NULL,
      source_ref TEXT, created_by TEXT NOT NULL, created_at TEXT NOT NULL,
      PRIMARY KEY (policy_id, version))`);
    sql.exec(`CREATE TABLE IF NOT EXISTS policy_active (
      id INTEGER PRIMARY KEY CHECK (id = 1), policy_id TEXT NOT NULL, version INTEGER NOT NULL,
      set_by TEXT NOT NULL, set_at TEXT NOT NULL)`);
  }

  /**
   * The migration: tenants from before policies (and new ones) have the `default` policy, version 1,
   * active. Until something is written it is implicit (reads answer it, nothing is stored, so a wiped
   * tenant stays empty); the first write stores it.
   */
  private migrate(): void {
    if (this.stored()) return;
    const at = new Date().toISOString();
    this.insertPolicy(DEFAULT_POLICY_ID, MIGRATED_DESCRIPTION, at);
    this.insertVersion(DEFAULT_POLICY_ID, 1, MIGRATED_POLICY, "migration", null, "foreman", at);
    this.setActive(DEFAULT_POLICY_ID, 1, "foreman", at);
  }

  private stored(): boolean {
    return first(this.sql, "SELECT id FROM policies LIMIT 1") !== null;
  }

  private insertPolicy(id: string, description: string | null, at: string): void {
    run(this.sql, "INSERT INTO policies (id, description, created_at) VALUES (?, ?, ?)", id, description, at);
  }

  private insertVersion(
    id: string,
    version: number,
    policy: Policy,
    source: PolicySource,
    sourceRef: string | null,
    by: string,
    at: string,
  ): void {
    run(
      this.sql,
      `INSERT INTO policy_versions (policy_id, version, body, source, source_ref, created_by, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      id,
      version,
      JSON.stringify(policy),
      source,
      sourceRef,
      by,
      at,
    );
  }

  private setActive(id: string, version: number, by: string, at: string): void {
    run(
      this.sql,
      "INSERT OR REPLACE INTO policy_active (id, policy_id, version, set_by, set_at) VALUES (1, ?, ?, ?, ?)",
      id,
      version,
      by,
      at,
    );
  }

  private activeRow(): ActiveRow | null {
    return first<ActiveRow>(this.sql, "SELECT * FROM policy_active WHERE id = 1");
  }

  private latest(id: string): number {
    const row = first<{ v: number | null }>(
      this.sql,
      "SELECT MAX(version) AS v FROM policy_versions WHERE policy_id = ?",
      id,
    );
    return Number(row?.v ?? 0);
  }

  /** Every policy with its latest and (if active) active version: one query each. */
  list(): PolicyListing[] {
    if (!this.stored()) return [IMPLICIT_LISTING];
    const active = this.activeRow();
    const rows = all<PolicyRow & { latest: number; updated_at: string; retired: number }>(
      this.sql,
      `SELECT p.id, p.description, p.created_at, p.retired, MAX(v.version) AS latest, MAX(v.created_at) AS updated_at
       FROM policies p JOIN policy_versions v ON v.policy_id = p.id GROUP BY p.id ORDER BY p.id`,
    );
    return rows.map((r) => ({
      id: r.id,
      description: r.description,
      latestVersion: Number(r.latest),
      activeVersion: active?.policy_id === r.id ? Number(active.version) : null,
      retired: Number(r.retired) === 1,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    }));
  }

  summary(id: string): PolicyListing {
    const found = this.list().find((p) => p.id === id);
    if (!found) throw new NotFoundError(`No policy "${id}"`);
    return found;
  }

  /** Every version of a policy, newest first (bodies included). */
  versions(id: string): PolicyVersion[] {
    if (!this.stored() && id === DEFAULT_POLICY_ID) return [IMPLICIT_VERSION];
    const rows = all<VersionRow>(
      this.sql,
      "SELECT * FROM policy_versions WHERE policy_id = ? ORDER BY version DESC",
      id,
    );
    if (rows.length === 0) throw new NotFoundError(`No policy "${id}"`);
    return rows.map(toVersion);
  }

  /** One version (the latest when `version` is absent). */
  version(id: string, version?: number): PolicyVersion {
    if (!this.stored() && id === DEFAULT_POLICY_ID && (version ?? 1) === 1) return IMPLICIT_VERSION;
    const v = version ?? this.latest(id);
    const row = first<VersionRow>(
      this.sql,
      "SELECT * FROM policy_versions WHERE policy_id = ? AND version = ?",
      id,
      v,
    );
    if (!row)
      throw new NotFoundError(version ? `No version ${version} of policy "${id}"` : `No policy "${id}"`);
    return toVersion(row);
  }

  active(): ActivePolicy {
    if (!this.stored()) return { policyId: DEFAULT_POLICY_ID, version: 1, policy: MIGRATED_POLICY };
    const row = this.activeRow();
    const v = row ? this.version(row.policy_id, Number(row.version)) : this.version(DEFAULT_POLICY_ID, 1);
    return { policyId: v.policyId, version: v.version, policy: v.policy };
  }

  /** A new policy at version 1 (409 when the id is taken); active at once with `activate`. */
  create(input: {
    id: string;
    description: string | null;
    policy: Policy;
    by: string;
    source: PolicySource;
    sourceRef?: string | null;
    activate: boolean;
  }): PolicyVersion {
    this.migrate();
    if (!POLICY_ID.test(input.id)) {
      throw new ValidationError([
        { field: "id", message: "lower-case letters, digits and hyphens, up to 63, e.g. strict-migrations" },
      ]);
    }
    if (first(this.sql, "SELECT id FROM policies WHERE id = ?", input.id)) {
      throw new ConflictError(`Policy "${input.id}" exists: PUT /api/policies/${input.id} adds a version`);
    }
    const at = new Date().toISOString();
    this.insertPolicy(input.id, input.description, at);
    this.insertVersion(input.id, 1, input.policy, input.source, input.sourceRef ?? null, input.by, at);
    if (input.activate) this.setActive(input.id, 1, input.by, at);
    return this.version(input.id, 1);
  }

  /**
   * A new version of `id` (versions are never changed). `activate`: make it active; absent, the new
   * version becomes active when the policy is the active one (editing what is in force changes it).
   * `ifSame`: a version identical to the latest is not added (a re-pushed `.foreman.yml`).
   */
  addVersion(input: {
    id: string;
    policy: Policy;
    by: string;
    source: PolicySource;
    sourceRef?: string | null;
    activate?: boolean;
    ifChanged?: boolean;
  }): { version: PolicyVersion; added: boolean } {
    this.migrate();
    const latest = this.latest(input.id);
    if (latest === 0) throw new NotFoundError(`No policy "${input.id}"`);
    if (input.ifChanged) {
      const current = this.version(input.id, latest);
      if (JSON.stringify(current.policy) === JSON.stringify(input.policy)) {
        return { version: current, added: false };
      }
    }
    const at = new Date().toISOString();
    const version = latest + 1;
    this.insertVersion(input.id, version, input.policy, input.source, input.sourceRef ?? null, input.by, at);
    const isActive = this.activeRow()?.policy_id === input.id;
    if (input.activate ?? isActive) this.setActive(input.id, version, input.by, at);
    return { version: this.version(input.id, version), added: true };
  }

  /** Makes a version (the latest by default) the active policy. */
  activate(id: string, version: number | undefined, by: string): PolicyVersion {
    this.migrate();
    const v = this.version(id, version);
    this.setActive(v.policyId, v.version, by, new Date().toISOString());
    return v;
  }

  /** Whether a policy id exists (for a `.foreman.yml`, created on first push). */
  exists(id: string): boolean {
    if (!this.stored()) return id === DEFAULT_POLICY_ID;
    return first(this.sql, "SELECT id FROM policies WHERE id = ?", id) !== null;
  }

  /** Whether a policy decides (a repository's policy whose file was removed does not). */
  inForce(id: string): boolean {
    if (!this.stored()) return id === DEFAULT_POLICY_ID;
    return first(this.sql, "SELECT id FROM policies WHERE id = ? AND retired = 0", id) !== null;
  }

  /** Retires (or restores) a repository's file policy; false when there is no such policy. */
  setRetired(id: string, retired: boolean): boolean {
    return run(this.sql, "UPDATE policies SET retired = ? WHERE id = ?", retired ? 1 : 0, id) > 0;
  }
}

/** An experiment deciding PRs: its arms' policies, pinned to the versions it started with. */
export interface RunningExperiment {
  id: string;
  variantShare: number;
  control: ActivePolicy;
  variant: ActivePolicy;
}

/**
 * What the Review Manager needs to decide a PR: the active policy, a running experiment (its arms
 * decide instead, by a stable hash of the PR), and the channels policies name, resolved to the links
 * that carry them (`slack:C0123` → the workspace it is linked in).
 */
export interface PolicyView {
  active: ActivePolicy;
  /** The PR's repository's own policy (its `.foreman.yml`): it decides that repository's PRs. */
  repo?: ActivePolicy | null;
  experiment: RunningExperiment | null;
  channels: Record<string, ChannelRef>;
}

/** Every `decide.channel` named in these policies. */
export function channelsNamed(policies: readonly Policy[]): string[] {
  const named = new Set<string>();
  for (const p of policies) for (const r of p.rules) if (r.decide.channel) named.add(r.decide.channel);
  return [...named];
}

/**
 * The policy id of a repository's `.foreman.yml`: `repo-<owner>-<name>` (lower-case, other characters
 * as hyphens), cut to fit with a short hash of the full name so two repositories never share one.
 */
export function filePolicyId(repo: string, hash: (s: string) => string): string {
  const slug = repo
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  const id = `repo-${slug}`;
  return id.length <= 63 ? id : `${id.slice(0, 54)}-${hash(repo.toLowerCase()).slice(0, 8)}`;
}
