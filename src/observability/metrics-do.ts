/**
 * Metrics: the rollup Durable Object, one per tenant (`env.METRICS_ROLLUP.getByName(tenant)`) plus
 * `_system` for traffic that belongs to no tenant. Keeps counters and latency histograms per label
 * set in 5-minute periods for the last 24 hours and totals since the start (read by
 * `GET /api/metrics`), and the tenant's alert incidents (the scheduled health check). Analytics
 * Engine gets the same events as data points; this object is what can be read locally.
 *
 * The health check visits only tenants the Directory's cron index has due (./check-index.ts): an event
 * an alert rule counts makes this object report "check due" (kept in its SQLite with the change and
 * retried on its alarm until the Directory has it), and a check that finds nothing to act on reports
 * "not due".
 */
import { DurableObject } from "cloudflare:workers";
import { type AlertRule, type AlertThreshold, evaluateRule, type Transition } from "../domain/alert-rules";
import type { Env } from "../env";
import { destroyObject } from "../platform/destroy";
import { errorMessage } from "../platform/errors";
import { KeptReport, type KeptState } from "../platform/kept-report";
import { IncidentStore, type StoredIncident } from "./alerts-store";
import { isTenantScope, reportCheckDue } from "./check-index";
import { logger } from "./logger";
import {
  countsForAlerts,
  DELIVERY_OUTCOMES,
  type MetricEvent,
  type MetricsSnapshot,
  PERIOD_MS,
  RETENTION_MS,
  ruleCount,
  ruleKind,
  SLA_EVENTS,
} from "./metrics-model";
import { MetricsStore } from "./metrics-store";

/** The alarm's safety net behind a report made at once (it finds nothing owed when that worked). */
const REPORT_SAFETY_MS = 30_000;

/** Events accepted per `record` call (a batch of one invocation is far smaller). */
const MAX_BATCH = 1000;
const MAX_LABEL = 200;

export interface AlertCheckInput {
  nowMs: number;
  thresholds: AlertThreshold[];
}

export interface AlertCheck {
  /** Each rule's value over its window. */
  values: Partial<Record<AlertRule, number>>;
  transitions: Array<Transition & { rule: AlertRule }>;
  /** Incidents whose alert (open) or all-clear (resolved) is still to be posted. */
  pending: StoredIncident[];
  /**
   * Whether the tenant stays due for checks: false when the window counts nothing and no incident is
   * open or unannounced (this object then told the cron index so).
   */
  watching: boolean;
}

