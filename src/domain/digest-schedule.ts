/**
 * Digest slots: a local time of day on chosen weekdays in a zone, resolved per local date with the
 * zonedToInstant rules (a time in a DST gap fires once at the transition, a time in an overlap once at
 * the earlier instant). dueSlot lets a UTC cron that runs every few minutes — late, early or twice —
 * post each slot exactly once, and skip (reporting as missed) slots older than the catch-up window.
 * nextFireAt says when a run would first find a slot to post: the digest cron's index of next-fire
 * times (src/tenants/cron-index.ts) is kept from it, so runs before then need not look at the schedule.
 */
import {
  DAY_MS,
  isValidTimeZone,
  isWeekday,
  localDayOf,
  localMsToInstant,
  MINUTE_MS,
  parseClockTime,
  WEEKDAYS,
  type Weekday,
  weekdayIndexOfDay,
} from "./time";

export interface DigestSchedule {
  /** "HH:MM" local time. */
  time: string;
  tz: string;
  days: readonly Weekday[];
}

export interface DueSlot {
  /** The slot to post now, or null. */
  slotMs: number | null;
  /**
   * Slots after lastPostedSlotMs that will never be posted, oldest first: missed by more than the
   * catch-up window, or superseded by a newer due slot. Empty when lastPostedSlotMs is null. To log
   * each one once, store the newest missed slot as lastPostedSlotMs as well (it marks it handled).
   */
  missed: number[];
}

export const DEFAULT_CATCH_UP_MS = 3_600_000;
/** At most this many missed slots are listed (the most recent ones). */
export const MAX_MISSED_REPORTED = 50;

interface Compiled {
  tz: string;
  timeMs: number;
  mask: number;
  time: string;
  days: readonly string[];
}

/** Problems with a digest schedule, as human text; empty when valid. */
export function validateDigestSchedule(schedule: DigestSchedule): string[] {
  const errors: string[] = [];
  if (parseClockTime(schedule.time) === null)
    errors.push(`time "${schedule.time}" is not HH:MM (00:00-23:59)`);
  if (!isValidTimeZone(schedule.tz)) errors.push(`unknown time zone "${schedule.tz}"`);
  if (schedule.days.length === 0) errors.push("at least one day is required");
  for (const day of schedule.days) {
    if (!isWeekday(day)) errors.push(`unknown weekday "${String(day)}" (use ${WEEKDAYS.join(", ")})`);
  }
  return errors;
}

const MAX_COMPILED = 10_000;
const compiledByValue = new Map<string, Compiled>();

function compile(schedule: DigestSchedule): Compiled {
  const key = `${schedule.time}|${schedule.tz}|${schedule.days.join(",")}`;
  const cached = compiledByValue.get(key);
  if (
    cached &&
    cached.time === schedule.time &&
    cached.tz === schedule.tz &&
    sameDays(cached.days, schedule.days)
  ) {
    return cached;
  }
  const errors = validateDigestSchedule(schedule);
  if (errors.length > 0) throw new RangeError(`invalid digest schedule: ${errors.join("; ")}`);
  let mask = 0;
  for (const day of schedule.days) mask |= 1 << WEEKDAYS.indexOf(day);
  const timeMs = (parseClockTime(schedule.time) ?? 0) * MINUTE_MS;
  const compiled = { tz: schedule.tz, timeMs, mask, time: schedule.time, days: [...schedule.days] };
  if (compiledByValue.size >= MAX_COMPILED) compiledByValue.clear();
  compiledByValue.set(key, compiled);
  return compiled;
}

function sameDays(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((day, i) => day === b[i]);
}

function slotOfDay(c: Compiled, day: number): number | null {
  if (((c.mask >> weekdayIndexOfDay(day)) & 1) === 0) return null;
  return localMsToInstant(day * DAY_MS + c.timeMs, c.tz);
}

/** Slots in (afterMs, untilMs], ascending. */
function slotsBetween(c: Compiled, afterMs: number, untilMs: number): number[] {
  const slots: number[] = [];
  const lastDay = localDayOf(untilMs, c.tz) + 1;
  for (let day = localDayOf(afterMs, c.tz) - 1; day <= lastDay; day++) {
    const slot = slotOfDay(c, day);
    if (slot !== null && slot > afterMs && slot <= untilMs) slots.push(slot);
  }
  return slots;
}

/** The first slot strictly after `afterMs`. */
export function nextSlot(schedule: DigestSchedule, afterMs: number): number {
  const c = compile(schedule);
  const firstDay = localDayOf(afterMs, c.tz) - 1;
  for (let day = firstDay; day <= firstDay + 9; day++) {
    const slot = slotOfDay(c, day);
    if (slot !== null && slot > afterMs) return slot;
  }
  throw new RangeError("no slot within a week");
}

/**
 * What a cron run at `nowMs` should post. A slot is due when slot <= now < slot + catchUpMs and
 * lastPostedSlotMs < slot; after posting, store the slot as lastPostedSlotMs. When several are due
 * (a catch-up window longer than the gap between slots) only the newest is posted.
 */
export function dueSlot(
  schedule: DigestSchedule,
  nowMs: number,
  lastPostedSlotMs: number | null,
  catchUpMs: number = DEFAULT_CATCH_UP_MS,
): DueSlot {
  const c = compile(schedule);
  if (!Number.isFinite(catchUpMs) || catchUpMs <= 0) throw new RangeError("catchUpMs must be > 0");
  // Slots since the last post, or — on a first run — only those inside the catch-up window.
  const lookBackFrom = Math.max(lastPostedSlotMs ?? Number.NEGATIVE_INFINITY, nowMs - catchUpMs);
  const slotMs = slotsBetween(c, lookBackFrom, nowMs).at(-1) ?? null;
  if (lastPostedSlotMs === null) return { slotMs, missed: [] };
  const missedUntil = slotMs ?? nowMs;
  const earliest = Math.max(lastPostedSlotMs, missedUntil - MAX_MISSED_REPORTED * 7 * DAY_MS);
  const missed = slotsBetween(c, earliest, missedUntil).filter((s) => s !== slotMs);
  return { slotMs, missed: missed.slice(-MAX_MISSED_REPORTED) };
}

/**
 * The earliest time at which `dueSlot(schedule, t, lastPostedSlotMs, catchUpMs)` can answer a slot
 * to post for some t >= nowMs: the first slot after both the last posted one and the start of the
 * catch-up window at `nowMs`. It may be before `nowMs` (a slot due now, not posted yet). A run at any
 * t in [nowMs, nextFireAt) posts nothing, so a cron that skips the schedule until then skips nothing
 * (it may leave slots older than the catch-up window to be reported as missed by a later run).
 */
export function nextFireAt(
  schedule: DigestSchedule,
  lastPostedSlotMs: number | null,
  nowMs: number,
  catchUpMs: number = DEFAULT_CATCH_UP_MS,
): number {
  if (!Number.isFinite(catchUpMs) || catchUpMs <= 0) throw new RangeError("catchUpMs must be > 0");
  return nextSlot(schedule, Math.max(lastPostedSlotMs ?? Number.NEGATIVE_INFINITY, nowMs - catchUpMs));
}
