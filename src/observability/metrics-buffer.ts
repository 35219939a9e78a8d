/**
 * The isolate's buffer of metric events waiting for their Metrics rollup object (one per tenant,
 * `_system` without one). Requests only add to it; a scope's events are sent in one RPC when the
 * scope holds `maxEvents` events or its oldest event is `maxAgeMs` old — the check runs when an event
 * is added, and the request that crosses a threshold sends the due scopes inside its `waitUntil`.
 *
 * The buffer lives at module scope, so it is shared by every invocation the isolate runs (and, in the
 * tests, by every test file). If the isolate is evicted, what it still holds is lost: at most
 * `maxAgeMs` of events, or `maxEvents` per scope. Analytics Engine and Workers Logs still have them;
 * the rollup is an operator's view, not a ledger (docs/operations.md, "Metrics").
 *
 * Taking events out is synchronous, so two flushes never send the same event; no promise is kept
 * here across invocations (workerd refuses I/O objects from another request).
 */
import type { Env } from "../env";
import type { MetricEvent } from "./metrics-model";

export interface MetricsBufferLimits {
  /** Events per scope that trigger its flush. */
  maxEvents: number;
  /** Age (ms) of a scope's oldest event that triggers its flush. */
  maxAgeMs: number;
  /** Scopes sent by one due-check at most (bounds the RPCs one request starts). */
  maxScopesPerFlush: number;
}

export const METRICS_BUFFER_LIMITS: MetricsBufferLimits = {
  maxEvents: 200,
  maxAgeMs: 2_000,
  maxScopesPerFlush: 50,
};

/** Events of one scope, to send in one RPC with `env`. */
export interface MetricsBatch {
  env: Env;
  scope: string;
  events: MetricEvent[];
}

interface Pending {
  env: Env;
  events: MetricEvent[];
  /** When the oldest buffered event was added (ms). */
  since: number;
}

export class MetricsBuffer {
  /** Per rollup namespace (tests may run with more than one env), per scope. */
  private readonly namespaces = new Map<DurableObjectNamespace, Map<string, Pending>>();
  /** The earliest `since` of any pending scope (Infinity when empty): makes the age check O(1). */
  private earliest = Number.POSITIVE_INFINITY;
  /** Deleted tenants whose events are dropped, until when (ms). */
  private readonly forgotten = new Map<string, number>();

  constructor(readonly limits: MetricsBufferLimits = METRICS_BUFFER_LIMITS) {}

  /** Buffers `events` of `scope`; true when some scope is now due (call `takeDue`). */
  add(env: Env, scope: string, events: readonly MetricEvent[], now: number): boolean {
    if (events.length === 0 || (this.forgotten.size > 0 && (this.forgotten.get(scope) ?? 0) > now)) {
      return this.anyStale(now);
    }
    const pending = this.pendingOf(env, scope, now);
    pending.env = env;
    for (const event of events) pending.events.push(event);
    return pending.events.length >= this.limits.maxEvents || this.anyStale(now);
  }

  /** Whether some scope's oldest event is at least `maxAgeMs` old. */
  anyStale(now: number): boolean {
    return now - this.earliest >= this.limits.maxAgeMs;
  }

  /** Removes and returns the scopes that are due (full or stale), at most `maxScopesPerFlush`. */
  takeDue(now: number): MetricsBatch[] {
    return this.take(
      (p) => p.events.length >= this.limits.maxEvents || now - p.since >= this.limits.maxAgeMs,
      {
        limit: this.limits.maxScopesPerFlush,
      },
    );
  }

  /** Removes and returns `scopes` (all of them when omitted), due or not. */
  takeAll(scopes?: ReadonlySet<string>): MetricsBatch[] {
    return this.take((_, scope) => !scopes || scopes.has(scope), {});
  }

  /**
   * Tenant deletion: drops the scope's buffered events, and those recorded in this isolate for
   * `forMs` more (the deleting request's own metrics), so nothing refills its wiped rollup from here.
   */
  forget(scope: string, now: number, forMs: number): void {
    this.forgotten.set(scope, now + forMs);
    for (const [s, until] of this.forgotten) if (until <= now) this.forgotten.delete(s);
    this.take((_, s) => s === scope, {});
  }

  /** Events waiting, over all scopes. */
  get size(): number {
    let n = 0;
    for (const scopes of this.namespaces.values()) for (const p of scopes.values()) n += p.events.length;
    return n;
  }

  private pendingOf(env: Env, scope: string, now: number): Pending {
    const namespace = env.METRICS_ROLLUP;
    let scopes = this.namespaces.get(namespace);
    if (!scopes) {
      scopes = new Map();
      this.namespaces.set(namespace, scopes);
    }
    let pending = scopes.get(scope);
    if (!pending) {
      pending = { env, events: [], since: now };
      scopes.set(scope, pending);
      if (now < this.earliest) this.earliest = now;
    }
    return pending;
  }

  private take(pick: (p: Pending, scope: string) => boolean, options: { limit?: number }): MetricsBatch[] {
    const out: MetricsBatch[] = [];
    let earliest = Number.POSITIVE_INFINITY;
    for (const [namespace, scopes] of this.namespaces) {
      for (const [scope, pending] of scopes) {
        if ((options.limit === undefined || out.length < options.limit) && pick(pending, scope)) {
          scopes.delete(scope);
          out.push({ env: pending.env, scope, events: pending.events });
        } else if (pending.since < earliest) {
          earliest = pending.since;
        }
      }
      if (scopes.size === 0) this.namespaces.delete(namespace);
    }
    this.earliest = earliest;
    return out;
  }
}

/** The isolate's buffer. */
export const metricsBuffer = new MetricsBuffer();
