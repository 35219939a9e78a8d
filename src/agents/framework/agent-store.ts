/** The agent's own row: identity, status, config and health counters. */

import { first, iso, parseJson, run } from "../../platform/sql";
import type { AgentConfig, AgentIdentity, AgentSnapshot, AgentStatus, AgentType } from "../model";

export interface AgentState extends AgentIdentity {
  status: AgentStatus;
  config: AgentConfig;
  createdAt: string;
  updatedAt: string;
  lastActivityAt: string | null;
  tasksDone: number;
  tasksFailed: number;
  lastError: { at: string; message: string } | null;
}

type StateRow = {
  agent_id: string;
  type: string;
  tenant: string;
  workflow_id: string;
  status: string;
  config: string;
  created_at: number;
  updated_at: number;
  last_activity_at: number | null;
  tasks_done: number;
  tasks_failed: number;
  last_error: string | null;
  last_error_at: number | null;
};

/** Columns an agent row has both in its own object and in the Coordinator's registry. */
export type AgentRowCore = {
  agent_id: string;
  type: string;
  tenant: string;
  workflow_id: string;
  status: string;
  config: string;
  created_at: number;
  updated_at: number;
};

export function snapshotFromRow(row: AgentRowCore): AgentSnapshot {
  return {
    agentId: row.agent_id,
    type: row.type as AgentType,
    tenant: row.tenant,
    workflowId: row.workflow_id,
    status: row.status as AgentStatus,
    config: parseJson<AgentConfig>(row.config, { maxConcurrentTasks: 1, timeoutMs: 30_000 }),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export class AgentStore {
  /** The row as last read (undefined: read it again); every write here forgets it. */
  private kept: AgentState | null | undefined;

  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS agent (
      one INTEGER PRIMARY KEY CHECK (one = 1),
      agent_id TEXT NOT NULL,
      type TEXT NOT NULL,
      tenant TEXT NOT NULL,
      workflow_id TEXT NOT NULL,
      status TEXT NOT NULL,
      config TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      last_activity_at INTEGER,
      tasks_done INTEGER NOT NULL DEFAULT 0,
      tasks_failed INTEGER NOT NULL DEFAULT 0,
      last_error TEXT,
      last_error_at INTEGER
    )`);
  }

  /** The agent's row, read once and kept until this store writes it (every call asks for it). */
  get(): AgentState | null {
    if (this.kept === undefined) this.kept = this.read();
    return this.kept && { ...this.kept, config: { ...this.kept.config } };
  }

  private read(): AgentState | null {
    const row = first<StateRow>(this.sql, "SELECT * FROM agent WHERE one = 1");
    if (!row) return null;
    return {
      ...snapshotFromRow(row),
      lastActivityAt: row.last_activity_at === null ? null : iso(row.last_activity_at),
      tasksDone: row.tasks_done,
      tasksFailed: row.tasks_failed,
      lastError:
        row.last_error && row.last_error_at !== null
          ? { at: iso(row.last_error_at), message: row.last_error }
          : null,
    };
  }

  create(identity: AgentIdentity, config: AgentConfig, now: number): void {
    this.kept = undefined;
    run(
      this.sql,
      `INSERT INTO agent (one, agent_id, type, tenant, workflow_id, status, config, created_at, updated_at, last_activity_at)
       VALUES (1, ?, ?, ?, ?, 'spawned', ?, ?, ?, ?)`,
      identity.agentId,
      identity.type,
      identity.tenant,
      identity.workflowId,
      JSON.stringify(config),
      now,
      now,
      now,
    );
  }

  setStatus(status: AgentStatus, now: number): void {
    this.kept = undefined;
    run(
      this.sql,
      "UPDATE agent SET status = ?, updated_at = ?, last_activity_at = ? WHERE one = 1",
      status,
      now,
      now,
    );
  }

  touch(now: number): void {
    if (this.kept) this.kept.lastActivityAt = iso(now);
    run(this.sql, "UPDATE agent SET last_activity_at = ? WHERE one = 1", now);
  }

  recordDone(now: number): void {
    if (this.kept) {
      this.kept.tasksDone++;
      this.kept.lastActivityAt = iso(now);
    }
    run(this.sql, "UPDATE agent SET tasks_done = tasks_done + 1, last_activity_at = ? WHERE one = 1", now);
  }

  recordFailure(message: string, now: number): void {
    this.kept = undefined;
    run(
      this.sql,
      `UPDATE agent SET tasks_failed = tasks_failed + 1, last_error = ?, last_error_at = ?, last_activity_at = ?
       WHERE one = 1`,
      message.slice(0, 1000),
      now,
      now,
    );
  }
}
