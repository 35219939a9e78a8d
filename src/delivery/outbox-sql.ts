/** SQLite schema of the Outbox Durable Object, its row types, row -> API mappers and shared inserts. */
import { randomId } from "../platform/ids";
import { parseRef } from "./ledger-rows";
import type {
  ClaimInput,
  ClaimResult,
  DeadLetter,
  DeadLetterInput,
  DeadLetterReason,
  DeliveryAttempt,
  DeliveryRecord,
  DeliveryReport,
  FinishInput,
  OutboxEntry,
  Platform,
} from "./types";

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS deliveries (
  key TEXT PRIMARY KEY,
  delivery_id TEXT NOT NULL,
  platform TEXT NOT NULL,
  action TEXT NOT NULL,
  state TEXT NOT NULL,
  lease_token TEXT,
  lease_until INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_status INTEGER,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS deliveries_updated ON deliveries (updated_at);
CREATE TABLE IF NOT EXISTS outbox_meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS attempt_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL,
  delivery_id TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  status INTEGER,
  error TEXT,
  at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS attempt_log_key ON attempt_log (key, seq);
CREATE TABLE IF NOT EXISTS outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  key TEXT NOT NULL UNIQUE,
  tenant TEXT NOT NULL,
  platform TEXT NOT NULL,
  action TEXT NOT NULL,
  body TEXT NOT NULL,
  correlation_id TEXT NOT NULL,
  enqueued_at TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS dead_letters (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  delivery_id TEXT NOT NULL UNIQUE,
  key TEXT NOT NULL,
  tenant TEXT NOT NULL,
  platform TEXT NOT NULL,
  action TEXT NOT NULL,
  body TEXT NOT NULL,
  correlation_id TEXT NOT NULL,
  enqueued_at TEXT,
  attempts INTEGER NOT NULL,
  last_status INTEGER,
  last_error TEXT NOT NULL,
  reason TEXT NOT NULL,
  source TEXT NOT NULL,
  failed_at INTEGER NOT NULL,
  replayed_at INTEGER,
  replay_delivery_id TEXT,
  replay_count INTEGER NOT NULL DEFAULT 0
);
-- Pages of the two lists, newest first (outbox-pages.ts): each index entry ends in the row's seq.
CREATE INDEX IF NOT EXISTS outbox_created ON outbox (created_at);
CREATE INDEX IF NOT EXISTS outbox_platform_created ON outbox (platform, created_at);
CREATE INDEX IF NOT EXISTS dead_letters_failed ON dead_letters (failed_at);
CREATE INDEX IF NOT EXISTS dead_letters_platform_failed ON dead_letters (platform, failed_at);
`;

export type DeliveryState = DeliveryRecord["state"];

export type DeliveryRow = {
  key: string;
  delivery_id: string;
  platform: string;
  action: string;
  state: string;
  lease_token: string | null;
  lease_until: number | null;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  /** JSON DeliveryRef of a delivered message (column added later: may be absent on old rows). */
  ref: string | null;
  created_at: number;
  updated_at: number;
};

export type AttemptRow = {
  delivery_id: string;
  attempt: number;
  outcome: string;
  status: number | null;
  error: string | null;
  at: number;
};

export type OutboxRow = {
  id: string;
  key: string;
  tenant: string;
  platform: string;
  action: string;
  body: string;
  correlation_id: string;
  enqueued_at: string;
  created_at: number;
};

export type DeadLetterRow = {
  id: string;
  delivery_id: string;
  key: string;
  tenant: string;
  platform: string;
  action: string;
  body: string;
  correlation_id: string;
  enqueued_at: string | null;
  attempts: number;
  last_status: number | null;
  last_error: string;
  reason: string;
  source: string;
  failed_at: number;
  replayed_at: number | null;
  replay_delivery_id: string | null;
  replay_count: number;
};

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** A body column written by this code; anything unreadable comes back wrapped, not thrown. */
export function parseBody(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
    return { value };
  } catch {
    return { raw: text };
  }
}

export function toOutboxEntry(row: OutboxRow): OutboxEntry {
  return {
    id: row.id,
    tenant: row.tenant,
    platform: row.platform as Platform,
    action: row.action,
    body: parseBody(row.body),
    key: row.key,
    correlationId: row.correlation_id,
    enqueuedAt: row.enqueued_at,
    createdAt: iso(row.created_at),
  };
}

export function toDeadLetter(row: DeadLetterRow): DeadLetter {
  return {
    id: row.id,
    deliveryId: row.delivery_id,
    tenant: row.tenant,
    platform: row.platform as Platform | "unknown",
    action: row.action,
    body: parseBody(row.body),
    key: row.key,
    correlationId: row.correlation_id,
    enqueuedAt: row.enqueued_at,
    attempts: row.attempts,
    lastStatus: row.last_status,
    lastError: row.last_error,
    reason: row.reason as DeadLetterReason,
    source: row.source === "dlq" ? "dlq" : "consumer",
    failedAt: iso(row.failed_at),
    replayedAt: row.replayed_at === null ? null : iso(row.replayed_at),
    replayDeliveryId: row.replay_delivery_id,
    replayCount: row.replay_count,
  };
}

export function toDeliveryRecord(row: DeliveryRow, history: AttemptRow[]): DeliveryRecord {
  return {
    key: row.key,
    deliveryId: row.delivery_id,
    platform: row.platform,
    action: row.action,
    state: row.state as DeliveryState,
    attempts: row.attempts,
    lastStatus: row.last_status,
    lastError: row.last_error,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    history: history.map(
      (h): DeliveryAttempt => ({
        deliveryId: h.delivery_id,
        attempt: h.attempt,
        outcome: h.outcome as DeliveryAttempt["outcome"],
        status: h.status,
        error: h.error,
        at: iso(h.at),
      }),
    ),
  };
}

export function logAttempt(
  sql: SqlStorage,
  key: string,
  deliveryId: string,
  attempt: number,
  outcome: DeliveryAttempt["outcome"],
  status: number | null,
  error: string | null,
  now: number,
): void {
  sql.exec(
    "INSERT INTO attempt_log (key, delivery_id, attempt, outcome, status, error, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    key,
    deliveryId,
    attempt,
    outcome,
    status,
    error,
    now,
  );
}

/** Inserts a dead letter (no-op if the delivery id has one); returns the new id. */
export function insertDeadLetter(sql: SqlStorage, input: DeadLetterInput, now: number): string {
  const id = randomId("dl");
  sql.exec(
    `INSERT INTO dead_letters (id, delivery_id, key, tenant, platform, action, body, correlation_id, enqueued_at,
       attempts, last_status, last_error, reason, source, failed_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (delivery_id) DO NOTHING`,
    id,
    input.deliveryId,
    input.key,
    input.tenant,
    input.platform,
    input.action,
    JSON.stringify(input.body),
    input.correlationId,
    input.enqueuedAt,
    input.attempts,
    input.lastStatus,
    input.lastError,
    input.reason,
    input.source,
    now,
  );
  return id;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Delivery keys (dedup records) outlive the longest queue retry span (6 x 12 h) with margin. */
const KEY_RETENTION_MS = 7 * DAY_MS;
const LIST_RETENTION_MS = 30 * DAY_MS;
export const MAX_LIST_ROWS = 1000;

/** The daily clean-up of the Outbox: old keys and history, lists beyond 30 days or 1000 rows. */
export function pruneOutbox(sql: SqlStorage, now: number): void {
  sql.exec("DELETE FROM deliveries WHERE state != 'in_flight' AND updated_at < ?", now - KEY_RETENTION_MS);
  sql.exec("DELETE FROM attempt_log WHERE at < ?", now - KEY_RETENTION_MS);
  for (const table of ["outbox", "dead_letters"]) {
    const column = table === "outbox" ? "created_at" : "failed_at";
    sql.exec(`DELETE FROM ${table} WHERE ${column} < ?`, now - LIST_RETENTION_MS);
    sql.exec(
      `DELETE FROM ${table} WHERE seq <= (SELECT seq FROM ${table} ORDER BY seq DESC LIMIT 1 OFFSET ?)`,
      MAX_LIST_ROWS,
    );
  }
}

/** The ledger report of a finished attempt. */
export function reportOf(input: FinishInput, now: number): DeliveryReport {
  switch (input.outcome) {
    case "delivered":
      return { key: input.key, outcome: "delivered", ...(input.ref ? { ref: input.ref } : {}) };
    case "retry":
      return { key: input.key, outcome: "retrying", retryAtMs: input.retryAtMs ?? now };
    default:
      return { key: input.key, outcome: "dead", error: input.error ?? input.outcome };
  }
}

/** Claims `key` for sending under a lease; refused if delivered or leased by an unexpired claim. */
export function claimKey(sql: SqlStorage, input: ClaimInput, now: number, leaseMs: number): ClaimResult {
  const row = deliveryRow(sql, input.key);
  if (row && (row.state === "delivered" || row.state === "local")) {
    const ref = parseRef(row.ref) ?? undefined;
    return {
      claimed: false,
      reason: "delivered",
      holder: row.delivery_id,
      retryAfterSeconds: 0,
      ...(ref ? { ref } : {}),
    };
  }
  if (row && row.state === "in_flight" && (row.lease_until ?? 0) > now) {
    const retryAfterSeconds = Math.max(1, Math.ceil(((row.lease_until ?? now) - now) / 1000));
    return { claimed: false, reason: "in_flight", holder: row.delivery_id, retryAfterSeconds };
  }
  const leaseToken = randomId("lease");
  sql.exec(
    `INSERT INTO deliveries (key, delivery_id, platform, action, state, lease_token, lease_until, attempts, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'in_flight', ?, ?, 1, ?, ?)
       ON CONFLICT (key) DO UPDATE SET delivery_id = excluded.delivery_id, state = 'in_flight',
         lease_token = excluded.lease_token, lease_until = excluded.lease_until,
         attempts = deliveries.attempts + 1, updated_at = excluded.updated_at`,
    input.key,
    input.deliveryId,
    input.platform,
    input.action,
    leaseToken,
    now + leaseMs,
    now,
    now,
  );
  return { claimed: true, leaseToken, attempt: deliveryRow(sql, input.key)?.attempts ?? 1 };
}

export function deliveryRow(sql: SqlStorage, key: string): DeliveryRow | undefined {
  return sql.exec<DeliveryRow>("SELECT * FROM deliveries WHERE key = ?", key).toArray()[0];
}
