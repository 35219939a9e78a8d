/** Formatting shared by the handlers: people, channels, dates, lists — in the neutral reply markup. */
import { localTime } from "../../agents/review-manager/model/format";
import { channelRef, code, literal } from "../../chat/markup";
import type { ChannelRef, ChatUserRef } from "../../chat/platform";
import type { Weekday } from "../../domain/time";
import { describeDays, nextRun } from "../../settings/time";
import type { ChatPlace } from "../context";
import { formatMention } from "../mentions";

/** `platform:id`: who did something, as stored in settings and workflow history. */
export const actorKey = (u: { platform: string; id: string }) => `${u.platform}:${u.id}`;

/**
 * A person as a mention on their own platform; on the other platform a mention would be a broken
 * id, so their name (or id) and platform instead.
 */
export function who(user: ChatUserRef, place: ChatPlace): string {
  if (user.platform === place.platform) return formatMention(user);
  return `${literal(user.name ?? user.id)} (${user.platform === "slack" ? "Slack" : "Discord"})`;
}

export const sameChannelAs = (c: ChannelRef, place: ChatPlace) =>
  c.platform === place.platform && c.workspaceId === place.workspaceId && c.channelId === place.channelId;

/** A channel reference `<#ID>` where it renders (same platform and workspace), else a plain note. */
export function channel(c: ChannelRef, place: ChatPlace): string {
  if (sameChannelAs(c, place)) return "this channel";
  if (c.platform === place.platform && c.workspaceId === place.workspaceId) return channelRef(c.channelId);
  return `a channel in another ${c.platform === "slack" ? "Slack workspace" : "Discord server"}`;
}

export { code };

/** `09:30 Europe/Berlin, Mon-Fri`, plus `(next: Tue 2026-11-24)` when given the time now. */
export function describeSchedule(s: { time: string; tz: string; days: Weekday[] }, now?: Date): string {
  const next = now ? nextRun(now, s) : null;
  const upcoming = next
    ? ` (next: ${next.weekday[0]?.toUpperCase()}${next.weekday.slice(1)} ${next.date})`
    : "";
  return `**${s.time}** ${literal(s.tz)}, ${describeDays(s.days)}${upcoming}`;
}

/**
 * An instant as the reader reads it: `Tue 2026-11-24 09:14 Europe/Berlin` in their roster zone
 * (`zone`), else in UTC; the zone is always named, and there are no seconds.
 */
export const readerTime = (at: Date | number, zone: string | null): string =>
  localTime(typeof at === "number" ? at : at.getTime(), zone ?? "UTC");
