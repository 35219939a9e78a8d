/**
 * One row per input form: the Slack text, the equivalent Discord interaction data, and the command
 * both must produce. Text rows use Discord-style mentions so the two results are deep-equal.
 */

import type { DiscordInteractionOption } from "../../src/chat/discord/types";
import type { DiscordInteractionData } from "../../src/commands/discord";
import type { Command } from "../../src/commands/types";

export const DISCORD_ID = "123456789012345678";
export const MENTION = `<@${DISCORD_ID}>`;
const user = { platform: "discord", id: DISCORD_ID } as const;

type Value = string | number | boolean;
const STRING = 3;
const BOOLEAN = 5;
const USER = 6;
const NUMBER = 10;

/** `/foreman <path…>` with leaf options given as `name: value` (typed by the JS type, `user` as USER). */
export function discordData(
  path: readonly string[],
  options: Record<string, Value> = {},
): DiscordInteractionData {
  const leaf: DiscordInteractionOption[] = Object.entries(options).map(([name, value]) => ({
    name,
    type:
      name === "user"
        ? USER
        : typeof value === "number"
          ? NUMBER
          : typeof value === "boolean"
            ? BOOLEAN
            : STRING,
    value,
  }));
  const [first = "", second] = path;
  const sub: DiscordInteractionOption = { type: 1, name: second ?? first, options: leaf };
  const top: DiscordInteractionOption = second === undefined ? sub : { type: 2, name: first, options: [sub] };
  return { id: "1", type: 1, name: "foreman", options: [top] };
}

export interface Case {
  text: string;
  path: readonly string[];
  options?: Record<string, Value>;
  command: Command;
}

