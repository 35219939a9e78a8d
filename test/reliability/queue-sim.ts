/**
 * A small model of Cloudflare Queues around the real consumer (src/delivery/consumer.ts): messages
 * are handed out in batches of up to 10, several batches run at once (several consumer
 * invocations), a retried message comes back with `attempts + 1`, an acked one is gone. Delays are
 * recorded, not waited for (time is simulated by rounds).
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { handleQueue } from "../../src/delivery/consumer";
import type { Env } from "../../src/env";
import { platformSenders } from "../../src/integrations/clients";
import type { FetchFn } from "../../src/platform/http-client";

export const OUTBOUND = "foreman-outbound";

export interface Queued {
  id: string;
  body: unknown;
  attempts: number;
}

export interface BatchResult {
  acked: Queued[];
  retried: Array<{ message: Queued; delaySeconds: number | undefined }>;
}

/** One consumer invocation over `messages` (they must be 10 or fewer). */
export async function runBatch(testEnv: Env, messages: Queued[], fetch?: FetchFn): Promise<BatchResult> {
  const batch = createMessageBatch(
    OUTBOUND,
    messages.map((m) => ({ id: m.id, timestamp: new Date(), attempts: m.attempts, body: m.body })),
  );
  const delays = new Map<string, number | undefined>();
  const observed: MessageBatch<unknown> = {
    queue: batch.queue,
    metadata: batch.metadata,
    messages: batch.messages.map(
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
    ),
    ackAll: () => batch.ackAll(),
    retryAll: (options) => batch.retryAll(options),
  };
  const ctx = createExecutionContext();
  await handleQueue(
    observed,
    testEnv,
    ctx,
    fetch ? { senders: platformSenders, fetch } : { senders: platformSenders },
  );
  const result = await getQueueResult(batch, ctx);
  const byId = new Map(messages.map((m) => [m.id, m]));
  const retriedIds = new Set(result.retryMessages.map((r) => r.msgId));
  return {
    acked: result.explicitAcks.filter((id) => !retriedIds.has(id)).map((id) => byId.get(id) as Queued),
    retried: result.retryMessages.map((r) => ({
      message: byId.get(r.msgId) as Queued,
      delaySeconds: delays.get(r.msgId),
    })),
  };
}

export interface Round {
  number: number;
  acked: Queued[];
  retried: BatchResult["retried"];
}

/**
 * Runs rounds until nothing is left (or `maxRounds`): each round hands every pending message out in
 * batches of 10, all batches at once; `before(round)` runs first (to script that round's faults).
 */
export async function drain(
  testEnv: Env,
  initial: Queued[],
  options: { fetch?: FetchFn; maxRounds?: number; before?: (round: number) => Promise<void> } = {},
): Promise<Round[]> {
  let pending = initial;
  const rounds: Round[] = [];
  for (let number = 1; pending.length > 0; number++) {
    if (number > (options.maxRounds ?? 10)) throw new Error(`${pending.length} messages still pending`);
    await options.before?.(number);
    const batches: Queued[][] = [];
    for (let i = 0; i < pending.length; i += 10) batches.push(pending.slice(i, i + 10));
    const results = await Promise.all(batches.map((b) => runBatch(testEnv, b, options.fetch)));
    const round: Round = {
      number,
      acked: results.flatMap((r) => r.acked),
      retried: results.flatMap((r) => r.retried),
    };
    rounds.push(round);
    pending = round.retried.map(({ message }) => ({ ...message, attempts: message.attempts + 1 }));
  }
  return rounds;
}
