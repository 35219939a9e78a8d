/**
 * A person's working hours: weekly windows in their own zone, minus holidays. Each local working day
 * D has one window [start of D, end of D) resolved to instants with zonedToInstant rules (a start in
 * a DST gap moves to the transition; in an overlap the earlier instant), so a window that contains
 * a DST change is an hour shorter or longer in real time. Only time inside windows counts.
 *
 * Walks day by day over windows (two zone conversions per working day) and skips whole weeks when
 * a week lies inside the span and has no offset change: O(days) for short spans, O(weeks) for long.
 */
import {
  DAY_MS,
  isValidTimeZone,
  isWeekday,
  localDayOf,
  localMsToInstant,
  MINUTE_MS,
  parseClockTime,
  parseIsoDate,
  WEEKDAYS,
  type Weekday,
  weekdayIndexOfDay,
} from "./time";

export interface WorkingSchedule {
  /** IANA time zone, e.g. "Europe/Berlin". */
  tz: string;
  /** Working weekdays; default mon-fri. */
  days?: readonly Weekday[];
  /** "HH:MM" local start of the daily window; default "09:00". */
  start?: string;
  /** "HH:MM" local end, after start ("24:00" allowed); default "17:00". */
  end?: string;
  /** Days off, "YYYY-MM-DD" in the person's zone. */
  holidays?: readonly string[];
}

export const DEFAULT_WORK_DAYS: readonly Weekday[] = ["mon", "tue", "wed", "thu", "fri"];

/** Office hours in UTC: how time is counted for someone whose working hours are unknown. */
export const UTC_OFFICE: WorkingSchedule = {
  tz: "UTC",
  days: DEFAULT_WORK_DAYS,
  start: "09:00",
  end: "17:00",
};
const WEEK_MS = 7 * DAY_MS;
/** How far ahead a search may look before giving up (about 100 years of local days). */
const MAX_SCAN_DAYS = 36_600;

/** A validated schedule in the form the computations use; build once with compileSchedule to reuse. */
export class CompiledSchedule {
  readonly tz: string;
  readonly source: WorkingSchedule;
  /** Bit i set when weekday i (0 = mon) is a working day. */
  readonly dayMask: number;
  readonly daysPerWeek: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly windowMs: number;
  /** Holiday day numbers. */
  readonly holidays: ReadonlySet<number>;
  /** Sorted holiday day numbers that fall on working weekdays. */
  private readonly workdayHolidays: readonly number[];

  constructor(
    source: WorkingSchedule,
    dayMask: number,
    startMin: number,
    endMin: number,
    holidays: number[],
  ) {
    this.tz = source.tz;
    this.source = frozenCopy(source);
    this.dayMask = dayMask;
    let count = 0;
    for (let i = 0; i < 7; i++) count += (dayMask >> i) & 1;
    this.daysPerWeek = count;
    this.startMs = startMin * MINUTE_MS;
    this.endMs = endMin * MINUTE_MS;
    this.windowMs = this.endMs - this.startMs;
    this.holidays = new Set(holidays);
    this.workdayHolidays = [...this.holidays].filter((d) => this.worksOnWeekday(d)).sort((a, b) => a - b);
  }

  private worksOnWeekday(day: number): boolean {
    return ((this.dayMask >> weekdayIndexOfDay(day)) & 1) === 1;
  }

  isWorkDay(day: number): boolean {
    return this.worksOnWeekday(day) && !this.holidays.has(day);
  }

  windowStart(day: number): number {
    return localMsToInstant(day * DAY_MS + this.startMs, this.tz);
  }

  windowEnd(day: number): number {
    return localMsToInstant(day * DAY_MS + this.endMs, this.tz);
  }

  /** Nominal working ms of the local days [day, day + 7), holidays removed. */
  weekWorkingMs(day: number): number {
    return (this.daysPerWeek - this.countHolidays(day, day + 7)) * this.windowMs;
  }

