/**
 * The JSON view of a Metrics snapshot (`GET /api/metrics`): sums over the last 24 hours per route,
 * method and status (with p50 / p99 latency estimated from the histogram), per delivery platform
 * and outcome, and per SLA event; plus the latest incident of each alert rule.
 */
import type { AlertRule } from "../domain/alert-rules";
import type { StoredIncident } from "./alerts-store";
import {
  DELIVERY_OUTCOMES,
  type DeliveryOutcome,
  type MetricsSnapshot,
  quantileMs,
  ruleCount,
  type SeriesSample,
  SLA_EVENTS,
  type SlaEvent,
} from "./metrics-model";

export interface RequestLine {
  route: string;
  method: string;
  status: number;
  count: number;
  p50Ms: number | null;
  p99Ms: number | null;
}

export interface MetricsView {
  generatedAt: string;
  scope: string;
  window: "24h";
  /** When this rollup recorded its first event (null: never). */
  since: string | null;
  requests: RequestLine[];
  deliveries: Array<{ platform: string; outcome: DeliveryOutcome; count: number }>;
  sla: Array<{ event: SlaEvent; count: number }>;
  totals: {
    requests: number;
    serverErrors: number;
    deliveries: number;
    deliveryFailures: number;
    deadLetters: number;
    slaBreaches: number;
  };
  alerts: Array<{
    rule: AlertRule;
    incident: number;
    status: "open" | "resolved";
    openedAt: string;
    resolvedAt: string | null;
    threshold: number;
    peak: number;
    lastValue: number;
  }>;
}

const of = (samples: SeriesSample[], kind: SeriesSample["kind"]) => samples.filter((s) => s.kind === kind);
const byCount = <T extends { count: number }>(a: T, b: T) => b.count - a.count;
const outcomeOf = (v: string | undefined) => DELIVERY_OUTCOMES.find((o) => o === v);
const slaEventOf = (v: string | undefined) => SLA_EVENTS.find((e) => e === v);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function metricsView(
  scope: string,
  snapshot: MetricsSnapshot,
  incidents: StoredIncident[],
): MetricsView {
  const { window } = snapshot;
  const requests = of(window, "http")
    .map((s) => ({
      route: s.labels.route ?? "",
      method: s.labels.method ?? "",
      status: Number(s.labels.status ?? 0),
      count: s.count,
      p50Ms: s.hist ? quantileMs(s.hist, 0.5, s.maxMs) : null,
      p99Ms: s.hist ? quantileMs(s.hist, 0.99, s.maxMs) : null,
    }))
    .sort((a, b) => byCount(a, b) || a.route.localeCompare(b.route) || a.status - b.status);
  const deliveries = of(window, "delivery")
    .flatMap((s) => {
      const outcome = outcomeOf(s.labels.outcome);
      return outcome ? [{ platform: s.labels.platform ?? "", outcome, count: s.count }] : [];
    })
    .sort((a, b) => a.platform.localeCompare(b.platform) || a.outcome.localeCompare(b.outcome));
  const sla = of(window, "sla")
    .flatMap((s) => {
      const event = slaEventOf(s.labels.event);
      return event ? [{ event, count: s.count }] : [];
    })
    .sort((a, b) => a.event.localeCompare(b.event));
  const sum = <T extends { count: number }>(rows: T[], keep: (r: T) => boolean = () => true) =>
    rows.filter(keep).reduce((n, r) => n + r.count, 0);
  return {
    generatedAt: new Date(snapshot.nowMs).toISOString(),
    scope,
    window: "24h",
    since: iso(snapshot.startedAtMs),
    requests,
    deliveries,
    sla,
    totals: {
      requests: sum(requests),
      serverErrors: sum(requests, (r) => r.status >= 500),
      deliveries: sum(deliveries),
      deliveryFailures: ruleCount(window, "delivery_failures"),
      deadLetters: ruleCount(window, "dead_letters"),
      slaBreaches: ruleCount(window, "sla_breaches"),
    },
    alerts: incidents.map((i) => ({
      rule: i.rule,
      incident: i.seq,
      status: i.status,
      openedAt: iso(i.openedAtMs) ?? "",
      resolvedAt: iso(i.resolvedAtMs),
      threshold: i.threshold,
      peak: i.peak,
      lastValue: i.lastValue,
    })),
  };
}
