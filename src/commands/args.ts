/**
 * The arguments of the command grammar (./grammar.ts): one table, `ARGS`, from which every command
 * lists its arguments by id, in order. Pure data.
 */

import type { ValueKind } from "./values";

export interface ArgSpec<K extends string = string> {
  /** Property of the typed command that receives the value. */
  key: K;
  /** Flag name (`--name`) and Discord option name. */
  name: string;
  kind: ValueKind | "topic";
  required: boolean;
  /** Given as `--name value` (or `--name` alone for yes/no flags) instead of by position. */
  flag?: boolean;
  /** Optional leading word or prefix of a positional: `until 2026-12-24`, `github:octocat`. */
  marker?: string;
  /** Positional that takes all remaining words, joined with this separator. */
  rest?: " " | "";
  placeholder: string;
  /** Discord option description (<= 100 chars); also used in "missing" errors. */
  description: string;
  /** Discord: a second, free-text option accepted instead of the preset choices. */
  discordAlt?: { name: string; description: string };
}

const req = <K extends string>(
  name: string,
  key: K,
  kind: ArgSpec["kind"],
  placeholder: string,
  description: string,
  extra: Partial<Omit<ArgSpec, "key">> = {},
): ArgSpec<K> => ({ key, name, kind, required: true, placeholder, description, ...extra });
const opt: typeof req = (...a) => ({ ...req(...a), required: false });
const flag: typeof req = (name, key, kind, placeholder, description, extra = {}) =>
  opt(name, key, kind, placeholder, description, { flag: true, ...extra });

