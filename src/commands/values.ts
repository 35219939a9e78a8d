/**
 * Value kinds of the command grammar: zod schemas turning one raw argument (text token or Discord
 * option value as a string) into its canonical typed form, with messages that say what is wrong.
 */

import { z } from "zod";
import { AGENT_TYPES, PRIORITIES } from "../agents/model";
import { NOTIFY_MODES } from "../domain/notify";
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
  githubTeamSchema,
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
import {
  agentTypeSchema,
  dayRangeSchema,
  FOCUS_ACTIONS,
  MY_NOTIFY_MODES,
  prioritySchema,
  timeRangeSchema,
  windowsSchema,
} from "./types";
import {
  checkAge,
  checkCap,
  checkCount,
  checkDate,
  checkDayRange,
  checkHours,
  checkLabels,
  checkPage,
  checkRepo,
  checkTime,
  checkTimeRange,
  checkWindows,
  checkZone,
  DAY_PRESETS,
  fail,
  Issue,
  parseDays,
  stripGithubUrl,
} from "./value-checks";

export type ValueKind =
  | "page"
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
  | "fromDate"
  | "repo"
  | "githubTeam"
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
  | "emptyMode"
  | "notifyMode"
  | "myNotifyMode"
  | "windows"
  | "dailyCap"
  | "focusAction"
  | "timeRange"
  | "dayRange";

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

/** A login or `org/team` as people write it: `github:` and `@` in front are optional. */
const withoutGithubPrefix = (raw: string) => raw.replace(/^github:/i, "").replace(/^@/, "");

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
      const v = withoutGithubPrefix(raw);
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
  /** A first day: taken only after its marker (`from 2027-01-11`); a bare date is the last day. */
  fromDate: {
    noun: "date",
    discordType: 3,
    maxLength: 10,
    parse: kind(checkDate, dateSchema),
    looksLike: (raw) => raw.toLowerCase() === "from",
  },
  repo: {
    noun: "repository",
    discordType: 3,
    maxLength: 200,
    parse: kind((raw) => checkRepo(stripGithubUrl(raw)), repoSchema),
  },
  githubTeam: {
    noun: "GitHub team",
    discordType: 3,
    maxLength: 160,
    parse: kind((raw) => {
      const v = withoutGithubPrefix(raw);
      if (!githubTeamSchema.safeParse(v).success) {
        return fail(
          "use github:<org>/<team>, the team's slug as in its GitHub URL, e.g. github:acme/backend",
        );
      }
      const [org, team = ""] = v.split("/");
      return `${org}/${team.toLowerCase()}`;
    }, githubTeamSchema),
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
  page: { noun: "page number", discordType: 3, maxLength: 6, parse: kind(checkPage, z.number()) },
  ageHours: { noun: "number of hours", discordType: 3, maxLength: 8, parse: kind(checkAge, z.number()) },
  labels: { noun: "label list", discordType: 3, maxLength: 1000, parse: kind(checkLabels, labelListSchema) },
  emptyMode: {
    noun: "empty-digest setting",
    discordType: 3,
    choices: EMPTY_MODES,
    parse: choice(EMPTY_MODES, z.enum(EMPTY_MODES)),
  },
  notifyMode: {
    noun: "mode",
    discordType: 3,
    choices: NOTIFY_MODES,
    parse: choice(NOTIFY_MODES, z.enum(NOTIFY_MODES)),
  },
  /** A mode of one's own, or `default`: the team's. */
  myNotifyMode: {
    noun: "mode",
    discordType: 3,
    choices: MY_NOTIFY_MODES,
    parse: choice(MY_NOTIFY_MODES, z.enum(MY_NOTIFY_MODES)),
  },
  windows: { noun: "list of times", discordType: 3, maxLength: 60, parse: kind(checkWindows, windowsSchema) },
  dailyCap: {
    noun: "daily cap",
    discordType: 10,
    minValue: 1,
    maxValue: 100,
    parse: kind(checkCap, z.number().int().min(1).max(100)),
  },
  focusAction: {
    noun: "action",
    discordType: 3,
    choices: FOCUS_ACTIONS,
    parse: choice(FOCUS_ACTIONS, z.enum(FOCUS_ACTIONS)),
  },
  timeRange: {
    noun: "time range",
    discordType: 3,
    maxLength: 11,
    parse: kind(checkTimeRange, timeRangeSchema),
    looksLike: (raw) => /^\d/.test(raw),
  },
  dayRange: { noun: "dates", discordType: 3, maxLength: 22, parse: kind(checkDayRange, dayRangeSchema) },
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
