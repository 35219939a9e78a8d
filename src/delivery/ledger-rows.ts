/** Reading the delivery ledger's rows back (JSON columns written by ledger.ts), and batching for the queue. */
import { type DeliveryRef, isRecord } from "../platform/http-client";
import { parseJson } from "../platform/sql";
import { DeliveryMessageSchema } from "./schema";
import type { DeliveryMessage } from "./types";

/** Queue limits: 100 messages and 256 KB per sendBatch. */
const BATCH_MESSAGES = 100;
const BATCH_BYTES = 240_000;

/** Splits messages into sendBatch-sized groups (count and bytes). */
export function batches(messages: DeliveryMessage[]): DeliveryMessage[][] {
  const out: DeliveryMessage[][] = [];
  let current: DeliveryMessage[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = JSON.stringify(m).length + 100;
    if (current.length && (current.length >= BATCH_MESSAGES || bytes + size > BATCH_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(m);
    bytes += size;
  }
  if (current.length) out.push(current);
  return out;
}

/** A JSON object column; anything unreadable is `{}`. */
export function parseObject(text: string): Record<string, unknown> {
  const value = parseJson<unknown>(text, null);
  return isRecord(value) ? value : {};
}

/** A queued message as recorded, or null when it no longer reads as one. */
export function parseMessage(text: string): DeliveryMessage | null {
  const parsed = DeliveryMessageSchema.safeParse(parseJson<unknown>(text, null));
  return parsed.success ? parsed.data : null;
}

/** A stored DeliveryRef (JSON), or null. */
export function parseRef(text: string | null): DeliveryRef | null {
  if (!text) return null;
  const value = parseObject(text);
  const ref: DeliveryRef = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === "string") ref[k] = v;
  return ref;
}
