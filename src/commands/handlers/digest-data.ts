/**
 * The data of a channel's digest: the tenant's Review Manager queue (src/agents/types/review-manager,
 * `reviewQueue`), kept to the repositories linked to this channel, turned into src/digest/build.ts
 * input with mentions resolved for the channel's platform.
 */
import { buildDigest, type DigestPr } from "../../digest/build";
import { peopleOf } from "../../review/candidates";
import { mention } from "../../review/format";
import { linearText } from "../../review/linear";
import { worstState } from "../../review/queue";
import type { CommandContext } from "../context";
import { type Reply, reply } from "../reply";
import { code } from "./format";
import { NO_AGENT, reviewManager } from "./reviews";
import { channelOf, need, tenantSettings } from "./shared";

export type ChannelDigest = { digest: Reply; waiting: number } | { digest: null; answer: Reply };

const answer = (text: string, lines: string[] = []): ChannelDigest => ({
  digest: null,
  answer: reply(text, { tone: "warning", title: "Digest", sections: [{ text, lines }] }),
});

/** This channel's digest, or a private answer saying why there is none. */
export async function channelDigest(ctx: CommandContext): Promise<ChannelDigest> {
  const store = tenantSettings(ctx);
  const links = await store.linksForChannel(channelOf(ctx));
  const repos = new Set(links.filter((l) => l.kind === "github").map((l) => l.target.toLowerCase()));
  if (repos.size === 0) {
    return answer("No repository is linked to this channel: nothing was posted.", [
      "Link one: `/foreman link github owner/repo`",
    ]);
  }
  const rm = await reviewManager(ctx);
  if (!rm) return answer(`${NO_AGENT} Nothing was posted.`);
  const [queue, team] = await Promise.all([rm.reviewQueue({}), store.team()]);
  const people = peopleOf(team);
  const { platform } = ctx.place;
  const prs: DigestPr[] = need(queue)
    .items.filter((item) => repos.has(item.repo.toLowerCase()))
    .map((item) => ({
      repo: item.repo,
      number: item.number,
      title: item.title,
      url: item.url,
      author: item.author,
      reviewers: item.reviewers.map((r) => ({ login: r.login, mention: mention(r.login, people, platform) })),
      waitingWorkingMs: item.waitingWorkingMs,
      state: worstState(item),
      linear: linearText(item.linear ?? []) || undefined,
    }));
  const label = `${[...repos].map(code).join(", ")}`;
  // The Review Manager keeps no merged history: the merged section is left out (null).
  const digest = buildDigest({
    channelLabel: label,
    nowMs: ctx.now.getTime(),
    prs,
    merged24h: null,
    emptyMode: "post",
  });
  if (!digest) return answer("Nothing to post.");
  return { digest, waiting: prs.length };
}
