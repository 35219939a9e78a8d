/**
 * Value kinds of the command grammar: zod schemas turning one raw argument (text token or Discord
 * option value as a string) into its canonical typed form, with messages that say what is wrong.
 */
import { z } from "zod";
import { AGENT_TYPES, PRIORITIES } from "../agents/model";
import { WEEKDAYS, type Weekday } from "../domain/time";
import {
  AGENT_ID,
  agentIdSchema,
  type ChatUser,
  chatUserSchema,
  DRAFT_MODES,
  dateSchema,
  daysSchema,
  EMPTY_MODES,
  GITHUB_LOGIN,
  githubLoginSchema,
  hoursSchema,
  labelListSchema,
  pullRequestRefSchema,
  repoSchema,
  TEAM_KEY,
  teamKeySchema,
  textSchema,
  timeOfDaySchema,
  WORKFLOW_ID,
  workflowIdSchema,
  zoneSchema,
} from "../domain/values";
import { looksLikeMention, parseMention } from "./mentions";
import { agentTypeSchema, prioritySchema } from "./types";

export type ValueKind =
  | "user"
  | "self"
  | "workflowId"
  | "agentId"
  | "text"
  | "label"
  | "priority"
  | "agentType"
  | "login"
  | "zone"
  | "date"
  | "repo"
  | "prRef"
  | "teamKey"
  | "hours"
  | "time"
  | "days"
  | "flag"
  | "draftMode"
  | "count"
  | "ageHours"
  | "labels"
  | "emptyMode";

/** Discord application command option types used by the grammar. */
export type DiscordValueType = 3 | 5 | 6 | 10;

export interface KindDef {
  /** Noun for messages: `Invalid <noun> "x": …`. */
  noun: string;
  parse: z.ZodType<unknown, string>;
  discordType: DiscordValueType;
  choices?: readonly string[];
  maxLength?: number;
  minValue?: number;
  maxValue?: number;
  /** For optional positionals that may be skipped: does this token belong in this slot? */
  looksLike?: (raw: string) => boolean;
}

class Issue {
  constructor(readonly message: string) {}
}

function kind<T>(fn: (raw: string) => T | Issue, canonical: z.ZodType<T, Awaited<T>>): z.ZodType<T, string> {
  return z
    .string()
    .transform((raw, ctx): T => {
      const out = fn(raw.trim());
      if (out instanceof Issue) {
        ctx.addIssue(out.message);
        return z.NEVER;
      }
      return out;
    })
    .pipe(canonical);
}

const fail = (message: string) => new Issue(message);

function choice<T extends string>(values: readonly T[], canonical: z.ZodType<T>) {
  return kind((raw) => {
    const v = raw.toLowerCase().replaceAll("_", "-");
    return (values as readonly string[]).includes(v) ? (v as T) : fail(`use one of ${values.join(", ")}`);
  }, canonical);
}

function id(regex: RegExp, prefix: string, what: string, canonical: z.ZodType<string>) {
  return kind((raw) => {
    if (regex.test(raw)) return raw;
    return fail(`${what} ids look like ${prefix}abc123 (see /foreman ${what} list)`);
  }, canonical);
}

function text(max: number) {
  return kind((raw) => {
    const v = raw.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&").trim();
    if (v === "") return fail("it is empty");
    if (/\p{Cc}/u.test(v)) return fail("it contains control characters");
    return v.length > max ? fail(`it is longer than ${max} characters`) : v;
  }, textSchema.max(max));
}

