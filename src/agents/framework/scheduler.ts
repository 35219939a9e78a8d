/**
 * Persisted schedules driven by the object's single alarm.
 * A task is claimed (deleted) before it runs, so an alarm retry never runs it twice.
 */
import { randomId } from "../../platform/ids";
import { all, count, first, iso, parseJson, run } from "../../platform/sql";

export interface ScheduledTask {
  id: string;
  key: string | null;
  at: number;
  kind: string;
  payload: Record<string, unknown>;
}

export interface ScheduledTaskView {
  id: string;
  key: string | null;
  at: string;
  kind: string;
  payload: Record<string, unknown>;
}

type ScheduleRow = { id: string; key: string | null; at: number; kind: string; payload: string };

export class Scheduler {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS schedules (
      id TEXT PRIMARY KEY,
      key TEXT UNIQUE,
      at INTEGER NOT NULL,
      kind TEXT NOT NULL,
      payload TEXT NOT NULL,
      created_at INTEGER NOT NULL
    )`);
    sql.exec("CREATE INDEX IF NOT EXISTS schedules_at ON schedules (at)");
  }

  /** Adds a task; a task with the same key is replaced (keeping its id). Returns the task id. */
  schedule(
    at: number,
    kind: string,
    payload: Record<string, unknown>,
    key: string | null,
    now: number,
  ): string {
    const existing = key
      ? first<{ id: string }>(this.sql, "SELECT id FROM schedules WHERE key = ?", key)
      : null;
    const id = existing?.id ?? randomId("sch");
    run(
      this.sql,
      `INSERT INTO schedules (id, key, at, kind, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET at = excluded.at, kind = excluded.kind, payload = excluded.payload`,
      id,
      key,
      at,
      kind,
      JSON.stringify(payload),
      now,
    );
    return id;
  }

  /** Whether a task with this key is waiting. */
  has(key: string): boolean {
    return first<{ id: string }>(this.sql, "SELECT id FROM schedules WHERE key = ?", key) !== null;
  }

  cancel(idOrKey: string): boolean {
    return run(this.sql, "DELETE FROM schedules WHERE id = ? OR key = ?", idOrKey, idOrKey) > 0;
  }

  cancelAll(): number {
    return run(this.sql, "DELETE FROM schedules");
  }

  /** Removes and returns the tasks due at `now`, oldest first. */
  claimDue(now: number, limit = 100): ScheduledTask[] {
    const rows = all<ScheduleRow>(
      this.sql,
      "SELECT id, key, at, kind, payload FROM schedules WHERE at <= ? ORDER BY at, id LIMIT ?",
      now,
      limit,
    );
    for (const row of rows) run(this.sql, "DELETE FROM schedules WHERE id = ?", row.id);
    return rows.map((row) => ({ ...row, payload: parseJson<Record<string, unknown>>(row.payload, {}) }));
  }

  /** Tasks of `kind` due at `now`, oldest first, left in place (to move them with `schedule`). */
  dueOfKind(kind: string, now: number, limit = 100): ScheduledTask[] {
    return all<ScheduleRow>(
      this.sql,
      "SELECT id, key, at, kind, payload FROM schedules WHERE kind = ? AND at <= ? ORDER BY at, id LIMIT ?",
      kind,
      now,
      limit,
    ).map((row) => ({ ...row, payload: parseJson<Record<string, unknown>>(row.payload, {}) }));
  }

  nextAt(): number | null {
    const row = first<{ at: number }>(this.sql, "SELECT at FROM schedules ORDER BY at LIMIT 1");
    return row ? row.at : null;
  }

  size(): number {
    return count(this.sql, "SELECT COUNT(*) AS n FROM schedules");
  }

  list(limit = 100): ScheduledTaskView[] {
    return all<ScheduleRow>(
      this.sql,
      "SELECT id, key, at, kind, payload FROM schedules ORDER BY at, id LIMIT ?",
      limit,
    ).map((row) => ({
      ...row,
      at: iso(row.at),
      payload: parseJson<Record<string, unknown>>(row.payload, {}),
    }));
  }
}
