/**
 * The Foreman command grammar: the single source of truth for the text parser (Slack), the Discord
 * command definitions and interaction mapping, and the help text. Pure data plus lookups.
 */

import { z } from "zod";
import { ARGS, type ArgId, type ArgSpec } from "./args";
import { SECTIONS } from "./sections";
import type { CommandName, CommandOf } from "./types";
import { KINDS, type KindDef } from "./values";

export type { ArgSpec };

export const COMMAND_PREFIX = "/foreman";

type ArgKey<N extends CommandName> = Exclude<keyof CommandOf<N>, "name"> & string;

export interface CommandSpec {
  name: CommandName;
  /** Words typed after `/foreman`: `["status"]` or `["team", "add"]` (Discord subcommand group + subcommand). */
  path: readonly [string] | readonly [string, string];
  description: string;
  /** Changes settings or state: handlers require chat admin rights. */
  mutates: boolean;
  /**
   * About one person (`ooo`, `back`, `me …`): open to everyone for themselves (the person left out,
   * `me`, or their own mention); admin rights only for someone else.
   */
  selfService: boolean;
  /** The group's word alone runs this command (`/foreman me` is `/foreman me show`). */
  bare: boolean;
  examples: readonly string[];
  args: readonly ArgSpec[];
  usage: string;
}

type ArgIdFor<N extends CommandName> = {
  [I in ArgId]: (typeof ARGS)[I]["key"] extends ArgKey<N> ? I : never;
}[ArgId];

type SpecInput<N extends CommandName> = {
  /** Words after `/foreman`, space separated: one word or a Discord subcommand group plus subcommand. */
  path: string;
  description: string;
  mutates?: true;
  selfService?: true;
  bare?: true;
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
  setup: {
    path: "setup",
    description: "The setup checklist: installs, repositories, team, SLA and digest, each with its next step",
    examples: ["setup"],
  },
  dashboard: { path: "dashboard", description: "A sign-in link to the dashboard", examples: ["dashboard"] },
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
  "team.holiday": {
    path: "team holiday",
    description: "Add a team holiday (a day or a range): nothing reaches anyone then; or clear them",
    mutates: true,
    examples: ["team holiday 2026-12-24..2026-12-26", "team holiday 2027-01-01", "team holiday clear"],
    args: ["dates"],
  },
  "team.import": {
    path: "team import",
    description: "Add a GitHub team's members, matched to chat users by their public email",
    mutates: true,
    examples: ["team import github:acme/backend"],
    args: ["githubTeam"],
  },
  "me.show": {
    path: "me show",
    description: "Your page: team details, how messages reach you, what is held for you now",
    bare: true,
    examples: ["me"],
  },
  "me.notify": {
    path: "me notify",
    description: "How messages reach you: at once, batched at your windows, or once a day",
    mutates: true,
    selfService: true,
    examples: [
      "me notify batched --at 09:30,13:30,16:30",
      "me notify immediate --cap 4",
      "me notify default",
    ],
    args: ["myMode", "--at", "--cap"],
  },
  "me.focus": {
    path: "me focus",
    description: "Add a focus block (messages wait until it ends), or clear them all",
    mutates: true,
    selfService: true,
    examples: ["me focus add tue,thu 09:00-12:00", "me focus clear"],
    args: ["focusAction", "focusDays", "focusHours"],
  },
  "me.holiday": {
    path: "me holiday",
    description: "Add a holiday of yours (a day or a range): nothing reaches you then; or clear them",
    mutates: true,
    selfService: true,
    examples: ["me holiday 2026-12-24..2026-12-31", "me holiday 2027-01-06", "me holiday clear"],
    args: ["dates"],
  },
  "me.hours": {
    path: "me hours",
    description: "Set your working days and hours: messages wait for them, review assignment counts them",
    mutates: true,
    selfService: true,
    examples: ["me hours mon-fri 08:00-16:00", "me hours mon,tue,thu 10:00-18:30"],
    args: ["workDays", "workHours"],
  },
  "me.zone": {
    path: "me zone",
    description: "Set your time zone: your working hours, windows, focus blocks and holidays count in it",
    mutates: true,
    selfService: true,
    examples: ["me zone Europe/Berlin"],
    args: ["myZone"],
  },
  "settings.notify-default": {
    path: "settings notify-default",
    description: "How messages reach people who have not chosen their own",
    mutates: true,
    examples: ["settings notify-default batched --at 09:30,13:30,16:30 --cap 6"],
    args: ["teamMode", "--at", "--cap"],
  },
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
    description: "Link a GitHub repository to this channel (no repository: pick one the GitHub App covers)",
    mutates: true,
    examples: ["link github acme/api", "link github"],
    args: ["linkRepo"],
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
    description: "Open pull requests waiting for review (20 a page)",
    examples: ["review list", "review list --page 2"],
    args: ["--page"],
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
  insights: {
    path: "insights",
    description: "Bottlenecks and review quality: who is over capacity, slow repositories, rubber stamps",
    examples: ["insights", "insights acme/api"],
    args: ["insightsRepo"],
  },
  "policy.list": {
    path: "policy list",
    description: "The review policies, which is active, and a running experiment",
    examples: ["policy list"],
  },
  "policy.explain": {
    path: "policy explain",
    description: "Which policy rule decides a pull request, and why",
    examples: ["policy explain acme/api#12"],
    args: ["pr"],
  },
  "policy.promote": {
    path: "policy promote",
    description: "Make an experiment's variant the new version of its control policy",
    mutates: true,
    examples: ["policy promote exp-1a2b3c"],
    args: ["experiment"],
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
  const usage = [P, ...(s.bare ? path.slice(0, 1) : path), ...args.map(argUsage)].join(" ");
  const examples = s.examples.map((e) => `${P} ${e}`);
  return {
    name: name as CommandName,
    path,
    description: s.description,
    mutates: s.mutates ?? false,
    selfService: s.selfService ?? false,
    bare: s.bare ?? false,
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
/** The command the group's word alone runs (`me`), if any. */
export const bareCommand = (word: string) => groupCommands(word).find((c) => c.bare);
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
