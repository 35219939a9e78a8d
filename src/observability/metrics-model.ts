/**
 * What Foreman measures, as plain data (it crosses Durable Object RPC): metric events recorded on the
 * hot path, the label sets they roll up into, what each alert rule counts, and the pure histogram
 * arithmetic (fixed latency buckets, quantile estimate) shared by the rollup object, the JSON view
 * and the Prometheus text.
 */
import type { AlertRule } from "../domain/alert-rules";

/** Upper bounds (ms) of the latency histogram buckets; a last, open bucket holds the rest (+Inf). */
export const LATENCY_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000] as const;
/** Number of histogram cells: one per bound plus +Inf. */
export const HIST_CELLS = LATENCY_BUCKETS_MS.length + 1;

/** Rollup resolution: samples are summed per 5-minute period. */
export const PERIOD_MS = 5 * 60 * 1000;
/** How long periods are kept (the `window` of `GET /api/metrics`). */
export const RETENTION_MS = 24 * 60 * 60 * 1000;

/** The Metrics object of traffic that belongs to no tenant (unauthenticated calls, platform endpoints). */
export const SYSTEM_SCOPE = "_system";

/**
 * sent: the platform took it · local: written to the demo outbox (platform not configured) ·
 * retried: an attempt failed and the message goes back on the queue · dead: failed for good (dead
 * letter) · dropped: acknowledged without sending (a duplicate of a delivered key, or a dead-lettered
 * copy that was already recorded or delivered).
 */
export const DELIVERY_OUTCOMES = ["sent", "local", "retried", "dead", "dropped"] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

export const SLA_EVENTS = ["reminder", "breach", "escalation"] as const;
export type SlaEvent = (typeof SLA_EVENTS)[number];

export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
/** Route label of a request no route matched (404s of unknown paths, preflights answered early). */
export const UNMATCHED_ROUTE = "(unmatched)";

export type MetricEvent =
  | { kind: "http"; at: number; route: string; method: string; status: number; ms: number }
  | { kind: "delivery"; at: number; platform: string; outcome: DeliveryOutcome }
  | { kind: "sla"; at: number; event: SlaEvent };

export type MetricKind = MetricEvent["kind"];

/** One label set's sums over some span (a period, the window, or since the start). */
export interface SeriesSample {
  kind: MetricKind;
  labels: Record<string, string>;
  count: number;
  /** Latency sums and histogram: http only (0 and null otherwise). */
  sumMs: number;
  maxMs: number;
  /** Non-cumulative counts per cell of `LATENCY_BUCKETS_MS` (+Inf last), or null. */
  hist: number[] | null;
}

/**
 * What each alert rule counts: samples of `kind` whose labels pass `counts`. The health check
 * (metrics-do.ts) and the totals of `GET /api/metrics` (metrics-view.ts) both count by this table.
 */
const RULE_SAMPLES: Readonly<
  Record<AlertRule, { kind: MetricKind; counts: (labels: Record<string, string>) => boolean }>
> = {
  delivery_failures: { kind: "delivery", counts: (l) => l.outcome === "retried" || l.outcome === "dead" },
  dead_letters: { kind: "delivery", counts: (l) => l.outcome === "dead" },
  sla_breaches: { kind: "sla", counts: (l) => l.event === "breach" },
};

/** The kind of samples `rule` counts. */
export function ruleKind(rule: AlertRule): MetricKind {
  return RULE_SAMPLES[rule].kind;
}

/** The events among `samples` that `rule` counts. */
export function ruleCount(samples: readonly SeriesSample[], rule: AlertRule): number {
  const { kind, counts } = RULE_SAMPLES[rule];
  return samples.filter((s) => s.kind === kind && counts(s.labels)).reduce((n, s) => n + s.count, 0);
}

/** Whether an alert rule counts `event` (a delivery retried or dead, an SLA breach). */
export function countsForAlerts(event: MetricEvent): boolean {
  const labels = labelsOf(event);
  return Object.values(RULE_SAMPLES).some(({ kind, counts }) => kind === event.kind && counts(labels));
}

/** What the rollup object answers for `GET /api/metrics`. */
export interface MetricsSnapshot {
  /** When this object recorded its first sample (epoch ms), null if it never did. */
  startedAtMs: number | null;
  nowMs: number;
  windowMs: number;
  /** Sums over the last `windowMs`. */
  window: SeriesSample[];
  /** Sums since the start (Prometheus counters). */
  totals: SeriesSample[];
}

/** The labels of an event (fixed key order: the label set's identity is its JSON). */
export function labelsOf(event: MetricEvent): Record<string, string> {
  switch (event.kind) {
    case "http":
      return { route: event.route, method: event.method, status: String(event.status) };
    case "delivery":
      return { platform: event.platform, outcome: event.outcome };
    case "sla":
      return { event: event.event };
  }
}

/** Index of the histogram cell `ms` falls in (bounds are inclusive upper bounds, as Prometheus `le`). */
export function bucketIndex(ms: number): number {
  const i = LATENCY_BUCKETS_MS.findIndex((bound) => ms <= bound);
  return i === -1 ? LATENCY_BUCKETS_MS.length : i;
}

export function emptyHist(): number[] {
  return new Array<number>(HIST_CELLS).fill(0);
}

/**
 * The q-quantile (0..1) estimated from histogram cells, interpolating linearly inside the cell as
 * Prometheus `histogram_quantile` does; capped at the largest value seen (`maxMs`), so the open
 * last cell answers the maximum. Null for an empty histogram.
 */
export function quantileMs(hist: readonly number[], q: number, maxMs: number): number | null {
  const total = hist.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = Math.min(Math.max(q, 0), 1) * total;
  let seen = 0;
  for (let i = 0; i < hist.length; i++) {
    const n = hist[i] ?? 0;
    if (n === 0) continue;
    if (seen + n >= rank) {
      const lower = i === 0 ? 0 : (LATENCY_BUCKETS_MS[i - 1] ?? 0);
      const upper = LATENCY_BUCKETS_MS[i] ?? maxMs;
      const estimate = lower + (upper - lower) * ((rank - seen) / n);
      return round(Math.min(estimate, Math.max(maxMs, lower)));
    }
    seen += n;
  }
  return round(maxMs);
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/** Start of the period `atMs` falls in. */
export function periodOf(atMs: number): number {
  return Math.floor(atMs / PERIOD_MS) * PERIOD_MS;
}

/** The method label: one of `HTTP_METHODS`, anything else `OTHER` (client-chosen text stays out). */
export function methodLabel(method: string): string {
  const upper = method.toUpperCase();
  return (HTTP_METHODS as readonly string[]).includes(upper) ? upper : "OTHER";
}