export class Metrics extends DurableObject<Env> {
  private readonly store: MetricsStore;
  private readonly incidents: IncidentStore;
  private readonly checkIndex: KeptReport;
  private lastPruneMs = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new MetricsStore(ctx.storage.sql);
    this.incidents = new IncidentStore(ctx.storage.sql);
    this.checkIndex = new KeptReport(ctx.storage, "cron:alerts");
  }

  /**
   * Adds a batch of events (malformed ones are skipped); returns how many were kept. The first event
   * an alert rule counts, while the tenant is not due for checks, makes it due.
   */
  async record(events: MetricEvent[]): Promise<number> {
    const now = Date.now();
    const kept = (Array.isArray(events) ? events.slice(0, MAX_BATCH) : []).flatMap((e) => {
      const clean = sanitize(e, now);
      return clean ? [clean] : [];
    });
    this.store.add(kept, now);
    if (now - this.lastPruneMs >= PERIOD_MS) {
      this.lastPruneMs = now;
      this.store.prune(now - RETENTION_MS);
    }
    const counted = kept.filter(countsForAlerts);
    const watched = this.checkIndex.state()?.value ?? null;
    if (counted.length > 0 && watched === null && isTenantScope(this.ctx.id.name)) {
      const since = Math.min(now, ...counted.map((e) => e.at));
      if (await this.checkIndex.keep(since, { alarmInMs: REPORT_SAFETY_MS })) await this.reportCheckIndex();
    }
    return kept.length;
  }

  /** Sums over the last `windowMs` (at most 24 h) and since the start. */
  snapshot(input: { nowMs?: number; windowMs?: number } = {}): MetricsSnapshot {
    const nowMs = input.nowMs ?? Date.now();
    const windowMs = Math.min(Math.max(input.windowMs ?? RETENTION_MS, PERIOD_MS), RETENTION_MS);
    return {
      startedAtMs: this.store.startedAtMs(),
      nowMs,
      windowMs,
      window: this.store.series({ fromMs: nowMs - windowMs + 1, toMs: nowMs }),
      totals: this.store.series(null),
    };
  }

  /**
   * One health check: each rule's value over its window against its threshold; incidents open,
   * continue or resolve (src/domain/alert-rules.ts). Notices still to post are answered until
   * `markNotified` records them, so a check that failed to post retries on the next run.
   */
  async checkAlerts(input: AlertCheckInput): Promise<AlertCheck> {
    const check: AlertCheck = { values: {}, transitions: [], pending: [], watching: true };
    for (const { rule, threshold, windowMs } of input.thresholds) {
      const value = this.ruleValue(rule, input.nowMs - windowMs + 1, input.nowMs);
      check.values[rule] = value;
      const transition = evaluateRule(this.incidents.latest(rule), rule, value, threshold, input.nowMs);
      if (transition.type !== "quiet") this.incidents.save(transition.incident);
      check.transitions.push({ ...transition, rule });
    }
    check.pending = this.incidents.pending();
    const counting = Object.values(check.values).some((v) => v > 0);
    const open = this.incidents.current().some((i) => i.status === "open");
    check.watching = counting || open || check.pending.length > 0;
    if (!check.watching && isTenantScope(this.ctx.id.name)) {
      // Told every time (a new generation), so a stale "due" row in the index is corrected.
      await this.checkIndex.keep(null, { alarmInMs: REPORT_SAFETY_MS, force: true });
      await this.reportCheckIndex();
    }
    return check;
  }

  /** What this object last kept for the cron index, and whether the Directory took it. */
  checkIndexState(): KeptState | null {
    return this.checkIndex.state();
  }

  /** The alarm only retries the cron index report. */
  override async alarm(): Promise<void> {
    await this.reportCheckIndex();
  }

  markNotified(input: { rule: AlertRule; seq: number; notice: "opened" | "resolved" }): boolean {
    return this.incidents.markNotified(input.rule, input.seq, input.notice);
  }

  /** The latest incident of each rule (open or resolved). */
  currentIncidents(): StoredIncident[] {
    return this.incidents.current();
  }

  /** Tenant deletion: wipes counters, histograms and incidents, then resets the object. */
  async destroy(): Promise<void> {
    await destroyObject(this.ctx);
  }

  private ruleValue(rule: AlertRule, fromMs: number, toMs: number): number {
    return ruleCount(this.store.series({ fromMs, toMs }, ruleKind(rule)), rule);
  }

  private async reportCheckIndex(): Promise<void> {
    const tenant = this.ctx.id.name;
    if (!isTenantScope(tenant)) return;
    const result = await this.checkIndex.deliver((owed) => reportCheckDue(this.env, tenant, owed));
    if (!result.ok) {
      logger("observability.metrics").warn("alert check index report failed; the alarm retries it", {
        tenant,
        error: errorMessage(result.error),
        retryInMs: result.retryInMs,
      });
    }
  }
}

/** Event times accepted (older ones count in the totals only; later ones are clock skew or tests). */
const MAX_AGE_MS = 7 * RETENTION_MS;
const MAX_AHEAD_MS = RETENTION_MS;

/** A well-formed copy of an event, or null. A missing or implausible time becomes `now`. */
function sanitize(e: MetricEvent, now: number): MetricEvent | null {
  if (typeof e !== "object" || e === null) return null;
  const plausible = (t: number) => t > now - MAX_AGE_MS && t < now + MAX_AHEAD_MS;
  const at = typeof e.at === "number" && Number.isFinite(e.at) && plausible(e.at) ? e.at : now;
  const text = (v: unknown) => (typeof v === "string" && v !== "" ? v.slice(0, MAX_LABEL) : null);
  switch (e.kind) {
    case "http": {
      const route = text(e.route);
      const method = text(e.method);
      const status = Number.isInteger(e.status) && e.status >= 100 && e.status <= 599 ? e.status : null;
      const ms = typeof e.ms === "number" && Number.isFinite(e.ms) && e.ms >= 0 ? e.ms : null;
      if (!route || !method || status === null || ms === null) return null;
      return { kind: "http", at, route, method, status, ms };
    }
    case "delivery": {
      const platform = text(e.platform);
      if (!platform || !DELIVERY_OUTCOMES.includes(e.outcome)) return null;
      return { kind: "delivery", at, platform, outcome: e.outcome };
    }
    case "sla":
      return SLA_EVENTS.includes(e.event) ? { kind: "sla", at, event: e.event } : null;
    default:
      return null;
  }
}
