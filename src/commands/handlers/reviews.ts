/**
 * `review list|mine|assign` and the review card's buttons, answered by the tenant's Review Manager
 * agent (src/agents/review-manager) over RPC. Without a Review Manager they say so and show
 * what is configured for reviews.
 */

import type { ReviewButton } from "../../agents/review-manager";
import { findReviewManager, NO_REVIEW_MANAGER, type ReviewManager } from "../../agents/review-manager/find";
import { peopleOf } from "../../agents/review-manager/model/candidates";
import { MAX_QUEUE_LINES, queueReply } from "../../agents/review-manager/model/queue";
import type { ReviewAction } from "../../chat/actions";
import { literal } from "../../chat/markup";
import { sameUser } from "../../chat/platform";
import { type Reply, type ReplySection, reply } from "../../chat/reply";
import { capped, plural } from "../../chat/text";
import { parsePrRef } from "../../domain/pr-refs";
import { teamOf } from "../../settings/team";
import type { CommandContext } from "../context";
import { authorize } from "../permissions";
import type { CommandOf } from "../types";
import { channel, code, who } from "./format";
import { callMeta, channelOf, errorReply, need, tenantSettings } from "./shared";
import { ruleLine } from "./sla";

/**
 * The tenant's Review Manager: the standing one (the Coordinator starts it if missing), else (the
 * Coordinator could not start it) the live one `liveAgent` picks; null when there is none.
 */
export async function reviewManager(ctx: CommandContext): Promise<ReviewManager | null> {
  return findReviewManager(ctx.env, ctx.tenant, callMeta(ctx));
}

async function configured(ctx: CommandContext): Promise<ReplySection[]> {
  const store = tenantSettings(ctx);
  const [links, rules] = await Promise.all([store.links(), store.slaRules()]);
  const repos = links.filter((l) => l.kind === "github");
  return [
    {
      title: "Linked repositories",
      lines: repos.length
        ? capped(
            repos.map((l) => `${code(l.target)} — ${channel(l.channel, ctx.place)}`),
            15,
          )
        : ["None yet: `/foreman link github owner/repo`"],
    },
    { title: "Review SLA", lines: rules.map(ruleLine) },
  ];
}

async function noAgent(ctx: CommandContext, title: string, lines: string[] = []): Promise<Reply> {
  return reply(NO_REVIEW_MANAGER, {
    tone: "warning",
    title,
    sections: [{ text: NO_REVIEW_MANAGER, ...(lines.length ? { lines } : {}) }, ...(await configured(ctx))],
  });
}

export async function reviewList(command: CommandOf<"review.list">, ctx: CommandContext): Promise<Reply> {
  const rm = await reviewManager(ctx);
  if (!rm) return noAgent(ctx, "Reviews");
  // One page of MAX_QUEUE_LINES: the Review Manager looks up forecasts and Linear issues for it only.
  const offset = ((command.page ?? 1) - 1) * MAX_QUEUE_LINES;
  const [queue, team] = await Promise.all([
    rm.reviewQueue({ offset, limit: MAX_QUEUE_LINES }),
    teamOf(ctx.env, ctx.tenant),
  ]);
  const zone = team.find((m) => sameUser(m.user, ctx.actor))?.tz;
  const answer = queueReply(need(queue), peopleOf(team), ctx.place.platform, {
    zone: zone ?? null,
    title: "Reviews",
    empty: "No pull requests are waiting for review.",
    noun: (n) => `${plural(n, "pull request")} waiting for review`,
    pageCommand: (page) => code(`/foreman review list --page ${page}`),
  });
  // Nothing waiting: show what is watched, so "nothing" is not mistaken for "not set up".
  if (answer.sections.length > 0) return answer;
  return { ...answer, sections: [{ text: answer.text }, ...(await configured(ctx))] };
}

export async function reviewMine(_command: CommandOf<"review.mine">, ctx: CommandContext): Promise<Reply> {
  // The team comes with its version stamp (one small call while it is unchanged): "me" is in it.
  const team = await teamOf(ctx.env, ctx.tenant);
  const me = team.find((m) => sameUser(m.user, ctx.actor));
  if (!me) {
    const text =
      "You are not on the team yet: `/foreman team add @you github:your-login` so reviews can be matched to you.";
    return reply(text, { tone: "warning", title: "Your reviews" });
  }
  const rm = await reviewManager(ctx);
  if (!rm) return noAgent(ctx, "Your reviews", [`You are on the team as ${code(me.github)}.`]);
  const queue = await rm.reviewQueue({ login: me.github });
  return queueReply(need(queue), peopleOf(team), ctx.place.platform, {
    zone: me.tz,
    title: "Your reviews",
    empty: `You are on the team as ${code(me.github)}: nothing is waiting for your review.`,
    noun: (n) => `${plural(n, "pull request")} waiting for your review`,
  });
}

