/** Dates and times in IANA zones, with Intl only (no library): validation, local dates, next digest. */
import { WEEKDAYS, type Weekday } from "../commands/types";

/**
 * Building an Intl.DateTimeFormat costs tens of microseconds, and a team's availability asks for every
 * member's local date: zone checks and formatters are kept per zone (bounded; cleared when full).
 */
const MAX_CACHED_ZONES = 1000;
const zoneChecks = new Map<string, boolean>();
const partFormats = new Map<string, Intl.DateTimeFormat>();

function remember<V>(cache: Map<string, V>, key: string, value: V): V {
  if (cache.size >= MAX_CACHED_ZONES) cache.clear();
  cache.set(key, value);
  return value;
}

export function isZone(tz: string): boolean {
  const known = zoneChecks.get(tz);
  if (known !== undefined) return known;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return remember(zoneChecks, tz, true);
  } catch {
    return remember(zoneChecks, tz, false);
  }
}

function partsFormat(tz: string): Intl.DateTimeFormat {
  const zone = isZone(tz) ? tz : "UTC";
  const known = partFormats.get(zone);
  if (known) return known;
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    weekday: "short",
    hourCycle: "h23",
  });
  return remember(partFormats, zone, format);
}

interface LocalParts {
  date: string;
  time: string;
  weekday: Weekday;
}

/** The wall-clock date, time and weekday at `at` in `tz` (UTC when the zone is unknown). */
export function localParts(at: Date, tz: string): LocalParts {
  const parts = partsFormat(tz).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  return {
    date: `${part("year")}-${part("month")}-${part("day")}`,
    time: `${part("hour")}:${part("minute")}`,
    weekday: part("weekday").toLowerCase().slice(0, 3) as Weekday,
  };
}

/** YYYY-MM-DD at `at` in `tz`. */
export function localDate(at: Date, tz: string): string {
  return localParts(at, tz).date;
}

/** `date` (YYYY-MM-DD) plus `days` calendar days. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function weekdayOf(date: string): Weekday {
  // 1970-01-05 was a Monday.
  const index = Math.round(
    (Date.parse(`${date}T00:00:00Z`) - Date.parse("1970-01-05T00:00:00Z")) / 86_400_000,
  );
  return WEEKDAYS[((index % 7) + 7) % 7] ?? "mon";
}

/** The next local date and weekday a schedule at `time` on `days` runs, at or after `at`. */
export function nextRun(
  at: Date,
  schedule: { time: string; tz: string; days: readonly Weekday[] },
): { date: string; weekday: Weekday } | null {
  const now = localParts(at, schedule.tz);
  for (let offset = 0; offset <= 7; offset++) {
    const date = addDays(now.date, offset);
    const weekday = weekdayOf(date);
    if (!schedule.days.includes(weekday)) continue;
    if (offset === 0 && schedule.time <= now.time) continue;
    return { date, weekday };
  }
  return null;
}

const DAY_LABEL: Record<Weekday, string> = {
  mon: "Mon",
  tue: "Tue",
  wed: "Wed",
  thu: "Thu",
  fri: "Fri",
  sat: "Sat",
  sun: "Sun",
};

/** `Mon-Fri`, `every day`, `Mon, Wed, Fri`. */
export function describeDays(days: readonly Weekday[]): string {
  const sorted = WEEKDAYS.filter((d) => days.includes(d));
  if (sorted.length === 7) return "every day";
  const first = WEEKDAYS.indexOf(sorted[0] ?? "mon");
  const contiguous = sorted.every((d, i) => WEEKDAYS.indexOf(d) === first + i);
  if (contiguous && sorted.length >= 3) {
    return `${DAY_LABEL[sorted[0] ?? "mon"]}-${DAY_LABEL[sorted[sorted.length - 1] ?? "fri"]}`;
  }
  return sorted.map((d) => DAY_LABEL[d]).join(", ");
}

export function dayLabel(day: Weekday): string {
  return DAY_LABEL[day];
}
