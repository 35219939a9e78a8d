/**
 * What the Context Optimizer routes: one message meant for one person, as the deciding agent built
 * it (sent as it is when it goes alone), with what it needs to be merged with others. Plain data:
 * it crosses Durable Object RPC.
 */
import type { ChatUserRef } from "../../chat/platform";
import type { Reply } from "../../chat/reply";
import type { HoldReason, NotifyMode } from "../../domain/notify";

export const ITEM_KINDS = [
  "review",
  "again",
  "reminder",
  "nudge",
  "author",
  "breach",
  "escalation",
  "handover",
  "next",
  "note",
] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

export interface ItemPr {
  repo: string;
  number: number;
  title: string;
  url: string;
  /** Lines changed, when known (for the effort of a block of reviews). */
  lines: number | null;
}

export interface PersonItem {
  /** The delivery key of the message sent alone: a repeated item is routed once. */
  key: string;
  user: ChatUserRef;
  /** Their GitHub login, when known. */
  login: string | null;
  kind: ItemKind;
  /** Sent at once unless the person is away or outside working hours (breach, escalation, urgent label). */
  urgent: boolean;
  pr: ItemPr | null;
  /** The message as it is sent alone. */
  reply: Reply;
  /** When the deciding agent decided it (its clock, epoch ms). */
  atMs: number;
  /** Not for now: brought back at the person's next window whatever their mode (a context note). */
  later?: boolean;
}

/** An item waiting for its person, as `/foreman me` and `GET /api/people` show it. */
export interface HeldItem {
  key: string;
  kind: ItemKind;
  urgent: boolean;
  pr: ItemPr | null;
  /** The one-line text of the item. */
  text: string;
  heldAt: string;
  /** When it is due to go out (with the rest held then). */
  releaseAt: string;
  reason: HoldReason;
}

/** Today's counts for one person (their local day). */
export interface PersonCounts {
  /** Messages that reached them today. */
  sent: number;
  /** Items held for later today. */
  held: number;
  /** Items that went out merged with others. */
  merged: number;
  /** Items kept from them while in focus, off hours, away or above the cap (interruptions avoided). */
  avoided: number;
  /** Urgent messages that reached them during a focus block. */
  focusInterruptions: number;
}

export interface PersonState {
  user: ChatUserRef;
  login: string | null;
  mode: NotifyMode;
  localDate: string;
  today: PersonCounts;
  held: HeldItem[];
  nextReleaseAt: string | null;
}

export const EMPTY_COUNTS: PersonCounts = { sent: 0, held: 0, merged: 0, avoided: 0, focusInterruptions: 0 };

/**
 * Whether an item goes out when routing is off (a paused optimizer): everything but the extras the
 * optimizer batches — the next review offered, a review asked again after changes (GitHub tells them
 * too), notes for later — which would only add messages.
 */
export function sentWithoutRouting(item: Pick<PersonItem, "kind" | "later">): boolean {
  return item.kind !== "next" && item.kind !== "again" && item.later !== true;
}
