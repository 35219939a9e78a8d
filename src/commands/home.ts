/**
 * What the Slack App Home tab shows one person (src/integrations/slack/home.ts renders it): their
 * settings and how messages reach them, what is held for them now, their review queue with each
 * pull request's buttons (the Review Manager's `reviewQueue({login})`, as `review mine` asks it),
 * windows that fit when they actually review with a button to use them (./handlers/rhythm.ts), and
 * the workspace's channel links. Each part fails on its own: the rest is still shown. Reading
 * starts no agent.
 */
import { reviewManagerAgent } from "../agents/review-manager";
import { NO_REVIEW_MANAGER } from "../agents/review-manager/find";
import { loginKey, peopleOf } from "../agents/review-manager/model/candidates";
import { reviewButtonId } from "../agents/review-manager/model/cards";
import type { QueueItem } from "../agents/review-manager/model/model";
import { MAX_QUEUE_LINES, queueLine, queueReply } from "../agents/review-manager/model/queue";
import { channelRef, code, literal } from "../chat/markup";
import { sameUser } from "../chat/platform";
import { type Reply, type ReplyButton, type ReplySection, reply } from "../chat/reply";
import { plural } from "../chat/text";
import { errorMessage, unwrap } from "../platform/errors";
import type { ChannelLink, MemberAvailability, TeamMember } from "../settings/model";
import type { PersonNotify } from "../settings/people";
import { teamOf } from "../settings/team";
import { describeDays } from "../settings/time";
import type { CommandContext } from "./context";
import { heldSections, NOT_ON_TEAM } from "./handlers/me";
import { blockButtons } from "./handlers/my-queue";
import { modeMeaning } from "./handlers/notify-text";
import { rhythmSuggestion } from "./handlers/rhythm";
import { need, tenantCoordinator, tenantSettings } from "./handlers/shared";

export interface HomePage {
  /** The person's settings, how messages reach them, today's counts and what is held for them. */
  head: Reply;
  /** The review queue: a summary, then one reply per pull request with its buttons. */
  queue: Reply[];
  /** The workspace's links and the footer. */
  tail: Reply;
}

/** A part failed: logged with `event` (the Slack adapter's log), shown as unavailable. */
export type HomeLog = (event: string, error: string) => void;

interface Mine {
  member: TeamMember | null;
  entry: MemberAvailability | undefined;
  notify: PersonNotify;
  team: TeamMember[];
  links: ChannelLink[];
}

export async function homePage(ctx: CommandContext, log: HomeLog): Promise<HomePage> {
  let mine: Mine | null = null;
  try {
    const store = tenantSettings(ctx);
    const [notify, availability, team, links] = await Promise.all([
      store.notifyPrefs(ctx.actor),
      store.availability(ctx.now.toISOString()),
      teamOf(ctx.env, ctx.tenant),
      store.links(),
    ]);
    const entry = availability.find((a) => sameUser(a.member.user, ctx.actor));
    mine = { member: notify.member, entry, notify, team, links };
  } catch (err) {
    log("slack.home_settings_failed", errorMessage(err));
  }
  const member = mine?.member ?? null;
  const [held, queue, rhythm] = await Promise.all([
    member ? heldSections(ctx, mine?.notify.effective.dailyCap ?? 0, member.tz) : Promise.resolve([]),
    member && mine ? reviewQueue(ctx, member, mine.team, log) : Promise.resolve(noQueue(mine)),
    member && mine ? rhythmSuggestion(ctx, member, mine.notify.effective) : Promise.resolve(null),
  ]);
  const settings: ReplySection = mine
    ? yourSettings(mine)
    : { title: "Your settings", text: "Settings are unavailable right now; try again shortly." };
  const head = reply("Foreman", {
    title: "Foreman",
    sections: [settings, ...held, ...(rhythm ? [rhythm.section] : [])],
    buttons: rhythm?.buttons ?? [],
  });
  const links = (mine?.links ?? []).filter((l) => inWorkspace(l, ctx.place.workspaceId));
  const tail = reply("Links", {
    sections: [
      mine ? workspaceLinks(links) : { title: "Links in this workspace", text: "Unavailable right now." },
    ],
    footer:
      "`/foreman me` shows and changes how messages reach you, `/foreman me hours mon-fri 09:00-17:00` and `/foreman me zone Europe/Berlin` your working hours and zone; `/foreman help` lists every command.",
  });
  return { head, queue, tail };
}

