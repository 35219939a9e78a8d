/**
 * Cards that follow the review. Every card Foreman posts about a PR into a channel is remembered
 * (`review_cards`); the delivery consumer's report tells where it landed (Slack ts, Discord message
 * id). After any change to the PR (started, commented, changes requested, approved, reassigned,
 * snoozed, reminder, breach, merged, closed) a refresh is scheduled a few seconds later, so a burst
 * of events becomes one edit; the refresh edits each card in place (`chat.update`, Discord PATCH)
 * with the review as it stands. At most one edit per card is in flight: changes meanwhile wait for
 * its confirmation and go out as the next edit, so edits never land out of order. A card whose
 * place is not known yet is edited once it is.
 */

import type { ChannelRef, ChatPlatform } from "../../chat/platform";
import type { Reply } from "../../chat/reply";
import { deliveryKey } from "../../domain/pr-refs";
import type { DeliveryRef } from "../../platform/http-client";
import { all, first, parseJson, run } from "../../platform/sql";
import type { Scheduler } from "../framework/scheduler";
import { cardFor } from "./assign";
import type { TenantView, Work } from "./context";
import { cardSignature, cardStatus } from "./model/card-status";
import type { ReviewerRecord, TrackedPr } from "./model/model";

/** Scheduled task that refreshes a PR's cards; key `cards:<prId>`. */
export const CARDS_TASK = "review.cards";
/** Events within this long after a change become one edit. */
export const CARD_EDIT_DELAY_MS = 3_000;
/** Cards kept per PR (older ones are no longer edited). */
const MAX_CARDS_PER_PR = 10;

type CardRow = {
  key: string;
  pr_id: number;
  platform: string;
  workspace_id: string;
  channel_id: string;
  ref: string | null;
  signature: string;
  version: number;
  in_flight: string | null;
  posted_at: number;
};

export interface LiveCard {
  key: string;
  prId: number;
  channel: ChannelRef;
  ref: DeliveryRef | null;
  signature: string;
  version: number;
  inFlight: string | null;
}

const toCard = (row: CardRow): LiveCard => ({
  key: row.key,
  prId: row.pr_id,
  channel: {
    platform: row.platform as ChatPlatform,
    workspaceId: row.workspace_id,
    channelId: row.channel_id,
  },
  ref: row.ref ? parseJson<DeliveryRef | null>(row.ref, null) : null,
  signature: row.signature,
  version: row.version,
  inFlight: row.in_flight,
});

export class CardStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS review_cards (
      key TEXT PRIMARY KEY, pr_id INTEGER NOT NULL, platform TEXT NOT NULL, workspace_id TEXT NOT NULL,
      channel_id TEXT NOT NULL, ref TEXT, signature TEXT NOT NULL, version INTEGER NOT NULL DEFAULT 0,
      in_flight TEXT, posted_at INTEGER NOT NULL)`);
    sql.exec("CREATE INDEX IF NOT EXISTS review_cards_pr ON review_cards (pr_id, posted_at)");
    sql.exec("CREATE INDEX IF NOT EXISTS review_cards_in_flight ON review_cards (in_flight)");
  }

  /** Remembers a card just posted (showing `signature`); the PR keeps its newest cards only. */
  track(prId: number, channel: ChannelRef, key: string, signature: string, nowMs: number): void {
    run(
      this.sql,
      `INSERT INTO review_cards (key, pr_id, platform, workspace_id, channel_id, signature, posted_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
      key,
      prId,
      channel.platform,
      channel.workspaceId,
      channel.channelId,
      signature,
      nowMs,
    );
    run(
      this.sql,
      `DELETE FROM review_cards WHERE pr_id = ? AND key NOT IN
         (SELECT key FROM review_cards WHERE pr_id = ? ORDER BY posted_at DESC, key LIMIT ?)`,
      prId,
      prId,
      MAX_CARDS_PER_PR,
    );
  }

  forPr(prId: number): LiveCard[] {
    return all<CardRow>(
      this.sql,
      "SELECT * FROM review_cards WHERE pr_id = ? ORDER BY posted_at, key",
      prId,
    ).map(toCard);
  }

  /** The newest card of the PR in `channel` whose place is known (to reply in its thread). */
  placed(prId: number, channel: ChannelRef): LiveCard | null {
    const row = first<CardRow>(
      this.sql,
      `SELECT * FROM review_cards WHERE pr_id = ? AND platform = ? AND workspace_id = ? AND channel_id = ?
         AND ref IS NOT NULL ORDER BY posted_at DESC LIMIT 1`,
      prId,
      channel.platform,
      channel.workspaceId,
      channel.channelId,
    );
    return row ? toCard(row) : null;
  }

  /** A delivery settled: a card's place, or the end of an edit. Returns the PR it concerns (or null). */
  settled(key: string, ref: DeliveryRef | null): number | null {
    const card = first<CardRow>(this.sql, "SELECT * FROM review_cards WHERE key = ?", key);
    if (card) {
      if (ref) run(this.sql, "UPDATE review_cards SET ref = ? WHERE key = ?", JSON.stringify(ref), key);
      return card.pr_id;
    }
    const editing = first<CardRow>(this.sql, "SELECT * FROM review_cards WHERE in_flight = ?", key);
    if (!editing) return null;
    run(this.sql, "UPDATE review_cards SET in_flight = NULL WHERE key = ?", editing.key);
    return editing.pr_id;
  }

  /** Whether any card of `pr` shows something other than the review as it stands. */
  outdated(pr: TrackedPr, reviewers: readonly ReviewerRecord[]): boolean {
    const signature = cardSignature(pr, reviewers);
    return all<{ signature: string }>(
      this.sql,
      "SELECT signature FROM review_cards WHERE pr_id = ?",
      pr.id,
    ).some((r) => r.signature !== signature);
  }

  private startEdit(key: string, editKey: string, signature: string): void {
    run(
      this.sql,
      "UPDATE review_cards SET in_flight = ?, signature = ?, version = version + 1 WHERE key = ?",
      editKey,
      signature,
      key,
    );
  }

  /**
   * Edits every placed card of `pr` whose content is out of date and has no edit in flight; the others
   * (place unknown, or an edit in flight) are refreshed when their confirmation arrives.
   */
  refresh(work: Work, view: TenantView, pr: TrackedPr): void {
    const current = work.store.prById(pr.id) ?? pr;
    const reviewers = work.store.reviewers(pr.id);
    const signature = cardSignature(current, reviewers);
    for (const card of this.forPr(pr.id)) {
      if (card.signature === signature || !card.ref || card.inFlight) continue;
      const reply = liveCard(work, view, current, card.channel.platform);
      const editKey = deliveryKey("rm:edit", card.key, `v${card.version + 1}`);
      work.emit({ kind: "edit", channel: card.channel, ref: card.ref, reply, key: editKey });
      this.startEdit(card.key, editKey, signature);
    }
  }
}

/** The card as the review stands: its headline says where things are at a glance. */
export function liveCard(work: Work, view: TenantView, pr: TrackedPr, platform: ChatPlatform): Reply {
  const status = cardStatus(pr, work.store.reviewers(pr.id), view.people, platform, work.nowMs);
  return cardFor(work, view, pr, platform, status.headline, { tone: status.tone });
}

/** Schedules a refresh of the PR's cards (once: a burst of changes becomes one edit). */
export function scheduleRefresh(scheduler: Scheduler, prId: number, nowMs: number): void {
  const key = `cards:${prId}`;
  if (scheduler.has(key)) return;
  scheduler.schedule(nowMs + CARD_EDIT_DELAY_MS, CARDS_TASK, { prId }, key, nowMs);
}
