/**
 * Dates for chat replies in IANA zones: local dates, the next digest run, day lists. Built on
 * src/domain/time (its per-zone formatter and offset caches); an unknown zone reads as UTC.
 */
import type { Weekday } from "../domain/time";

const pad2 = (n: number): string => String(n).padStart(2, "0");

import {
  DAY_MS,
  formatIsoDate,
  isValidTimeZone,
  MINUTE_MS,
  toLocalMs,
  WEEKDAYS,
  weekdayOfDay,
} from "../domain/time";

/** The instant as local ms in `tz`, or in UTC when the zone is unknown. */
function localMs(at: Date, tz: string): number {
  return toLocalMs(at.getTime(), isValidTimeZone(tz) ? tz : "UTC");
}

/** YYYY-MM-DD at `at` in `tz` (UTC when the zone is unknown). */
export function localDate(at: Date, tz: string): string {
  return formatIsoDate(Math.floor(localMs(at, tz) / DAY_MS));
}

/** The next local date and weekday a schedule at `time` on `days` runs, at or after `at`. */
export function nextRun(
  at: Date,
  schedule: { time: string; tz: string; days: readonly Weekday[] },
): { date: string; weekday: Weekday } | null {
  const local = localMs(at, schedule.tz);
  const today = Math.floor(local / DAY_MS);
  const minutes = Math.floor((local - today * DAY_MS) / MINUTE_MS);
  const now = `${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}`;
  for (let offset = 0; offset <= 7; offset++) {
    const weekday = weekdayOfDay(today + offset);
    if (!schedule.days.includes(weekday)) continue;
    if (offset === 0 && schedule.time <= now) continue;
    return { date: formatIsoDate(today + offset), weekday };
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
