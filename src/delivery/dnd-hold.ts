/**
 * Direct messages that wait while their Slack recipient is in Do Not Disturb
 * (`DeliveryRequest.holdWhileDnd`). The consumer asks the delivery's sender (`dndUntil`) after its
 * claim and before the send; a held message is settled as a retry due when the DND ends (the Outbox
 * and the origin hear `retrying`, as for a failed attempt) and put back on the queue as a fresh copy,
 * so waiting never spends the queue's retries (`max_retries`) or the consumer's MAX_ATTEMPTS.
 */
import type { Env } from "../env";
import { logger } from "../observability/logger";
import { errorText } from "../platform/errors";
import { type ClientDeps, clampDelay } from "../platform/http-client";
import type { Remote } from "../platform/rpc";
import type { Outbox } from "./outbox";
import type { DeliveryMessage, DeliveryReport, Sender } from "./types";

const log = logger("delivery.consumer");

/** A delivery to hold: its recipient's DND ends at `untilMs`; the queue brings it back after `delaySeconds`. */
export interface DndHold {
  untilMs: number;
  /** `ceil((until - now) / 1000)`, clamped to [1 s, 12 h] (the most a queue delay can be). */
  delaySeconds: number;
}

/**
 * Whether `d` waits for its recipient's Do Not Disturb to end: only Slack deliveries with
 * `holdWhileDnd`, and only when the sender can tell. A failing check never holds a message.
 */
export async function dndHoldOf(
  d: DeliveryMessage,
  sender: Extract<Sender, { kind: "client" }>,
  deps: ClientDeps,
): Promise<DndHold | null> {
  const userId = d.holdWhileDnd;
  if (userId === undefined || d.platform !== "slack" || !sender.dndUntil) return null;
  const nowMs = deps.now();
  let untilMs: number | null;
  try {
    untilMs = await sender.dndUntil(userId, nowMs);
  } catch (err) {
    log.warn("delivery.dnd_check_failed", { deliveryId: d.id, key: d.key, error: errorText(err) });
    return null;
  }
  if (untilMs === null || !Number.isFinite(untilMs) || untilMs <= nowMs) return null;
  return { untilMs, delaySeconds: clampDelay((untilMs - nowMs) / 1000) };
}

export interface HeldDelivery {
  msg: Message<unknown>;
  d: DeliveryMessage;
  leaseToken: string;
  hold: DndHold;
  outbox: Pick<Remote<Outbox>, "finish">;
  nowMs: number;
  /** The consumer's log fields of the delivery (ids, tenant, platform, action, key). */
  fields: Record<string, unknown>;
}

/**
 * Holds a claimed delivery until its recipient's DND ends: releases the claim as a retry due then,
 * reports `retrying` to the origin, and queues the same message again with that delay (the
 * original is acked). Only if that queueing fails is the original retried (which counts an attempt).
 */
export async function holdForDnd(
  env: Env,
  h: HeldDelivery,
  report: (r: DeliveryReport) => void,
): Promise<void> {
  const { msg, d, hold } = h;
  const retryAtMs = h.nowMs + hold.delaySeconds * 1000;
  const until = new Date(hold.untilMs).toISOString();
  await h.outbox.finish({
    key: d.key,
    deliveryId: d.id,
    leaseToken: h.leaseToken,
    outcome: "retry",
    status: null,
    error: `held: recipient in Slack Do Not Disturb until ${until}`,
    retryAtMs,
  });
  report({ key: d.key, outcome: "retrying", retryAtMs });
  let requeued = true;
  try {
    await env.OUTBOUND.send(d, { contentType: "json", delaySeconds: hold.delaySeconds });
    msg.ack();
  } catch (err) {
    requeued = false;
    log.warn("delivery.dnd_requeue_failed", { ...h.fields, error: errorText(err) });
    msg.retry({ delaySeconds: hold.delaySeconds });
  }
  log.info("delivery.held_dnd", { ...h.fields, until, delaySeconds: hold.delaySeconds, requeued });
}
