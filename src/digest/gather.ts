/**
 * Gathering a channel's digest: the tenant's Review Manager queue (src/agents/review-manager,
 * `reviewQueue`), kept to the repositories linked to this channel, turned into src/digest/build.ts
 * input with mentions resolved for the channel's platform. `postChannelDigest` posts it: `digest now`
 * and the digest cron (src/digest/cron.ts) share it.
 */
import { digestMetrics } from "../agents/integration-dashboard/digest";
import { findReviewManager, NO_REVIEW_MANAGER } from "../agents/review-manager/find";
import { peopleOf } from "../agents/review-manager/model/candidates";
import { mention } from "../agents/review-manager/model/format";
import { linearText } from "../agents/review-manager/model/linear";
import { worstState } from "../agents/review-manager/model/queue";
import type { ChannelRef } from "../chat/platform";
import { postToChannel } from "../chat/post";
import { type Reply, reply } from "../chat/reply";
import type { Env } from "../env";
import { unwrap } from "../platform/errors";
import { settings } from "../settings/stub";
import { teamOf } from "../settings/team";
import { applyFilters, buildDigest, DIGEST_MAX_PRS, type DigestFilters, type DigestPr } from "./build";

export type ChannelDigest = { digest: Reply; waiting: number } | { digest: null; answer: Reply };

const answer = (text: string, lines: string[] = []): ChannelDigest => ({
  digest: null,
  answer: reply(text, { tone: "warning", title: "Digest", sections: [{ text, lines }] }),
});

/** Where a digest is built for, and when; `actor` names who asked (absent for the cron). */
export interface DigestTarget {
  env: Env;
  tenant: string;
  channel: ChannelRef;
  correlationId: string;
  nowMs: number;
  actor?: string;
}

/** How a digest finds the tenant's Review Manager (findReviewManager: the standing one, started if missing). */
export type FindReviewManager = typeof findReviewManager;

/**
 * A channel's digest for `digest now`, its Refresh button and the digest cron; a reader that must
 * start no agent (the dashboard's preview) passes its own `find`.
 */
export async function buildChannelDigest(
  target: DigestTarget,
  find: FindReviewManager = findReviewManager,
): Promise<ChannelDigest> {
  const { env, tenant, channel } = target;
  const store = settings(env, tenant);
  const links = await store.linksForChannel(channel);
  const repos = new Set(links.filter((l) => l.kind === "github").map((l) => l.target.toLowerCase()));
  if (repos.size === 0) {
    return answer("No repository is linked to this channel: nothing was posted.", [
      "Link one: `/foreman link github owner/repo`",
    ]);
  }
  const meta = target.actor
    ? { correlationId: target.correlationId, actor: target.actor }
    : { correlationId: target.correlationId };
  const rm = await find(env, tenant, meta);
  if (!rm) return answer(`${NO_REVIEW_MANAGER} Nothing was posted.`);
  const prefs = await store.digestPrefs(channel);
  const [queue, team, metrics] = await Promise.all([
    // The channel's repositories only, the longest-waiting first, at most DIGEST_MAX_PRS of them (the
    // count of all that wait comes with them): a digest stays one bounded read however large the queue.
    rm.reviewQueue({
      includeDrafts: !prefs.ignoreDrafts,
      policies: false,
      repos: [...repos],
      limit: DIGEST_MAX_PRS,
    }),
    teamOf(env, tenant),
    digestMetrics(env, tenant, [...repos], target.nowMs),
  ]);
  const people = peopleOf(team);
  const { platform } = channel;
  const waiting = unwrap(queue);
  // The Review Manager answered the channel's repositories only (`repos` above).
  const prs: DigestPr[] = waiting.items.map((item) => ({
    repo: item.repo,
    number: item.number,
    title: item.title,
    url: item.url,
    author: item.author,
    reviewers: item.reviewers.map((r) => ({ login: r.login, mention: mention(r.login, people, platform) })),
    waitingWorkingMs: item.waitingWorkingMs,
    // "at risk" also when the forecast says so before the SLA clock does (docs/predictions.md).
    state: worstState(item) === "ok" && item.predicted?.atRisk ? "at_risk" : worstState(item),
    linear: linearText(item.linear ?? []) || undefined,
    draft: item.draft,
    approvals: item.approvals,
    labels: item.labels,
  }));
  // A channel's stored filters are the builder's filters (0 and [] mean off).
  const filters: DigestFilters = prefs;
  const shown = applyFilters(prs, filters);
  // Plain text: the label becomes the message title (a Slack header, a Discord embed title).
  const label = [...repos].join(", ");
  // Merged PRs and the slowest repository come from the Integration Dashboard's review metrics;
  // null when it is missing or failed (the merged section is left out, the old bottleneck stays).
  const digest = buildDigest({
    channelLabel: label,
    nowMs: target.nowMs,
    prs: shown,
    merged24h: metrics.merged24h,
    ...(metrics.slowestRepo ? { slowestRepo: metrics.slowestRepo } : {}),
    filters,
    emptyMode: prefs.emptyMode,
    ...((waiting.total ?? 0) > waiting.items.length ? { waitingTotal: waiting.total } : {}),
  });
  if (!digest) {
    return answer("No pull request is waiting for review: nothing was posted.", [
      "This channel skips empty digests. Post them anyway: `/foreman digest filter --empty post`",
    ]);
  }
  return { digest, waiting: shown.length };
}

/**
 * Builds a channel's digest and submits it for the channel under the idempotency key `key` (the same
 * key posts once). Returns what was built, and whether this call put it on its way (`sent`): false
 * when there was no digest, or the key was submitted before.
 */
export async function postChannelDigest(
  env: Env,
  tenant: string,
  channel: ChannelRef,
  options: { key: string; correlationId: string; nowMs: number; actor?: string },
): Promise<ChannelDigest & { sent: boolean }> {
  const { key, ...rest } = options;
  const built = await buildChannelDigest({ env, tenant, channel, ...rest });
  if (!built.digest) return { ...built, sent: false };
  const submitted = await postToChannel(env, tenant, channel, built.digest, {
    key,
    correlationId: options.correlationId,
  });
  return { ...built, sent: submitted.accepted };
}
