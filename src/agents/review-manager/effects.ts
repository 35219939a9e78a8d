/**
 * What the Review Manager sends (GitHub review requests, channel cards and their edits, messages to
 * people through the Context Optimizer, and Foreman events such as `foreman.sla.breach` published through the Coordinator). Each effect is
 * rendered into its exact delivery and recorded in the agent's delivery ledger (src/delivery/ledger.ts)
 * in the same synchronous step as the state change that calls for it; it stays there until the
 * delivery consumer reports it delivered or dead, and is handed over again if that word does not come.
 * Delivery keys make a second send of the same effect post once.
 */

import type { ChannelRef } from "../../chat/platform";
import { channelEdit, channelMessage } from "../../chat/post";
import type { Reply } from "../../chat/reply";
import { buildDelivery } from "../../delivery/enqueue";
import type { DeliveryLedger } from "../../delivery/ledger";
import type { DeliveryRequest } from "../../delivery/types";
import type { Env } from "../../env";
import { errorMessage } from "../../platform/errors";
import type { DeliveryRef } from "../../platform/http-client";
import { all, run, tableExists } from "../../platform/sql";
import type { PersonItem } from "../context-optimizer/model";
import { coordinator } from "../coordinator/stub";

export type GitHubReviewAction =
  | "pulls.requestReviewers"
  | "pulls.removeRequestedReviewers"
  | "issues.addLabels"
  | "repos.createCommitStatus";

export type Effect =
  | { kind: "github"; action: GitHubReviewAction; body: Record<string, unknown>; key: string }
  /** A new message in a channel; `replyTo` (a posted message) makes it a reply in its thread. */
  | { kind: "channel"; channel: ChannelRef; reply: Reply; key: string; replyTo?: DeliveryRef }
  /** An edit in place of a message posted earlier (`ref`: where it landed). */
  | { kind: "edit"; channel: ChannelRef; ref: DeliveryRef; reply: Reply; key: string }
  /** A message to one person, routed by the Context Optimizer (sent now or when it helps them). */
  | { kind: "person"; item: PersonItem; key: string }
  /** A Foreman event published through the tenant's Coordinator; `key` is its event id (sent once). */
  | { kind: "event"; name: "foreman.sla.breach"; data: SlaBreachEventData; key: string }
  | { kind: "event"; name: "foreman.review.requested"; data: ReviewRequestedEventData; key: string };

/** `foreman.review.requested`: Foreman asked these people to review (for review metrics). */
export type ReviewRequestedEventData = { repo: string; number: number; reviewers: string[]; atMs: number };

/** `foreman.sla.breach`: a reviewer's SLA budget ran out (for review metrics). */
export type SlaBreachEventData = {
  repo: string;
  number: number;
  reviewer: string;
  /** When it was breached: the SLA clock's breach time (not when the late alarm ran). */
  atMs: number;
  /** The SLA budget in working ms. */
  budgetMs: number;
};

/** The delivery an effect stands for (null: an event, run locally). */
function deliveryOf(effect: Effect): Omit<DeliveryRequest, "tenant" | "correlationId"> | null {
  switch (effect.kind) {
    case "github":
      return { platform: "github", action: effect.action, body: effect.body, key: effect.key };
    case "channel": {
      const options = effect.replyTo ? { key: effect.key, replyTo: effect.replyTo } : { key: effect.key };
      return { ...channelMessage(effect.channel, effect.reply, options), key: effect.key };
    }
    case "edit": {
      const edit = channelEdit(effect.channel, effect.ref, effect.reply);
      return edit ? { ...edit, key: effect.key } : null;
    }
    case "person":
    case "event":
      return null;
  }
}

/** Records effects of one step in the ledger; an effect that could never be sent is logged, not kept. */
export function recordEffect(
  ledger: DeliveryLedger,
  tenant: string,
  effect: Effect,
  correlationId: string,
  nowMs: number,
  onInvalid: (message: string) => void,
): void {
  if (effect.kind === "event") {
    ledger.addLocal(effect.key, { name: effect.name, data: effect.data, correlationId }, nowMs);
    return;
  }
  if (effect.kind === "person") {
    ledger.addLocal(`route:${effect.key}`, { kind: "person", item: effect.item, correlationId }, nowMs);
    return;
  }
  const delivery = deliveryOf(effect);
  if (!delivery) {
    onInvalid(`${effect.key}: no message to edit`);
    return;
  }
  try {
    ledger.add(buildDelivery({ ...delivery, tenant, correlationId }, nowMs), nowMs);
  } catch (err) {
    onInvalid(`${effect.key}: ${errorMessage(err)}`);
  }
}

/** Runs a local effect recorded by `recordEffect`: publishes the event through the Coordinator. */
export async function publishEvent(
  env: Env,
  tenant: string,
  key: string,
  payload: Record<string, unknown>,
): Promise<void> {
  const name = String(payload.name ?? "");
  const data = (payload.data ?? {}) as Record<string, unknown>;
  const correlationId = typeof payload.correlationId === "string" ? payload.correlationId : key;
  const published = await coordinator(env, tenant).publish({ name, data, eventId: key, correlationId });
  if (!published.ok) throw new Error(`publishing ${name} failed: ${published.error.message}`);
}

type LegacyRow = { seq: number; effect: string; correlation_id: string; created_at: number };

/**
 * Effects left in the table of earlier versions (`review_effects`, deleted once enqueued) move into
 * the ledger, once per object.
 */
export function migrateLegacyEffects(
  sql: SqlStorage,
  record: (effect: Effect, correlationId: string) => void,
): number {
  if (!tableExists(sql, "review_effects")) return 0;
  const rows = all<LegacyRow>(
    sql,
    "SELECT seq, effect, correlation_id, created_at FROM review_effects ORDER BY seq",
  );
  for (const row of rows) {
    try {
      record(JSON.parse(row.effect) as Effect, row.correlation_id);
    } catch {
      // An unreadable row was unsendable before too.
    }
  }
  run(sql, "DROP TABLE review_effects");
  return rows.length;
}
