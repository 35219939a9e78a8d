// Times as the dashboard prints them: in the viewer's time zone (the browser's), never with seconds,
// relative where that reads better: "due in 3 h · Thu 17:00", "2 h ago · 14:05", "12 min".
// Durations: "<1 min", "12 min", "3 h 20 min" (under 10 h), "14 h", "2 d 4 h".

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** @param {unknown} value an ISO string or epoch ms; null when it is not a time */
export function toMs(value) {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value !== "string" || value === "") return null;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? null : ms;
}

/** The viewer's IANA time zone (what every time on the page is shown in). */
export function viewerZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "local time";
  } catch {
    return "local time";
  }
}

/** A duration without seconds: "<1 min", "12 min", "3 h 20 min", "14 h", "2 d 4 h"; "—" when not one. */
export function duration(ms) {
  if (typeof ms !== "number" || !Number.isFinite(ms)) return "—";
  const abs = Math.abs(ms);
  if (abs < MINUTE) return "<1 min";
  if (abs < HOUR) return `${Math.round(abs / MINUTE)} min`;
  if (abs < 10 * HOUR) {
    const h = Math.floor(abs / HOUR);
    const m = Math.round((abs - h * HOUR) / MINUTE);
    if (m === 60) return `${h + 1} h`;
    return m === 0 ? `${h} h` : `${h} h ${m} min`;
  }
  if (abs < 2 * DAY) return `${Math.round(abs / HOUR)} h`;
  const d = Math.floor(abs / DAY);
  const h = Math.round((abs - d * DAY) / HOUR);
  if (h === 24) return `${d + 1} d`;
  return h === 0 ? `${d} d` : `${d} d ${h} h`;
}

/** Hours with one decimal for figures and charts ("2.5 h"), minutes below one hour ("40 min"). */
export function hoursFigure(ms) {
  if (typeof ms !== "number" || !Number.isFinite(ms)) return "—";
  return Math.abs(ms) < HOUR ? duration(ms) : `${(ms / HOUR).toFixed(1)} h`;
}

const sameDay = (a, b) =>
  a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();

/**
 * A time in the viewer's zone, as short as it can be: "17:00" today, "Thu 17:00" within a week,
 * "3 Dec 17:00" this year, "3 Dec 2025 17:00" otherwise.
 * @param {unknown} value ISO string or epoch ms
 * @param {number} [nowMs]
 */
export function clock(value, nowMs = Date.now()) {
  const ms = toMs(value);
  if (ms === null) return "—";
  const date = new Date(ms);
  const now = new Date(nowMs);
  const time = date.toLocaleTimeString(undefined, { hour: "numeric", minute: "2-digit" });
  if (sameDay(date, now)) return time;
  if (Math.abs(ms - nowMs) < 6 * DAY) {
    return `${date.toLocaleDateString(undefined, { weekday: "short" })} ${time}`;
  }
  const withYear = date.getFullYear() !== now.getFullYear();
  const day = date.toLocaleDateString(undefined, {
    day: "numeric",
    month: "short",
    ...(withYear ? { year: "numeric" } : {}),
  });
  return `${day} ${time}`;
}

/** "in 3 h" / "3 h ago" / "just now". */
export function relative(value, nowMs = Date.now()) {
  const ms = toMs(value);
  if (ms === null) return "—";
  const diff = ms - nowMs;
  if (Math.abs(diff) < MINUTE) return "just now";
  return diff > 0 ? `in ${duration(diff)}` : `${duration(diff)} ago`;
}

/**
 * Relative and absolute where that reads better: "2 h ago · 14:05", "in 3 d · Mon 09:30"; past a
 * month only the date and time.
 */
export function when(value, nowMs = Date.now()) {
  const ms = toMs(value);
  if (ms === null) return "—";
  if (Math.abs(ms - nowMs) > 30 * DAY) return clock(ms, nowMs);
  return `${relative(ms, nowMs)} · ${clock(ms, nowMs)}`;
}

/** A deadline: "due in 3 h · Thu 17:00", "overdue by 2 h · 14:00". */
export function due(value, nowMs = Date.now()) {
  const ms = toMs(value);
  if (ms === null) return "no deadline";
  const diff = ms - nowMs;
  return diff >= 0
    ? `due in ${duration(diff)} · ${clock(ms, nowMs)}`
    : `overdue by ${duration(diff)} · ${clock(ms, nowMs)}`;
}

/**
 * How long a review has waited, in working time and, when they differ by more than a few minutes,
 * since it was asked: "1 h 20 min working", "0 min working · asked 14 h ago (outside working hours)".
 * The working-time clock only runs in the reviewer's hours, so overnight and at weekends it stands.
 * @param {unknown} workingMs
 * @param {unknown} sinceMs when the wait began (epoch ms)
 */
export function workingAge(workingMs, sinceMs, nowMs = Date.now()) {
  if (typeof workingMs !== "number" || !Number.isFinite(workingMs)) return "—";
  const since = toMs(sinceMs);
  const wall = since === null ? null : Math.max(0, nowMs - since);
  const worked = workingMs < MINUTE ? "0 min" : duration(workingMs);
  if (wall === null || wall - workingMs < 10 * MINUTE) {
    return wall !== null && wall < MINUTE ? "just asked" : `${worked} working`;
  }
  const outside = workingMs < MINUTE ? " (outside working hours so far)" : "";
  return `${worked} working · asked ${duration(wall)} ago${outside}`;
}
