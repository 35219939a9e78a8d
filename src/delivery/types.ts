/** Outbound deliveries: every post to Slack, Discord, GitHub or Linear is one of these. */
import type { Env } from "../env";
import type { ClientDeps, DeliveryRef, PlatformClient } from "../platform/http-client";
import type { CredentialLookup } from "./credentials";
export const PLATFORMS = ["slack", "discord", "github", "linear"] as const;
export type Platform = (typeof PLATFORMS)[number];

export interface DeliveryRequest {
  tenant: string;
  platform: Platform;
  /** e.g. "chat.postMessage", "channels.messages.create", "pulls.requestReviewers", "issueUpdate" */
  action: string;
  body: Record<string, unknown>;
  /** Idempotency key: two deliveries with one key post once. Defaults to a fresh id. */
  key?: string;
  correlationId?: string;
  /** A Slack DM that waits while this Slack user is in Do Not Disturb (non-urgent messages). */
  holdWhileDnd?: string;
}

/**
 * Durable Object namespaces that decide effects and keep them in a DeliveryLedger until the consumer
 * reports them delivered or dead (src/delivery/ledger.ts). `OUTBOX` is the tenant's Outbox itself,
 * for effects decided outside any agent (chat replies, digests, alerts).
 */
export const ORIGIN_BINDINGS = [
  "OUTBOX",
  "REVIEW_MANAGER",
  "LINEAR_STATE",
  "INTEGRATION_DASHBOARD",
  "CONTEXT_OPTIMIZER",
  "PATTERN_BRIDGE",
] as const;
export type OriginBinding = (typeof ORIGIN_BINDINGS)[number];

/** Which object decided a delivery (and wants to hear how it ended): a namespace and an object name. */
export interface DeliveryOrigin {
  binding: OriginBinding;
  name: string;
}

/** How a delivery ended (or when to expect the next word on it), reported back to its origin. */
export type DeliveryReport =
  | { key: string; outcome: "delivered"; ref?: DeliveryRef }
  | { key: string; outcome: "dead"; error: string }
  /** Still being tried by the queue: the next attempt is due at `retryAtMs`. */
  | { key: string; outcome: "retrying"; retryAtMs: number };

/** A Durable Object that keeps a DeliveryLedger and takes the consumer's reports. */
export interface DeliveryConfirmer {
  confirmDeliveries(reports: DeliveryReport[]): Promise<void> | void;
}

/** The queue message (also what a dead letter keeps). */
export interface DeliveryMessage extends DeliveryRequest {
  id: string;
  key: string;
  correlationId: string;
  enqueuedAt: string;
  /** Who decided it and keeps it until it is reported delivered or dead. */
  origin?: DeliveryOrigin;
}

/** A delivery that landed in the tenant's local outbox (demo mode: platform not configured). */
export interface OutboxEntry {
  /** The delivery id (`dlv_...`). */
  id: string;
  tenant: string;
  platform: Platform;
  action: string;
  body: Record<string, unknown>;
  key: string;
  correlationId: string;
  enqueuedAt: string;
  createdAt: string;
}

export type DeadLetterReason = "permanent" | "exhausted" | "malformed" | "dlq";

/** A delivery that failed for good (or reached the dead-letter queue). */
export interface DeadLetter {
  /** Dead-letter id (`dl_...`). */
  id: string;
  /** The failed delivery's id (`dlv_...`), or `msg:<queue message id>` for a malformed message. */
  deliveryId: string;
  tenant: string;
  /** "unknown" only for a malformed message. */
  platform: Platform | "unknown";
  action: string;
  body: Record<string, unknown>;
  key: string;
  correlationId: string;
  enqueuedAt: string | null;
  attempts: number;
  lastStatus: number | null;
  lastError: string;
  reason: DeadLetterReason;
  /** Who recorded it: the outbound consumer after its last attempt, or the DLQ consumer. */
  source: "consumer" | "dlq";
  failedAt: string;
  replayedAt: string | null;
  replayDeliveryId: string | null;
  replayCount: number;
}

/** Send state of one delivery key, with its attempt history (for operators). */
export interface DeliveryRecord {
  key: string;
  deliveryId: string;
  platform: string;
  action: string;
  state: "in_flight" | "delivered" | "failed" | "dead" | "local";
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  history: DeliveryAttempt[];
}

export interface DeliveryAttempt {
  deliveryId: string;
  attempt: number;
  /** `local`: written to the demo outbox instead of sent. */
  outcome: "delivered" | "retry" | "permanent" | "exhausted" | "local";
  status: number | null;
  error: string | null;
  at: string;
}

/* ---- Outbox Durable Object RPC inputs and results (src/delivery/outbox.ts) ---- */

export interface ClaimInput {
  key: string;
  deliveryId: string;
  platform: string;
  action: string;
}

export type ClaimResult =
  | { claimed: true; leaseToken: string; attempt: number }
  | {
      claimed: false;
      reason: "delivered" | "in_flight";
      holder: string;
      retryAfterSeconds: number;
      /** Where the earlier send landed (delivered only, when the platform said). */
      ref?: DeliveryRef;
    };

export interface DeadLetterInput {
  deliveryId: string;
  key: string;
  tenant: string;
  platform: string;
  action: string;
  body: Record<string, unknown>;
  correlationId: string;
  enqueuedAt: string | null;
  attempts: number;
  lastStatus: number | null;
  lastError: string;
  reason: DeadLetterReason;
  source: "consumer" | "dlq";
}

export interface FinishInput {
  key: string;
  deliveryId: string;
  leaseToken: string;
  outcome: "delivered" | "retry" | "permanent" | "exhausted";
  status: number | null;
  error: string | null;
  /** Where the message landed (delivered). */
  ref?: DeliveryRef;
  /** When the queue tries again (retry). */
  retryAtMs?: number;
  /** Recorded in the same transaction when the outcome is final and failed. */
  deadLetter?: DeadLetterInput;
}

export type RecordResult =
  | { recorded: true; id: string }
  | { recorded: false; reason: "duplicate" | "delivered" };

/** How one delivery goes out, given what the tenant's Outbox holds for its platform. */
export type Sender =
  | {
      kind: "client";
      client: PlatformClient;
      /**
       * Slack: when this user's Do Not Disturb ends if they are in it at `nowMs`, else null — asked with
       * the same token the message goes out with; null when it cannot be told (never hold on a failed
       * check). Absent: no delivery is held.
       */
      dndUntil?(userId: string, nowMs: number): Promise<number | null>;
    }
  /** The platform is not configured for the tenant: kept in the local outbox (demo mode). */
  | { kind: "local" }
  /** Must not go out at all (a revoked install, a repository no installation covers): dead at once. */
  | { kind: "refused"; error: string };

/**
 * How deliveries reach the platforms, given to the consumer by the Worker entry
 * (src/integrations/clients.ts): delivery itself knows no platform API.
 */
export interface PlatformSenders {
  /** How `d` goes out, given the tenant's credential for its platform (src/delivery/credentials.ts). */
  senderFor(env: Env, d: DeliveryMessage, deps: ClientDeps, credential: CredentialLookup): Promise<Sender>;
  /** Where a message kept in the local outbox stands in for a posted one (so it can be edited). */
  localRefOf(d: Pick<DeliveryMessage, "platform" | "action" | "body" | "id">): DeliveryRef | undefined;
}
