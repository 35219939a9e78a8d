/**
 * Zoned time without a library. One cached `Intl.DateTimeFormat` per zone turns an instant into
 * wall-clock fields (formatToParts); the zone's UTC offset is then cached per UTC hour, so after
 * warm-up a conversion is a Map lookup plus integer arithmetic. Pure: time is always a parameter.
 *
 * "Local ms" below means a wall-clock reading encoded as if it were UTC: days since 1970-01-01
 * (in the zone's calendar) × 86 400 000 + time of day in ms.
 */

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const SECOND_MS = 1_000;
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Wall-clock fields of an instant in a zone (month 1-12, hour 0-23). */
export interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: Weekday;
}

/** A wall-clock reading to resolve in a zone (month 1-12; day, hour and minute may overflow). */
export interface LocalDateTime {
  y: number;
  m: number;
  d: number;
  h: number;
  min: number;
  s?: number;
}

interface Zone {
  fmt: Intl.DateTimeFormat;
  /** UTC hour index -> offset in ms, or MIXED when the offset changes inside that hour. */
  offsets: Map<number, number>;
  /** Local day number -> the offset of every wall-clock time that day, or MIXED on a transition day. */
  days: Map<number, number>;
}

const MIXED = Number.POSITIVE_INFINITY;
const MAX_ZONES = 1_000;
const MAX_OFFSETS_PER_ZONE = 100_000;
const zones = new Map<string, Zone>();

function zoneOf(tz: string): Zone {
  const cached = zones.get(tz);
  if (cached) return cached;
  // Throws RangeError for an unknown zone; only valid zones are cached.
  const fmt = new Intl.DateTimeFormat("en-US", {
    timeZone: tz,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  });
  if (zones.size >= MAX_ZONES) zones.clear();
  const zone: Zone = { fmt, offsets: new Map(), days: new Map() };
  zones.set(tz, zone);
  return zone;
}

/** True when `tz` is an IANA zone (or other identifier) this runtime's Intl accepts. */
export function isValidTimeZone(tz: string): boolean {
  if (typeof tz !== "string" || tz.length === 0) return false;
  try {
    zoneOf(tz);
    return true;
  } catch {
    return false;
  }
}

/** Offset (local - UTC) at the whole second containing `ms`, straight from Intl. */
function exactOffset(zone: Zone, ms: number): number {
  const at = Math.floor(ms / SECOND_MS) * SECOND_MS;
  let y = 0;
  let mo = 1;
  let d = 1;
  let h = 0;
  let mi = 0;
  let s = 0;
  for (const part of zone.fmt.formatToParts(at)) {
    switch (part.type) {
      case "year":
        y = Number(part.value);
        break;
      case "month":
        mo = Number(part.value);
        break;
      case "day":
        d = Number(part.value);
        break;
      case "hour":
        h = Number(part.value) % 24;
        break;
      case "minute":
        mi = Number(part.value);
        break;
      case "second":
        s = Number(part.value);
        break;
    }
  }
  return daysFromCivil(y, mo, d) * DAY_MS + h * HOUR_MS + mi * MINUTE_MS + s * SECOND_MS - at;
}

function offsetIn(zone: Zone, ms: number): number {
  const hour = Math.floor(ms / HOUR_MS);
  const cached = zone.offsets.get(hour);
  if (cached !== undefined) return cached === MIXED ? exactOffset(zone, ms) : cached;
  const first = exactOffset(zone, hour * HOUR_MS);
  const last = exactOffset(zone, hour * HOUR_MS + HOUR_MS - SECOND_MS);
  if (zone.offsets.size >= MAX_OFFSETS_PER_ZONE) zone.offsets.clear();
  zone.offsets.set(hour, first === last ? first : MIXED);
  return first === last ? first : exactOffset(zone, ms);
}

/** The zone's UTC offset (local - UTC, in ms) at an instant: +19 800 000 for Asia/Kolkata. */
export function offsetMs(instantMs: number, tz: string): number {
  return offsetIn(zoneOf(tz), instantMs);
}

/** The instant as local ms in `tz`. */
export function toLocalMs(instantMs: number, tz: string): number {
  return instantMs + offsetIn(zoneOf(tz), instantMs);
}

/** Days since 1970-01-01 of the instant's local date in `tz`. */
export function localDayOf(instantMs: number, tz: string): number {
  return Math.floor(toLocalMs(instantMs, tz) / DAY_MS);
}

/** Wall-clock fields of an instant in `tz`. */
export function zonedParts(instantMs: number, tz: string): ZonedParts {
  const local = toLocalMs(instantMs, tz);
  const days = Math.floor(local / DAY_MS);
  const rest = local - days * DAY_MS;
  const { y, m, d } = civilFromDays(days);
  return {
    year: y,
    month: m,
    day: d,
    hour: Math.floor(rest / HOUR_MS),
    minute: Math.floor((rest % HOUR_MS) / MINUTE_MS),
    second: Math.floor((rest % MINUTE_MS) / SECOND_MS),
    weekday: weekdayOfDay(days),
  };
}

