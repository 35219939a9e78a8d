/**
 * What the tenant's own webhooks have proved, in TenantSettings: which linked repositories / Linear
 * teams are *active* (a delivery about them, signed with this tenant's secret, has arrived — until
 * then `link` and `links` show them as waiting), and which Linear organisation the tenant's Linear
 * deliveries come from (bound by the first one handed over; others are refused afterwards).
 */
import { ForbiddenError } from "../platform/errors";
import { all, first, run } from "../platform/sql";
import type { LinkKind } from "./model";

/** How the activating delivery arrived: the tenant's own hook URL, or the deployment's seed URL. */
/** How a delivery reached its tenant: the tenant's own hook, the deployment's seed URL, or a GitHub App installation. */
export type ActivationVia = "hook" | "deployment" | "app";

export interface LinkActivation {
  kind: LinkKind;
  target: string;
  activatedAt: string;
  via: ActivationVia;
}

export interface LinearOrgBinding {
  organizationId: string;
  boundAt: string;
}

/** A verified delivery's targets, offered to the tenant (`TenantSettings.admitDelivery`). */
export interface AdmitInput {
  kind: LinkKind;
  /** Repositories (`owner/repo`) or Linear team keys the delivery is about, any case. */
  targets: string[];
  via: ActivationVia;
  /** Linear: the delivery's `organizationId` (null when it carries none). */
  organizationId?: string | null;
}

export interface Admitted {
  /** The targets the tenant links (normalised): only these reach it. */
  linked: string[];
  /** Those that became active with this delivery. */
  activated: string[];
}

type ActivityRow = { kind: string; target: string; activated_at: string; via: string };

/** SQLite binds at most 100 parameters per statement; targets are looked up in chunks. */
const CHUNK = 50;
/** Targets whose "linked or not" is kept; past this the memory starts again (deliveries name few). */
const KNOWN_MAX = 10_000;

export class WebhookStateStore {
  /**
   * What deliveries asked so far, kept until a link changes (`linksChanged`): whether a target is
   * linked (`kind:target`), and the targets known active. A delivery then costs no query.
   */
  private readonly linkedKnown = new Map<string, boolean>();
  private readonly activeKnown = new Set<string>();

  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS link_activity (kind TEXT NOT NULL, target TEXT NOT NULL,
      activated_at TEXT NOT NULL, via TEXT NOT NULL, PRIMARY KEY (kind, target))`);
    sql.exec(`CREATE TABLE IF NOT EXISTS linear_org (id INTEGER PRIMARY KEY CHECK (id = 1),
      organization_id TEXT NOT NULL, bound_at TEXT NOT NULL)`);
  }

  /** Forgets what deliveries asked: a target was linked anew (`linkIn`) or unlinked everywhere (`forget`). */
  linksChanged(): void {
    this.linkedKnown.clear();
    this.activeKnown.clear();
  }

  /** The targets among `targets` (normalised) that are linked to some channel. */
  linked(kind: LinkKind, targets: readonly string[]): string[] {
    const unique = [...new Set(targets)];
    const unknown = unique.filter((t) => !this.linkedKnown.has(`${kind}:${t}`));
    if (unknown.length > 0) {
      if (this.linkedKnown.size > KNOWN_MAX) this.linkedKnown.clear();
      const found = new Set(this.lookUp(kind, unknown));
      for (const t of unknown) this.linkedKnown.set(`${kind}:${t}`, found.has(t));
    }
    return unique.filter((t) => this.linkedKnown.get(`${kind}:${t}`));
  }

  /** The targets among `targets` that are linked, found by primary key. */
  private lookUp(kind: LinkKind, unique: readonly string[]): string[] {
    const found: string[] = [];
    for (let i = 0; i < unique.length; i += CHUNK) {
      const chunk = unique.slice(i, i + CHUNK);
      const marks = chunk.map(() => "?").join(", ");
      const rows = all<{ target: string }>(
        this.sql,
        `SELECT DISTINCT target FROM links WHERE kind = ? AND target IN (${marks})`,
        kind,
        ...chunk,
      );
      found.push(...rows.map((r) => r.target));
    }
    return found;
  }

  /** Marks `targets` active (those already active keep their first activation); answers the new ones. */
  activate(kind: LinkKind, targets: readonly string[], via: ActivationVia, now: string): string[] {
    const fresh = targets.filter((t) => !this.activeKnown.has(`${kind}:${t}`));
    for (const t of fresh) this.activeKnown.add(`${kind}:${t}`);
    return fresh.filter(
      (target) =>
        run(
          this.sql,
          "INSERT OR IGNORE INTO link_activity (kind, target, activated_at, via) VALUES (?, ?, ?, ?)",
          kind,
          target,
          now,
          via,
        ) > 0,
    );
  }

  activations(kind?: LinkKind): LinkActivation[] {
    const rows = kind
      ? all<ActivityRow>(this.sql, "SELECT * FROM link_activity WHERE kind = ? ORDER BY target", kind)
      : all<ActivityRow>(this.sql, "SELECT * FROM link_activity ORDER BY kind, target");
    return rows.map((r) => ({
      kind: r.kind === "linear" ? "linear" : "github",
      target: r.target,
      activatedAt: r.activated_at,
      via: r.via === "deployment" || r.via === "app" ? r.via : "hook",
    }));
  }

  /** A link removed from its last channel waits again for a signed delivery when it is linked anew. */
  forget(kind: LinkKind, target: string): void {
    this.linksChanged();
    run(this.sql, "DELETE FROM link_activity WHERE kind = ? AND target = ?", kind, target);
  }

  /**
   * A verified delivery about `targets` (normalised): the linked ones become active; a Linear one
   * binds the organisation first, or is refused (ForbiddenError) when another one is bound.
   */
  admit(input: AdmitInput, now: string): Admitted {
    const linked = this.linked(input.kind, input.targets);
    if (linked.length === 0) return { linked, activated: [] };
    if (input.kind === "linear") this.checkLinearOrg(input.organizationId ?? null, now);
    return { linked, activated: this.activate(input.kind, linked, input.via, now) };
  }

  private checkLinearOrg(organizationId: string | null, now: string): void {
    const bound = this.linearOrg();
    if (!bound) {
      if (organizationId) this.bindLinearOrg(organizationId, now);
      return;
    }
    if (organizationId !== bound.organizationId) {
      throw new ForbiddenError(
        "This webhook is bound to another Linear organization: the delivery is refused " +
          '(a tenant admin can unbind it with POST /api/webhooks/linear/secret {"resetOrganization": true})',
      );
    }
  }

  linearOrg(): LinearOrgBinding | null {
    const row = first<{ organization_id: string; bound_at: string }>(
      this.sql,
      "SELECT organization_id, bound_at FROM linear_org WHERE id = 1",
    );
    return row ? { organizationId: row.organization_id, boundAt: row.bound_at } : null;
  }

  bindLinearOrg(organizationId: string, now: string): LinearOrgBinding {
    run(
      this.sql,
      "INSERT OR IGNORE INTO linear_org (id, organization_id, bound_at) VALUES (1, ?, ?)",
      organizationId,
      now,
    );
    return this.linearOrg() ?? { organizationId, boundAt: now };
  }

  /** Forgets the bound organisation: the next Linear delivery handed over binds one again. */
  clearLinearOrg(): LinearOrgBinding | null {
    const previous = this.linearOrg();
    run(this.sql, "DELETE FROM linear_org WHERE id = 1");
    return previous;
  }
}