  /** Instants of local midnight of `day` and `day + 7` when that week has no offset change, else null. */
  plainWeek(day: number): { from: number; to: number } | null {
    const from = localMsToInstant(day * DAY_MS, this.tz);
    const to = localMsToInstant((day + 7) * DAY_MS, this.tz);
    return to - from === WEEK_MS ? { from, to } : null;
  }

  private countHolidays(fromDay: number, toDay: number): number {
    return lowerBound(this.workdayHolidays, toDay) - lowerBound(this.workdayHolidays, fromDay);
  }
}

function frozenCopy(source: WorkingSchedule): WorkingSchedule {
  const copy: WorkingSchedule = { tz: source.tz };
  if (source.days) copy.days = Object.freeze([...source.days]);
  if (source.start !== undefined) copy.start = source.start;
  if (source.end !== undefined) copy.end = source.end;
  if (source.holidays) copy.holidays = Object.freeze([...source.holidays]);
  return Object.freeze(copy);
}

function sameList(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Exact equality (the cache key alone could collide for malformed input such as "a,b" holidays). */
function sameSchedule(a: WorkingSchedule, b: WorkingSchedule): boolean {
  return (
    a.tz === b.tz &&
    a.start === b.start &&
    a.end === b.end &&
    sameList(a.days, b.days) &&
    sameList(a.holidays, b.holidays)
  );
}

function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] ?? 0) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export type ScheduleLike = WorkingSchedule | CompiledSchedule;

/** Problems with a schedule, as human text; empty when it is valid. */
export function validateSchedule(schedule: WorkingSchedule): string[] {
  return check(schedule).errors;
}

function check(schedule: WorkingSchedule): { errors: string[]; compiled: CompiledSchedule | null } {
  const errors: string[] = [];
  if (!isValidTimeZone(schedule.tz)) errors.push(`unknown time zone "${schedule.tz}"`);
  const days = schedule.days ?? DEFAULT_WORK_DAYS;
  let mask = 0;
  for (const day of days) {
    if (isWeekday(day)) mask |= 1 << WEEKDAYS.indexOf(day);
    else errors.push(`unknown weekday "${String(day)}" (use ${WEEKDAYS.join(", ")})`);
  }
  if (mask === 0) errors.push("at least one working day is required");
  const startText = schedule.start ?? "09:00";
  const endText = schedule.end ?? "17:00";
  const start = parseClockTime(startText);
  const end = parseClockTime(endText, true);
  if (start === null) errors.push(`start "${startText}" is not HH:MM (00:00-23:59)`);
  if (end === null) errors.push(`end "${endText}" is not HH:MM (00:00-24:00)`);
  if (start !== null && end !== null && end <= start) {
    errors.push(
      `end ${endText} must be after start ${startText} (windows across midnight are not supported)`,
    );
  }
  const holidays: number[] = [];
  for (const text of schedule.holidays ?? []) {
    const day = parseIsoDate(text);
    if (day === null) errors.push(`holiday "${text}" is not a YYYY-MM-DD date`);
    else holidays.push(day);
  }
  if (errors.length > 0 || start === null || end === null) return { errors, compiled: null };
  return { errors, compiled: new CompiledSchedule(schedule, mask, start, end, holidays) };
}

const MAX_COMPILED = 10_000;
const compiledByValue = new Map<string, CompiledSchedule>();

/**
 * Validates and compiles; throws RangeError listing every problem. Compiled schedules are cached by
 * value (not by object), so passing plain objects in a hot loop stays cheap and mutation is harmless.
 */
