/** Outbound deliveries: every post to Slack, Discord, GitHub or Linear is one of these. */
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
}

/** The queue message (also what a dead letter keeps). */
export interface DeliveryMessage extends DeliveryRequest {
  id: string;
  key: string;
  correlationId: string;
  enqueuedAt: string;
}
