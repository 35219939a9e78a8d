/**
 * The App Home tab: the user's own settings (team membership, out-of-office) and the workspace's
 * channel links, from the tenant's TenantSettings. Built as a neutral Reply and rendered with the
 * message renderer at the App Home limit of 100 blocks.
 */

import { channelRef, code, literal } from "../../chat/markup";
import { type Reply, type ReplySection, reply } from "../../chat/reply";
import { type HomeView, LIMITS } from "../../chat/slack/blocks";
import { renderBlocks } from "../../chat/slack/render";
import type { CommandContext } from "../../commands/context";
import { errorMessage } from "../../platform/errors";
import type { ChannelLink, MemberAvailability, TeamMember } from "../../settings/model";
import { settings } from "../../settings/stub";
import type { SlackLog } from "./log";

export const REVIEW_QUEUE_NOTE =
  "Your review queue: `/foreman review mine` (pull requests waiting for you, with their SLA state).";

export async function homeView(ctx: CommandContext, log: SlackLog): Promise<HomeView> {
  return { type: "home", blocks: renderBlocks(await homeReply(ctx, log), LIMITS.homeBlocks) };
}

export async function homeReply(ctx: CommandContext, log: SlackLog): Promise<Reply> {
  const sections: ReplySection[] = [];
  try {
    const store = settings(ctx.env, ctx.tenant);
    const [member, availability, links] = await Promise.all([
      store.member(ctx.actor),
      store.availability(ctx.now.toISOString()),
      store.links(),
    ]);
    const mine = availability.find(
      (a) => a.member.user.id === ctx.actor.id && a.member.user.platform === "slack",
    );
    sections.push(yourSettings(member, mine));
    sections.push(workspaceLinks(links.filter((l) => inWorkspace(l, ctx.place.workspaceId))));
  } catch (err) {
    log("warn", "slack.home_settings_failed", { correlationId: ctx.correlationId, error: errorMessage(err) });
    sections.push({ title: "Your settings", text: "Settings are unavailable right now; try again shortly." });
  }
  sections.push({ title: "Review queue", text: REVIEW_QUEUE_NOTE });
  return reply("Foreman", {
    title: "Foreman",
    sections,
    footer: "Type `/foreman help` in any channel for every command.",
  });
}

function yourSettings(member: TeamMember | null, mine: MemberAvailability | undefined): ReplySection {
  if (!member) {
    return {
      title: "Your settings",
      text: "You are not on the team yet. A team lead can add you with `/foreman team add`.",
    };
  }
  const ooo = mine?.ooo;
  const planned = mine?.planned;
  const away = ooo
    ? `Out of office ${ooo.until ? `until ${ooo.until}` : "until further notice"}`
    : planned?.from
      ? `Available; out of office from ${planned.from} ${planned.until ? `until ${planned.until}` : "until further notice"}`
      : "Available";
  return {
    title: "Your settings",
    fields: [
      { label: "Team", value: member.lead ? "Member (lead)" : "Member" },
      { label: "GitHub", value: code(member.github) },
      { label: "Time zone", value: literal(member.tz) },
      { label: "Out of office", value: away },
      {
        label: "Working hours",
        value: `${member.workingHours.days.join(", ")} ${member.workingHours.start}–${member.workingHours.end}`,
      },
    ],
  };
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