function yourSettings({ member, entry, notify }: Mine): ReplySection {
  if (!member) return { title: "Your settings", text: NOT_ON_TEAM };
  const ooo = entry?.ooo;
  const planned = entry?.planned;
  const away = ooo
    ? `Out of office ${ooo.until ? `until ${ooo.until}` : "until further notice"}`
    : planned?.from
      ? `Available; out of office from ${planned.from} ${planned.until ? `until ${planned.until}` : "until further notice"}`
      : "Available";
  const { effective, own } = notify;
  const mode = `**${effective.mode}** (${own.mode ? "yours" : "the team's default"}): ${modeMeaning(effective.mode, effective.windows)}`;
  return {
    title: "Your settings",
    fields: [
      { label: "Team", value: member.lead ? "Member (lead)" : "Member" },
      { label: "GitHub", value: code(member.github) },
      { label: "Time zone", value: literal(member.tz) },
      { label: "Out of office", value: away },
      {
        label: "Working hours",
        value: `${describeDays(member.workingHours.days)} ${member.workingHours.start}–${member.workingHours.end}`,
      },
      { label: "Messages", value: mode },
    ],
  };
}

const queueTitle = "Your review queue";

function noQueue(mine: Mine | null): Reply[] {
  const text = mine
    ? "You are not on the team yet, so no review is matched to you."
    : "Unavailable right now.";
  return [reply(text, { sections: [{ title: queueTitle, text }] })];
}

/** The person's review queue: a summary, then each pull request with its buttons. */
async function reviewQueue(
  ctx: CommandContext,
  member: TeamMember,
  team: TeamMember[],
  log: HomeLog,
): Promise<Reply[]> {
  const section = (text: string) => [reply(text, { sections: [{ title: queueTitle, text }] })];
  try {
    const pick = unwrap(await tenantCoordinator(ctx).liveAgent("review-manager"));
    if (!pick) return section(NO_REVIEW_MANAGER);
    const queue = need(await reviewManagerAgent(ctx.env, pick.agentId).reviewQueue({ login: member.github }));
    const people = peopleOf(team);
    const summary = queueReply(queue, people, "slack", {
      zone: member.tz,
      title: queueTitle,
      empty: `You are on the team as ${code(member.github)}: nothing is waiting for your review.`,
      noun: (n) => `${plural(n, "pull request")} waiting for your review`,
    });
    const shown = queue.items.slice(0, MAX_QUEUE_LINES);
    const more = queue.items.length - shown.length;
    const items = shown.map((item) => {
      const line = queueLine(item, people, "slack", member.tz);
      return reply(line, { sections: [{ text: line }], buttons: buttonsOf(item, member.github) });
    });
    const rest = more > 0 ? section(`…and ${more} more: \`/foreman review mine\` lists them all.`) : [];
    const blocks = blockButtons(queue.items, member.github);
    const block = blocks.length
      ? [
          reply("Blocks of work", {
            sections: [{ text: "Start every review waiting in one repository at once, smallest first:" }],
            buttons: blocks,
          }),
        ]
      : [];
    return [...section(summary.text), ...items, ...rest, ...block];
  } catch (err) {
    log("slack.home_queue_failed", errorMessage(err));
    return section("Your review queue is unavailable right now; try again shortly.");
  }
}

/** The review card's buttons for one pull request of the person's queue. */
function buttonsOf(item: QueueItem, login: string): ReplyButton[] {
  const pr = { id: item.id, repo: item.repo, number: item.number };
  const mine = item.reviewers.find((r) => loginKey(r.login) === loginKey(login));
  return [
    ...(mine?.status === "requested"
      ? [{ action: reviewButtonId("review.claim", pr), label: "Start review", style: "primary" as const }]
      : []),
    { action: reviewButtonId("review.reassign", pr), label: "Reassign" },
    { action: reviewButtonId("review.snooze", pr), label: "Snooze 2h" },
  ];
}

function workspaceLinks(links: ChannelLink[]): ReplySection {
  if (links.length === 0) {
    return {
      title: "Links in this workspace",
      text: "No channel links yet: `/foreman link github owner/repo`.",
    };
  }
  return {
    title: "Links in this workspace",
    lines: links.map(
      (l) =>
        `${l.kind === "github" ? "GitHub" : "Linear"} ${code(l.target)} → ${channelRef(l.channel.channelId)}`,
    ),
  };
}

function inWorkspace(link: ChannelLink, workspaceId: string): boolean {
  return link.channel.platform === "slack" && link.channel.workspaceId === workspaceId;
}
