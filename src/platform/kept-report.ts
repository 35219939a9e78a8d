/**
 * A value a Durable Object owes another object (e.g. when its next scheduled work is due, for an
 * index kept elsewhere), kept in the object's own SQLite until the receiver has taken it.
 *
 * `keep` stores the value with a new generation and sets the object's alarm in the same synchronous
 * step as the change it reflects, so the change and the debt to report it are written together; the
 * owner sends it at once with `deliver` where it can, and its `alarm()` calls `deliver` again until a
 * send succeeds (backing off after failures). Generations start from the clock and only grow, so the
 * receiver can keep the newest and ignore one that arrives late — even across a wipe of the object.
 *
 * The owner's alarm is used for this alone: `keep` moves it, and a delivery that leaves nothing owed
 * deletes it.
 */

const SCHEMA = `CREATE TABLE IF NOT EXISTS kept_reports (
  key TEXT PRIMARY KEY, value INTEGER, gen INTEGER NOT NULL, acked_gen INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0)`;

/** Retries after a failed send: 2 s, 4 s, … up to 5 minutes. */
const RETRY_BASE_MS = 2_000;
const RETRY_MAX_MS = 5 * 60_000;

export interface OwedReport {
  value: number | null;
  gen: number;
}

export interface KeptState extends OwedReport {
  /** Whether the receiver has taken this generation. */
  delivered: boolean;
  /** Failed sends since the last success. */
  attempts: number;
}

export type Delivery = { ok: true; sent: boolean } | { ok: false; error: unknown; retryInMs: number };

type Row = { value: number | null; gen: number; acked_gen: number; attempts: number };

export class KeptReport {
  private readonly sql: SqlStorage;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly key: string,
  ) {
    this.sql = storage.sql;
    this.sql.exec(SCHEMA);
  }

  /** The last value kept, or null when nothing ever was. */
  state(): KeptState | null {
    const row = this.row();
    if (!row) return null;
    const value = row.value === null ? null : Number(row.value);
    const gen = Number(row.gen);
    return { value, gen, delivered: Number(row.acked_gen) >= gen, attempts: Number(row.attempts) };
  }

  /**
   * Keeps `value` as owed under a new generation, unless it is the value already kept (then nothing
   * changes) — with `force`, always. Sets the alarm `alarmInMs` from now in the same step (call this
   * before any await that follows the change). Answers whether a new generation was kept.
   */
  keep(value: number | null, options: { alarmInMs: number; force?: boolean }): Promise<boolean> {
    const before = this.state();
    if (before && before.value === value && !options.force) return Promise.resolve(false);
    const gen = Math.max((before?.gen ?? 0) + 1, Date.now());
    this.sql.exec(
      `INSERT INTO kept_reports (key, value, gen, acked_gen, attempts) VALUES (?, ?, ?, 0, 0)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, gen = excluded.gen, attempts = 0`,
      this.key,
      value,
      gen,
    );
    return this.storage.setAlarm(Date.now() + Math.max(0, options.alarmInMs)).then(() => true);
  }

  /** What is still owed (kept and not yet taken), or null. */
  owed(): OwedReport | null {
    const state = this.state();
    return state && !state.delivered ? { value: state.value, gen: state.gen } : null;
  }

  /**
   * Sends what is owed, if anything. A success marks that generation taken (a newer one kept
   * meanwhile stays owed); a failure moves the alarm out by the backoff. Never throws.
   */
  async deliver(send: (owed: OwedReport) => Promise<unknown>): Promise<Delivery> {
    const owed = this.owed();
    if (!owed) return { ok: true, sent: false };
    try {
      await send(owed);
    } catch (error) {
      const attempts = (this.state()?.attempts ?? 0) + 1;
      this.sql.exec("UPDATE kept_reports SET attempts = ? WHERE key = ?", attempts, this.key);
      const retryInMs = Math.min(RETRY_BASE_MS * 2 ** Math.min(attempts - 1, 20), RETRY_MAX_MS);
      await this.storage.setAlarm(Date.now() + retryInMs);
      return { ok: false, error, retryInMs };
    }
    this.sql.exec(
      "UPDATE kept_reports SET acked_gen = MAX(acked_gen, ?), attempts = 0 WHERE key = ?",
      owed.gen,
      this.key,
    );
    // Nothing left to report: the safety alarm has no work (the owner's alarm serves only this).
    if (!this.anyOwed()) await this.storage.deleteAlarm();
    return { ok: true, sent: true };
  }

  /** Whether any report of this object (any key) is still owed. */
  private anyOwed(): boolean {
    return (
      this.sql.exec("SELECT 1 AS owed FROM kept_reports WHERE acked_gen < gen LIMIT 1").toArray().length > 0
    );
  }

  private row(): Row | null {
    return (
      this.sql
        .exec<Row>("SELECT value, gen, acked_gen, attempts FROM kept_reports WHERE key = ?", this.key)
        .toArray()[0] ?? null
    );
  }
}

/** An object reached by id rather than by name cannot say whom a report is about. */
export class UnnamedObjectError extends Error {
  constructor() {
    super("this Durable Object has no name (it was not reached through getByName)");
    this.name = "UnnamedObjectError";
  }
}

/** The name the object was reached by (`getByName`): the tenant, for tenant-scoped objects. */
export function objectName(ctx: DurableObjectState): string {
  const name = ctx.id.name;
  if (!name) throw new UnnamedObjectError();
  return name;
}
