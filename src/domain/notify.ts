/**
 * When a message to a person may reach them (the Context Optimizer's rules; pure).
 *
 * A person's notify preferences say how messages reach them: `immediate` (as they happen),
 * `batched` (held for the next of their windows, 09:30, 13:30 and 16:30 by default, and sent there
 * as one message) or `digest` (once a day, at the first window). Whatever the mode, nothing reaches
 * them outside working hours, on a holiday or day out of office, or inside one of their focus
 * blocks: it waits for the first moment that is none of these. Urgent items (an SLA breach, an
 * escalation, a PR with an urgent label) skip windows, focus and the daily cap, but not working
 * hours or absence. Above the daily cap, immediate items wait for the next window.
 */
import {
  DAY_MS,
  formatIsoDate,
  HOUR_MS,
  localDayOf,
  localMsToInstant,
  MINUTE_MS,
  parseClockTime,
  parseIsoDate,
  type Weekday,
  weekdayOfDay,
} from "./time";
import {
  type CompiledSchedule,
  compileSchedule,
  nextWorkingStart,
  type WorkingSchedule,
} from "./working-hours";

export const NOTIFY_MODES = ["immediate", "batched", "digest"] as const;
export type NotifyMode = (typeof NOTIFY_MODES)[number];

/** A recurring block of focus time, local to the person: `tue,thu 09:00-12:00`. */
export interface FocusBlock {
  days: Weekday[];
  /** HH:MM */
  start: string;
  /** HH:MM, after start ("24:00" allowed). */
  end: string;
}

/** Days off, YYYY-MM-DD inclusive, in the person's zone. */
export interface DayRange {
  from: string;
  until: string;
}

export interface NotifyPrefs {
  mode: NotifyMode;
  /** HH:MM local times of the batched windows, sorted (the first is the daily digest's). */
  windows: string[];
  focus: FocusBlock[];
  holidays: DayRange[];
  /** Messages a day above which immediate items wait for the next window. */
  dailyCap: number;
  /**
   * The person chose these windows themselves: they are when they want to hear from Foreman, on
   * any day they are not away, even outside their working hours. The team's default windows only
   * open on working days, inside working hours.
   */
  ownWindows?: boolean;
}

export const DEFAULT_WINDOWS: readonly string[] = ["09:30", "13:30", "16:30"];
export const DEFAULT_DAILY_CAP = 6;
export const DEFAULT_NOTIFY_PREFS: NotifyPrefs = {
  mode: "batched",
  windows: [...DEFAULT_WINDOWS],
  focus: [],
  holidays: [],
  dailyCap: DEFAULT_DAILY_CAP,
};
/** A second message about one PR within this long of the first waits and merges with any others. */
export const BURST_MS = MINUTE_MS;
/** How far ahead days off are expanded (a longer or open-ended absence is checked again later). */
const HORIZON_DAYS = 60;
/** The search for a free moment stops after this many days (then: check again in a while). */
const SEARCH_DAYS = 70;
/** When no free moment is found (away open-ended), look again this much later. */
export const RECHECK_MS = 4 * HOUR_MS;

/** Where a person stands for messages, as built by `recipientOf`. */
export interface Recipient {
  schedule: CompiledSchedule;
  prefs: NotifyPrefs;
  /** Out of office (in force or planned): first and last day, null ends open. */
  ooo: { from: string | null; until: string | null } | null;
}

export type HoldReason = "away" | "off-hours" | "focus" | "window" | "cap" | "burst";
export type Decision = { send: true } | { send: false; untilMs: number; reason: HoldReason };

/** An open-ended absence, as a range end (the expansion stops at HORIZON_DAYS anyway). */
export const OPEN_END = "9999-12-31";

/** Every day of the holidays and the absence from `today` on (at most HORIZON_DAYS), as YYYY-MM-DD. */
function daysOff(prefs: NotifyPrefs, ooo: Recipient["ooo"], today: string): string[] {
  const absence = ooo ? [{ from: ooo.from ?? today, until: ooo.until ?? OPEN_END }] : [];
  return daysOfRanges([...prefs.holidays, ...absence], today);
}

