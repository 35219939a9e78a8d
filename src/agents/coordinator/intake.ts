/**
 * Plain data of the webhook hand-off: what the HTTP edge gives a tenant's Coordinator
 * (`Coordinator.ingest`) and what it answers. Crosses Durable Object RPC, so plain data only.
 */
import type { DomainEvent, EventSource } from "../../events/types";

/** One domain event of a delivery, with its position in the delivery (part of its event id). */
export interface IndexedEvent {
  index: number;
  event: DomainEvent;
}

/** The events of one delivery meant for one tenant. */
export interface WebhookDelivery {
  source: EventSource;
  /** `X-GitHub-Delivery` / `Linear-Delivery`: the de-duplication key and the correlation id. */
  deliveryId: string;
  receivedAt: string;
  events: IndexedEvent[];
}

/** `pending`: recorded, not yet in every inbox (retried); `failed`: retries exhausted. */
export type WebhookDeliveryStatus = "pending" | "published" | "failed";

export interface IngestResult {
  /** This delivery id was already recorded for the tenant: nothing was done a second time. */
  duplicate: boolean;
  status: WebhookDeliveryStatus;
}

/** A recorded delivery, as `Coordinator.webhookDelivery` shows it. */
export interface WebhookDeliveryRecord {
  source: EventSource;
  deliveryId: string;
  tenant: string;
  status: WebhookDeliveryStatus;
  receivedAt: string;
  attempts: number;
  lastError: string | null;
  events: IndexedEvent[];
}

/** The standing agent types: spawned per tenant on the first link or delivery. */
export const STANDING_TYPES = [
  "review-manager",
  "linear-state",
  "integration-dashboard",
  "context-optimizer",
  "pattern-bridge",
] as const;
/**
 * Standing types that take webhook events (the Context Optimizer takes messages for people instead;
 * the Pattern Bridge reads the Review Manager's figures on its own alarm).
 */
export const EVENT_TYPES: readonly StandingType[] = [
  "review-manager",
  "linear-state",
  "integration-dashboard",
];
export type StandingType = (typeof STANDING_TYPES)[number];
export type StandingAgents = Record<StandingType, string>;

/** Event names for `Coordinator.publish`: `github.<kind>` for GitHub, the kind itself for Linear. */
export function eventName(source: EventSource, event: DomainEvent): string {
  return source === "github" ? `github.${event.kind}` : event.kind;
}
