/**
 * The checks behind the grammar's value kinds (values.ts): each turns one raw argument into its
 * canonical value, or an Issue saying what is wrong with it. Pure.
 */

import { WEEKDAYS, type Weekday } from "../domain/time";
/** What is wrong with a raw value (becomes the zod issue of its kind). */
import { GITHUB_LOGIN } from "../domain/values";

export class Issue {
  constructor(readonly message: string) {}
}

export const fail = (message: string) => new Issue(message);

/** Slack wraps URLs as `<https://…>` or `<https://…|label>`. */
const unwrapLink = (raw: string) => raw.replace(/^<([^|>]+)(?:\|[^>]*)?>$/, "$1");
export const stripGithubUrl = (raw: string) =>
  unwrapLink(raw)
    .replace(/^(?:https?:\/\/)?(?:www\.)?github\.com\//i, "")
    .replace(/(?:\.git)?\/?$/, "");

export function checkRepo(value: string): string | Issue {
  const parts = value.split("/");
  if (parts.length !== 2) return fail("use owner/repo, e.g. acme/api");
  const [owner = "", name = ""] = parts;
  if (!GITHUB_LOGIN.test(owner)) return fail(`"${owner}" is not a valid GitHub user or organisation name`);
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(name) || name === "." || name === "..") {
    return fail(`"${name}" is not a valid repository name (letters, digits, ".", "-", "_"; at most 100)`);
  }
  return value;
}

export function checkZone(raw: string): string | Issue {
  const bad = fail("use an IANA time zone such as Europe/Berlin, America/New_York or UTC");
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(raw)) return bad;
  try {
    // Intl throws RangeError on unknown zones. Take its spelling only for case fixes (europe/berlin),
    // not for links it resolves elsewhere (EST -> America/Panama would surprise people).
    const resolved = new Intl.DateTimeFormat(undefined, { timeZone: raw }).resolvedOptions().timeZone;
    return resolved.toLowerCase() === raw.toLowerCase() ? resolved : raw;
  } catch {
    return bad;
  }
}

export function checkDate(raw: string): string | Issue {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw);
  if (!m) return fail("use YYYY-MM-DD, e.g. 2026-12-24");
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  const real = date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
  return real ? raw : fail("that date does not exist");
}

export function checkHours(raw: string): number | Issue {
  const m = /^(\d+(?:\.\d+)?|\.\d+)h?$/i.exec(raw);
  if (!m) return fail("use a number of hours, e.g. 24");
  const hours = Number(m[1]);
  if (hours <= 0) return fail("it must be more than 0");
  return hours > 720 ? fail("it must be at most 720 (30 days)") : hours;
}

export function checkTime(raw: string): string | Issue {
  const m = /^(\d{1,2}):(\d{2})$/.exec(raw);
  const [h, min] = [Number(m?.[1]), Number(m?.[2])];
  if (!m || h > 23 || min > 59) return fail("use 24-hour HH:MM between 00:00 and 23:59, e.g. 09:30");
  return `${String(h).padStart(2, "0")}:${String(min).padStart(2, "0")}`;
}

const DAY_NAMES: Readonly<Record<string, Weekday>> = Object.fromEntries(
  WEEKDAYS.flatMap((d, i) => {
    const full = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"][i] ?? d;
    return [
      [d, d],
      [full, d],
    ];
  }),
);
const PRESETS: Readonly<Record<string, readonly Weekday[]>> = {
  daily: WEEKDAYS,
  everyday: WEEKDAYS,
  weekdays: WEEKDAYS.slice(0, 5),
  weekends: WEEKDAYS.slice(5),
};
export const DAY_PRESETS = ["mon-fri", "daily"] as const;

/** `mon-fri`, `daily`, `weekdays`, `mon,wed,fri`, `mon-wed,fri`, `fri-mon` (wraps) -> ordered days. */
export function parseDays(raw: string): Weekday[] | Issue {
  const parts = raw
    .toLowerCase()
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "");
  if (parts.length === 0) return fail("name days, e.g. mon-fri, daily or mon,wed,fri");
  const picked = new Set<Weekday>();
  for (const part of parts) {
    const days = PRESETS[part] ?? dayRange(part);
    if (days instanceof Issue) return days;
    for (const d of days) picked.add(d);
  }
  return WEEKDAYS.filter((d) => picked.has(d));
}

function dayRange(part: string): readonly Weekday[] | Issue {
  const names = part.split("-");
  const bad = names.find((d) => !DAY_NAMES[d]);
  if (bad !== undefined) return fail(`unknown day "${bad}"`);
  if (names.length > 2) return fail(`"${part}" is not a day range like mon-fri`);
  const [from = "mon", to = from] = names.map((d) => DAY_NAMES[d] ?? "mon");
  const start = WEEKDAYS.indexOf(from);
  const span = (WEEKDAYS.indexOf(to) - start + 7) % 7;
  return Array.from({ length: span + 1 }, (_, i) => WEEKDAYS[(start + i) % 7] ?? from);
}