/**
 * The instant of a wall-clock reading in `tz`. In an overlap (the hour repeated when clocks go back)
 * the earlier instant; in a gap (clocks go forward) the first valid instant after it, i.e. the
 * transition itself: 02:30 on 2026-03-08 in America/New_York resolves to 03:00 EDT.
 */
export function localMsToInstant(localMs: number, tz: string): number {
  const zone = zoneOf(tz);
  const day = Math.floor(localMs / DAY_MS);
  let dayOffset = zone.days.get(day);
  if (dayOffset === undefined) {
    // One offset for the whole local day when its midnights are 24 h apart with no change between.
    const from = resolveLocal(zone, day * DAY_MS);
    const to = resolveLocal(zone, (day + 1) * DAY_MS);
    const offset = offsetIn(zone, from);
    dayOffset = to - from === DAY_MS && offsetIn(zone, to - 1) === offset ? offset : MIXED;
    if (zone.days.size >= MAX_OFFSETS_PER_ZONE) zone.days.clear();
    zone.days.set(day, dayOffset);
  }
  return dayOffset === MIXED ? resolveLocal(zone, localMs) : localMs - dayOffset;
}

/** The slow path: offsets a day either side decide between one instant, the earlier of two, or a gap. */
function resolveLocal(zone: Zone, localMs: number): number {
  const before = offsetIn(zone, localMs - DAY_MS);
  const after = offsetIn(zone, localMs + DAY_MS);
  const viaBefore = localMs - before;
  if (before === after && offsetIn(zone, viaBefore) === before) return viaBefore;
  const viaAfter = localMs - after;
  const beforeOk = offsetIn(zone, viaBefore) === before;
  const afterOk = offsetIn(zone, viaAfter) === after;
  if (beforeOk && afterOk) return Math.min(viaBefore, viaAfter);
  if (beforeOk) return viaBefore;
  if (afterOk) return viaAfter;
  // Gap: binary-search the transition between the two readings (offsets change on whole seconds).
  let lo = Math.min(viaBefore, viaAfter);
  let hi = Math.max(viaBefore, viaAfter);
  const loOffset = offsetIn(zone, lo);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetIn(zone, mid) === loOffset) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** The instant of a wall-clock date and time in `tz` (see localMsToInstant for gaps and overlaps). */
export function zonedToInstant(local: LocalDateTime, tz: string): number {
  const monthIndex = local.m - 1;
  const y = local.y + Math.floor(monthIndex / 12);
  const m = (((monthIndex % 12) + 12) % 12) + 1;
  const localMs =
    (daysFromCivil(y, m, 1) + local.d - 1) * DAY_MS +
    local.h * HOUR_MS +
    local.min * MINUTE_MS +
    (local.s ?? 0) * SECOND_MS;
  return localMsToInstant(localMs, tz);
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** The date of a day number (days since 1970-01-01). */
export function civilFromDays(days: number): { y: number; m: number; d: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

/** 0 = mon … 6 = sun for a day number (1970-01-01 was a Thursday). */
export function weekdayIndexOfDay(days: number): number {
  return (((days + 3) % 7) + 7) % 7;
}

export function weekdayOfDay(days: number): Weekday {
  return WEEKDAYS[weekdayIndexOfDay(days)] ?? "mon";
}

export function isWeekday(value: unknown): value is Weekday {
  return typeof value === "string" && (WEEKDAYS as readonly string[]).includes(value);
}

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes after midnight of "HH:MM" (00:00-23:59; "24:00" too when `allowEndOfDay`), else null. */
export function parseClockTime(value: string, allowEndOfDay = false): number | null {
  if (allowEndOfDay && value === "24:00") return 24 * 60;
  const match = HH_MM.exec(value);
  if (!match) return null;
  return Number(match[1]) * 60 + Number(match[2]);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day number of a real calendar date "YYYY-MM-DD", else null. */
/** YYYY-MM-DD of a day number (days since 1970-01-01): the inverse of parseIsoDate. */
export function formatIsoDate(day: number): string {
  const { y, m, d } = civilFromDays(day);
  return `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

export function parseIsoDate(value: string): number | null {
  const match = ISO_DATE.exec(value);
  if (!match) return null;
  const y = Number(match[1]);
  const m = Number(match[2]);
  const d = Number(match[3]);
  if (m < 1 || m > 12 || d < 1) return null;
  const days = daysFromCivil(y, m, d);
  const back = civilFromDays(days);
  return back.m === m && back.d === d ? days : null;
}

/** `just now`, `5 minutes ago`, `3 days ago`. */
export function formatAgo(ms: number): string {
  const unit = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"} ago`;
  if (ms < MINUTE_MS) return "just now";
  if (ms < HOUR_MS) return unit(Math.floor(ms / MINUTE_MS), "minute");
  if (ms < DAY_MS) return unit(Math.floor(ms / HOUR_MS), "hour");
  return unit(Math.floor(ms / DAY_MS), "day");
}
