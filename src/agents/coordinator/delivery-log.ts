/**
 * The Coordinator's `webhook_deliveries` table: every delivery accepted for the tenant, with its
 * events, until they are in every subscriber's inbox. It is both the de-duplication record (kept
 * 30 days) and the durable hand-off: a delivery is recorded synchronously, before any await, so
 * concurrent identical deliveries find it, and a crash before publishing loses nothing (the
 * Coordinator's alarm retries pending rows with backoff).
 */

import type { EventSource } from "../../events/types";
import { all, first, iso, parseJson, run } from "../../platform/sql";
import type { IndexedEvent, WebhookDelivery, WebhookDeliveryRecord, WebhookDeliveryStatus } from "./intake";

export const DELIVERY_RETENTION_MS = 30 * 24 * 60 * 60_000;
/** Publishing attempts before a delivery is marked failed (a redelivery revives it). */
export const MAX_PUBLISH_ATTEMPTS = 8;
const BACKOFF_BASE_MS = 5_000;
const BACKOFF_MAX_MS = 60 * 60_000;

type DeliveryRow = {
  seq: number;
  source: string;
  delivery_id: string;
  tenant: string;
  received_at: number;
  status: string;
  events: string;
  attempts: number;
  last_error: string | null;
};

/** `new`: recorded now; `revived`: a failed delivery sent again, pending once more. */
export type Claim =
  | { outcome: "new" | "revived"; seq: number }
  | { outcome: "duplicate"; seq: number; status: WebhookDeliveryStatus };

export class DeliveryLog {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS webhook_deliveries (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, source TEXT NOT NULL, delivery_id TEXT NOT NULL,
      tenant TEXT NOT NULL, received_at INTEGER NOT NULL, status TEXT NOT NULL, events TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL, last_error TEXT,
      published_at INTEGER, UNIQUE (source, delivery_id))`);
    sql.exec(
      "CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at, seq)",
    );
    sql.exec("CREATE INDEX IF NOT EXISTS webhook_deliveries_age ON webhook_deliveries (received_at)");
  }

  /**
   * Records a delivery unless its id is known: one statement for a new one. Synchronous: call it
   * before any await.
   */
  claim(tenant: string, delivery: WebhookDelivery, now: number): Claim {
    const inserted = first<{ seq: number }>(
      this.sql,
      `INSERT INTO webhook_deliveries (source, delivery_id, tenant, received_at, status, events, next_attempt_at)
       VALUES (?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT (source, delivery_id) DO NOTHING RETURNING seq`,
      delivery.source,
      delivery.deliveryId,
      tenant,
      now,
      JSON.stringify(delivery.events),
      now,
    );
    if (inserted) return { outcome: "new", seq: inserted.seq };
    const existing = first<{ seq: number; status: WebhookDeliveryStatus }>(
      this.sql,
      "SELECT seq, status FROM webhook_deliveries WHERE source = ? AND delivery_id = ?",
      delivery.source,
      delivery.deliveryId,
    );
    if (!existing) throw new Error(`delivery ${delivery.deliveryId} was not recorded`);
    if (existing.status !== "failed") return { outcome: "duplicate", ...existing };
    run(
      this.sql,
      `UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?, last_error = NULL
       WHERE seq = ?`,
      now,
      existing.seq,
    );
    return { outcome: "revived", seq: existing.seq };
  }

  get(source: EventSource, deliveryId: string): WebhookDeliveryRecord | null {
    const row = this.row(source, deliveryId);
    return row ? toRecord(row) : null;
  }

  /** The pending deliveries due now, oldest first, at most `limit` (a drain's batch). */
  dueBatch(now: number, limit: number): (WebhookDeliveryRecord & { seq: number })[] {
    return all<DeliveryRow>(
      this.sql,
      `SELECT * FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ?
       ORDER BY seq LIMIT ?`,
      now,
      limit,
    ).map((row) => ({ ...toRecord(row), seq: row.seq }));
  }

  /** Marks a batch published in one statement. */
  markPublishedMany(seqs: readonly number[], now: number): void {
    if (seqs.length === 0) return;
    run(
      this.sql,
      `UPDATE webhook_deliveries SET status = 'published', published_at = ?, events = '[]'
       WHERE seq IN (SELECT value FROM json_each(?))`,
      now,
      JSON.stringify(seqs),
    );
  }

  /** When the next pending delivery is due, or null when none is pending. */
  nextAttemptAt(): number | null {
    const row = first<{ at: number | null }>(
      this.sql,
      "SELECT MIN(next_attempt_at) AS at FROM webhook_deliveries WHERE status = 'pending'",
    );
    return row?.at ?? null;
  }

  markPublished(seq: number, now: number): void {
    run(
      this.sql,
      "UPDATE webhook_deliveries SET status = 'published', published_at = ?, events = '[]' WHERE seq = ?",
      now,
      seq,
    );
  }

  /** Counts a failed attempt: backs off, or gives up after MAX_PUBLISH_ATTEMPTS. */
  markAttemptFailed(seq: number, error: string, now: number): WebhookDeliveryStatus {
    const row = first<{ attempts: number }>(
      this.sql,
      "SELECT attempts FROM webhook_deliveries WHERE seq = ?",
      seq,
    );
    const attempts = (row?.attempts ?? 0) + 1;
    const status: WebhookDeliveryStatus = attempts >= MAX_PUBLISH_ATTEMPTS ? "failed" : "pending";
    const delay = Math.min(BACKOFF_BASE_MS * 2 ** (attempts - 1), BACKOFF_MAX_MS);
    run(
      this.sql,
      `UPDATE webhook_deliveries SET status = ?, attempts = ?, last_error = ?, next_attempt_at = ?
       WHERE seq = ?`,
      status,
      attempts,
      error.slice(0, 1000),
      now + delay,
      seq,
    );
    return status;
  }

  /** Forgets deliveries older than the retention (pending ones are kept until they are published). */
  prune(now: number): number {
    return run(
      this.sql,
      "DELETE FROM webhook_deliveries WHERE received_at < ? AND status != 'pending'",
      now - DELIVERY_RETENTION_MS,
    );
  }

  private row(source: EventSource, deliveryId: string): DeliveryRow | null {
    return first<DeliveryRow>(
      this.sql,
      "SELECT * FROM webhook_deliveries WHERE source = ? AND delivery_id = ?",
      source,
      deliveryId,
    );
  }
}

function toRecord(row: DeliveryRow): WebhookDeliveryRecord {
  return {
    source: row.source as EventSource,
    deliveryId: row.delivery_id,
    tenant: row.tenant,
    status: row.status as WebhookDeliveryStatus,
    receivedAt: iso(row.received_at),
    attempts: row.attempts,
    lastError: row.last_error,
    events: parseJson<IndexedEvent[]>(row.events, []),
  };
}
