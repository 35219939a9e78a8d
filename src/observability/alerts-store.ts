/**
 * Alert incidents in the tenant's Metrics object: one row per rule and incident sequence number,
 * with whether its alert and its all-clear were handed to the ops channel. Synchronous (atomic in
 * the object). Old resolved incidents are trimmed to the last `KEEP_PER_RULE` per rule.
 */

import { ALERT_RULES, type AlertRule, type Incident } from "../domain/alert-rules";
import { all, first, run } from "../platform/sql";

const KEEP_PER_RULE = 50;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS incidents (
  rule TEXT NOT NULL,
  seq INTEGER NOT NULL,
  status TEXT NOT NULL,
  opened_at INTEGER NOT NULL,
  resolved_at INTEGER,
  threshold INTEGER NOT NULL,
  opened_value INTEGER NOT NULL,
  peak INTEGER NOT NULL,
  last_value INTEGER NOT NULL,
  notified_open INTEGER NOT NULL DEFAULT 0,
  notified_resolved INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (rule, seq)
);
`;

type IncidentRow = {
  rule: string;
  seq: number;
  status: string;
  opened_at: number;
  resolved_at: number | null;
  threshold: number;
  opened_value: number;
  peak: number;
  last_value: number;
  notified_open: number;
  notified_resolved: number;
};

export interface StoredIncident extends Incident {
  notifiedOpen: boolean;
  notifiedResolved: boolean;
}

function toIncident(r: IncidentRow): StoredIncident {
  return {
    rule: r.rule as AlertRule,
    seq: Number(r.seq),
    status: r.status === "open" ? "open" : "resolved",
    openedAtMs: Number(r.opened_at),
    resolvedAtMs: r.resolved_at === null ? null : Number(r.resolved_at),
    threshold: Number(r.threshold),
    openedValue: Number(r.opened_value),
    peak: Number(r.peak),
    lastValue: Number(r.last_value),
    notifiedOpen: Number(r.notified_open) === 1,
    notifiedResolved: Number(r.notified_resolved) === 1,
  };
}

export class IncidentStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
  }

  latest(rule: AlertRule): StoredIncident | null {
    const row = first<IncidentRow>(
      this.sql,
      "SELECT * FROM incidents WHERE rule = ? ORDER BY seq DESC LIMIT 1",
      rule,
    );
    return row ? toIncident(row) : null;
  }

  /** Inserts a new incident or updates an existing one (notification flags are kept). */
  save(incident: Incident): void {
    run(
      this.sql,
      `INSERT INTO incidents (rule, seq, status, opened_at, resolved_at, threshold, opened_value, peak, last_value)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (rule, seq) DO UPDATE SET status = excluded.status, resolved_at = excluded.resolved_at,
         peak = excluded.peak, last_value = excluded.last_value`,
      incident.rule,
      incident.seq,
      incident.status,
      incident.openedAtMs,
      incident.resolvedAtMs,
      incident.threshold,
      incident.openedValue,
      incident.peak,
      incident.lastValue,
    );
    run(
      this.sql,
      `DELETE FROM incidents WHERE rule = ? AND status = 'resolved' AND seq <= (
         SELECT MAX(seq) FROM incidents WHERE rule = ?) - ?`,
      incident.rule,
      incident.rule,
      KEEP_PER_RULE,
    );
  }

  markNotified(rule: AlertRule, seq: number, notice: "opened" | "resolved"): boolean {
    const column = notice === "opened" ? "notified_open" : "notified_resolved";
    return run(this.sql, `UPDATE incidents SET ${column} = 1 WHERE rule = ? AND seq = ?`, rule, seq) > 0;
  }

  /** Incidents whose alert or all-clear is still to be posted (an all-clear only if its alert was). */
  pending(): StoredIncident[] {
    return all<IncidentRow>(
      this.sql,
      `SELECT * FROM incidents WHERE (status = 'open' AND notified_open = 0)
         OR (status = 'resolved' AND notified_open = 1 AND notified_resolved = 0) ORDER BY rule, seq`,
    ).map(toIncident);
  }

  /** The latest incident of every rule that has had one. */
  current(): StoredIncident[] {
    return ALERT_RULES.map((rule) => this.latest(rule)).filter((i): i is StoredIncident => i !== null);
  }
}
