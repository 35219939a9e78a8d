/** A bounded per-agent event log (newest kept). */
import type { AgentEvent } from "../model";
import { all, iso, run } from "./sql";

export const EVENT_LOG_LIMIT = 200;

export class EventLog {
  constructor(
    private readonly sql: SqlStorage,
    private readonly limit = EVENT_LOG_LIMIT,
  ) {
    sql.exec(`CREATE TABLE IF NOT EXISTS events (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      at INTEGER NOT NULL,
      kind TEXT NOT NULL,
      message TEXT NOT NULL,
      correlation_id TEXT
    )`);
  }

  add(kind: string, message: string, now: number, correlationId?: string): void {
    run(
      this.sql,
      "INSERT INTO events (at, kind, message, correlation_id) VALUES (?, ?, ?, ?)",
      now,
      kind,
      message.slice(0, 1000),
      correlationId ?? null,
    );
    run(this.sql, "DELETE FROM events WHERE seq <= (SELECT MAX(seq) FROM events) - ?", this.limit);
  }

  recent(limit = 50): AgentEvent[] {
    return all<{ seq: number; at: number; kind: string; message: string; correlation_id: string | null }>(
      this.sql,
      "SELECT * FROM events ORDER BY seq DESC LIMIT ?",
      Math.min(limit, this.limit),
    ).map((row) => ({
      seq: row.seq,
      at: iso(row.at),
      kind: row.kind,
      message: row.message,
      ...(row.correlation_id ? { correlationId: row.correlation_id } : {}),
    }));
  }
}