/** A recipient: their working schedule with holidays and days out of office as days off. */
export function recipientOf(
  schedule: WorkingSchedule,
  prefs: NotifyPrefs,
  ooo: Recipient["ooo"],
  nowMs: number,
): Recipient {
  const off = daysOff(prefs, ooo, formatIsoDate(localDayOf(nowMs, schedule.tz)));
  const holidays = [...new Set([...(schedule.holidays ?? []), ...off])].sort();
  return { schedule: compileSchedule({ ...schedule, holidays }), prefs, ooo };
}

/** Whether the person is away all of their local day at `atMs` (out of office or a holiday). */
export function isAwayOn(r: Recipient, atMs: number): boolean {
  const day = localDayOf(atMs, r.schedule.tz);
  return r.schedule.holidays.has(day);
}

/** The end of the focus block the person is in at `atMs`, else null. */
export function focusEndAt(r: Recipient, atMs: number): number | null {
  return focusEndOf(r.prefs.focus, r.schedule.tz, atMs);
}

/** The end of the block among `focus` (local to `tz`) that `atMs` falls in, else null. */
export function focusEndOf(focus: readonly FocusBlock[], tz: string, atMs: number): number | null {
  if (focus.length === 0) return null;
  const day = localDayOf(atMs, tz);
  const midnight = localMsToInstant(day * DAY_MS, tz);
  const minute = Math.floor((atMs - midnight) / MINUTE_MS);
  let end: number | null = null;
  for (const block of focus) {
    if (!block.days.includes(weekdayOfDay(day))) continue;
    const from = parseClockTime(block.start);
    const to = parseClockTime(block.end, true);
    if (from === null || to === null || minute < from || minute >= to) continue;
    end = Math.max(end ?? 0, midnight + to * MINUTE_MS);
  }
  return end;
}

/** The instant local `day` starts for the person. */
function localMidnight(r: Recipient, day: number): number {
  return localMsToInstant(day * DAY_MS, r.schedule.tz);
}

/** Every day of `ranges` from `today` on (at most HORIZON_DAYS), as YYYY-MM-DD. */
export function daysOfRanges(ranges: readonly DayRange[], today: string): string[] {
  if (ranges.length === 0) return [];
  const first = parseIsoDate(today);
  if (first === null) return [];
  const days = new Set<number>();
  for (const r of ranges) {
    const from = Math.max(first, parseIsoDate(r.from) ?? first + HORIZON_DAYS + 1);
    const until = Math.min(first + HORIZON_DAYS, parseIsoDate(r.until) ?? -1);
    for (let d = from; d <= until; d++) days.add(d);
  }
  return [...days].sort((a, b) => a - b).map(formatIsoDate);
}

/** The first instant at or after `fromMs` in working hours, on a day not off, and outside focus. */
export function nextOpenMs(r: Recipient, fromMs: number): number | null {
  let t = fromMs;
  const limit = fromMs + SEARCH_DAYS * DAY_MS;
  while (t < limit) {
    let start: number;
    try {
      start = nextWorkingStart(r.schedule, t);
    } catch {
      return null;
    }
    if (start >= limit) return null;
    const focusEnd = focusEndAt(r, start);
    if (focusEnd === null) return start;
    t = focusEnd;
  }
  return null;
}

/** The next of the person's windows (`digest`: the first of them only) at or after `fromMs` on a day not off. */
export function nextWindowMs(r: Recipient, fromMs: number): number | null {
  const times = (r.prefs.mode === "digest" ? r.prefs.windows.slice(0, 1) : r.prefs.windows)
    .map((w) => parseClockTime(w))
    .filter((m): m is number => m !== null)
    .sort((a, b) => a - b);
  if (times.length === 0) return null;
  const first = localDayOf(fromMs, r.schedule.tz);
  for (let day = first; day <= first + SEARCH_DAYS; day++) {
    if (r.prefs.ownWindows ? r.schedule.holidays.has(day) : !r.schedule.isWorkDay(day)) continue;
    for (const minute of times) {
      const at = localMidnight(r, day) + minute * MINUTE_MS;
      if (at >= fromMs) return at;
    }
  }
  return null;
}

