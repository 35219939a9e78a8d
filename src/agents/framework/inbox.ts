/**
 * An agent's inbox: typed messages persisted before processing, taken in arrival order.
 * Rows: pending -> running -> done | failed | cancelled. Finished rows keep only their id (so a
 * redelivered message is recognised) and are pruned to the newest KEEP_FINISHED.
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
  }

  /** Persists a message; false when a message with this id is already there (a duplicate). */
  add(message: AgentMessage, now: number): boolean {
    return (
      run(
        this.sql,
        `INSERT OR IGNORE INTO inbox (message_id, from_id, to_id, type, payload, correlation_id, sent_at, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        message.messageId,
        message.from,
        message.to,
        message.type,
        JSON.stringify(message.payload),
        message.correlationId,
        message.sentAt,
        now,
      ) > 0
    );
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
    run(
      this.sql,
      "UPDATE inbox SET status = ?, error = ?, payload = '{}' WHERE seq = ? AND status = 'running'",
      status,
      error,
      seq,
    );
    run(
      this.sql,
      `DELETE FROM inbox WHERE status IN ('done', 'failed', 'cancelled') AND seq <= (SELECT MAX(seq) FROM inbox) - ?`,
      KEEP_FINISHED,
    );
  }

  /** After a restart: messages left running were interrupted; try them again, up to MAX_ATTEMPTS. */
  recover(): { retried: number; failed: number } {
    const failed = run(
      this.sql,
      "UPDATE inbox SET status = 'failed', error = 'interrupted by a restart too often' WHERE status = 'running' AND attempts >= ?",
      MAX_ATTEMPTS,
    );
    const retried = run(this.sql, "UPDATE inbox SET status = 'pending' WHERE status = 'running'");
    return { retried, failed };
  }

  /** Drops everything still waiting (on termination); returns how many. */
  cancelPending(): number {
    return run(
      this.sql,
      "UPDATE inbox SET status = 'cancelled', error = 'agent terminated' WHERE status IN ('pending', 'running')",
    );
  }

  depth(): number {
    return count(this.sql, "SELECT COUNT(*) AS n FROM inbox WHERE status IN ('pending', 'running')");
  }

  hasPending(): boolean {
    return count(this.sql, "SELECT COUNT(*) AS n FROM inbox WHERE status = 'pending'") > 0;
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
