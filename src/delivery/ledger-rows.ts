/** Reading the delivery ledger's rows back (JSON columns written by ledger.ts), and batching for the queue. */
import type { DeliveryRef } from "../platform/http-client";
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

export function parseObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

export function parseMessage(text: string): DeliveryMessage | null {
  const value = parseObject(text);
  return typeof value.key === "string" && typeof value.id === "string" && typeof value.tenant === "string"
    ? (value as unknown as DeliveryMessage)
    : null;
}

/** A stored DeliveryRef (JSON), or null. */
export function parseRef(text: string | null): DeliveryRef | null {
  if (!text) return null;
  const value = parseObject(text);
  const ref: DeliveryRef = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === "string") ref[k] = v;
  return ref;
}