/** Why someone cannot be reached at `atMs` (for a hold's reason), or null when they can. */
function blockedBy(r: Recipient, atMs: number): HoldReason | null {
  if (isAwayOn(r, atMs)) return "away";
  if (nextWorkingStart(r.schedule, atMs) !== atMs) return "off-hours";
  if (focusEndAt(r, atMs) !== null) return "focus";
  return null;
}

export interface RouteContext {
  /** Messages already sent to the person on their local day. */
  sentToday: number;
  /** When the person last got a message about this item's PR (for bursts), if ever. */
  lastAboutPrMs: number | null;
}

const hold = (untilMs: number | null, reason: HoldReason, nowMs: number): Decision => ({
  send: false,
  untilMs: untilMs ?? nowMs + RECHECK_MS,
  reason,
});

/** Send an item now, or hold it until when (and why). */
export function decide(r: Recipient, urgent: boolean, nowMs: number, ctx: RouteContext): Decision {
  let blocked: HoldReason | null;
  try {
    blocked = blockedBy(r, nowMs);
  } catch {
    return { send: true }; // an unreadable schedule never keeps a message back
  }
  if (urgent) {
    if (blocked === null || blocked === "focus") return { send: true };
    return hold(nextWorkingOrNull(r, nowMs), blocked, nowMs);
  }
  if (r.prefs.mode === "immediate") {
    if (blocked !== null) return hold(nextOpenMs(r, nowMs), blocked, nowMs);
    if (ctx.lastAboutPrMs !== null && nowMs - ctx.lastAboutPrMs < BURST_MS) {
      return hold(ctx.lastAboutPrMs + BURST_MS, "burst", nowMs);
    }
    if (ctx.sentToday >= r.prefs.dailyCap) return hold(releaseAfterWindow(r, nowMs), "cap", nowMs);
    return { send: true };
  }
  return hold(releaseAfterWindow(r, nowMs), blocked ?? "window", nowMs);
}

/** The next window at or after `fromMs`, moved on to the first open moment from there. */
export function releaseAfterWindow(r: Recipient, fromMs: number): number | null {
  const window = nextWindowMs(r, fromMs);
  if (window === null) return nextOpenMs(r, fromMs);
  if (r.prefs.ownWindows) return focusEndAt(r, window) ?? window;
  return nextOpenMs(r, window);
}

function nextWorkingOrNull(r: Recipient, fromMs: number): number | null {
  try {
    const at = nextWorkingStart(r.schedule, fromMs);
    return at - fromMs > SEARCH_DAYS * DAY_MS ? null : at;
  } catch {
    return null;
  }
}

/** Whether a release due at `atMs` may go out now (someone who is away or in focus waits on). */
export function canReleaseAt(r: Recipient, atMs: number): boolean {
  try {
    const blocked = blockedBy(r, atMs);
    // Outside working hours, a window the person chose still opens.
    return (
      blocked === null ||
      (blocked === "off-hours" && r.prefs.ownWindows === true && r.prefs.mode !== "immediate")
    );
  } catch {
    return true;
  }
}

/** Where a person stands at an instant, as the Team page shows it. */
export type Presence = "working" | "focus" | "out" | "off-hours";

/**
 * Where the person stands at `atMs` (the same order as routing: away, then off hours, then focus)
 * and when that ends: the first open moment after, the focus block's end, or null while working
 * (or when no open moment comes within the search horizon).
 */
export function presenceAt(r: Recipient, atMs: number): { state: Presence; untilMs: number | null } {
  const blocked = blockedBy(r, atMs);
  if (blocked === null) return { state: "working", untilMs: null };
  if (blocked === "focus") return { state: "focus", untilMs: focusEndAt(r, atMs) };
  return { state: blocked === "away" ? "out" : "off-hours", untilMs: nextOpenMs(r, atMs) };
}
