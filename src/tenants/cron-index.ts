/**
 * The cron index in the Directory: for each tenant and kind of scheduled work, when it is next due
 * (epoch ms), so a Cron Trigger run reads the tenants with something due in one indexed query and
 * never calls the others (docs/adr/0015-cron-from-a-next-fire-index.md).
 *
 * - `digest`: TenantSettings reports the earliest next fire over its channels' digest schedules
 *   (src/settings/digest-settings.ts), after every schedule change and every slot it handles.
 * - `alerts`: the tenant's Metrics object reports "check due" when it records what an alert rule
 *   counts, and "nothing to check" once a check finds the window clean and no incident open or
 *   unannounced (src/observability/metrics-do.ts).
 *
 * Each report carries its sender's generation (a per-object counter that never goes back, not even
 * after a wipe: it starts from the clock); a report older than the stored one is ignored, so reports
 * that cross on the way cannot put an old time back. "Nothing due" is kept as a row with no time (never
 * selected), for the same reason. A run takes the due rows least recently handed out first (then by
 * due time) and records when it took them, so with more than a page due every tenant gets its turn.
 *
 * Tenants that existed before the index get a row due at once on the first run of each kind (once per
 * kind, marked in `cron_meta`): the run then visits each of them and they report their real time. A
 * Directory that had no tenant when the index was created marks both kinds done at once.
 */
import { z } from "zod";
import { ValidationError } from "../platform/errors";
import { all, count, first, run, tableExists } from "../platform/sql";

export const CRON_KINDS = ["digest", "alerts"] as const;
export type CronKind = (typeof CRON_KINDS)[number];

/** What a tenant's object tells the index: `dueMs` null when nothing of `kind` is due. */
export interface CronReport {
  tenant: string;
  kind: CronKind;
  dueMs: number | null;
  gen: number;
}

/** A row of the index, as `cronEntries` answers it. */
export interface CronEntry extends CronReport {
  /** When a run last handed the tenant out (0: never). */
  takenMs: number;
}

/** What one run takes from the index. */
export interface CronTake {
  /** Tenants with `kind` due, at most the page asked for. */
  tenants: string[];
  /** Tenants given a row by the one-time backfill in this call (0 once done). */
  backfilled: number;
}

const reportSchema = z
  .object({
    tenant: z.string().min(1).max(200),
    kind: z.enum(CRON_KINDS),
    dueMs: z.number().finite().nullable(),
    gen: z.number().int().nonnegative(),
  })
  .strict();

type EntryRow = {
  tenant: string;
  kind: string;
  due_ms: number | null;
  gen: number;
  taken_ms: number;
};

export function ensureCronTables(sql: SqlStorage): void {
  const fresh = !tableExists(sql, "cron_index");
  sql.exec(`CREATE TABLE IF NOT EXISTS cron_index (
    tenant TEXT NOT NULL, kind TEXT NOT NULL, due_ms INTEGER, gen INTEGER NOT NULL,
    taken_ms INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (tenant, kind))`);
  sql.exec("CREATE INDEX IF NOT EXISTS cron_index_due ON cron_index (kind, due_ms)");
  sql.exec("CREATE TABLE IF NOT EXISTS cron_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  // A Directory that starts with the index (no tenant yet) has nothing to backfill: every tenant
  // reports its own rows from the start.
  if (fresh && count(sql, "SELECT COUNT(*) AS n FROM tenants") === 0) {
    const now = new Date().toISOString();
    for (const kind of CRON_KINDS) {
      run(sql, "INSERT OR IGNORE INTO cron_meta (key, value) VALUES (?, ?)", backfillMarker(kind), now);
    }
  }
}

const backfillMarker = (kind: CronKind) => `backfill:${kind}`;

/** Stores a report unless a newer one (higher generation) is stored; true when it was stored. */
export function reportCron(sql: SqlStorage, input: CronReport): boolean {
  const parsed = reportSchema.safeParse(input);
  if (!parsed.success) {
    throw new ValidationError(
      parsed.error.issues.map((i) => ({ field: i.path.join(".") || "report", message: i.message })),
      "Invalid cron index report",
    );
  }
  const { tenant, kind, gen } = parsed.data;
  const dueMs = parsed.data.dueMs === null ? null : Math.floor(parsed.data.dueMs);
  run(
    sql,
    `INSERT INTO cron_index (tenant, kind, due_ms, gen) VALUES (?, ?, ?, ?)
     ON CONFLICT (tenant, kind) DO UPDATE SET due_ms = excluded.due_ms, gen = excluded.gen
     WHERE excluded.gen >= cron_index.gen`,
    tenant,
    kind,
    dueMs,
    gen,
  );
  const stored = first<{ gen: number }>(
    sql,
    "SELECT gen FROM cron_index WHERE tenant = ? AND kind = ?",
    tenant,
    kind,
  );
  return stored !== null && Number(stored.gen) === gen;
}

/**
 * Up to `limit` tenants with `kind` due at `nowMs` (least recently taken first, then by due time),
 * marked as taken at `nowMs`. The first call for a kind first gives every listed tenant without a
 * row one due at `nowMs` (the backfill). Synchronous: call it inside one transaction.
 */
export function takeDue(sql: SqlStorage, kind: CronKind, nowMs: number, limit: number): CronTake {
  const backfilled = backfill(sql, kind, nowMs);
  const page = Math.max(1, Math.min(Math.floor(limit), 10_000));
  // The same rows are selected twice in one synchronous step (bound parameters are limited to 100).
  const due = `SELECT tenant FROM cron_index WHERE kind = ? AND due_ms <= ?
    ORDER BY taken_ms, due_ms, tenant LIMIT ?`;
  const tenants = all<{ tenant: string }>(sql, due, kind, nowMs, page).map((r) => r.tenant);
  if (tenants.length > 0) {
    run(
      sql,
      `UPDATE cron_index SET taken_ms = ? WHERE kind = ? AND tenant IN (${due})`,
      nowMs,
      kind,
      kind,
      nowMs,
      page,
    );
  }
  return { tenants, backfilled };
}

function backfill(sql: SqlStorage, kind: CronKind, nowMs: number): number {
  const marker = backfillMarker(kind);
  if (first(sql, "SELECT value FROM cron_meta WHERE key = ?", marker) !== null) return 0;
  const rows = () => count(sql, "SELECT COUNT(*) AS n FROM cron_index WHERE kind = ?", kind);
  const before = rows();
  run(
    sql,
    "INSERT OR IGNORE INTO cron_index (tenant, kind, due_ms, gen) SELECT id, ?, ?, 0 FROM tenants",
    kind,
    nowMs,
  );
  const added = rows() - before;
  run(sql, "INSERT INTO cron_meta (key, value) VALUES (?, ?)", marker, new Date(nowMs).toISOString());
  return added;
}

/** The tenant's rows (every kind it has one of). */
export function cronEntriesOf(sql: SqlStorage, tenant: string): CronEntry[] {
  return all<EntryRow>(sql, "SELECT * FROM cron_index WHERE tenant = ? ORDER BY kind", tenant).flatMap(
    (r) => {
      const kind = CRON_KINDS.find((k) => k === r.kind);
      if (!kind) return [];
      const dueMs = r.due_ms === null ? null : Number(r.due_ms);
      return [{ tenant: r.tenant, kind, dueMs, gen: Number(r.gen), takenMs: Number(r.taken_ms) }];
    },
  );
}

/** Tenant deletion: the tenant's rows go with it. */
export function deleteCronEntriesOf(sql: SqlStorage, tenant: string): void {
  run(sql, "DELETE FROM cron_index WHERE tenant = ?", tenant);
}
