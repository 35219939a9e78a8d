/**
 * Recording metrics from the hot path. A `MetricsRecorder` lives for one invocation (a request, a
 * queue batch): each event is written to Analytics Engine at once (fire-and-forget, when the
 * `METRICS` binding exists) and kept in a per-tenant batch; `flush` then sends each tenant's batch to
 * its Metrics rollup object in one RPC. Callers hand `flush()` to `waitUntil` and never await it on
 * the response path; it never throws (a lost metric must not fail the work it measures).
 *
 * Analytics Engine data points: index = tenant (or `_system`); blobs = [kind, ...labels];
 * doubles = [latency ms, status] for `http`, [1] otherwise (see docs/operations.md).
 */
import type { Env } from "../env";
import { metrics } from "../rpc";
import { errorText, logger } from "./logger";
import type { DeliveryOutcome, MetricEvent, SlaEvent } from "./metrics-model";
import { SYSTEM_SCOPE } from "./metrics-model";

/** Analytics Engine accepts 250 data points per invocation; stay under it. */
const MAX_DATA_POINTS = 200;

export class MetricsRecorder {
  private readonly batches = new Map<string, MetricEvent[]>();
  private written = 0;

  constructor(private readonly env: Env) {}

  http(tenant: string | null | undefined, route: string, method: string, status: number, ms: number): void {
    this.add(tenant, { kind: "http", at: Date.now(), route, method, status, ms: Math.max(0, ms) });
  }

  delivery(tenant: string, platform: string, outcome: DeliveryOutcome): void {
    this.add(tenant, { kind: "delivery", at: Date.now(), platform, outcome });
  }

  sla(tenant: string, event: SlaEvent): void {
    this.add(tenant, { kind: "sla", at: Date.now(), event });
  }

  /** Events waiting to be flushed. */
  get size(): number {
    let n = 0;
    for (const events of this.batches.values()) n += events.length;
    return n;
  }

  /** Sends every tenant's batch (one RPC each) and empties the recorder. Never rejects. */
  async flush(): Promise<void> {
    const batches = [...this.batches.entries()];
    this.batches.clear();
    await Promise.all(
      batches.map(async ([scope, events]) => {
        try {
          await metrics(this.env, scope).record(events);
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
export function inBackground(
  ctx: { waitUntil(promise: Promise<unknown>): void } | undefined,
  work: Promise<void>,
) {
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