/** Slack wraps URLs as `<https://…>` or `<https://…|label>`. */
const unwrapLink = (raw: string) => raw.replace(/^<([^|>]+)(?:\|[^>]*)?>$/, "$1");
const stripGithubUrl = (raw: string) =>
  unwrapLink(raw)
    .replace(/^(?:https?:\/\/)?(?:www\.)?github\.com\//i, "")
    .replace(/(?:\.git)?\/?$/, "");

function checkRepo(value: string): string | Issue {
  const parts = value.split("/");
  if (parts.length !== 2) return fail("use owner/repo, e.g. acme/api");
  const [owner = "", name = ""] = parts;
  if (!GITHUB_LOGIN.test(owner)) return fail(`"${owner}" is not a valid GitHub user or organisation name`);
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(name) || name === "." || name === "..") {
    return fail(`"${name}" is not a valid repository name (letters, digits, ".", "-", "_"; at most 100)`);
  }
  return value;
}

function checkZone(raw: string): string | Issue {
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

function checkDate(raw: string): string | Issue {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw);
  if (!m) return fail("use YYYY-MM-DD, e.g. 2026-12-24");
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  const real = date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
  return real ? raw : fail("that date does not exist");
}

function checkHours(raw: string): number | Issue {
  const m = /^(\d+(?:\.\d+)?|\.\d+)h?$/i.exec(raw);
  if (!m) return fail("use a number of hours, e.g. 24");
  const hours = Number(m[1]);
  if (hours <= 0) return fail("it must be more than 0");
  return hours > 720 ? fail("it must be at most 720 (30 days)") : hours;
}

