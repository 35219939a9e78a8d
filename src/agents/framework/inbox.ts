/**
 * An agent's inbox: typed messages persisted before processing, taken in arrival order.
 * Rows: pending -> running -> done | failed | cancelled. Finished rows keep only their id (so a
 * redelivered message is recognised) and are pruned to the newest KEEP_FINISHED. The depth (pending
 * and running) is a counter kept in the same steps that change it, so reading it costs one row
 * whatever the backlog (issue 17: a `COUNT(*)` per received message grew with the backlog).
 */

import { all, count, first, iso, parseJson, run } from "../../platform/sql";
import type { AgentMessage } from "../model";

export type InboxStatus = "pending" | "running" | "done" | "failed" | "cancelled";

export interface InboxItem {
  seq: number;
  message: AgentMessage;
  attempts: number;
}

/** How many times a message interrupted by a restart is tried again before it is marked failed. */
export const MAX_ATTEMPTS = 3;
const KEEP_FINISHED = 1000;

type InboxRow = {
  seq: number;
  message_id: string;
  from_id: string;
  to_id: string;
  type: string;
  payload: string;
  correlation_id: string;
  sent_at: string;
  attempts: number;
};

export class Inbox {
  /** Whether this object's counter row is known to exist. */
  private counted = false;

  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS inbox (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      message_id TEXT NOT NULL UNIQUE,
      from_id TEXT NOT NULL,
      to_id TEXT NOT NULL,
      type TEXT NOT NULL,
      payload TEXT NOT NULL,
      correlation_id TEXT NOT NULL,
      sent_at TEXT NOT NULL,
      received_at INTEGER NOT NULL,
      status TEXT NOT NULL DEFAULT 'pending',
      attempts INTEGER NOT NULL DEFAULT 0,
      started_at INTEGER,
      error TEXT
    )`);
    sql.exec("CREATE INDEX IF NOT EXISTS inbox_status ON inbox (status, seq)");
    sql.exec(
      "CREATE TABLE IF NOT EXISTS inbox_depth (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL)",
    );
  }

  /**
   * Moves the counter. Its row is written by the first change (from a count, once, for objects from
   * before the counter), so an object that never changes — a deleted tenant's — stays empty.
   */
  private shift(by: number): void {
    if (by === 0) return;
    if (!this.counted) {
      // Once per object in memory: the row is there, or is made from one count.
      if (!first(this.sql, "SELECT n FROM inbox_depth WHERE id = 1")) {
        run(
          this.sql,
          `INSERT INTO inbox_depth (id, n)
           SELECT 1, COUNT(*) - ? FROM inbox WHERE status IN ('pending', 'running')`,
          by,
        );
      }
      this.counted = true;
    }
    run(this.sql, "UPDATE inbox_depth SET n = MAX(0, n + ?) WHERE id = 1", by);
  }

  /** Persists a message; false when a message with this id is already there (a duplicate). */
  add(message: AgentMessage, now: number): boolean {
    // RETURNING answers a row only when one was inserted (a duplicate id inserts nothing).
    const added =
      all(
        this.sql,
        `INSERT OR IGNORE INTO inbox (message_id, from_id, to_id, type, payload, correlation_id, sent_at, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
        message.messageId,
        message.from,
        message.to,
        message.type,
        JSON.stringify(message.payload),
        message.correlationId,
        message.sentAt,
        now,
      ).length > 0;
    if (added) this.shift(1);
    return added;
  }

  /** Takes the oldest pending message and marks it running. */
  take(now: number): InboxItem | null {
    const row = first<InboxRow>(
      this.sql,
      "SELECT * FROM inbox WHERE status = 'pending' ORDER BY seq LIMIT 1",
    );
    if (!row) return null;
    run(
      this.sql,
      "UPDATE inbox SET status = 'running', attempts = attempts + 1, started_at = ? WHERE seq = ?",
      now,
      row.seq,
    );
    return { seq: row.seq, message: toMessage(row), attempts: row.attempts + 1 };
  }

  complete(seq: number): void {
    this.finish(seq, "done", null);
  }

  fail(seq: number, error: string): void {
    this.finish(seq, "failed", error);
  }

  private finish(seq: number, status: "done" | "failed", error: string | null): void {
    // Counted by RETURNING (rowsWritten also counts index writes).
    const finished = all(
      this.sql,
      "UPDATE inbox SET status = ?, error = ?, payload = '{}' WHERE seq = ? AND status = 'running' RETURNING seq",
      status,
      error,
      seq,
    ).length;
    this.shift(-finished);
    run(
      this.sql,
      `DELETE FROM inbox WHERE status IN ('done', 'failed', 'cancelled') AND seq <= (SELECT MAX(seq) FROM inbox) - ?`,
      KEEP_FINISHED,
    );
  }

  /** After a restart: messages left running were interrupted; try them again, up to MAX_ATTEMPTS. */
  recover(): { retried: number; failed: number } {
    const failed = all(
      this.sql,
      `UPDATE inbox SET status = 'failed', error = 'interrupted by a restart too often'
       WHERE status = 'running' AND attempts >= ? RETURNING seq`,
      MAX_ATTEMPTS,
    ).length;
    this.shift(-failed);
    const retried = all(
      this.sql,
      "UPDATE inbox SET status = 'pending' WHERE status = 'running' RETURNING seq",
    ).length;
    return { retried, failed };
  }

  /** Drops everything still waiting (on termination); returns how many. */
  cancelPending(): number {
    const cancelled = all(
      this.sql,
      `UPDATE inbox SET status = 'cancelled', error = 'agent terminated'
       WHERE status IN ('pending', 'running') RETURNING seq`,
    ).length;
    this.shift(-cancelled);
    return cancelled;
  }

  /** Messages pending or running: the kept counter (one row). */
  depth(): number {
    const row = first<{ n: number }>(this.sql, "SELECT n FROM inbox_depth WHERE id = 1");
    if (row) return Number(row.n);
    return count(this.sql, "SELECT COUNT(*) AS n FROM inbox WHERE status IN ('pending', 'running')");
  }

  /** Whether a message waits: the first pending row by the status index. */
  hasPending(): boolean {
    return first(this.sql, "SELECT 1 AS one FROM inbox WHERE status = 'pending' LIMIT 1") !== null;
  }

  list(status: InboxStatus, limit: number): Array<InboxItem & { receivedAt: string; error: string | null }> {
    return all<InboxRow & { received_at: number; error: string | null }>(
      this.sql,
      "SELECT * FROM inbox WHERE status = ? ORDER BY seq LIMIT ?",
      status,
      limit,
    ).map((row) => ({
      seq: row.seq,
      message: toMessage(row),
      attempts: row.attempts,
      receivedAt: iso(row.received_at),
      error: row.error,
    }));
  }
}

function toMessage(row: InboxRow): AgentMessage {
  return {
    messageId: row.message_id,
    from: row.from_id,
    to: row.to_id,
    type: row.type,
    payload: parseJson<Record<string, unknown>>(row.payload, {}),
    correlationId: row.correlation_id,
    sentAt: row.sent_at,
  };
}
