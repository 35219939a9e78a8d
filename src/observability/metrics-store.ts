/**
 * The SQLite tables of the Metrics rollup object: `samples` sums events per label set and 5-minute
 * period (period 0 holds the totals since the start), `meta` keeps when recording began.
 * Every method is synchronous, so one call is atomic inside the object.
 */
import { all, first, parseJson, run } from "../platform/sql";
import {
  bucketIndex,
  emptyHist,
  HIST_CELLS,
  labelsOf,
  type MetricEvent,
  type MetricKind,
  periodOf,
  type SeriesSample,
} from "./metrics-model";

/** The period id of the running totals. */
const TOTALS = 0;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS samples (
  period INTEGER NOT NULL,
  kind TEXT NOT NULL,
  labels TEXT NOT NULL,
  count INTEGER NOT NULL,
  sum_ms REAL NOT NULL,
  max_ms REAL NOT NULL,
  hist TEXT,
  PRIMARY KEY (period, kind, labels)
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

type SampleRow = {
  period: number;
  kind: string;
  labels: string;
  count: number;
  sum_ms: number;
  max_ms: number;
  hist: string | null;
};

interface Acc {
  period: number;
  kind: MetricKind;
  labels: string;
  count: number;
  sumMs: number;
  maxMs: number;
  hist: number[] | null;
}

export class MetricsStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
  }

  startedAtMs(): number | null {
    const row = first<{ value: string }>(this.sql, "SELECT value FROM meta WHERE key = 'started_at'");
    return row ? Number(row.value) : null;
  }

  /** Adds the events to their periods and to the totals (summed in memory first: one write per row). */
  add(events: readonly MetricEvent[], nowMs: number): void {
    if (events.length === 0) return;
    run(this.sql, "INSERT OR IGNORE INTO meta (key, value) VALUES ('started_at', ?)", String(nowMs));
    const accs = new Map<string, Acc>();
    for (const event of events) {
      const labels = JSON.stringify(labelsOf(event));
      for (const period of [periodOf(event.at), TOTALS]) {
        const id = `${period}\u0000${event.kind}\u0000${labels}`;
        let acc = accs.get(id);
        if (!acc) {
          acc = { period, kind: event.kind, labels, count: 0, sumMs: 0, maxMs: 0, hist: null };
          accs.set(id, acc);
        }
        acc.count++;
        if (event.kind === "http") {
          acc.sumMs += event.ms;
          acc.maxMs = Math.max(acc.maxMs, event.ms);
          acc.hist ??= emptyHist();
          const cell = bucketIndex(event.ms);
          acc.hist[cell] = (acc.hist[cell] ?? 0) + 1;
        }
      }
    }
    for (const acc of accs.values()) this.merge(acc);
  }

  private merge(acc: Acc): void {
    const old = first<SampleRow>(
      this.sql,
      "SELECT * FROM samples WHERE period = ? AND kind = ? AND labels = ?",
      acc.period,
      acc.kind,
      acc.labels,
    );
    let hist = acc.hist;
    if (old) {
      const before = parseJson<number[] | null>(old.hist, null);
      if (before && hist) hist = hist.map((n, i) => n + (before[i] ?? 0));
      else hist ??= before;
    }
    run(
      this.sql,
      `INSERT OR REPLACE INTO samples (period, kind, labels, count, sum_ms, max_ms, hist)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      acc.period,
      acc.kind,
      acc.labels,
      acc.count + (old ? Number(old.count) : 0),
      acc.sumMs + (old ? Number(old.sum_ms) : 0),
      Math.max(acc.maxMs, old ? Number(old.max_ms) : 0),
      hist ? JSON.stringify(hist) : null,
    );
  }

  /**
   * Per label set, sums over the periods from the one holding `span.fromMs` to the one holding
   * `span.toMs`; with no span, the totals since the start.
   */
  series(span: { fromMs: number; toMs: number } | null, kind?: MetricKind): SeriesSample[] {
    const where = span === null ? "period = 0" : "period > 0 AND period >= ? AND period <= ?";
    const bindings = span === null ? [] : [periodOf(span.fromMs), periodOf(span.toMs)];
    const rows = all<SampleRow>(
      this.sql,
      `SELECT * FROM samples WHERE ${where}${kind ? " AND kind = ?" : ""} ORDER BY kind, labels, period`,
      ...bindings,
      ...(kind ? [kind] : []),
    );
    const out = new Map<string, SeriesSample>();
    for (const row of rows) {
      const id = `${row.kind}\u0000${row.labels}`;
      const hist = parseJson<number[] | null>(row.hist, null);
      const seen = out.get(id);
      if (!seen) {
        out.set(id, {
          kind: row.kind as MetricKind,
          labels: parseJson<Record<string, string>>(row.labels, {}),
          count: Number(row.count),
          sumMs: Number(row.sum_ms),
          maxMs: Number(row.max_ms),
          hist: hist && hist.length === HIST_CELLS ? hist : null,
        });
        continue;
      }
      seen.count += Number(row.count);
      seen.sumMs += Number(row.sum_ms);
      seen.maxMs = Math.max(seen.maxMs, Number(row.max_ms));
      if (hist && seen.hist) seen.hist = seen.hist.map((n, i) => n + (hist[i] ?? 0));
    }
    return [...out.values()];
  }

  /** Drops periods older than `beforeMs` (the totals stay). */
  prune(beforeMs: number): number {
    return run(this.sql, "DELETE FROM samples WHERE period > 0 AND period < ?", periodOf(beforeMs));
  }
}