function checkTime(raw: string): string | Issue {
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
function parseDays(raw: string): Weekday[] | Issue {
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
function checkCount(raw: string): number | Issue {
  if (OFF.includes(raw.toLowerCase())) return 0;
  if (!/^\d+$/.test(raw)) return fail("use a whole number of approvals, e.g. 2, or off");
  const n = Number(raw);
  return n > 50 ? fail("it must be at most 50") : n;
}

/** `4`, `4h`, `1.5`, or `off`/`none` (0: the filter is off). */
function checkAge(raw: string): number | Issue {
  if (OFF.includes(raw.toLowerCase())) return 0;
  const m = /^(\d+(?:\.\d+)?|\.\d+)h?$/i.exec(raw);
  if (!m) return fail("use a number of working hours, e.g. 4, or off");
  const hours = Number(m[1]);
  return hours > 720 ? fail("it must be at most 720 (30 days)") : hours;
}

/** `bug,needs-review`, or `off`/`none` (no labels). Slack may send `&amp;` in names. */
function checkLabels(raw: string): string[] | Issue {
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

/** `me` (or `myself`, `@me`): the person who runs the command. */
const ME = ["me", "myself", "@me"];

const looksLikeDays = (raw: string) =>
  !(parseDays(raw) instanceof Issue) || /^[a-z]+(?:[,-][a-z]*)+$/i.test(raw);

export const KINDS: Readonly<Record<ValueKind, KindDef>> = {
  user: {
    noun: "user",
    discordType: 6,
    parse: kind((raw) => {
      const m = parseMention(raw);
      return m.ok ? m.user : fail(m.error);
    }, chatUserSchema),
  },
  /** A person, or nobody (left out, or `me`): the one who runs the command. */
  self: {
    noun: "user",
    discordType: 6,
    parse: kind((raw): ChatUser | undefined | Issue => {
      if (ME.includes(raw.toLowerCase())) return undefined;
      const m = parseMention(raw);
      return m.ok ? m.user : fail(m.error);
    }, chatUserSchema.optional()),
    looksLike: (raw) => ME.includes(raw.toLowerCase()) || looksLikeMention(raw),
  },
  workflowId: {
    noun: "workflow id",
    discordType: 3,
    maxLength: 67,
    parse: id(WORKFLOW_ID, "wf_", "workflow", workflowIdSchema),
  },
  agentId: {
    noun: "agent id",
    discordType: 3,
    maxLength: 68,
    parse: id(AGENT_ID, "agt_", "agent", agentIdSchema),
  },
  text: { noun: "name", discordType: 3, maxLength: 100, parse: text(100) },
  label: { noun: "label", discordType: 3, maxLength: 50, parse: text(50) },
  priority: {
    noun: "priority",
    discordType: 3,
    choices: PRIORITIES,
    parse: choice(PRIORITIES, prioritySchema),
  },
  agentType: {
    noun: "agent type",
    discordType: 3,
    choices: AGENT_TYPES,
    parse: choice(AGENT_TYPES, agentTypeSchema),
  },
  login: {
    noun: "GitHub login",
    discordType: 3,
    maxLength: 46,
    parse: kind((raw) => {
      const v = raw.replace(/^github:/i, "").replace(/^@/, "");
      return GITHUB_LOGIN.test(v)
        ? v
        : fail("use letters, digits and single hyphens, no hyphen at either end, at most 39");
    }, githubLoginSchema),
  },
  zone: {
    noun: "time zone",
    discordType: 3,
    maxLength: 64,
    parse: kind(checkZone, zoneSchema),
    looksLike: (raw) => !looksLikeDays(raw),
  },
  date: {
    noun: "date",
    discordType: 3,
    maxLength: 10,
    parse: kind(checkDate, dateSchema),
    // `until` (its marker) or something date-like; anything else is a better fit for a user slot.
    looksLike: (raw) => raw.toLowerCase() === "until" || /^\d/.test(raw),
  },
  repo: {
    noun: "repository",
    discordType: 3,
    maxLength: 200,
    parse: kind((raw) => checkRepo(stripGithubUrl(raw)), repoSchema),
  },
  prRef: {
    noun: "pull request",
    discordType: 3,
    maxLength: 200,
    parse: kind((raw) => {
      const m = /^(.+?)(?:#|\/pulls?\/)(\d+)$/.exec(stripGithubUrl(raw));
      if (!m) return fail("use owner/repo#number, e.g. acme/api#42");
      const repo = checkRepo(m[1] ?? "");
      const number = Number(m[2]);
      if (repo instanceof Issue) return repo;
      return number >= 1 && number <= 2_147_483_647
        ? { repo, number }
        : fail("pull request numbers start at 1");
    }, pullRequestRefSchema),
  },
  teamKey: {
    noun: "Linear team key",
    discordType: 3,
    maxLength: 7,
    parse: kind((raw) => {
      const v = raw.toUpperCase();
      return TEAM_KEY.test(v)
        ? v
        : fail("team keys are 1-7 letters or digits starting with a letter, e.g. ENG");
    }, teamKeySchema),
  },
  hours: {
    noun: "number of hours",
    discordType: 10,
    minValue: 0,
    maxValue: 720,
    parse: kind(checkHours, hoursSchema),
  },
  time: { noun: "time", discordType: 3, maxLength: 5, parse: kind(checkTime, timeOfDaySchema) },
  days: {
    noun: "days",
    discordType: 3,
    choices: DAY_PRESETS,
    parse: kind(parseDays, daysSchema),
    looksLike: looksLikeDays,
  },
  draftMode: {
    noun: "draft setting",
    discordType: 3,
    choices: DRAFT_MODES,
    parse: choice(DRAFT_MODES, z.enum(DRAFT_MODES)),
  },
  count: { noun: "number of approvals", discordType: 3, maxLength: 4, parse: kind(checkCount, z.number()) },
  ageHours: { noun: "number of hours", discordType: 3, maxLength: 8, parse: kind(checkAge, z.number()) },
  labels: { noun: "label list", discordType: 3, maxLength: 1000, parse: kind(checkLabels, labelListSchema) },
  emptyMode: {
    noun: "empty-digest setting",
    discordType: 3,
    choices: EMPTY_MODES,
    parse: choice(EMPTY_MODES, z.enum(EMPTY_MODES)),
  },
  flag: {
    noun: "yes/no value",
    discordType: 5,
    parse: kind((raw) => {
      const v = raw.toLowerCase();
      if (["", "true", "yes", "on"].includes(v)) return true;
      return ["false", "no", "off"].includes(v) ? false : fail("use true or false");
    }, z.boolean()),
  },
};
