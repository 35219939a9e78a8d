/**
 * Who is on the team and how to reach them, as TenantSettings answers it, and the change people make
 * to their own working hours and zone (over its stores).
 */

import { type ChannelRef, type ChatUserRef, sameUser } from "../chat/platform";
import type { NotifyPrefs } from "../domain/notify";
import { NotFoundError, ValidationError } from "../platform/errors";
import {
  type MemberAvailability,
  type OooEntry,
  oooActive,
  oooPending,
  type SettingsSummary,
  type TeamMember,
  type WorkingHours,
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
import { buildMember, bySchema, check } from "./validate";

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

/** What someone may change about themselves on the roster: their working hours, their zone, or both. */
export interface HoursPatch {
  workingHours?: WorkingHours;
  tz?: string;
}

export const NOT_ON_TEAM = "You are not on the team yet: an admin adds you with `team add`.";

/**
 * `user`'s working hours and/or zone changed (validated like `team add`; 400 naming the field), the
 * rest of their record kept; 404 when they are not on the team. `by` is checked like every write's;
 * the roster records only who added someone (and `updatedAt`), so it is not stored.
 */
export function updateHours(
  store: SettingsStore,
  user: ChatUserRef,
  patch: HoursPatch,
  by: string,
): { member: TeamMember; previous: TeamMember } {
  const previous = store.member(user);
  if (!previous) throw new NotFoundError(NOT_ON_TEAM);
  if (patch.workingHours === undefined && patch.tz === undefined) {
    throw new ValidationError([
      { field: "workingHours", message: "give the working hours, the zone or both" },
    ]);
  }
  check(bySchema, by, "by");
  const { workingHours, tz } = patch;
  const member = buildMember(
    { user: previous.user, github: previous.github, workingHours, tz },
    previous,
    by,
  );
  store.upsertMember(member);
  return { member, previous };
}
