/**
 * The Coordinator's side of the webhook hand-off. `ingest` records the delivery synchronously
 * (de-duplication without races: no await between the check and the insert), arms a backstop
 * alarm, and lets one drain loop publish pending deliveries oldest first, in batches of up to
 * `BATCH`: the standing agents ensured once per batch, then one `receiveMany` per subscribing agent
 * with the batch's events in order, and one statement marking the batch published (issue 17: the
 * cost per delivery no longer grows with the backlog). Message ids derive from the delivery id, so a
 * retry never delivers twice. A batch that fails is published delivery by delivery, so one bad
 * delivery cannot hold the others; a failed attempt backs off and the alarm retries it. `ingest`
 * answers once its delivery is recorded (the answer leaves the object only after the write is durable:
 * the output gate), and the drain publishes after the answer: the ack never waits for the inboxes.
 */

import { logger } from "../../observability/logger";
import { errorMessage, type Outcome, unwrap } from "../../platform/errors";
import type { AgentMessage, AgentType, CallMeta, PublishInput } from "../model";
import { subscribers } from "../registry";
import type { DeliveryLog } from "./delivery-log";
import {
  EVENT_TYPES,
  eventName,
  type IngestResult,
  type StandingAgents,
  type WebhookDelivery,
  type WebhookDeliveryRecord,
} from "./intake";

/** If the object dies mid-publish, the alarm picks the delivery up after this long. */
const BACKSTOP_MS = 30_000;
const log = logger("webhooks.pump");

export interface PumpDeps {
  log: DeliveryLog;
  storage: DurableObjectStorage;
  standingAgents(tenant: string, meta: CallMeta): Promise<Outcome<StandingAgents>>;
  publish(input: PublishInput): Promise<Outcome<{ delivered: string[] }>>;
  receiveMany(type: AgentType, agentId: string, messages: AgentMessage[]): Promise<Outcome<unknown>>;
}

/** Deliveries published together by one drain step. */
export const BATCH = 100;

type Row = WebhookDeliveryRecord & { seq: number };

export class DeliveryPump {
  private draining: Promise<void> | null = null;
  private kicked = false;
  /** The alarm as this object last set it (undefined: not read yet); saves a read per delivery. */
  private alarmAt: number | null | undefined;

  constructor(private readonly deps: PumpDeps) {}

  /**
   * Records the delivery (a known id is a duplicate and does nothing) and answers: `pending` until the
   * drain, started here and run after the answer, has it in every inbox.
   */
  async ingest(tenant: string, delivery: WebhookDelivery): Promise<IngestResult> {
    const now = Date.now();
    const claim = this.deps.log.claim(tenant, delivery, now);
    if (claim.outcome === "duplicate") return { duplicate: true, status: claim.status };
    await this.arm(now + BACKSTOP_MS);
    void this.drain();
    return { duplicate: false, status: "pending" };
  }

  /**
   * The Coordinator's alarm: retries what is due, forgets old deliveries (off the ack path: the
   * backstop alarm every delivery arms fires after each burst).
   */
  async onAlarm(): Promise<void> {
    // The alarm that fired is gone: read it again before trusting what this object remembers.
    this.alarmAt = undefined;
    await this.drain();
    this.deps.log.prune(Date.now());
  }

  /** Starts the drain loop, or asks the running one to look again. */
  drain(): Promise<void> {
    if (this.draining) {
      this.kicked = true;
      return this.draining;
    }
    this.draining = this.loop()
      .catch((err: unknown) => {
        // Only alarm bookkeeping can fail here; pending rows stay pending and are retried.
        log.error("webhook drain failed", { error: String(err) });
      })
      .finally(() => {
        this.draining = null;
      });
    return this.draining;
  }

  private async loop(): Promise<void> {
    for (;;) {
      this.kicked = false;
      for (let rows = this.deps.log.dueBatch(Date.now(), BATCH); rows.length > 0; ) {
        if (!(await this.publishBatch(rows))) for (const row of rows) await this.publishOne(row);
        rows = this.deps.log.dueBatch(Date.now(), BATCH);
      }
      await this.rearm();
      // Deliveries recorded meanwhile start another round; retries that come due later are the alarm's.
      if (!this.kicked) return;
    }
  }

