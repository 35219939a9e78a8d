/** Shared helpers of the delivery tests. */
import {
  createExecutionContext,
  createMessageBatch,
  getQueueResult,
  type QueueResult,
} from "cloudflare:test";
import { handleQueue } from "../../src/delivery/consumer";
import type { DeliveryMessage } from "../../src/delivery/types";
import type { Env } from "../../src/env";
import { platformSenders } from "../../src/integrations/clients";
import { randomId } from "../../src/platform/ids";

export const OUTBOUND = "foreman-outbound";
export const DLQ = "foreman-outbound-dlq";

type DeliveryInit = Pick<DeliveryMessage, "tenant" | "platform" | "action" | "body"> &
  Partial<DeliveryMessage>;

/** A queue message body as enqueueDelivery would build it. */
export function delivery(init: DeliveryInit): DeliveryMessage {
  const id = init.id ?? randomId("dlv");
  return {
    ...init,
    id,
    key: init.key ?? id,
    correlationId: init.correlationId ?? crypto.randomUUID(),
    enqueuedAt: init.enqueuedAt ?? new Date().toISOString(),
  };
}

export interface QueuedMessage {
  body: unknown;
  attempts?: number;
  /** Queue message id; keep it across runs to model a redelivery of the same message. */
  id?: string;
}

export interface Run {
  result: QueueResult;
  ids: string[];
  /** Acked (explicitly) message ids. */
  acked: string[];
  /** Retried message id -> delaySeconds. */
  retried: Map<string, number | undefined>;
}

/** Runs the consumer over one batch (at `nowMs`: the consumer's clock) and collects what it acked and retried. */
export async function runQueue(
  env: Env,
  messages: QueuedMessage[],
  queue = OUTBOUND,
  nowMs?: number,
): Promise<Run> {
  const ids = messages.map((m) => m.id ?? randomId("msg"));
  const batch = createMessageBatch(
    queue,
    messages.map((m, i) => ({
      id: ids[i] ?? "",
      timestamp: new Date(nowMs ?? Date.now()),
      attempts: m.attempts ?? 1,
      body: m.body,
    })),
  );
  // getQueueResult() does not report `delaySeconds` (the plugin drops retry options), so the
  // consumer sees the plugin's messages through thin wrappers that note them.
  const delays = new Map<string, number | undefined>();
  const messagesSeen = batch.messages.map(
    (m): Message<unknown> => ({
      id: m.id,
      timestamp: m.timestamp,
      body: m.body,
      attempts: m.attempts,
      ack: () => m.ack(),
      retry: (options) => {
        delays.set(m.id, options?.delaySeconds);
        m.retry(options);
      },
    }),
  );
  const observed: MessageBatch<unknown> = {
    queue: batch.queue,
    metadata: batch.metadata,
    messages: messagesSeen,
    ackAll: () => batch.ackAll(),
    retryAll: (options) => batch.retryAll(options),
  };
  const ctx = createExecutionContext();
  const clock = nowMs === undefined ? {} : { now: () => nowMs };
  await handleQueue(observed, env, ctx, { senders: platformSenders, ...clock });
  const result = await getQueueResult(batch, ctx);
  return {
    result,
    ids,
    acked: result.explicitAcks,
    retried: new Map(result.retryMessages.map((r) => [r.msgId, delays.get(r.msgId)])),
  };
}

/** A stand-in for the OUTBOUND producer that keeps what was sent (no consumer runs behind it). */
export function recordingQueue(): { queue: Queue<DeliveryMessage>; sent: DeliveryMessage[] } {
  const sent: DeliveryMessage[] = [];
  const queue: Queue<DeliveryMessage> = {
    async send(message) {
      sent.push(structuredClone(message));
      return { metadata: { metrics: { backlogCount: 0, backlogBytes: 0 } } };
    },
    async sendBatch(messages) {
      for (const m of messages) sent.push(structuredClone(m.body));
      return { metadata: { metrics: { backlogCount: 0, backlogBytes: 0 } } };
    },
    async metrics() {
      return { backlogCount: 0, backlogBytes: 0 };
    },
  };
  return { queue, sent };
}