/** Every argument of the grammar; commands list them by these ids, in order. */
export const ARGS = {
  topic: opt("topic", "topic", "topic", "topic", "Command to explain", { rest: " " }),
  statusWorkflow: opt("workflow", "workflowId", "workflowId", "workflow-id", "Workflow id, e.g. wf_abc123"),
  workflowId: req("id", "workflowId", "workflowId", "id", "Workflow id, e.g. wf_abc123"),
  "--workflow": flag("workflow", "workflowId", "workflowId", "id", "Workflow to join"),
  name: req("name", "workflowName", "text", "name", 'Workflow name, e.g. "release train"'),
  "--priority": flag("priority", "priority", "priority", "low|medium|high|critical", "Priority"),
  agentType: req("type", "agentType", "agentType", "type", "Agent type"),
  agentId: req("id", "agentId", "agentId", "id", "Agent id, e.g. agt_abc123"),
  user: req("user", "user", "user", "@user", "The person (pick them from the @ autocomplete)"),
  self: opt("user", "user", "self", "@user", "The person; leave it out (or type me) for yourself"),
  github: req("github", "github", "login", "login", "Their GitHub login, e.g. octocat", {
    marker: "github:",
  }),
  "--tz": flag("tz", "tz", "zone", "IANA zone", "Their IANA time zone, e.g. Europe/Berlin"),
  "--lead": flag("lead", "lead", "flag", "lead", "Team lead (gets escalations)"),
  from: opt("from", "from", "fromDate", "YYYY-MM-DD", "First day out, YYYY-MM-DD", { marker: "from" }),
  until: opt("until", "until", "date", "YYYY-MM-DD", "Last day out, YYYY-MM-DD", { marker: "until" }),
  repo: req("repo", "repo", "repo", "owner/repo", "GitHub repository as owner/repo"),
  linkRepo: opt("repo", "repo", "repo", "owner/repo", "GitHub repository as owner/repo (left out: pick one)"),
  githubTeam: req("team", "team", "githubTeam", "org/team", "The GitHub team, e.g. github:acme/backend", {
    marker: "github:",
  }),
  insightsRepo: opt("repo", "repo", "repo", "owner/repo", "Only this repository (owner/repo)"),
  teamKey: req("team", "teamKey", "teamKey", "TEAM-KEY", "Linear team key, e.g. ENG"),
  pr: req("pr", "pr", "prRef", "owner/repo#number", "Pull request as owner/repo#number"),
  experiment: req("experiment", "experimentId", "text", "experiment-id", "Experiment id, e.g. exp-1a2b3c"),
  hours: req(
    "hours",
    "hours",
    "hours",
    "hours",
    "Working hours until a review is overdue: more than 0, at most 720",
  ),
  "--repo": flag("repo", "repo", "repo", "owner/repo", "Only for this repository"),
  "--page": flag("page", "page", "page", "N", "Page of the list (20 a page), from 1"),
  "--label": flag("label", "label", "label", "name", "Only for pull requests with this label"),
  time: req("time", "time", "time", "HH:MM", "Time of day, 24-hour HH:MM"),
  tz: opt("tz", "tz", "zone", "IANA zone", "IANA time zone, e.g. Europe/Berlin (default: the team's)"),
  days: opt("days", "days", "days", "mon-fri|daily|mon,wed,fri", "Days to post (default mon-fri)", {
    rest: "",
    discordAlt: { name: "days-list", description: "Or a list of days, e.g. mon,wed,fri" },
  }),
  "--drafts": flag(
    "drafts",
    "drafts",
    "draftMode",
    "include|ignore",
    "Show draft pull requests or leave them out",
  ),
  "--approvals": flag("approvals", "approvals", "count", "N|off", "Leave out PRs with at least N approvals"),
  "--min-age": flag(
    "min-age",
    "minAge",
    "ageHours",
    "hours|off",
    "Leave out PRs waiting fewer working hours",
  ),
  "--labels": flag("labels", "labels", "labels", "a,b|off", "Only PRs with one of these labels"),
  "--ignore-labels": flag(
    "ignore-labels",
    "ignoreLabels",
    "labels",
    "a,b|off",
    "Leave out PRs with these labels",
  ),
  "--empty": flag("empty", "empty", "emptyMode", "post|skip", "When nothing waits: post one line, or skip"),
  "--reset": flag("reset", "reset", "flag", "reset", "Back to the defaults first"),
  myMode: req(
    "mode",
    "mode",
    "myNotifyMode",
    "immediate|batched|digest|default",
    "How messages reach you (default: the team's)",
  ),
  teamMode: req(
    "mode",
    "mode",
    "notifyMode",
    "immediate|batched|digest",
    "How messages reach people who have not chosen their own",
  ),
  "--at": flag(
    "at",
    "windows",
    "windows",
    "HH:MM,HH:MM",
    "Times of day batched messages go out, e.g. 09:30,13:30",
  ),
  "--cap": flag("cap", "cap", "dailyCap", "N", "Messages a day; above it, immediate ones wait (1-100)"),
  focusAction: req("action", "action", "focusAction", "add|clear", "Add a focus block, or clear them all"),
  focusDays: opt("days", "days", "days", "days", "Days of the block: mon-fri, daily or e.g. tue,thu", {
    discordAlt: { name: "days-list", description: "Or a list of days, e.g. tue,thu" },
  }),
  focusHours: opt("hours", "between", "timeRange", "HH:MM-HH:MM", "The block's hours, e.g. 09:00-12:00"),
  workDays: req("days", "days", "days", "days", "Your working days: mon-fri, daily or e.g. mon,tue,thu", {
    discordAlt: { name: "days-list", description: "Or a list of days, e.g. mon,tue,thu" },
  }),
  workHours: req(
    "hours",
    "between",
    "timeRange",
    "HH:MM-HH:MM",
    "Your working hours, e.g. 09:00-17:00 (the end may be 24:00)",
  ),
  myZone: req("zone", "tz", "zone", "IANA zone", "Your IANA time zone, e.g. Europe/Berlin"),
  dates: req(
    "dates",
    "dates",
    "dayRange",
    "YYYY-MM-DD[..YYYY-MM-DD]|clear",
    "A day, a range such as 2026-12-24..2026-12-31, or clear",
  ),
} as const satisfies Record<string, ArgSpec>;

export type ArgId = keyof typeof ARGS;
