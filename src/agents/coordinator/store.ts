/** The Coordinator's SQLite tables: workflows (+history), the agent registry and the audit log. */

import { all, first, iso, parseJson, run } from "../../platform/sql";
import { snapshotFromRow } from "../framework/agent-store";
import type {
  AgentSnapshot,
  AgentStatus,
  AgentType,
  AuditEntry,
  Priority,
  Workflow,
  WorkflowContext,
  WorkflowHistoryEntry,
  WorkflowStatus,
} from "../model";

const AUDIT_LIMIT = 10_000;
const HISTORY_LIMIT = 200;

type WorkflowRow = {
  workflow_id: string;
  tenant: string;
  name: string;
  description: string;
  priority: string;
  context: string;
  status: string;
  created_at: number;
  updated_at: number;
};

type AgentRow = {
  agent_id: string;
  tenant: string;
  workflow_id: string;
  type: string;
  status: string;
  config: string;
  created_at: number;
  updated_at: number;
};

export class CoordinatorStore {
  /** Counts writes to workflows and agents: what the Coordinator keeps about them is good while it stays. */
  revision = 0;

  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS workflows (
      workflow_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, name TEXT NOT NULL, description TEXT NOT NULL,
      priority TEXT NOT NULL, context TEXT NOT NULL, status TEXT NOT NULL,
      created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)`);
    sql.exec(`CREATE TABLE IF NOT EXISTS workflow_history (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, workflow_id TEXT NOT NULL, at INTEGER NOT NULL,
      event TEXT NOT NULL, detail TEXT, correlation_id TEXT)`);
    sql.exec("CREATE INDEX IF NOT EXISTS workflow_history_wf ON workflow_history (workflow_id, seq)");
    sql.exec(`CREATE TABLE IF NOT EXISTS agents (
      agent_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, workflow_id TEXT NOT NULL, type TEXT NOT NULL,
      status TEXT NOT NULL, config TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)`);
    sql.exec("CREATE INDEX IF NOT EXISTS agents_wf ON agents (workflow_id)");
    sql.exec(`CREATE TABLE IF NOT EXISTS audit (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, at TEXT NOT NULL, tenant TEXT NOT NULL,
      key_id TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL, status INTEGER NOT NULL,
      correlation_id TEXT NOT NULL)`);
  }

  // ---------------------------------------------------------------- workflows

  insertWorkflow(w: Omit<Workflow, "agents" | "history">, now: number): void {
    this.revision++;
    run(
      this.sql,
      `INSERT INTO workflows (workflow_id, tenant, name, description, priority, context, status, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      w.workflowId,
      w.tenant,
      w.name,
      w.description,
      w.priority,
      JSON.stringify(w.context),
      w.status,
      now,
      now,
    );
  }

  workflow(workflowId: string): Workflow | null {
    const row = first<WorkflowRow>(this.sql, "SELECT * FROM workflows WHERE workflow_id = ?", workflowId);
    return row ? this.toWorkflow(row) : null;
  }

  workflows(status?: WorkflowStatus): Workflow[] {
    const rows = status
      ? all<WorkflowRow>(
          this.sql,
          "SELECT * FROM workflows WHERE status = ? ORDER BY created_at DESC",
          status,
        )
      : all<WorkflowRow>(this.sql, "SELECT * FROM workflows ORDER BY created_at DESC");
    return rows.map((row) => this.toWorkflow(row));
  }

  /** Workflows with this status and name, oldest first (the standing-workflow lookup; no full scan). */
  workflowsNamed(status: WorkflowStatus, name: string): Workflow[] {
    return all<WorkflowRow>(
      this.sql,
      "SELECT * FROM workflows WHERE status = ? AND name = ? ORDER BY created_at",
      status,
      name,
    ).map((row) => this.toWorkflow(row));
  }

  setWorkflowStatus(workflowId: string, status: WorkflowStatus, now: number): void {
    this.revision++;
    run(
      this.sql,
      "UPDATE workflows SET status = ?, updated_at = ? WHERE workflow_id = ?",
      status,
      now,
      workflowId,
    );
  }

  addHistory(workflowId: string, event: string, now: number, detail?: string, correlationId?: string): void {
    run(
      this.sql,
      "INSERT INTO workflow_history (workflow_id, at, event, detail, correlation_id) VALUES (?, ?, ?, ?, ?)",
      workflowId,
      now,
      event,
      detail ?? null,
      correlationId ?? null,
    );
    run(
      this.sql,
      `DELETE FROM workflow_history WHERE workflow_id = ? AND seq NOT IN
       (SELECT seq FROM workflow_history WHERE workflow_id = ? ORDER BY seq DESC LIMIT ?)`,
      workflowId,
      workflowId,
      HISTORY_LIMIT,
    );
  }

  private toWorkflow(row: WorkflowRow): Workflow {
    const history = all<{ at: number; event: string; detail: string | null; correlation_id: string | null }>(
      this.sql,
      "SELECT at, event, detail, correlation_id FROM workflow_history WHERE workflow_id = ? ORDER BY seq",
      row.workflow_id,
    ).map(
      (h): WorkflowHistoryEntry => ({
        at: iso(h.at),
        event: h.event,
        ...(h.detail ? { detail: h.detail } : {}),
        ...(h.correlation_id ? { correlationId: h.correlation_id } : {}),
      }),
    );
    const agents = all<{ agent_id: string }>(
      this.sql,
      "SELECT agent_id FROM agents WHERE workflow_id = ? ORDER BY created_at",
      row.workflow_id,
    ).map((a) => a.agent_id);
    return {
      workflowId: row.workflow_id,
      tenant: row.tenant,
      name: row.name,
      description: row.description,
      priority: row.priority as Priority,
      context: parseJson<WorkflowContext>(row.context, { tags: [] }),
      status: row.status as WorkflowStatus,
      agents,
      history,
      createdAt: iso(row.created_at),
      updatedAt: iso(row.updated_at),
    };
  }

  // ------------------------------------------------------------------- agents

  upsertAgent(a: AgentSnapshot, now: number): void {
    this.revision++;
    run(
      this.sql,
      `INSERT INTO agents (agent_id, tenant, workflow_id, type, status, config, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(agent_id) DO UPDATE SET status = excluded.status, config = excluded.config,
         updated_at = excluded.updated_at`,
      a.agentId,
      a.tenant,
      a.workflowId,
      a.type,
      a.status,
      JSON.stringify(a.config),
      Date.parse(a.createdAt) || now,
      now,
    );
  }

  agent(agentId: string): AgentSnapshot | null {
    const row = first<AgentRow>(this.sql, "SELECT * FROM agents WHERE agent_id = ?", agentId);
    return row ? toAgent(row) : null;
  }

  agents(filter: { workflowId?: string; type?: AgentType; status?: AgentStatus } = {}): AgentSnapshot[] {
    const where: string[] = [];
    const args: string[] = [];
    if (filter.workflowId) {
      where.push("workflow_id = ?");
      args.push(filter.workflowId);
    }
    if (filter.type) {
      where.push("type = ?");
      args.push(filter.type);
    }
    if (filter.status) {
      where.push("status = ?");
      args.push(filter.status);
    }
    const clause = where.length ? `WHERE ${where.join(" AND ")}` : "";
    return all<AgentRow>(this.sql, `SELECT * FROM agents ${clause} ORDER BY created_at`, ...args).map(
      toAgent,
    );
  }

  // -------------------------------------------------------------------- audit

  addAudit(entry: AuditEntry): void {
    run(
      this.sql,
      `INSERT INTO audit (id, at, tenant, key_id, action, target, status, correlation_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      entry.id,
      entry.at,
      entry.tenant,
      entry.keyId,
      entry.action,
      entry.target,
      entry.status,
      entry.correlationId,
    );
    run(this.sql, "DELETE FROM audit WHERE seq <= (SELECT MAX(seq) FROM audit) - ?", AUDIT_LIMIT);
  }

  audit(limit: number): AuditEntry[] {
    return all<{
      id: string;
      at: string;
      tenant: string;
      key_id: string;
      action: string;
      target: string;
      status: number;
      correlation_id: string;
    }>(this.sql, "SELECT * FROM audit ORDER BY seq DESC LIMIT ?", limit).map((r) => ({
      id: r.id,
      at: r.at,
      tenant: r.tenant,
      keyId: r.key_id,
      action: r.action,
      target: r.target,
      status: r.status,
      correlationId: r.correlation_id,
    }));
  }
}

const toAgent = (row: AgentRow): AgentSnapshot => snapshotFromRow(row);
