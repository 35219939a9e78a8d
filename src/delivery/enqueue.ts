import type { Env } from "../env";
import { PayloadTooLargeError } from "../errors";
import { correlationId as newCorrelationId, randomId } from "../ids";
import { DeliveryMessageSchema, MAX_BODY_BYTES, validationError } from "./schema";
import type { DeliveryMessage, DeliveryRequest } from "./types";

/**
 * Validates a delivery and puts it on the outbound queue (always the queue, also in demo
 * mode: the consumer decides between sending and the local outbox).
 * Throws ValidationError / PayloadTooLargeError for a request that could never be sent.
 */
export async function enqueueDelivery(env: Env, req: DeliveryRequest): Promise<DeliveryMessage> {
  const id = randomId("dlv");
  const candidate = {
    ...req,
    id,
    key: req.key ?? id,
    correlationId: req.correlationId ?? newCorrelationId(),
    enqueuedAt: new Date().toISOString(),
  };
  const parsed = DeliveryMessageSchema.safeParse(candidate);
  if (!parsed.success) throw validationError(parsed.error, "Invalid delivery");
  const message: DeliveryMessage = parsed.data;
  if (new TextEncoder().encode(JSON.stringify(message)).byteLength > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError(MAX_BODY_BYTES);
  }
  await env.OUTBOUND.send(message, { contentType: "json" });
  return message;
}
