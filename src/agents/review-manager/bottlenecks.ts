/**
 * Bottleneck alerts (docs/insights.md): once an hour the Review Manager looks at everyone's open
 * reviews (src/domain/insights.ts `reviewerLoads`); a reviewer over capacity with aging reviews is a
 * bottleneck, and the first time they are one the leads hear of it — in the channels linked to the
 * repository of their oldest review, else by direct message — with a Rebalance button that reassigns
 * that review. Once per episode: the episode ends when they are back within capacity, and the next
 * one is told again.
 */
import { encodeAction } from "../../chat/actions";
import { literal } from "../../chat/markup";
import type { ChatPlatform } from "../../chat/platform";
import type { Reply } from "../../chat/reply";
import { type ReviewerLoad, reviewerLoads, workingTime } from "../../domain/insights";
import { deliveryKey, prRef } from "../../domain/pr-refs";
import { HOUR_MS } from "../../domain/time";
import { all, run } from "../../platform/sql";
import type { TenantView, Work } from "./context";
import { leadsOf, loginKey } from "./model/candidates";
import { mention, mentionAll } from "./model/format";
import type { QueueItem } from "./model/model";
import { dmPerson } from "./notify";
import { openReviews } from "./queue-view";

/** The hourly look (key `bottlenecks:check`). */
export const BOTTLENECK_TASK = "review.bottlenecks";
const KEY = "bottlenecks:check";

/** Schedules the next look within the hour, if none is due. */
export function ensureBottleneckCheck(work: Work): void {
  if (!work.scheduler.has(KEY)) {
    work.scheduler.schedule(work.nowMs + HOUR_MS, BOTTLENECK_TASK, {}, KEY, work.nowMs);
  }
}

/** Episodes in progress: who is a bottleneck, since when (the alert was sent then). */
export class BottleneckEpisodes {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(
      "CREATE TABLE IF NOT EXISTS review_bottlenecks (login_key TEXT PRIMARY KEY, since INTEGER NOT NULL)",
    );
  }

  current(): Map<string, number> {
    const rows = all<{ login_key: string; since: number }>(this.sql, "SELECT * FROM review_bottlenecks");
    return new Map(rows.map((r) => [r.login_key, Number(r.since)]));
  }

  start(key: string, atMs: number): void {
    run(this.sql, "INSERT OR IGNORE INTO review_bottlenecks (login_key, since) VALUES (?, ?)", key, atMs);
  }

  end(key: string): void {
    run(this.sql, "DELETE FROM review_bottlenecks WHERE login_key = ?", key);
  }
}

/**
 * The loads as they stand: a new bottleneck is alerted (with the view of its oldest review's
 * repository, from `viewOf`), an episode whose reviewer is back within capacity ends. Answers the
 * reviewers alerted.
 */
export async function checkBottlenecks(
  work: Work,
  episodes: BottleneckEpisodes,
  items: readonly QueueItem[],
  viewOf: (item: QueueItem) => Promise<TenantView>,
): Promise<string[]> {
  const loads = reviewerLoads(openReviews(items), work.config.capacity);
  const open = episodes.current();
  const alerted: string[] = [];
  for (const load of loads) {
    const key = loginKey(load.login);
    if (!load.overCapacity && open.has(key)) episodes.end(key);
    if (!load.bottleneck || open.has(key)) continue;
    const item = items.find((i) => i.repo === load.oldest.repo && i.number === load.oldest.number);
    if (!item) continue;
    alert(work, await viewOf(item), item, load);
    episodes.start(key, work.nowMs);
    alerted.push(load.login);
  }
  // Reviewers with no open review at all are not in the loads: their episodes end too.
  const withReviews = new Set(loads.map((l) => loginKey(l.login)));
  for (const key of open.keys()) if (!withReviews.has(key)) episodes.end(key);
  return alerted;
}

function alertReply(load: ReviewerLoad, item: QueueItem, view: TenantView, platform: ChatPlatform): Reply {
  const leads = leadsOf(view.people);
  const to = leads.length ? `${mentionAll(leads, platform, view.people)}: ` : "";
  const ref = literal(prRef(item));
  const text =
    `${to}bottleneck — ${mention(load.login, view.people, platform)} has ${load.open} open reviews ` +
    `(capacity ${load.capacity}), ${load.aging} of them aging; the oldest, ${ref}, has waited ` +
    `${workingTime(load.oldestWaitingMs)} of working time. Rebalance reassigns it to the next reviewer.`;
  return {
    ephemeral: false,
    text,
    title: "Review bottleneck",
    sections: [{ text }],
    buttons: [{ action: encodeAction("review.rebalance", load.login), label: `Rebalance ${load.login}` }],
    tone: "warning",
  };
}

function alert(work: Work, view: TenantView, item: QueueItem, load: ReviewerLoad): void {
  const tag = `bottleneck:${loginKey(load.login)}:${work.nowMs}`;
  work.log(`bottleneck: ${load.login} has ${load.open} open reviews (capacity ${load.capacity})`);
  if (view.channels.length > 0) {
    for (const channel of view.channels) {
      const key = deliveryKey("rm", tag, channel.platform, channel.workspaceId, channel.channelId);
      work.emit({ kind: "channel", channel, reply: alertReply(load, item, view, channel.platform), key });
    }
    return;
  }
  const pr = work.store.prById(item.id);
  if (!pr) return;
  for (const lead of leadsOf(view.people)) {
    dmPerson(work, pr, lead, (platform) => alertReply(load, item, view, platform), tag, "escalation");
  }
}