export const CASES: readonly Case[] = [
  { text: "help", path: ["help"], command: { name: "help" } },
  {
    text: "help digest",
    path: ["help"],
    options: { topic: "digest" },
    command: { name: "help", topic: "digest" },
  },
  { text: "status", path: ["status"], command: { name: "status" } },
  { text: "setup", path: ["setup"], command: { name: "setup" } },
  { text: "dashboard", path: ["dashboard"], command: { name: "dashboard" } },
  {
    text: "status wf_abc123",
    path: ["status"],
    options: { workflow: "wf_abc123" },
    command: { name: "status", workflowId: "wf_abc123" },
  },
  {
    text: 'workflow create "release train" --priority high',
    path: ["workflow", "create"],
    options: { name: "release train", priority: "high" },
    command: { name: "workflow.create", workflowName: "release train", priority: "high" },
  },
  {
    text: "workflow create hotfix",
    path: ["workflow", "create"],
    options: { name: "hotfix" },
    command: { name: "workflow.create", workflowName: "hotfix" },
  },
  { text: "workflow list", path: ["workflow", "list"], command: { name: "workflow.list" } },
  {
    text: "workflow terminate wf_abc123",
    path: ["workflow", "terminate"],
    options: { id: "wf_abc123" },
    command: { name: "workflow.terminate", workflowId: "wf_abc123" },
  },
  {
    text: "agent spawn review-manager --workflow wf_abc123",
    path: ["agent", "spawn"],
    options: { type: "review-manager", workflow: "wf_abc123" },
    command: { name: "agent.spawn", agentType: "review-manager", workflowId: "wf_abc123" },
  },
  {
    text: "agent spawn linear-state",
    path: ["agent", "spawn"],
    options: { type: "linear-state" },
    command: { name: "agent.spawn", agentType: "linear-state" },
  },
  { text: "agent list", path: ["agent", "list"], command: { name: "agent.list" } },
  ...(["pause", "resume", "terminate"] as const).map((action) => ({
    text: `agent ${action} agt_abc123`,
    path: ["agent", action],
    options: { id: "agt_abc123" },
    command: { name: `agent.${action}`, agentId: "agt_abc123" } as Command,
  })),
  {
    text: `team add ${MENTION} github:alice --tz Europe/Berlin --lead`,
    path: ["team", "add"],
    options: { user: DISCORD_ID, github: "alice", tz: "Europe/Berlin", lead: true },
    command: { name: "team.add", user, github: "alice", tz: "Europe/Berlin", lead: true },
  },
  {
    text: `team add ${MENTION} github:bob-smith`,
    path: ["team", "add"],
    options: { user: DISCORD_ID, github: "bob-smith", lead: false },
    command: { name: "team.add", user, github: "bob-smith", lead: false },
  },
  {
    text: `team remove ${MENTION}`,
    path: ["team", "remove"],
    options: { user: DISCORD_ID },
    command: { name: "team.remove", user },
  },
  { text: "team list", path: ["team", "list"], command: { name: "team.list" } },
  {
    text: "team holiday 2026-12-24..2026-12-26",
    path: ["team", "holiday"],
    options: { dates: "2026-12-24..2026-12-26" },
    command: { name: "team.holiday", dates: { from: "2026-12-24", until: "2026-12-26" } },
  },
  {
    text: "team holiday clear",
    path: ["team", "holiday"],
    options: { dates: "clear" },
    command: { name: "team.holiday", dates: "clear" },
  },
  {
    text: "team import github:Acme/Backend",
    path: ["team", "import"],
    options: { team: "Acme/Backend" },
    command: { name: "team.import", team: "Acme/backend" },
  },
  // Discord cannot have `me` both as a subcommand and as a group: `/foreman me show` there.
  { text: "me", path: ["me", "show"], command: { name: "me.show" } },
  { text: "me show", path: ["me", "show"], command: { name: "me.show" } },
  {
    text: "me notify batched --at 13:30,09:30 --cap 4",
    path: ["me", "notify"],
    options: { mode: "batched", at: "13:30,09:30", cap: 4 },
    command: { name: "me.notify", mode: "batched", windows: ["09:30", "13:30"], cap: 4 },
  },
  {
    text: "me notify default",
    path: ["me", "notify"],
    options: { mode: "default" },
    command: { name: "me.notify", mode: "default" },
  },
  {
    text: "me focus add tue,thu 09:00-12:00",
    path: ["me", "focus"],
    options: { action: "add", "days-list": "tue,thu", hours: "09:00-12:00" },
    command: {
      name: "me.focus",
      action: "add",
      days: ["tue", "thu"],
      between: { start: "09:00", end: "12:00" },
    },
  },
  {
    text: "me focus add mon-fri 13:00-24:00",
    path: ["me", "focus"],
    options: { action: "add", days: "mon-fri", hours: "13:00-24:00" },
    command: {
      name: "me.focus",
      action: "add",
      days: ["mon", "tue", "wed", "thu", "fri"],
      between: { start: "13:00", end: "24:00" },
    },
  },
  {
    text: "me focus clear",
    path: ["me", "focus"],
    options: { action: "clear" },
    command: { name: "me.focus", action: "clear" },
  },
  {
    text: "me holiday 2026-12-24..2026-12-31",
    path: ["me", "holiday"],
    options: { dates: "2026-12-24..2026-12-31" },
    command: { name: "me.holiday", dates: { from: "2026-12-24", until: "2026-12-31" } },
  },
  {
    text: "me holiday 2027-01-06",
    path: ["me", "holiday"],
    options: { dates: "2027-01-06" },
    command: { name: "me.holiday", dates: { from: "2027-01-06", until: "2027-01-06" } },
  },
  {
    text: "me hours mon-fri 08:00-16:00",
    path: ["me", "hours"],
    options: { days: "mon-fri", hours: "08:00-16:00" },
    command: {
      name: "me.hours",
      days: ["mon", "tue", "wed", "thu", "fri"],
      between: { start: "08:00", end: "16:00" },
    },
  },
  {
    text: "me hours mon,tue,thu 10:00-24:00",
    path: ["me", "hours"],
    options: { "days-list": "mon,tue,thu", hours: "10:00-24:00" },
    command: { name: "me.hours", days: ["mon", "tue", "thu"], between: { start: "10:00", end: "24:00" } },
  },
  {
    text: "me zone europe/berlin",
    path: ["me", "zone"],
    options: { zone: "europe/berlin" },
    command: { name: "me.zone", tz: "Europe/Berlin" },
  },
  {
    text: "settings notify-default digest --at 08:00",
    path: ["settings", "notify-default"],
    options: { mode: "digest", at: "08:00" },
    command: { name: "settings.notify-default", mode: "digest", windows: ["08:00"] },
  },
  {
    text: `ooo ${MENTION} until 2026-12-24`,
    path: ["ooo"],
    options: { user: DISCORD_ID, until: "2026-12-24" },
    command: { name: "ooo", user, until: "2026-12-24" },
  },
  { text: `ooo ${MENTION}`, path: ["ooo"], options: { user: DISCORD_ID }, command: { name: "ooo", user } },
  { text: `back ${MENTION}`, path: ["back"], options: { user: DISCORD_ID }, command: { name: "back", user } },
  // For oneself: no user (Slack also takes `me`).
  { text: "ooo", path: ["ooo"], command: { name: "ooo" } },
  {
    text: "ooo until 2026-12-10",
    path: ["ooo"],
    options: { until: "2026-12-10" },
    command: { name: "ooo", until: "2026-12-10" },
  },
  // A planned absence: first and last day, or open-ended from a day.
  {
    text: "ooo from 2027-01-11 until 2027-01-15",
    path: ["ooo"],
    options: { from: "2027-01-11", until: "2027-01-15" },
    command: { name: "ooo", from: "2027-01-11", until: "2027-01-15" },
  },
  {
    text: `ooo ${MENTION} from 2027-01-11 until 2027-01-15`,
    path: ["ooo"],
    options: { user: DISCORD_ID, from: "2027-01-11", until: "2027-01-15" },
    command: { name: "ooo", user, from: "2027-01-11", until: "2027-01-15" },
  },
  {
    text: "ooo from 2027-01-11",
    path: ["ooo"],
    options: { from: "2027-01-11" },
    command: { name: "ooo", from: "2027-01-11" },
  },
  { text: "back", path: ["back"], command: { name: "back" } },
  {
    text: "link github acme/api",
    path: ["link", "github"],
    options: { repo: "acme/api" },
    command: { name: "link.github", repo: "acme/api" },
  },
  { text: "link github", path: ["link", "github"], command: { name: "link.github" } },
  {
    text: "link linear eng",
    path: ["link", "linear"],
    options: { team: "eng" },
    command: { name: "link.linear", teamKey: "ENG" },
  },
  {
    text: "unlink github acme/api",
    path: ["unlink", "github"],
    options: { repo: "acme/api" },
    command: { name: "unlink.github", repo: "acme/api" },
  },
  {
    text: "unlink linear ENG",
    path: ["unlink", "linear"],
    options: { team: "ENG" },
    command: { name: "unlink.linear", teamKey: "ENG" },
  },
  { text: "link ops", path: ["link", "ops"], command: { name: "link.ops" } },
  { text: "unlink ops", path: ["unlink", "ops"], command: { name: "unlink.ops" } },
  { text: "links", path: ["links"], command: { name: "links" } },
  { text: "review list", path: ["review", "list"], command: { name: "review.list" } },
  {
    text: "review list --page 2",
    path: ["review", "list"],
    options: { page: "2" },
    command: { name: "review.list", page: 2 },
  },
  { text: "review mine", path: ["review", "mine"], command: { name: "review.mine" } },
  {
    text: "review assign acme/api#42",
    path: ["review", "assign"],
    options: { pr: "acme/api#42" },
    command: { name: "review.assign", pr: { repo: "acme/api", number: 42 } },
  },
  { text: "insights", path: ["insights"], command: { name: "insights" } },
  {
    text: "insights acme/api",
    path: ["insights"],
    options: { repo: "acme/api" },
    command: { name: "insights", repo: "acme/api" },
  },
  { text: "policy list", path: ["policy", "list"], command: { name: "policy.list" } },
  {
    text: "policy explain acme/api#12",
    path: ["policy", "explain"],
    options: { pr: "acme/api#12" },
    command: { name: "policy.explain", pr: { repo: "acme/api", number: 12 } },
  },
  {
    text: "policy promote exp-1a2b3c",
    path: ["policy", "promote"],
    options: { experiment: "exp-1a2b3c" },
    command: { name: "policy.promote", experimentId: "exp-1a2b3c" },
  },
  {
    text: 'sla set 24 --repo acme/api --label "needs review"',
    path: ["sla", "set"],
    options: { hours: 24, repo: "acme/api", label: "needs review" },
    command: { name: "sla.set", hours: 24, repo: "acme/api", label: "needs review" },
  },
  {
    text: "sla set 0.5",
    path: ["sla", "set"],
    options: { hours: 0.5 },
    command: { name: "sla.set", hours: 0.5 },
  },
  { text: "sla show", path: ["sla", "show"], command: { name: "sla.show" } },
  { text: "digest now", path: ["digest", "now"], command: { name: "digest.now" } },
  {
    text: "digest schedule 09:30 Europe/Berlin mon,wed,fri",
    path: ["digest", "schedule"],
    options: { time: "09:30", tz: "Europe/Berlin", "days-list": "mon,wed,fri" },
    command: { name: "digest.schedule", time: "09:30", tz: "Europe/Berlin", days: ["mon", "wed", "fri"] },
  },
  {
    text: "digest schedule 16:00 daily",
    path: ["digest", "schedule"],
    options: { time: "16:00", days: "daily" },
    command: {
      name: "digest.schedule",
      time: "16:00",
      days: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
    },
  },
  {
    text: "digest schedule 08:00 UTC mon-fri",
    path: ["digest", "schedule"],
    options: { time: "08:00", tz: "UTC", days: "mon-fri" },
    command: { name: "digest.schedule", time: "08:00", tz: "UTC", days: ["mon", "tue", "wed", "thu", "fri"] },
  },
  {
    text: "digest schedule 8:00",
    path: ["digest", "schedule"],
    options: { time: "8:00" },
    command: { name: "digest.schedule", time: "08:00", days: ["mon", "tue", "wed", "thu", "fri"] },
  },
  { text: "digest off", path: ["digest", "off"], command: { name: "digest.off" } },
  {
    text: "digest filter --drafts include --approvals 2 --min-age 4h --labels bug,needs-review --ignore-labels wip --empty skip",
    path: ["digest", "filter"],
    options: {
      drafts: "include",
      approvals: "2",
      "min-age": "4h",
      labels: "bug,needs-review",
      "ignore-labels": "wip",
      empty: "skip",
    },
    command: {
      name: "digest.filter",
      drafts: "include",
      approvals: 2,
      minAge: 4,
      labels: ["bug", "needs-review"],
      ignoreLabels: ["wip"],
      empty: "skip",
      reset: false,
    },
  },
  {
    text: "digest filter --approvals off --labels none --reset",
    path: ["digest", "filter"],
    options: { approvals: "off", labels: "none", reset: true },
    command: { name: "digest.filter", approvals: 0, labels: [], reset: true },
  },
  { text: "digest filter", path: ["digest", "filter"], command: { name: "digest.filter", reset: false } },
];
