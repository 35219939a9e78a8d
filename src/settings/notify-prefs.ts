/**
 * How messages reach each person (src/domain/notify.ts), kept in TenantSettings next to their
 * working hours and out-of-office: a member's own choices (mode, windows, focus blocks, holidays,
 * daily cap) over the team's defaults (mode, windows, cap) and team holidays. Assignment reads the
 * same record (focus and holidays make someone later to start), and the Context Optimizer routes
 * every message to a person by it. One row per member that changed anything, one for the team.
 */
import { z } from "zod";
import type { ChatUserRef } from "../chat/platform";
import {
  type DayRange,
  DEFAULT_NOTIFY_PREFS,
  type FocusBlock,
  NOTIFY_MODES,
  type NotifyMode,
  type NotifyPrefs,
} from "../domain/notify";
import { parseClockTime, parseIsoDate } from "../domain/time";
import { daysSchema, timeOfDaySchema } from "../domain/values";
import { ValidationError } from "../platform/errors";
import { all, first, parseJson, run } from "../platform/sql";
import { check } from "./validate";

/** At most this many focus blocks, holiday ranges and windows per person. */
export const MAX_FOCUS_BLOCKS = 10;
export const MAX_HOLIDAYS = 50;
export const MAX_WINDOWS = 6;
/** A holiday range may span at most this many days. */
const MAX_RANGE_DAYS = 366;

const dateSchema = z.string().refine((s) => parseIsoDate(s) !== null, "not a real date (YYYY-MM-DD)");
const rangeSchema = z
  .strictObject({ from: dateSchema, until: dateSchema })
  .refine((r) => r.from <= r.until, "the range ends before it starts")
  .refine(
    (r) => (parseIsoDate(r.until) ?? 0) - (parseIsoDate(r.from) ?? 0) < MAX_RANGE_DAYS,
    `at most ${MAX_RANGE_DAYS} days at once`,
  );
const focusSchema = z
  .strictObject({ days: daysSchema, start: timeOfDaySchema, end: z.string() })
  .refine((b) => {
    const start = parseClockTime(b.start);
    const end = parseClockTime(b.end, true);
    return start !== null && end !== null && end > start;
  }, "a focus block ends after it starts, HH:MM-HH:MM (24 h)");
const windowsSchema = z
  .array(timeOfDaySchema)
  .min(1)
  .max(MAX_WINDOWS)
  .transform((w) => [...new Set(w)].sort());
const capSchema = z.number().int().min(1).max(100);

/** A change to someone's preferences: each field given replaces theirs; `addFocus` etc. add one. */
export const notifyPatchSchema = z.strictObject({
  mode: z.enum(NOTIFY_MODES).optional(),
  windows: windowsSchema.optional(),
  dailyCap: capSchema.optional(),
  addFocus: focusSchema.optional(),
  clearFocus: z.literal(true).optional(),
  addHoliday: rangeSchema.optional(),
  clearHolidays: z.literal(true).optional(),
  /** Back to the team's defaults for mode, windows and cap. */
  reset: z.literal(true).optional(),
});
export type NotifyPatch = z.infer<typeof notifyPatchSchema>;

/** A member's own choices (absent: the team's). */
export interface OwnNotify {
  mode?: NotifyMode;
  windows?: string[];
  dailyCap?: number;
  focus: FocusBlock[];
  holidays: DayRange[];
}

/** The team's defaults and holidays. */
export interface TeamNotify {
  mode: NotifyMode;
  windows: string[];
  dailyCap: number;
  holidays: DayRange[];
  setBy: string | null;
  setAt: string | null;
}

const storedOwn = z.object({
  mode: z.enum(NOTIFY_MODES).optional().catch(undefined),
  windows: z.array(timeOfDaySchema).min(1).optional().catch(undefined),
  dailyCap: capSchema.optional().catch(undefined),
  focus: z.array(focusSchema).catch([]).default([]),
  holidays: z.array(rangeSchema).catch([]).default([]),
});

export const DEFAULT_TEAM_NOTIFY: TeamNotify = {
  mode: DEFAULT_NOTIFY_PREFS.mode,
  windows: DEFAULT_NOTIFY_PREFS.windows,
  dailyCap: DEFAULT_NOTIFY_PREFS.dailyCap,
  holidays: [],
  setBy: null,
  setAt: null,
};

/** What applies to a member: their own choices over the team's, both lists of holidays. */
export function effectiveNotify(own: OwnNotify | null, team: TeamNotify): NotifyPrefs {
  return {
    mode: own?.mode ?? team.mode,
    windows: own?.windows ?? team.windows,
    dailyCap: own?.dailyCap ?? team.dailyCap,
    focus: own?.focus ?? [],
    holidays: [...team.holidays, ...(own?.holidays ?? [])],
    ownWindows: own?.windows !== undefined,
  };
}

const invalid = (field: string, message: string) => new ValidationError([{ field, message }]);

