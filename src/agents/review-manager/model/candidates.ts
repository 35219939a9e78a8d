/**
 * From the tenant's team (settings) and the Review Manager's counts to the inputs of
 * src/domain/assignment.ts: people by GitHub login, review candidates, and the config in force for a
 * repository. Pure.
 */
import type { ReviewCandidate } from "../../../domain/assignment";
import { daysOfRanges, focusEndOf, OPEN_END } from "../../../domain/notify";
import type { WorkingSchedule } from "../../../domain/working-hours";
import type { MemberAvailability, TeamMember } from "../../../settings/model";
import type { Person, RepoReviewConfig, ReviewConfig } from "./model";

export interface ReviewerStats {
  openReviews: number;
  assignedLast30d: number;
  lastAssignedAtMs: number | null;
}

export const loginKey = (login: string) => login.toLowerCase();

export function scheduleOf(member: TeamMember): WorkingSchedule {
  const { days, start, end } = member.workingHours;
  return { tz: member.tz, days, start, end };
}

export function personOf(member: TeamMember): Person {
  return {
    login: member.github,
    user: member.user,
    tz: member.tz,
    lead: member.lead,
    schedule: scheduleOf(member),
  };
}

/** Team members by lower-cased GitHub login. */
export type People = ReadonlyMap<string, Person>;

export function peopleOf(team: readonly TeamMember[]): People {
  return new Map(team.map((m) => [loginKey(m.github), personOf(m)]));
}

export const leadsOf = (people: People): Person[] => [...people.values()].filter((p) => p.lead);

/**
 * Everyone on the team as an assignment candidate, with their availability (planned days off
 * count as holidays, so someone leaving tomorrow ranks after someone who is here) and counts.
 */
export function candidatesOf(
  team: readonly MemberAvailability[],
  stats: ReadonlyMap<string, ReviewerStats>,
  nowMs: number,
): ReviewCandidate[] {
  return team.map((a) => {
    const { member } = a;
    const s = stats.get(loginKey(member.github));
    const focusUntil = focusEndOf(a.notify?.focus ?? [], member.tz, nowMs);
    return {
      login: member.github,
      schedule: availableSchedule(a),
      tz: member.tz,
      ooo: isAwayToday(a),
      openReviews: s?.openReviews ?? 0,
      assignedLast30d: s?.assignedLast30d ?? 0,
      lastAssignedAtMs: s?.lastAssignedAtMs ?? null,
      ...(focusUntil !== null ? { focusUntilMs: focusUntil } : {}),
    };
  });
}

/** Their working hours with their days off (absence, holidays) as holidays. */
export function availableSchedule(a: MemberAvailability): WorkingSchedule {
  const daysOff = daysOffOf(a);
  const schedule = scheduleOf(a.member);
  return daysOff.length ? { ...schedule, holidays: daysOff } : schedule;
}

/** Planned absence and holidays (their own and the team's) from their local date on, as YYYY-MM-DD. */
function daysOffOf(a: MemberAvailability): string[] {
  const { planned, localDate } = a;
  const absence = planned ? [{ from: planned.from ?? localDate, until: planned.until ?? OPEN_END }] : [];
  return daysOfRanges([...(a.notify?.holidays ?? []), ...absence], localDate);
}

/** A member's entry in the team view by GitHub login (any case), if they are on the team. */
export function entryOf(team: readonly MemberAvailability[], login: string): MemberAvailability | undefined {
  const key = loginKey(login);
  return team.find((a) => loginKey(a.member.github) === key);
}

/** Out of office or on a holiday on their local date. */
export function isAwayToday(a: MemberAvailability): boolean {
  if (a.ooo !== null) return true;
  return (a.notify?.holidays ?? []).some((h) => h.from <= a.localDate && a.localDate <= h.until);
}

/** The agent's defaults with the repository's overrides (repository names compared lower-case). */
export function configFor(
  defaults: ReviewConfig,
  repos: Readonly<Record<string, RepoReviewConfig>>,
  repo: string,
): ReviewConfig {
  const key = Object.keys(repos).find((r) => r.toLowerCase() === repo.toLowerCase());
  const override = key ? repos[key] : undefined;
  return {
    reviewersPerPr: override?.reviewersPerPr ?? defaults.reviewersPerPr,
    algorithm: override?.algorithm ?? defaults.algorithm,
    capacity: override?.capacity ?? defaults.capacity,
  };
}