const OFF = ["off", "none", "no", "0"];

/** `2`, or `off`/`none` (0: the filter is off). */
export function checkCount(raw: string): number | Issue {
  if (OFF.includes(raw.toLowerCase())) return 0;
  if (!/^\d+$/.test(raw)) return fail("use a whole number of approvals, e.g. 2, or off");
  const n = Number(raw);
  return n > 50 ? fail("it must be at most 50") : n;
}

/** A page of a list: a whole number from 1. */
export function checkPage(raw: string): number | Issue {
  if (!/^\d{1,6}$/.test(raw) || Number(raw) < 1) return fail("use a page number from 1, e.g. 2");
  return Number(raw);
}

/** `4`, `4h`, `1.5`, or `off`/`none` (0: the filter is off). */
export function checkAge(raw: string): number | Issue {
  if (OFF.includes(raw.toLowerCase())) return 0;
  const m = /^(\d+(?:\.\d+)?|\.\d+)h?$/i.exec(raw);
  if (!m) return fail("use a number of working hours, e.g. 4, or off");
  const hours = Number(m[1]);
  return hours > 720 ? fail("it must be at most 720 (30 days)") : hours;
}

/** `bug,needs-review`, or `off`/`none` (no labels). Slack may send `&amp;` in names. */
export function checkLabels(raw: string): string[] | Issue {
  if (["off", "none"].includes(raw.toLowerCase())) return [];
  const names = raw
    .replaceAll("&amp;", "&")
    .split(",")
    .map((l) => l.trim())
    .filter((l) => l !== "");
  if (names.length === 0) return fail("name labels separated by commas, e.g. bug,needs-review, or off");
  if (names.length > 20) return fail("name at most 20 labels");
  const bad = names.find((l) => l.length > 50 || /\p{Cc}/u.test(l));
  if (bad !== undefined) return fail(`"${bad.slice(0, 60)}" is not a label name (at most 50 characters)`);
  return [...new Map(names.map((l) => [l.toLowerCase(), l])).values()];
}

/** At most this many batched windows (TenantSettings' limit). */
export const MAX_WINDOWS = 6;

/** `09:30,13:30,16:30` -> the distinct times, sorted (24-hour HH:MM). */
export function checkWindows(raw: string): string[] | Issue {
  const parts = raw
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "");
  if (parts.length === 0) return fail("name times of day separated by commas, e.g. 09:30,13:30,16:30");
  const times: string[] = [];
  for (const part of parts) {
    const time = checkTime(part);
    if (time instanceof Issue)
      return fail(`"${part.slice(0, 20)}" is not a time: use 24-hour HH:MM, e.g. 09:30`);
    times.push(time);
  }
  const distinct = [...new Set(times)].sort();
  return distinct.length > MAX_WINDOWS ? fail(`name at most ${MAX_WINDOWS} times`) : distinct;
}

/** `4` messages a day: a whole number from 1 to 100. */
export function checkCap(raw: string): number | Issue {
  if (!/^\d+$/.test(raw)) return fail("use a whole number of messages a day, e.g. 6");
  const n = Number(raw);
  return n < 1 || n > 100 ? fail("it must be from 1 to 100") : n;
}

/** `09:00-12:00` (or with an en dash): start before end, the end may be 24:00. */
export function checkTimeRange(raw: string): { start: string; end: string } | Issue {
  const m = /^(\d{1,2}:\d{2})\s*[-\u2013]\s*(\d{1,2}:\d{2})$/.exec(raw);
  const bad = "use HH:MM-HH:MM (24-hour), e.g. 09:00-12:00";
  if (!m) return fail(bad);
  const start = checkTime(m[1] ?? "");
  const end = m[2] === "24:00" ? "24:00" : checkTime(m[2] ?? "");
  if (start instanceof Issue || end instanceof Issue) return fail(bad);
  return end > start ? { start, end } : fail(`it must end after it starts (${start} is not before ${end})`);
}

/** At most this many days in one range (TenantSettings' limit). */
export const MAX_RANGE_DAYS = 366;

/** `2026-12-24`, `2026-12-24..2026-12-31`, or `clear`. */
export function checkDayRange(raw: string): { from: string; until: string } | "clear" | Issue {
  if (raw.toLowerCase() === "clear") return "clear";
  const parts = raw.split("..");
  if (parts.length > 2) return fail("use YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD, e.g. 2026-12-24..2026-12-31");
  const [from = "", until = from] = parts.map((p) => p.trim());
  for (const day of [from, until]) {
    const checked = checkDate(day);
    if (checked instanceof Issue) {
      const which = parts.length > 1 ? `"${day.slice(0, 20)}": ` : "";
      return fail(`${which}${checked.message}, or clear`);
    }
  }
  if (until < from) return fail(`the range ends (${until}) before it starts (${from})`);
  const span = (Date.parse(until) - Date.parse(from)) / 86_400_000 + 1;
  return span > MAX_RANGE_DAYS ? fail(`at most ${MAX_RANGE_DAYS} days at once`) : { from, until };
}
