/**
 * Policy experiments, stored (docs/policies.md, "Experiments"): one runs at a time per tenant; while it
 * runs, its control and variant policies (pinned to the versions it started with) decide PRs by a
 * stable hash. Its decision is recorded once reached; Promote makes the variant the new version of
 * the control policy, active.
 */

import type { ExperimentSpec } from "../domain/experiment";
import type { ExperimentAnalysis } from "../domain/experiment-analysis";
import { ConflictError, NotFoundError } from "../platform/errors";
import { all, first, parseJson, run } from "../platform/sql";

export const EXPERIMENT_STATUSES = ["running", "decided", "promoted", "stopped"] as const;
export type ExperimentStatus = (typeof EXPERIMENT_STATUSES)[number];

export interface ExperimentRecord {
  id: string;
  spec: ExperimentSpec;
  status: ExperimentStatus;
  /** The arms' versions, pinned when it started. */
  controlVersion: number;
  variantVersion: number;
  startedAt: string;
  startedBy: string;
  /** The analysis that reached a decision (not `continue`), once reached. */
  decision: ExperimentAnalysis | null;
  decidedAt: string | null;
  /** Whether the leads were told of the decision (once). */
  announced: boolean;
  promotedBy: string | null;
  promotedAt: string | null;
  /** The control policy's version the promotion created. */
  promotedVersion: number | null;
}

type Row = {
  id: string;
  spec: string;
  status: string;
  control_version: number;
  variant_version: number;
  started_at: string;
  started_by: string;
  decision: string | null;
  decided_at: string | null;
  announced: number;
  promoted_by: string | null;
  promoted_at: string | null;
  promoted_version: number | null;
};

function toRecord(r: Row): ExperimentRecord {
  return {
    id: r.id,
    spec: JSON.parse(r.spec) as ExperimentSpec,
    status: (EXPERIMENT_STATUSES as readonly string[]).includes(r.status)
      ? (r.status as ExperimentStatus)
      : "stopped",
    controlVersion: Number(r.control_version),
    variantVersion: Number(r.variant_version),
    startedAt: r.started_at,
    startedBy: r.started_by,
    decision: r.decision ? parseJson<ExperimentAnalysis | null>(r.decision, null) : null,
    decidedAt: r.decided_at,
    announced: r.announced === 1,
    promotedBy: r.promoted_by,
    promotedAt: r.promoted_at,
    promotedVersion: r.promoted_version,
  };
}

export class ExperimentStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS experiments (
      id TEXT PRIMARY KEY, spec TEXT NOT NULL, status TEXT NOT NULL, control_version INTEGER NOT NULL,
      variant_version INTEGER NOT NULL, started_at TEXT NOT NULL, started_by TEXT NOT NULL,
      decision TEXT, decided_at TEXT, announced INTEGER NOT NULL DEFAULT 0, promoted_by TEXT,
      promoted_at TEXT, promoted_version INTEGER)`);
    sql.exec("CREATE INDEX IF NOT EXISTS experiments_status ON experiments (status)");
  }

  /** The running experiment, if any. */
  running(): ExperimentRecord | null {
    const row = first<Row>(this.sql, "SELECT * FROM experiments WHERE status = 'running' LIMIT 1");
    return row ? toRecord(row) : null;
  }

  get(id: string): ExperimentRecord {
    const row = first<Row>(this.sql, "SELECT * FROM experiments WHERE id = ?", id);
    if (!row) throw new NotFoundError(`No experiment "${id}"`);
    return toRecord(row);
  }

  list(): ExperimentRecord[] {
    return all<Row>(this.sql, "SELECT * FROM experiments ORDER BY started_at DESC LIMIT 100").map(toRecord);
  }

  start(input: {
    id: string;
    spec: ExperimentSpec;
    controlVersion: number;
    variantVersion: number;
    by: string;
    at: string;
  }): ExperimentRecord {
    const current = this.running();
    if (current) {
      throw new ConflictError(
        `Experiment "${current.id}" is running: one at a time (stop it with POST /api/experiments/${current.id}/stop)`,
      );
    }
    run(
      this.sql,
      `INSERT INTO experiments (id, spec, status, control_version, variant_version, started_at, started_by)
       VALUES (?, ?, 'running', ?, ?, ?, ?)`,
      input.id,
      JSON.stringify(input.spec),
      input.controlVersion,
      input.variantVersion,
      input.at,
      input.by,
    );
    return this.get(input.id);
  }

  /** Records a reached decision (the experiment stops deciding PRs); false if it was not running. */
  decide(id: string, analysis: ExperimentAnalysis, at: string): boolean {
    return (
      run(
        this.sql,
        "UPDATE experiments SET status = 'decided', decision = ?, decided_at = ? WHERE id = ? AND status = 'running'",
        JSON.stringify(analysis),
        at,
        id,
      ) > 0
    );
  }

  /** Marks the decision as told to the leads; true the first time only. */
  markAnnounced(id: string): boolean {
    return run(this.sql, "UPDATE experiments SET announced = 1 WHERE id = ? AND announced = 0", id) > 0;
  }

  stop(id: string): ExperimentRecord {
    const e = this.get(id);
    if (e.status !== "running") throw new ConflictError(`Experiment "${id}" is ${e.status}, not running`);
    run(this.sql, "UPDATE experiments SET status = 'stopped' WHERE id = ?", id);
    return this.get(id);
  }

  /** Marks it promoted (once): the caller made the variant a version of the control policy. */
  markPromoted(id: string, version: number, by: string, at: string): boolean {
    return (
      run(
        this.sql,
        `UPDATE experiments SET status = 'promoted', promoted_by = ?, promoted_at = ?, promoted_version = ?
         WHERE id = ? AND status IN ('running', 'decided')`,
        by,
        at,
        version,
        id,
      ) > 0
    );
  }
}