/** `own` after `patch` (validated; ValidationError naming the field). */
export function applyNotifyPatch(own: OwnNotify, input: unknown): OwnNotify {
  const patch = check(notifyPatchSchema, input, "notify");
  const next: OwnNotify = patch.reset
    ? { focus: own.focus, holidays: own.holidays }
    : { ...own, focus: [...own.focus], holidays: [...own.holidays] };
  if (patch.mode) next.mode = patch.mode;
  if (patch.windows) next.windows = patch.windows;
  if (patch.dailyCap) next.dailyCap = patch.dailyCap;
  if (patch.clearFocus) next.focus = [];
  if (patch.addFocus) {
    if (next.focus.length >= MAX_FOCUS_BLOCKS) {
      throw invalid("notify.addFocus", `at most ${MAX_FOCUS_BLOCKS} focus blocks: clear them first`);
    }
    next.focus.push(patch.addFocus);
  }
  if (patch.clearHolidays) next.holidays = [];
  if (patch.addHoliday) next.holidays = addRange(next.holidays, patch.addHoliday);
  return next;
}

function addRange(ranges: DayRange[], range: DayRange): DayRange[] {
  if (ranges.some((r) => r.from === range.from && r.until === range.until)) return ranges;
  if (ranges.length >= MAX_HOLIDAYS)
    throw invalid("notify.addHoliday", `at most ${MAX_HOLIDAYS} holiday ranges`);
  return [...ranges, range].sort((a, b) => a.from.localeCompare(b.from));
}

/** The team's defaults after `patch` (only mode, windows, dailyCap, addHoliday, clearHolidays). */
export function applyTeamPatch(team: TeamNotify, input: unknown, by: string, at: string): TeamNotify {
  const patch = check(notifyPatchSchema, input, "notify");
  if (patch.addFocus || patch.clearFocus)
    throw invalid("notify.addFocus", "focus blocks are personal: each person sets their own");
  const base = patch.reset ? DEFAULT_TEAM_NOTIFY : team;
  let holidays = patch.clearHolidays ? [] : base.holidays;
  if (patch.addHoliday) holidays = addRange(holidays, patch.addHoliday);
  return {
    mode: patch.mode ?? base.mode,
    windows: patch.windows ?? base.windows,
    dailyCap: patch.dailyCap ?? base.dailyCap,
    holidays,
    setBy: by,
    setAt: at,
  };
}

type OwnRow = { user_key: string; prefs: string };
const userKey = (u: Pick<ChatUserRef, "platform" | "id">) => `${u.platform}:${u.id}`;

export class NotifyPrefsStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS member_notify (
      user_key TEXT PRIMARY KEY, prefs TEXT NOT NULL, set_by TEXT NOT NULL, set_at TEXT NOT NULL)`);
    sql.exec(`CREATE TABLE IF NOT EXISTS team_notify (
      id INTEGER PRIMARY KEY CHECK (id = 1), prefs TEXT NOT NULL)`);
  }

  own(user: Pick<ChatUserRef, "platform" | "id">): OwnNotify {
    const row = first<OwnRow>(
      this.sql,
      "SELECT user_key, prefs FROM member_notify WHERE user_key = ?",
      userKey(user),
    );
    return row ? readOwn(row.prefs) : { focus: [], holidays: [] };
  }

  /** Every member's own choices, by `platform:id` (one read). */
  allOwn(): Map<string, OwnNotify> {
    const rows = all<OwnRow>(this.sql, "SELECT user_key, prefs FROM member_notify");
    return new Map(rows.map((r) => [r.user_key, readOwn(r.prefs)]));
  }

  putOwn(user: Pick<ChatUserRef, "platform" | "id">, own: OwnNotify, by: string, at: string): void {
    run(
      this.sql,
      "INSERT OR REPLACE INTO member_notify (user_key, prefs, set_by, set_at) VALUES (?, ?, ?, ?)",
      userKey(user),
      JSON.stringify(own),
      by,
      at,
    );
  }

  deleteOwn(user: Pick<ChatUserRef, "platform" | "id">): void {
    run(this.sql, "DELETE FROM member_notify WHERE user_key = ?", userKey(user));
  }

  team(): TeamNotify {
    const row = first<{ prefs: string }>(this.sql, "SELECT prefs FROM team_notify WHERE id = 1");
    if (!row) return { ...DEFAULT_TEAM_NOTIFY };
    const stored = parseJson<Record<string, unknown>>(row.prefs, {});
    const own = readOwn(row.prefs);
    return {
      mode: own.mode ?? DEFAULT_TEAM_NOTIFY.mode,
      windows: own.windows ?? DEFAULT_TEAM_NOTIFY.windows,
      dailyCap: own.dailyCap ?? DEFAULT_TEAM_NOTIFY.dailyCap,
      holidays: own.holidays,
      setBy: typeof stored.setBy === "string" ? stored.setBy : null,
      setAt: typeof stored.setAt === "string" ? stored.setAt : null,
    };
  }

  putTeam(team: TeamNotify): void {
    run(this.sql, "INSERT OR REPLACE INTO team_notify (id, prefs) VALUES (1, ?)", JSON.stringify(team));
  }
}

function readOwn(json: string): OwnNotify {
  const parsed = storedOwn.safeParse(parseJson<unknown>(json, {}));
  if (!parsed.success) return { focus: [], holidays: [] };
  const { mode, windows, dailyCap, focus, holidays } = parsed.data;
  const own: OwnNotify = { focus, holidays };
  if (mode) own.mode = mode;
  if (windows) own.windows = windows;
  if (dailyCap) own.dailyCap = dailyCap;
  return own;
}

export { userKey as notifyUserKey };
