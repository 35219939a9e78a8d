/**
 * `review list` / `review mine`: PRs waiting for review, oldest first, with SLA state. Pure. Due
 * times read in the reader's zone when it is known (they are on the team), else in each reviewer's
 * own; the zone is always named.
 */

import type { ChatPlatform } from "../../../chat/platform";
import type { Reply } from "../../../chat/reply";
import type { SlaState } from "../../../domain/sla";
import type { People } from "./candidates";
import { duration, localTime, mention, prLink, SLA_STATE_TEXT } from "./format";
import { linearText } from "./linear";
import type { QueueItem, QueueReviewer, ReviewQueue } from "./model";

export const MAX_QUEUE_LINES = 20;

function reviewerText(r: QueueReviewer, people: People, platform: ChatPlatform, zone: string | null): string {
  const who = mention(r.login, people, platform);
  const progress = r.status === "in_progress" ? " (in review)" : "";
  if (r.paused) return `${who}${progress}: paused while draft`;
  if (!r.state || r.dueAtMs === null || !r.tz) return `${who}${progress}: no SLA`;
  return `${who}${progress}: **${SLA_STATE_TEXT[r.state]}**, due ${localTime(r.dueAtMs, zone ?? r.tz)}`;
}

export function queueLine(
  item: QueueItem,
  people: People,
  platform: ChatPlatform,
  zone: string | null = null,
): string {
  const waited = `waiting ${duration(item.waitingWorkingMs)} of working time`;
  const who = item.reviewers.length
    ? item.reviewers.map((r) => reviewerText(r, people, platform, zone)).join("; ")
    : "**nobody assigned**";
  const linear = linearText(item.linear ?? []);
  return `${prLink(item)} — ${waited} · ${who}${linear ? ` · Linear: ${linear}` : ""}`;
}

/** The worst SLA state among the item's reviewers (null when none has an SLA running). */
export function worstState(item: QueueItem): SlaState | null {
  const order: SlaState[] = ["breached", "at_risk", "ok"];
  return order.find((s) => item.reviewers.some((r) => r.state === s && !r.paused)) ?? null;
}

/** How many of `items` there are, and how many are breached / at risk (by `worstState`). */
export function countsOf(items: readonly QueueItem[]): { total: number; breached: number; atRisk: number } {
  const states = items.map(worstState);
  return {
    total: items.length,
    breached: states.filter((s) => s === "breached").length,
    atRisk: states.filter((s) => s === "at_risk").length,
  };
}

export interface QueueReplyOptions {
  title: string;
  /** The answer when nothing is waiting. */
  empty: string;
  /** What is counted: "pull request waiting for review". */
  noun: (n: number) => string;
  /** The reader's zone (from the team roster); null: each reviewer's own. */
  zone: string | null;
  /** How to ask for another page of the list (`review list --page N`); absent: "…and N more". */
  pageCommand?: (page: number) => string;
}

export function queueReply(
  queue: ReviewQueue,
  people: People,
  platform: ChatPlatform,
  options: QueueReplyOptions,
): Reply {
  const { items } = queue;
  const total = queue.total ?? items.length;
  const offset = queue.offset ?? 0;
  if (total === 0) {
    return { ephemeral: true, text: options.empty, title: options.title, sections: [], buttons: [] };
  }
  const pages = Math.ceil(total / MAX_QUEUE_LINES);
  const page = Math.floor(offset / MAX_QUEUE_LINES) + 1;
  if (items.length === 0) {
    const text = `There ${pages === 1 ? "is 1 page" : `are ${pages} pages`} of ${options.noun(total)}: page ${page} is past the end.`;
    return { ephemeral: true, text, title: options.title, sections: [], buttons: [], tone: "warning" };
  }
  const states = items.map(worstState);
  const breached = queue.counts?.breached ?? states.filter((s) => s === "breached").length;
  const atRisk = queue.counts?.atRisk ?? states.filter((s) => s === "at_risk").length;
  const notes = [breached ? `${breached} breached` : "", atRisk ? `${atRisk} at risk` : ""].filter(Boolean);
  const text = `${options.noun(total)}${notes.length ? ` (${notes.join(", ")})` : ""}, oldest first.`;
  const lines = items
    .slice(0, MAX_QUEUE_LINES)
    .map((item) => queueLine(item, people, platform, options.zone));
  const more = total - offset - Math.min(items.length, MAX_QUEUE_LINES);
  if (more > 0 && options.pageCommand) {
    lines.push(
      `Page ${page} of ${pages} — ${options.pageCommand(page + 1)} for the next ${Math.min(more, MAX_QUEUE_LINES)}`,
    );
  } else if (more > 0) lines.push(`…and ${more} more`);
  else if (page > 1) lines.push(`Page ${page} of ${pages}`);
  return {
    ephemeral: true,
    text,
    title: options.title,
    sections: [{ text, lines }],
    buttons: [],
    tone: breached ? "warning" : "info",
  };
}
