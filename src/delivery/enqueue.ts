/** Building a delivery (validated queue message) and submitting one decided outside any agent. */
import type { Env } from "../env";
import { logger } from "../observability/logger";
import { errorMessage, PayloadTooLargeError } from "../platform/errors";
import { correlationId as newCorrelationId, randomId } from "../platform/ids";
import { DeliveryMessageSchema, MAX_BODY_BYTES, validationError } from "./schema";
import { outbox } from "./stub";
import type { DeliveryMessage, DeliveryRequest } from "./types";

/**
 * A validated queue message for `req` (fresh id; key, correlation id and time filled in).
 * Throws ValidationError / PayloadTooLargeError for a request that could never be sent.
 */
export function buildDelivery(req: DeliveryRequest, nowMs: number = Date.now()): DeliveryMessage {
  const id = randomId("dlv");
  const candidate = {
    ...req,
    id,
    key: req.key ?? id,
    correlationId: req.correlationId ?? newCorrelationId(),
    enqueuedAt: new Date(nowMs).toISOString(),
  };
  const parsed = DeliveryMessageSchema.safeParse(candidate);
  if (!parsed.success) throw validationError(parsed.error, "Invalid delivery");
  const message: DeliveryMessage = parsed.data;
  if (new TextEncoder().encode(JSON.stringify(message)).byteLength > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError(MAX_BODY_BYTES);
  }
  return message;
}

const log = logger("delivery.enqueue");

/** What became of a submitted delivery: newly accepted, or its key was sent (or is on its way) already. */
export interface Submitted {
  message: DeliveryMessage;
  /** False: the same key was submitted before (nothing new is sent). */
  accepted: boolean;
}

/**
 * Submits a delivery decided outside any agent (a chat reply sent later, a digest, an alert): the
 * tenant's Outbox records it in its ledger first (kept until the consumer reports it delivered or
 * dead; src/delivery/ledger.ts), then it goes on the outbound queue. Resolves once it is durably
 * recorded; a queue failure is left to the Outbox's alarm, which hands it over again.
 */
export async function submitDelivery(env: Env, req: DeliveryRequest): Promise<Submitted> {
  const message = buildDelivery(req);
  const [result] = await outbox(env, message.tenant).record([message]);
  const accepted = result?.accepted ?? false;
  if (accepted) {
    const queued: DeliveryMessage = { ...message, origin: { binding: "OUTBOX", name: message.tenant } };
    try {
      await env.OUTBOUND.send(queued, { contentType: "json" });
    } catch (err) {
      log.warn("delivery.queue_failed", {
        tenant: message.tenant,
        deliveryId: message.id,
        error: errorMessage(err),
      });
    }
  }
  return { message, accepted };
}

/** `submitDelivery` for callers that only need the message. */
export async function enqueueDelivery(env: Env, req: DeliveryRequest): Promise<DeliveryMessage> {
  return (await submitDelivery(env, req)).message;
}
