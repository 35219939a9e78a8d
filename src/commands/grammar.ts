/**
 * The Foreman command grammar: the single source of truth for the text parser (Slack), the Discord
 * command definitions and interaction mapping, and the help text. Pure data plus lookups.
 */

import { z } from "zod";
import { SECTIONS } from "./sections";
import type { CommandName, CommandOf } from "./types";
import { KINDS, type KindDef, type ValueKind } from "./values";

export const COMMAND_PREFIX = "/foreman";

type ArgKey<N extends CommandName> = Exclude<keyof CommandOf<N>, "name"> & string;

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

export interface CommandSpec {
  name: CommandName;
  /** Words typed after `/foreman`: `["status"]` or `["team", "add"]` (Discord subcommand group + subcommand). */
  path: readonly [string] | readonly [string, string];
  description: string;
  /** Changes settings or state: handlers require chat admin rights. */
  mutates: boolean;
  /**
   * About one person (`ooo`, `back`): open to everyone for themselves (the person left out, `me`,
   * or their own mention); admin rights only for someone else.
   */
  selfService: boolean;
  examples: readonly string[];
  args: readonly ArgSpec[];
  usage: string;
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

/** Every argument of the grammar; commands list them by these ids, in order. */
const ARGS = {
  topic: opt("topic", "topic", "topic", "topic", "Command to explain", { rest: " " }),
  statusWorkflow: opt("workflow", "workflowId", "workflowId", "workflow-id", "Workflow id, e.g. wf_abc123"),
  workflowId: req("id", "workflowId", "workflowId", "id", "Workflow id, e.g. wf_abc123"),
  "--workflow": opt("workflow", "workflowId", "workflowId", "id", "Workflow to join", { flag: true }),
  name: req("name", "workflowName", "text", "name", 'Workflow name, e.g. "release train"'),
  "--priority": opt("priority", "priority", "priority", "low|medium|high|critical", "Priority", {
    flag: true,
  }),
  agentType: req("type", "agentType", "agentType", "type", "Agent type"),
  agentId: req("id", "agentId", "agentId", "id", "Agent id, e.g. agt_abc123"),
  user: req("user", "user", "user", "@user", "The person (pick them from the @ autocomplete)"),
  self: opt("user", "user", "self", "@user", "The person; leave it out (or type me) for yourself"),
  github: req("github", "github", "login", "login", "Their GitHub login, e.g. octocat", {
    marker: "github:",
  }),
  "--tz": opt("tz", "tz", "zone", "IANA zone", "Their IANA time zone, e.g. Europe/Berlin", { flag: true }),
  "--lead": opt("lead", "lead", "flag", "lead", "Team lead (gets escalations)", { flag: true }),
  from: opt("from", "from", "fromDate", "YYYY-MM-DD", "First day out, YYYY-MM-DD", { marker: "from" }),
  until: opt("until", "until", "date", "YYYY-MM-DD", "Last day out, YYYY-MM-DD", { marker: "until" }),
  repo: req("repo", "repo", "repo", "owner/repo", "GitHub repository as owner/repo"),
  teamKey: req("team", "teamKey", "teamKey", "TEAM-KEY", "Linear team key, e.g. ENG"),
  pr: req("pr", "pr", "prRef", "owner/repo#number", "Pull request as owner/repo#number"),
  hours: req(
    "hours",
    "hours",
    "hours",
    "hours",
    "Working hours until a review is overdue: more than 0, at most 720",
  ),
  "--repo": opt("repo", "repo", "repo", "owner/repo", "Only for this repository", { flag: true }),
  "--label": opt("label", "label", "label", "name", "Only for pull requests with this label", { flag: true }),
  time: req("time", "time", "time", "HH:MM", "Time of day, 24-hour HH:MM"),
  tz: opt("tz", "tz", "zone", "IANA zone", "IANA time zone, e.g. Europe/Berlin (default: the team's)"),
  days: opt("days", "days", "days", "mon-fri|daily|mon,wed,fri", "Days to post (default mon-fri)", {
    rest: "",
    discordAlt: { name: "days-list", description: "Or a list of days, e.g. mon,wed,fri" },
  }),
  "--drafts": opt(
    "drafts",
    "drafts",
    "draftMode",
    "include|ignore",
    "Show draft pull requests or leave them out",
    {
      flag: true,
    },
  ),
  "--approvals": opt("approvals", "approvals", "count", "N|off", "Leave out PRs with at least N approvals", {
    flag: true,
  }),
  "--min-age": opt(
    "min-age",
    "minAge",
    "ageHours",
    "hours|off",
    "Leave out PRs waiting fewer working hours",
    {
      flag: true,
    },
  ),
  "--labels": opt("labels", "labels", "labels", "a,b|off", "Only PRs with one of these labels", {
    flag: true,
  }),
  "--ignore-labels": opt(
    "ignore-labels",
    "ignoreLabels",
    "labels",
    "a,b|off",
    "Leave out PRs with these labels",
    {
      flag: true,
    },
  ),
  "--empty": opt("empty", "empty", "emptyMode", "post|skip", "When nothing waits: post one line, or skip", {
    flag: true,
  }),
  "--reset": opt("reset", "reset", "flag", "reset", "Back to the defaults first", { flag: true }),
} as const satisfies Record<string, ArgSpec>;

type ArgId = keyof typeof ARGS;
type ArgIdFor<N extends CommandName> = {
  [I in ArgId]: (typeof ARGS)[I]["key"] extends ArgKey<N> ? I : never;
}[ArgId];

type SpecInput<N extends CommandName> = {
  /** Words after `/foreman`, space separated: one word or a Discord subcommand group plus subcommand. */
  path: string;
  description: string;
  mutates?: true;
  selfService?: true;
  examples: readonly string[];
  args?: readonly ArgIdFor<N>[];
};

const SPECS: { [N in CommandName]: SpecInput<N> } = {
  help: {
    path: "help",
    description: "Show the commands, or details on one topic",
    examples: ["help digest"],
    args: ["topic"],
  },
  status: {
    path: "status",
    description: "Overview of workflows, agents and reviews, or of one workflow",
    examples: ["status", "status wf_abc123"],
    args: ["statusWorkflow"],
  },
  "workflow.create": {
    path: "workflow create",
    description: "Create a workflow",
    mutates: true,
    examples: ['workflow create "release train" --priority high'],
    args: ["name", "--priority"],
  },
  "workflow.list": {
    path: "workflow list",
    description: "List active workflows",
    examples: ["workflow list"],
  },
  "workflow.terminate": {
    path: "workflow terminate",
    description: "Terminate a workflow and its agents",
    mutates: true,
    examples: ["workflow terminate wf_abc123"],
    args: ["workflowId"],
  },
  "agent.spawn": {
    path: "agent spawn",
    description: "Start an agent, optionally inside a workflow",
    mutates: true,
    examples: ["agent spawn review-manager --workflow wf_abc123"],
    args: ["agentType", "--workflow"],
  },
  "agent.list": { path: "agent list", description: "List agents and their state", examples: ["agent list"] },
  "agent.pause": {
    path: "agent pause",
    description: "Pause an agent",
    mutates: true,
    examples: ["agent pause agt_abc123"],
    args: ["agentId"],
  },
  "agent.resume": {
    path: "agent resume",
    description: "Resume a paused agent",
    mutates: true,
    examples: ["agent resume agt_abc123"],
    args: ["agentId"],
  },
  "agent.terminate": {
    path: "agent terminate",
    description: "Stop an agent for good",
    mutates: true,
    examples: ["agent terminate agt_abc123"],
    args: ["agentId"],
  },
  "team.add": {
    path: "team add",
    description: "Add a person to the team with their GitHub login",
    mutates: true,
    examples: ["team add @alice github:alice --tz Europe/Berlin --lead"],
    args: ["user", "github", "--tz", "--lead"],
  },
  "team.remove": {
    path: "team remove",
    description: "Remove a person from the team",
    mutates: true,
    examples: ["team remove @alice"],
    args: ["user"],
  },
  "team.list": { path: "team list", description: "List the team", examples: ["team list"] },
  ooo: {
    path: "ooo",
    description:
      "Mark yourself (or, as admin, someone else) out of office now or from a date, until a date or back",
    mutates: true,
    selfService: true,
    examples: [
      "ooo until 2026-12-24",
      "ooo",
      "ooo @alice until 2026-12-24",
      "ooo from 2027-01-11 until 2027-01-15",
      "ooo @alice from 2027-01-11 until 2027-01-15",
      "ooo from 2027-01-11",
    ],
    args: ["self", "from", "until"],
  },
  back: {
    path: "back",
    description: "Mark yourself (or, as admin, someone else) back in office",
    mutates: true,
    selfService: true,
    examples: ["back", "back @alice"],
    args: ["self"],
  },
  "link.github": {
    path: "link github",
    description: "Link a GitHub repository to this channel",
    mutates: true,
    examples: ["link github acme/api"],
    args: ["repo"],
  },
  "link.linear": {
    path: "link linear",
    description: "Link a Linear team to this channel",
    mutates: true,
    examples: ["link linear ENG"],
    args: ["teamKey"],
  },
  "unlink.github": {
    path: "unlink github",
    description: "Unlink a GitHub repository",
    mutates: true,
    examples: ["unlink github acme/api"],
    args: ["repo"],
  },
  "unlink.linear": {
    path: "unlink linear",
    description: "Unlink a Linear team",
    mutates: true,
    examples: ["unlink linear ENG"],
    args: ["teamKey"],
  },
  "link.ops": { path: "link ops", description: "Post alerts here", mutates: true, examples: ["link ops"] },
  "unlink.ops": { path: "unlink ops", description: "Stop alerts", mutates: true, examples: ["unlink ops"] },
  links: { path: "links", description: "Show the linked repositories and Linear teams", examples: ["links"] },
  "review.list": {
    path: "review list",
    description: "Open pull requests waiting for review",
    examples: ["review list"],
  },
  "review.mine": {
    path: "review mine",
    description: "Pull requests waiting for your review",
    examples: ["review mine"],
  },
  "review.assign": {
    path: "review assign",
    description: "Pick and assign a reviewer for a pull request",
    mutates: true,
    examples: ["review assign acme/api#42"],
    args: ["pr"],
  },
  "sla.set": {
    path: "sla set",
    description: "Set the review SLA in hours, for all pull requests or a repository or label",
    mutates: true,
    examples: ["sla set 24", "sla set 4 --repo acme/api --label hotfix"],
    args: ["hours", "--repo", "--label"],
  },
  "sla.show": { path: "sla show", description: "Show the review SLAs", examples: ["sla show"] },
  "digest.now": { path: "digest now", description: "Post the digest now", examples: ["digest now"] },
  "digest.schedule": {
    path: "digest schedule",
    description: "Post the digest at a time of day (default mon-fri)",
    mutates: true,
    examples: ["digest schedule 09:30 Europe/Berlin", "digest schedule 16:00 UTC mon,wed,fri"],
    args: ["time", "tz", "days"],
  },
  "digest.off": {
    path: "digest off",
    description: "Stop the scheduled digest",
    mutates: true,
    examples: ["digest off"],
  },
  "digest.filter": {
    path: "digest filter",
    description: "Choose which pull requests this channel's digest shows (no options: show the filters)",
    mutates: true,
    examples: [
      "digest filter --drafts ignore --approvals 2 --min-age 4",
      "digest filter --labels needs-review --ignore-labels wip,do-not-merge --empty skip",
      "digest filter --reset",
    ],
    args: ["--drafts", "--approvals", "--min-age", "--labels", "--ignore-labels", "--empty", "--reset"],
  },
};

export function argUsage(a: ArgSpec): string {
  const ph = a.placeholder.includes("|") ? a.placeholder : `<${a.placeholder}>`;
  if (a.flag) return a.kind === "flag" ? `[--${a.name}]` : `[--${a.name} ${ph}]`;
  if (a.required) return a.marker ? `${a.marker}${ph}` : ph;
  return a.marker ? `[${a.marker} ${a.placeholder}]` : `[${a.placeholder}]`;
}

const P = COMMAND_PREFIX;

export const COMMANDS: readonly CommandSpec[] = Object.entries(SPECS).map(([name, s]) => {
  const args: readonly ArgSpec[] = (s.args ?? []).map((id: ArgId) => ARGS[id]);
  const path = s.path.split(" ") as [string] | [string, string];
  const usage = [P, ...path, ...args.map(argUsage)].join(" ");
  const examples = s.examples.map((e) => `${P} ${e}`);
  return {
    name: name as CommandName,
    path,
    description: s.description,
    mutates: s.mutates ?? false,
    selfService: s.selfService ?? false,
    examples,
    args,
    usage,
  };
});

/** First words of the commands, in help order (SECTIONS; any word missing there at the end). */
export const TOP_WORDS: readonly string[] = [
  ...new Set([...SECTIONS.flatMap((s) => s.words), ...COMMANDS.map((c) => c.path[0])]),
];
export const HELP_TOPICS: readonly string[] = [
  ...TOP_WORDS,
  ...COMMANDS.filter((c) => c.path.length === 2).map((c) => c.path.join(" ")),
];
export const OVERVIEW_USAGE = `${P} <${TOP_WORDS.join("|")}> …  (${P} help lists the commands)`;

export const specFor = (name: CommandName): CommandSpec =>
  COMMANDS.find((c) => c.name === name) ?? (COMMANDS.find((c) => c.name === "help") as CommandSpec);
export const groupCommands = (word: string) =>
  COMMANDS.filter((c) => c.path.length === 2 && c.path[0] === word);
export const findCommand = (words: readonly string[]) =>
  COMMANDS.find((c) => c.path.length === words.length && c.path.every((w, i) => w === words[i]));
export const groupUsage = (word: string) =>
  groupCommands(word)
    .map((c) => c.usage)
    .join("\n");

const topicKind: KindDef = {
  noun: "help topic",
  discordType: 3,
  choices: TOP_WORDS,
  parse: z.string().transform((raw, ctx) => {
    const v = raw.trim().toLowerCase().split(/\s+/).join(" ");
    if (HELP_TOPICS.includes(v)) return v;
    ctx.addIssue(`topics are ${TOP_WORDS.join(", ")}`);
    return z.NEVER;
  }),
};

export const kindDef = (kind: ArgSpec["kind"]): KindDef => (kind === "topic" ? topicKind : KINDS[kind]);
