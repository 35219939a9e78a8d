/**
 * A person's own review queue where they look at themselves (`/foreman me` on both platforms — the
 * Discord counterpart of the Slack Home tab): the first lines of `review mine`, and a "Start block"
 * button per repository where two or more reviews wait for them (`review.block`: all started at
 * once, smallest first). Read-only: it never starts an agent.
 */
import { reviewManagerAgent } from "../../agents/review-manager";
import { loginKey, peopleOf } from "../../agents/review-manager/model/candidates";
import type { QueueItem } from "../../agents/review-manager/model/model";
import { queueLine } from "../../agents/review-manager/model/queue";
import { encodeAction } from "../../chat/actions";
import { literal } from "../../chat/markup";
import type { ReplyButton, ReplySection } from "../../chat/reply";
import { plural } from "../../chat/text";
import { errorMessage, unwrap } from "../../platform/errors";
import type { TeamMember } from "../../settings/model";
import type { CommandContext } from "../context";
import { need, tenantCoordinator } from "./shared";

/** Lines of the queue shown on `/foreman me` (the rest: `review mine`). */
const SHOWN = 5;
/** The button id must fit 100 characters: `fm1:review.block:` + the repository. */
const MAX_REPO = 80;

export interface MyQueue {
  section: ReplySection;
  /** "Start block" per repository with two or more reviews waiting for the person. */
  blocks: ReplyButton[];
}

/** Repositories where two or more of `items` wait for `login` (not started), with how many. */
export function blocksOf(items: readonly QueueItem[], login: string): Array<{ repo: string; count: number }> {
  const counts = new Map<string, number>();
  for (const item of items) {
    const mine = item.reviewers.find((r) => loginKey(r.login) === loginKey(login));
    if (mine?.status !== "requested") continue;
    counts.set(item.repo.toLowerCase(), (counts.get(item.repo.toLowerCase()) ?? 0) + 1);
  }
  return [...counts]
    .filter(([repo, count]) => count >= 2 && repo.length <= MAX_REPO && !repo.includes(":"))
    .map(([repo, count]) => ({ repo, count }));
}

export function blockButtons(items: readonly QueueItem[], login: string): ReplyButton[] {
  return blocksOf(items, login).map(({ repo, count }) => ({
    action: encodeAction("review.block", repo),
    label: `Start ${count} in ${repo}`.slice(0, 75),
  }));
}

export async function myQueue(ctx: CommandContext, member: TeamMember, team: TeamMember[]): Promise<MyQueue> {
  const title = "Your review queue";
  try {
    const pick = unwrap(await tenantCoordinator(ctx).liveAgent("review-manager"));
    if (!pick) return { section: { title, text: "No reviews are tracked yet." }, blocks: [] };
    const queue = need(await reviewManagerAgent(ctx.env, pick.agentId).reviewQueue({ login: member.github }));
    if (queue.items.length === 0)
      return { section: { title, text: "Nothing is waiting for your review." }, blocks: [] };
    const people = peopleOf(team);
    const lines = queue.items
      .slice(0, SHOWN)
      .map((item) => queueLine(item, people, ctx.place.platform, member.tz));
    const more = queue.items.length - SHOWN;
    if (more > 0) lines.push(`…and ${more} more: \`/foreman review mine\` lists them all.`);
    const blocks = blocksOf(queue.items, member.github).map(
      ({ repo, count }) =>
        `${literal(repo)}: ${count} waiting — **Start ${count} in ${literal(repo)}** starts them all, smallest first.`,
    );
    const text = `${plural(queue.items.length, "pull request")} waiting for your review.`;
    return {
      section: { title, text, lines: [...lines, ...blocks] },
      blocks: blockButtons(queue.items, member.github),
    };
  } catch (err) {
    return {
      section: { title, text: `Your review queue is unavailable right now (${literal(errorMessage(err))}).` },
      blocks: [],
    };
  }
}
