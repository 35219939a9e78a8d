/**
 * Prometheus text exposition format 0.0.4 of a Metrics snapshot (`GET /api/metrics?format=prometheus`).
 * Counters and the latency histogram are the totals since the rollup's start (monotonic, as
 * Prometheus expects); each family has `# HELP` and `# TYPE` before its samples; label values are
 * escaped (backslash, double quote, line feed). A tenant's rollup adds the Context Optimizer's gauges
 * (src/observability/notifications.ts): messages per person per day and today's sums.
 */
import { ALERT_RULES } from "../domain/alert-rules";
import type { StoredIncident } from "./alerts-store";
import { LATENCY_BUCKETS_MS, type MetricsSnapshot, type SeriesSample } from "./metrics-model";
import type { NotificationsView } from "./notifications";

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

type Labels = Record<string, string>;

export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
  return parts.length ? `{${parts.join(",")}}` : "";
}

function num(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}

class Exposition {
  private readonly lines: string[] = [];

  family(name: string, type: "counter" | "gauge" | "histogram", help: string): this {
    this.lines.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`);
    return this;
  }

  sample(name: string, labels: Labels, value: number): this {
    this.lines.push(`${name}${labelText(labels)} ${num(value)}`);
    return this;
  }

  text(): string {
    return `${this.lines.join("\n")}\n`;
  }
}

const seconds = (ms: number) => Math.round(ms * 1000) / 1_000_000;

function histogram(out: Exposition, name: string, s: SeriesSample): void {
  if (!s.hist) return;
  let cumulative = 0;
  LATENCY_BUCKETS_MS.forEach((bound, i) => {
    cumulative += s.hist?.[i] ?? 0;
    out.sample(`${name}_bucket`, { ...s.labels, le: String(bound / 1000) }, cumulative);
  });
  out.sample(`${name}_bucket`, { ...s.labels, le: "+Inf" }, s.count);
  out.sample(`${name}_sum`, s.labels, seconds(s.sumMs));
  out.sample(`${name}_count`, s.labels, s.count);
}

/** The `notifications` gauges: 0 / 1 availability, then (when available) the numbers. */
function notificationGauges(out: Exposition, n: NotificationsView): void {
  out.family(
    "foreman_notifications_available",
    "gauge",
    "1 when the Context Optimizer answered for the notification gauges, else 0.",
  );
  out.sample("foreman_notifications_available", {}, n.available ? 1 : 0);
  if (!n.available) return;
  const perDay = "foreman_person_messages_per_day";
  out.family(
    perDay,
    "gauge",
    "Messages per person per local day over the last 7 days (quantile 1 is the max); see docs/operations.md.",
  );
  const { median, p95, max } = n.messagesPerPersonDay;
  for (const [quantile, value] of [
    ["0.5", median],
    ["0.95", p95],
    ["1", max],
  ] as const) {
    if (value !== null) out.sample(perDay, { quantile }, value);
  }
  const gauges: Array<[string, string, number]> = [
    ["foreman_person_days", "Person-days the messages-per-day quantiles are taken over.", n.personDays],
    [
      "foreman_notifications_sent_today",
      "Messages that reached people today (their local day).",
      n.today.sent,
    ],
    ["foreman_notifications_held_today", "Items held for later today.", n.today.held],
    [
      "foreman_notifications_merged_today",
      "Items that went out merged into another message today.",
      n.today.merged,
    ],
    [
      "foreman_interruptions_avoided_today",
      "Items kept from people today in focus time, off hours, away or above their daily cap.",
      n.today.avoided,
    ],
    [
      "foreman_focus_interruptions_today",
      "Urgent messages that reached people during a focus block today.",
      n.today.focusInterruptions,
    ],
  ];
  for (const [name, help, value] of gauges) {
    out.family(name, "gauge", help);
    out.sample(name, {}, value);
  }
}

export function prometheusText(
  snapshot: MetricsSnapshot,
  incidents: StoredIncident[],
  notifications?: NotificationsView,
): string {
  const totals = snapshot.totals;
  const http = totals.filter((s) => s.kind === "http");
  const out = new Exposition();

  out.family(
    "foreman_http_requests_total",
    "counter",
    "HTTP requests answered, by route pattern, method and status.",
  );
  for (const s of http) out.sample("foreman_http_requests_total", s.labels, s.count);

  const latency = "foreman_http_request_duration_seconds";
  out.family(latency, "histogram", "Time to answer an HTTP request, by route pattern, method and status.");
  for (const s of http) histogram(out, latency, s);

  out.family(
    "foreman_deliveries_total",
    "counter",
    "Outbound deliveries by platform and outcome (sent, local, retried, dead, dropped).",
  );
  for (const s of totals.filter((t) => t.kind === "delivery"))
    out.sample("foreman_deliveries_total", s.labels, s.count);

  out.family("foreman_sla_events_total", "counter", "Review SLA events: reminder, breach, escalation.");
  for (const s of totals.filter((t) => t.kind === "sla"))
    out.sample("foreman_sla_events_total", s.labels, s.count);

  out.family("foreman_alert_open", "gauge", "1 while an alert incident of the rule is open, else 0.");
  for (const rule of ALERT_RULES) {
    const open = incidents.some((i) => i.rule === rule && i.status === "open");
    out.sample("foreman_alert_open", { rule }, open ? 1 : 0);
  }

  if (snapshot.startedAtMs !== null) {
    out.family("foreman_metrics_start_time_seconds", "gauge", "When these counters started (Unix time).");
    out.sample("foreman_metrics_start_time_seconds", {}, Math.floor(snapshot.startedAtMs / 1000));
  }
  if (notifications) notificationGauges(out, notifications);
  return out.text();
}
