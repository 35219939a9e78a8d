/**
 * Recording metrics. Every event is written to Analytics Engine at once (fire-and-forget, when the
 * `METRICS` binding exists). For the Metrics rollup objects there are two paths:
 *
 * - HTTP requests (`recordRequest`, the hot path) only add their event to the isolate's buffer
 *   (metrics-buffer.ts); the request that makes a scope due (200 events, or its oldest 2 s old)
 *   sends the due scopes, one RPC each, inside its `waitUntil`.
 * - A `MetricsRecorder` (a queue batch, an SLA step in the Review Manager: rare, and what alerts
 *   count) sends its events when `flush` is called, together with whatever the isolate buffered for
 *   the same scopes, one RPC per scope.
 *
 * `flushMetrics` sends everything buffered (the scheduled handler, tests). Nothing here is awaited on
 * a response path and nothing throws (a lost metric must not fail the work it measures).
 *
 * Analytics Engine data points: index = tenant (or `_system`); blobs = [kind, ...labels];
 * doubles = [latency ms, status] for `http`, [1] otherwise (see docs/operations.md).
 */
import type { Env } from "../env";
import { errorText } from "../platform/errors";
import { logger } from "./logger";
import { type MetricsBatch, metricsBuffer } from "./metrics-buffer";
import type { DeliveryOutcome, MetricEvent, SlaEvent } from "./metrics-model";
import { SYSTEM_SCOPE } from "./metrics-model";
import { metrics } from "./stub";

/** Analytics Engine accepts 250 data points per invocation; stay under it. */
const MAX_DATA_POINTS = 200;

export class MetricsRecorder {
  private readonly batches = new Map<string, MetricEvent[]>();
  private written = 0;

  constructor(private readonly env: Env) {}

  delivery(tenant: string, platform: string, outcome: DeliveryOutcome): void {
    this.add(tenant, { kind: "delivery", at: Date.now(), platform, outcome });
  }

  sla(tenant: string, event: SlaEvent): void {
    this.add(tenant, { kind: "sla", at: Date.now(), event });
  }

  /**
   * Sends each tenant's events now — with the isolate's buffered events of the same scopes, one RPC
   * per scope — and empties the recorder. Never rejects.
   */
  async flush(): Promise<void> {
    if (this.batches.size === 0) return;
    const now = Date.now();
    const scopes = new Set(this.batches.keys());
    for (const [scope, events] of this.batches) metricsBuffer.add(this.env, scope, events, now);
    this.batches.clear();
    await sendMetrics(metricsBuffer.takeAll(scopes));
  }

  private add(tenant: string | null | undefined, event: MetricEvent): void {
    const scope = tenant || SYSTEM_SCOPE;
    const list = this.batches.get(scope);
    if (list) list.push(event);
    else this.batches.set(scope, [event]);
    if (this.written < MAX_DATA_POINTS) {
      this.written++;
      writeDataPoint(this.env, scope, event);
    }
  }
}

type Background = { waitUntil(promise: Promise<unknown>): void } | undefined;

/**
 * One HTTP request's event: an Analytics Engine data point now, the rollup through the isolate's
 * buffer. When the buffer becomes due, this request sends the due scopes in the background.
 */
export function recordRequest(
  env: Env,
  ctx: Background,
  tenant: string | null | undefined,
  request: { route: string; method: string; status: number; ms: number },
): void {
  try {
    const scope = tenant || SYSTEM_SCOPE;
    const at = Date.now();
    const event: MetricEvent = { kind: "http", at, ...request, ms: Math.max(0, request.ms) };
    writeDataPoint(env, scope, event);
    if (metricsBuffer.add(env, scope, [event], at)) inBackground(ctx, sendMetrics(metricsBuffer.takeDue(at)));
  } catch {
    // Metrics never fail the request they measure.
  }
}

/** Sends everything the isolate has buffered, one RPC per scope. Never rejects. */
export function flushMetrics(): Promise<void> {
  return sendMetrics(metricsBuffer.takeAll());
}

/** Sends each batch to its rollup object; a failed write is logged and dropped. Never rejects. */
export async function sendMetrics(batches: readonly MetricsBatch[]): Promise<void> {
  await Promise.all(
    batches.map(async ({ env, scope, events }) => {
      try {
        await metrics(env, scope).record(events);
      } catch (err) {
        logger("observability.metrics").warn("metrics rollup write failed", {
          scope,
          events: events.length,
          error: errorText(err),
        });
      }
    }),
  );
}

/** One Analytics Engine data point for `event`; a missing binding or a refusal is ignored. */
export function writeDataPoint(env: Env, scope: string, event: MetricEvent): void {
  const dataset = env.METRICS;
  if (!dataset) return;
  try {
    switch (event.kind) {
      case "http":
        dataset.writeDataPoint({
          indexes: [scope],
          blobs: ["http", event.route, event.method, String(event.status)],
          doubles: [event.ms, event.status],
        });
        return;
      case "delivery":
        dataset.writeDataPoint({
          indexes: [scope],
          blobs: ["delivery", event.platform, event.outcome],
          doubles: [1],
        });
        return;
      case "sla":
        dataset.writeDataPoint({ indexes: [scope], blobs: ["sla", event.event], doubles: [1] });
        return;
    }
  } catch {
    // Analytics Engine is best effort: never let it break the work being measured.
  }
}

/** Keeps `work` (which never rejects) alive after the response with waitUntil, when there is a context. */
export function inBackground(ctx: Background, work: Promise<void>) {
  try {
    ctx?.waitUntil(work);
  } catch {
    // No usable context (e.g. app.fetch called without one): the work runs on, unawaited.
  }
}

/** Records one SLA event from inside a Durable Object (the Review Manager): fire-and-forget. */
export function recordSlaEvent(
  env: Env,
  tenant: string,
  event: SlaEvent,
  ctx?: { waitUntil(promise: Promise<unknown>): void },
): void {
  const recorder = new MetricsRecorder(env);
  recorder.sla(tenant, event);
  inBackground(ctx, recorder.flush());
}
