/** Who is on the team and how to reach them, as TenantSettings answers it (pure over its stores). */

import type { ChannelRef } from "../chat/platform";
import { sameUser } from "../chat/platform";
import type { NotifyPrefs } from "../domain/notify";
import {
  type MemberAvailability,
  type OooEntry,
  oooActive,
  oooPending,
  type SettingsSummary,
  type TeamMember,
} from "./model";
import {
  effectiveNotify,
  type NotifyPrefsStore,
  notifyUserKey,
  type OwnNotify,
  type TeamNotify,
} from "./notify-prefs";
import type { SettingsStore } from "./store";
import { localDate } from "./time";

/** A person's notify record: their own choices, the team's, and what applies. */
export interface PersonNotify {
  /** null: not on the team. */
  member: TeamMember | null;
  own: OwnNotify;
  team: TeamNotify;
  effective: NotifyPrefs;
}

/** Every member with their local date at `when`, the absence in force then, any not ended, and their notify prefs. */
export function availabilityOf(
  members: TeamMember[],
  entries: OooEntry[],
  notify: NotifyPrefsStore,
  when: Date,
): MemberAvailability[] {
  const own = notify.allOwn();
  const team = notify.team();
  return members.map((member) => {
    const date = localDate(when, member.tz);
    const entry = entries.find((e) => sameUser(e.user, member.user));
    const ooo = entry && oooActive(entry, date) ? entry : null;
    return {
      member,
      localDate: date,
      ooo,
      planned: entry && oooPending(entry, date) ? entry : null,
      notify: effectiveNotify(own.get(notifyUserKey(member.user)) ?? null, team),
    };
  });
}

/** Team size, leads, who is out, this channel's links and digest: what `status` shows. */
export function summaryOf(
  store: SettingsStore,
  availability: MemberAvailability[],
  channel: ChannelRef,
): SettingsSummary {
  return {
    teamSize: availability.length,
    leads: store.leads(),
    outToday: availability.flatMap((a) => (a.ooo ? [{ ...a.ooo, user: a.member.user }] : [])),
    outLater: availability.flatMap((a) =>
      a.planned && !a.ooo ? [{ ...a.planned, user: a.member.user }] : [],
    ),
    channelLinks: store.links({ channel }),
    totalLinks: store.links().length,
    digest: store.digests(channel)[0] ?? null,
  };
}
