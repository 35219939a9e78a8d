/**
 * A bounded per-agent event log (newest kept). Each entry is also written as a structured log line
 * (component `agent`, with the agent's id, type, tenant and the entry's correlation id).
 */
import { logger } from "../../observability/logger";
import { all, iso, run } from "../../platform/sql";
import type { AgentEvent } from "../model";

export const EVENT_LOG_LIMIT = 200;

const agentLog = logger("agent");

/** Who the agent is, for its log lines (null before it is initialised). */
export type AgentLogIdentity = () => { agentId: string; type: string; tenant: string } | null;

export class EventLog {
  constructor(
    private readonly sql: SqlStorage,
    private readonly limit = EVENT_LOG_LIMIT,
    private readonly identity?: AgentLogIdentity,
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
    this.mirror(kind, message, correlationId);
  }

  private mirror(kind: string, message: string, correlationId: string | undefined): void {
    try {
      const who = this.identity?.();
      agentLog.log(kind === "error" ? "warn" : "info", message.slice(0, 1000), {
        kind,
        correlationId,
        ...(who ? { agentId: who.agentId, agentType: who.type, tenant: who.tenant } : {}),
      });
    } catch {
      // Never throw from logging.
    }
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