export function compileSchedule(schedule: ScheduleLike): CompiledSchedule {
  if (schedule instanceof CompiledSchedule) return schedule;
  const { tz, days, start, end, holidays } = schedule;
  const key = `${tz}|${days?.join(",")}|${start}|${end}|${holidays?.join(",")}`;
  const cached = compiledByValue.get(key);
  if (cached && sameSchedule(cached.source, schedule)) return cached;
  const { errors, compiled } = check(schedule);
  if (!compiled) throw new RangeError(`invalid working schedule: ${errors.join("; ")}`);
  if (compiledByValue.size >= MAX_COMPILED) compiledByValue.clear();
  compiledByValue.set(key, compiled);
  return compiled;
}

/** Earliest working instant at or after `instantMs`, searching no further than local day `lastDay`. */
function workingFrom(c: CompiledSchedule, instantMs: number, lastDay: number): number | null {
  for (let day = localDayOf(instantMs, c.tz) - 1; day <= lastDay; day++) {
    if (!c.isWorkDay(day)) continue;
    const end = c.windowEnd(day);
    if (instantMs >= end) continue;
    const start = c.windowStart(day);
    if (end > start) return Math.max(start, instantMs);
  }
  return null;
}

/** Whether the instant lies inside one of the schedule's working windows. */
export function isWorkingAt(schedule: ScheduleLike, instantMs: number): boolean {
  const c = compileSchedule(schedule);
  return workingFrom(c, instantMs, localDayOf(instantMs, c.tz)) === instantMs;
}

/** The earliest instant at or after `instantMs` that is working time (`instantMs` itself when working). */
export function nextWorkingStart(schedule: ScheduleLike, instantMs: number): number {
  const c = compileSchedule(schedule);
  const found = workingFrom(c, instantMs, localDayOf(instantMs, c.tz) + MAX_SCAN_DAYS);
  if (found === null) throw new RangeError("no working time within the search horizon");
  return found;
}

/** Working ms inside [fromMs, toMs); 0 when toMs <= fromMs. */
export function workingMsBetween(schedule: ScheduleLike, fromMs: number, toMs: number): number {
  const c = compileSchedule(schedule);
  if (!(toMs > fromMs)) return 0;
  const lastDay = localDayOf(toMs, c.tz);
  let total = 0;
  let day = localDayOf(fromMs, c.tz) - 1;
  while (day <= lastDay) {
    if (day + 7 < lastDay) {
      const week = c.plainWeek(day);
      if (week && week.from >= fromMs && week.to <= toMs) {
        total += c.weekWorkingMs(day);
        day += 7;
        continue;
      }
    }
    if (c.isWorkDay(day)) {
      const start = Math.max(c.windowStart(day), fromMs);
      const end = Math.min(c.windowEnd(day), toMs);
      if (end > start) total += end - start;
    }
    day++;
  }
  return total;
}

/**
 * The earliest instant at which `workingMs` of working time has elapsed since `fromMs` (the SLA
 * deadline). Adding 0 returns `fromMs`; an exact fit ends at a window's end (Friday 17:00, not Monday).
 */
export function addWorkingMs(schedule: ScheduleLike, fromMs: number, workingMs: number): number {
  const c = compileSchedule(schedule);
  if (!Number.isFinite(workingMs) || workingMs < 0) {
    throw new RangeError(`working ms must be a finite number >= 0, got ${workingMs}`);
  }
  if (workingMs === 0) return fromMs;
  const firstDay = localDayOf(fromMs, c.tz) - 1;
  const weekMax = c.daysPerWeek * c.windowMs;
  let remaining = workingMs;
  for (let day = firstDay; day - firstDay <= MAX_SCAN_DAYS; ) {
    if (remaining > weekMax) {
      const week = c.plainWeek(day);
      if (week && week.from >= fromMs) {
        remaining -= c.weekWorkingMs(day);
        day += 7;
        continue;
      }
    }
    if (c.isWorkDay(day)) {
      const end = c.windowEnd(day);
      const start = Math.max(c.windowStart(day), fromMs);
      if (end > start) {
        if (end - start >= remaining) return start + remaining;
        remaining -= end - start;
      }
    }
    day++;
  }
  throw new RangeError("working time does not fit in the search horizon");
}
