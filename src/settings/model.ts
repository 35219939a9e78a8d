/**
 * Shapes of a tenant's chat settings (team, out-of-office, channel links, review SLAs, digest
 * schedules) and the pure rules over them. Plain data only: these cross Durable Object RPC.
 */
import type { ChannelRef, ChatUserRef } from "../chat/platform";
import type { NotifyPrefs } from "../domain/notify";
import type { Weekday } from "../domain/time";

export interface WorkingHours {
  days: Weekday[];
  /** Local time of day in the member's zone, HH:MM (24 h). */
  start: string;
  end: string;
}

export const DEFAULT_TZ = "UTC";
export const DEFAULT_WORKING_HOURS: WorkingHours = {
  days: ["mon", "tue", "wed", "thu", "fri"],
  start: "09:00",
  end: "17:00",
};

export interface TeamMember {
  user: ChatUserRef;
  /** GitHub login, unique per tenant (case-insensitive). */
  github: string;
  /** IANA time zone. */
  tz: string;
  lead: boolean;
  workingHours: WorkingHours;
  /** `platform:id` of who added them, or e.g. `api`. */
  addedBy: string;
  addedAt: string;
  updatedAt: string;
}

export interface MemberInput {
  user: ChatUserRef;
  github: string;
  /** Omitted: UTC for a new member, unchanged for an existing one. */
  tz?: string;
  lead?: boolean;
  workingHours?: WorkingHours;
}

export interface OooEntry {
  user: ChatUserRef;
  /**
   * First day out, YYYY-MM-DD in the person's zone, inclusive; null: in force from when it was set
   * (entries set before planned absences existed read as null).
   */
  from: string | null;
  /** Last day out, YYYY-MM-DD, inclusive; null: until they are marked back. */
  until: string | null;
  setBy: string;
  setAt: string;
}

export interface MemberAvailability {
  member: TeamMember;
  /** The member's local date at the time asked. */
  localDate: string;
  /** Their out-of-office entry if it is in force on their local date. */
  ooo: OooEntry | null;
  /**
   * Their out-of-office entry if it has not ended on their local date: in force now (then the same
   * as `ooo`) or starting later, e.g. an absence that begins tomorrow.
   */
  planned: OooEntry | null;
  /** How messages reach them: their own choices over the team's (src/settings/notify-prefs.ts). */
  notify: NotifyPrefs;
}

export const LINK_KINDS = ["github", "linear"] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

export interface ChannelLink {
  kind: LinkKind;
  /** `owner/repo` (lower-case) or a Linear team key (upper-case). */
  target: string;
  channel: ChannelRef;
  linkedBy: string;
  linkedAt: string;
}

export interface SlaInput {
  hours: number;
  repo?: string;
  label?: string;
}

export interface DigestSchedule {
  channel: ChannelRef;
  /** HH:MM, 24 h, local to `tz`. */
  time: string;
  tz: string;
  days: Weekday[];
  setBy: string;
  setAt: string;
}

export interface DigestInput {
  time: string;
  tz: string;
  days: Weekday[];
}

/**
 * A channel's digest filters (GitHub scheduled reminders' options) and what an empty digest does.
 * Defaults: drafts left out, nothing else filtered, an empty digest posts one line.
 */
export interface DigestPrefs {
  ignoreDrafts: boolean;
  /** Leave out PRs with at least this many approvals; 0: off. */
  ignoreApprovedAtLeast: number;
  /** Leave out PRs waiting fewer working hours than this; 0: off. */
  minAgeHours: number;
  /** Only PRs with at least one of these labels; []: off. */
  requiredLabels: string[];
  /** Leave out PRs with any of these labels. */
  ignoredLabels: string[];
  emptyMode: "post" | "skip";
  /** Who changed them last, and when; null while the defaults apply. */
  setBy: string | null;
  setAt: string | null;
}

export type DigestPrefsPatch = Partial<Omit<DigestPrefs, "setBy" | "setAt">>;

export const DEFAULT_DIGEST_PREFS: DigestPrefs = {
  ignoreDrafts: true,
  ignoreApprovedAtLeast: 0,
  minAgeHours: 0,
  requiredLabels: [],
  ignoredLabels: [],
  emptyMode: "post",
  setBy: null,
  setAt: null,
};

/** What the status overview shows about settings, in one call. */
export interface SettingsSummary {
  teamSize: number;
  leads: ChatUserRef[];
  /** The entries of members out of office on their local date, by name of who is out. */
  outToday: OooEntry[];
  /** The entries of members whose planned absence starts after their local date. */
  outLater: OooEntry[];
  channelLinks: ChannelLink[];
  totalLinks: number;
  digest: DigestSchedule | null;
}

/** Whether `user` is a lead, and who the leads are (for refusals that say whom to ask). */
export interface AdminState {
  isLead: boolean;
  leads: ChatUserRef[];
}

/** Canonical spelling of a link target: repos lower-case (GitHub ignores case), team keys upper-case. */
export function normalizeTarget(kind: LinkKind, target: string): string {
  const t = target.trim();
  return kind === "github" ? t.toLowerCase() : t.toUpperCase();
}

/** The distinct targets linked with `kind`, e.g. every Linear team key linked to some channel. */
export function linkedTargets(links: readonly ChannelLink[], kind: LinkKind): string[] {
  return [...new Set(links.filter((l) => l.kind === kind).map((l) => l.target))];
}

/** Whether an out-of-office entry is in force on `date` (YYYY-MM-DD); expired entries count as back. */
export function oooActive(entry: OooEntry, date: string): boolean {
  return (entry.from === null || entry.from <= date) && (entry.until === null || entry.until >= date);
}

/** Whether an out-of-office entry has not ended by `date` (YYYY-MM-DD): in force then, or starting later. */
export function oooPending(entry: OooEntry, date: string): boolean {
  return entry.until === null || entry.until >= date;
}

/** Whether an out-of-office entry starts after `date` (YYYY-MM-DD). */
export function oooUpcoming(entry: OooEntry, date: string): boolean {
  return entry.from !== null && entry.from > date;
}

/** The built-in rule used while no unscoped rule is stored. */