  /**
   * Publishes a batch: each subscribing standing agent gets the batch's events in one call. False (and
   * nothing marked) when any call fails: the caller then goes delivery by delivery.
   */
  private async publishBatch(rows: readonly Row[]): Promise<boolean> {
    const first = rows[0];
    if (!first || rows.some((r) => r.tenant !== first.tenant)) return false;
    const meta = { correlationId: first.deliveryId, actor: "webhook batch" };
    try {
      const agents = unwrap(await this.deps.standingAgents(first.tenant, meta));
      const inboxes = new Map<AgentType, AgentMessage[]>();
      const sentAt = new Date().toISOString();
      for (const { deliveryId, source, events } of rows) {
        for (const { index, event } of events) {
          const name = eventName(source, event);
          const types = new Set(subscribers(name));
          for (const type of EVENT_TYPES) {
            if (!types.has(type)) continue;
            const to = agents[type];
            const list = inboxes.get(type) ?? [];
            list.push({
              messageId: `${deliveryId}:${index}:${to}`,
              from: "coordinator",
              to,
              type: "event",
              payload: { name, data: event as unknown as Record<string, unknown> },
              correlationId: deliveryId,
              sentAt,
            });
            inboxes.set(type, list);
          }
        }
      }
      const calls = [...inboxes].map(async ([type, messages]) =>
        unwrap(await this.deps.receiveMany(type, agents[type], messages)),
      );
      await Promise.all(calls);
      this.deps.log.markPublishedMany(
        rows.map((r) => r.seq),
        Date.now(),
      );
      return true;
    } catch (err) {
      log.warn("webhook batch not published at once: one by one", {
        tenant: first.tenant,
        deliveries: rows.length,
        error: errorMessage(err),
      });
      return false;
    }
  }

  private async publishOne(row: Row): Promise<void> {
    const { seq, tenant, deliveryId, source, events } = row;
    const meta = { correlationId: deliveryId, actor: `${source} webhook` };
    try {
      // Webhook events go to the tenant's standing agents only: a second review manager spawned
      // elsewhere must not assign the same pull request again.
      const agents = unwrap(await this.deps.standingAgents(tenant, meta));
      const standing = EVENT_TYPES.map((type) => agents[type]);
      for (const { index, event } of events) {
        unwrap(
          await this.deps.publish({
            name: eventName(source, event),
            data: event as unknown as Record<string, unknown>,
            correlationId: deliveryId,
            eventId: `${deliveryId}:${index}`,
            to: standing,
          }),
        );
      }
      this.deps.log.markPublished(seq, Date.now());
    } catch (err) {
      const error = errorMessage(err);
      const status = this.deps.log.markAttemptFailed(seq, error, Date.now());
      const failed = status === "failed";
      const msg = failed ? "webhook delivery failed for good" : "webhook delivery will be retried";
      log.log(failed ? "error" : "warn", msg, { tenant, source, correlationId: deliveryId, error });
    }
  }

  /** Makes sure the alarm fires no later than `at`. */
  private async arm(at: number): Promise<void> {
    if (this.alarmAt === undefined) this.alarmAt = await this.deps.storage.getAlarm();
    if (this.alarmAt !== null && this.alarmAt <= at) return;
    this.alarmAt = at;
    await this.deps.storage.setAlarm(at);
  }

  /**
   * Points the alarm at the next pending retry. With nothing pending the alarm is left as it is: it
   * fires once and finds nothing (clearing it here and setting it again with the next delivery cost
   * two alarm writes per round).
   */
  private async rearm(): Promise<void> {
    const next = this.deps.log.nextAttemptAt();
    if (next === null || next === this.alarmAt) return;
    this.alarmAt = next;
    await this.deps.storage.setAlarm(next);
  }
}