export async function reviewAssign(command: CommandOf<"review.assign">, ctx: CommandContext): Promise<Reply> {
  const ref = `${command.pr.repo}#${command.pr.number}`;
  const rm = await reviewManager(ctx);
  if (!rm) return noAgent(ctx, "Review assignment", [`Nothing was assigned to ${code(ref)}.`]);
  const result = need(
    await rm.assignNow({
      repo: command.pr.repo.toLowerCase(),
      number: command.pr.number,
      platform: ctx.place.platform,
      correlationId: ctx.correlationId,
    }),
  );
  const footer = `Asked by ${who(ctx.actor, ctx.place)}.`;
  if (result.outcome !== "unknown") return { ...result.reply, footer };
  // Unknown PR: the likely causes are a repository that is not linked or has no webhook yet.
  const text = `Foreman has not seen ${literal(ref)} yet: nothing was assigned to ${code(ref)}.`;
  const webhook =
    "A pull request is tracked once a GitHub webhook about it arrives (opened, ready for review, review requested, ...).";
  return reply(text, {
    tone: "warning",
    title: "Review assignment",
    sections: [{ text, lines: [webhook, ...(await setupLines(ctx, command.pr.repo))] }],
    footer,
  });
}

async function setupLines(ctx: CommandContext, repo: string): Promise<string[]> {
  const store = tenantSettings(ctx);
  const [team, where] = await Promise.all([
    store.availability(ctx.now.toISOString()),
    store.linksForTarget("github", repo),
  ]);
  const out = team.filter((a) => a.ooo).length;
  return [
    team.length
      ? `Foreman would choose among ${plural(team.length, "team member")}${out ? `, skipping ${out} out of office today` : ""}.`
      : "No one is on the team yet: `/foreman team add @person github:login`.",
    where.length
      ? `${code(repo.toLowerCase())} is linked in ${where.map((l) => channel(l.channel, ctx.place)).join(", ")}.`
      : `${code(repo)} is not linked to any channel: ${code(`/foreman link github ${repo}`)}.`,
  ];
}

/**
 * "Rebalance" (insights, bottleneck alerts): the reviewer's oldest review nobody has started yet, to
 * be reassigned to the next candidate; null when there is none.
 */
async function oldestWaiting(
  rm: NonNullable<Awaited<ReturnType<typeof reviewManager>>>,
  login: string,
): Promise<string | null> {
  const queue = need(await rm.reviewQueue({ login }), "");
  const waiting = queue.items.flatMap((item) =>
    item.reviewers
      .filter((r) => r.login.toLowerCase() === login.toLowerCase() && r.status === "requested")
      .map((r) => ({ target: `${item.repo}#${item.number}`, at: r.requestedAtMs })),
  );
  waiting.sort((a, b) => a.at - b.at);
  return waiting[0]?.target ?? null;
}

const NOT_MEMBER_BLOCK = "Only team members can start reviews: `/foreman team add @you github:your-login`.";

/**
 * A review card button (or "Start block" on a batch of reviews). Start review needs a team member; Reassign and Snooze need a reviewer of
 * the PR or chat admin rights (as for `review assign`), asked only when being a reviewer is not
 * enough. Success replaces the card; anything else is a private answer. Never throws.
 */
export async function reviewAction(action: ReviewAction, ctx: CommandContext): Promise<Reply> {
  const privately = (r: Reply): Reply => ({ ...r, ephemeral: true, replaceOriginal: false });
  try {
    const rm = await reviewManager(ctx);
    if (!rm) return privately(reply(NO_REVIEW_MANAGER, { tone: "warning" }));
    const member = await tenantSettings(ctx).member(ctx.actor);
    let target = action.arg;
    let from: string | undefined;
    if (action.verb === "review.rebalance") {
      from = action.arg;
      const oldest = await oldestWaiting(rm, from);
      if (!oldest) {
        const text = `${literal(from)} has no review waiting that nobody has started: nothing to rebalance.`;
        return privately(reply(text, { tone: "info" }));
      }
      target = oldest;
    }
    if (action.verb === "review.block") {
      if (!member) return privately(reply(NOT_MEMBER_BLOCK, { tone: "warning" }));
      const input = { repo: action.arg, login: member.github, actor: ctx.actor, place: channelOf(ctx) };
      return privately(need(await rm.startBlock({ ...input, correlationId: ctx.correlationId }), ""));
    }
    const verb = (
      action.verb === "review.rebalance" ? "reassign" : action.verb.slice("review.".length)
    ) as ReviewButton;
    if (verb === "claim" && !member) {
      const text = "Only team members can start a review: `/foreman team add @you github:your-login`.";
      return privately(reply(text, { tone: "warning" }));
    }
    const input = {
      verb,
      target,
      actor: ctx.actor,
      login: member?.github ?? null,
      admin: false,
      place: channelOf(ctx),
      correlationId: ctx.correlationId,
      ...(from ? { from } : {}),
    };
    let outcome = await rm.act(input);
    if (!outcome.ok && outcome.error.status === 403) {
      // The same rights as `review assign` (authorize only looks at the command's name).
      const pr = parsePrRef(target) ?? { repo: "unknown/unknown", number: 1 };
      const access = await authorize({ name: "review.assign", pr }, ctx);
      if (!access.allowed) {
        const text = literal(outcome.error.message);
        const lines = access.reply.sections.flatMap((s) => s.lines ?? []);
        return privately(reply(text, { tone: "warning", title: "Not allowed", sections: [{ text, lines }] }));
      }
      outcome = await rm.act({ ...input, admin: true });
    }
    const result = need(outcome, "That pull request is not tracked any more.");
    if (!result.changed) return privately(result.reply);
    // A rebalance answers under the insights or the alert it came from; a card button replaces its card.
    return from ? { ...result.reply, replaceOriginal: false } : { ...result.reply, replaceOriginal: true };
  } catch (err) {
    return privately(errorReply(err, ctx));
  }
}
