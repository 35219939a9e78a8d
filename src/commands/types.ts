/**
 * The typed command both chat platforms parse into: a zod-validated discriminated union on `name`.
 * Values here are already normalised (canonical zone names, upper-case team keys, ordered weekdays);
 * the input parsers that turn raw strings into these live in `values.ts`.
 */
import { z } from "zod";
import { AGENT_TYPES, PRIORITIES } from "../agents/model";
import { NOTIFY_MODES } from "../domain/notify";
import type { Weekday } from "../domain/time";
import {
  agentIdSchema,
  chatUserSchema,
  DRAFT_MODES,
  dateSchema,
  daysSchema,
  EMPTY_MODES,
  experimentIdSchema,
  githubLoginSchema,
  githubTeamSchema,
  hoursSchema,
  labelListSchema,
  pullRequestRefSchema,
  repoSchema,
  teamKeySchema,
  textSchema,
  timeOfDaySchema,
  workflowIdSchema,
  zoneSchema,
} from "../domain/values";

export const prioritySchema = z.enum(PRIORITIES);
export const agentTypeSchema = z.enum(AGENT_TYPES);
/** `me notify`: a mode of one's own, or `default` (back to the team's mode, windows and cap). */
export const MY_NOTIFY_MODES = [...NOTIFY_MODES, "default"] as const;
export const FOCUS_ACTIONS = ["add", "clear"] as const;
/** Times of day batched messages go out: distinct, sorted, 1 to 6. */
export const windowsSchema = z.array(timeOfDaySchema).min(1).max(6);
/** `09:00-12:00`: a focus block's hours (the end may be 24:00). */
export const timeRangeSchema = z.strictObject({
  start: timeOfDaySchema,
  end: z.union([timeOfDaySchema, z.literal("24:00")]),
});
/** A day or a range of days (inclusive), or `clear`. */
export const dayRangeSchema = z.union([
  z.literal("clear"),
  z.strictObject({ from: dateSchema, until: dateSchema }),
]);
const capSchema = z.number().int().min(1).max(100);

const cmd = <N extends string, S extends z.core.$ZodLooseShape>(name: N, shape: S) =>
  z.strictObject({ name: z.literal(name), ...shape });

const workflowId = { workflowId: workflowIdSchema };
const agentId = { agentId: agentIdSchema };
const user = { user: chatUserSchema };

export const commandSchema = z.discriminatedUnion("name", [
  cmd("help", { topic: z.string().min(1).optional() }),
  cmd("status", { workflowId: workflowIdSchema.optional() }),
  cmd("setup", {}),
  cmd("dashboard", {}),
  cmd("workflow.create", { workflowName: textSchema, priority: prioritySchema.optional() }),
  cmd("workflow.list", {}),
  cmd("workflow.terminate", workflowId),
  cmd("agent.spawn", { agentType: agentTypeSchema, workflowId: workflowIdSchema.optional() }),
  cmd("agent.list", {}),
  cmd("agent.pause", agentId),
  cmd("agent.resume", agentId),
  cmd("agent.terminate", agentId),
  cmd("team.add", {
    ...user,
    github: githubLoginSchema,
    tz: zoneSchema.optional(),
    lead: z.boolean().default(false),
  }),
  cmd("team.remove", user),
  cmd("team.list", {}),
  cmd("team.holiday", { dates: dayRangeSchema }),
  /** `org/team`: its members matched to chat users by public email. */
  cmd("team.import", { team: githubTeamSchema }),
  cmd("me.show", {}),
  cmd("me.notify", {
    mode: z.enum(MY_NOTIFY_MODES),
    windows: windowsSchema.optional(),
    cap: capSchema.optional(),
  }),
  /** `add` needs the days and the hours; `clear` takes neither (the handler says which is missing). */
  cmd("me.focus", {
    action: z.enum(FOCUS_ACTIONS),
    days: daysSchema.optional(),
    between: timeRangeSchema.optional(),
  }),
  cmd("me.holiday", { dates: dayRangeSchema }),
  cmd("me.hours", { days: daysSchema, between: timeRangeSchema }),
  cmd("me.zone", { tz: zoneSchema }),
  cmd("settings.notify-default", {
    mode: z.enum(NOTIFY_MODES),
    windows: windowsSchema.optional(),
    cap: capSchema.optional(),
  }),
  /**
   * `user` left out: the person who runs it (`ooo`, `ooo me`, `ooo until 2026-12-10`); `from` left
   * out: from now (`ooo from 2027-01-11 until 2027-01-15` plans an absence ahead).
   */
  cmd("ooo", {
    user: chatUserSchema.optional(),
    from: dateSchema.optional(),
    until: dateSchema.optional(),
  }),
  cmd("back", { user: chatUserSchema.optional() }),
  /** Without a repository: pick one of those the tenant's GitHub App covers. */
  cmd("link.github", { repo: repoSchema.optional() }),
  cmd("link.linear", { teamKey: teamKeySchema }),
  cmd("unlink.github", { repo: repoSchema }),
  cmd("unlink.linear", { teamKey: teamKeySchema }),
  cmd("link.ops", {}),
  cmd("unlink.ops", {}),
  cmd("links", {}),
  cmd("review.list", { page: z.number().int().min(1).max(100_000).optional() }),
  cmd("review.mine", {}),
  cmd("review.assign", { pr: pullRequestRefSchema }),
  cmd("insights", { repo: repoSchema.optional() }),
  cmd("policy.list", {}),
  cmd("policy.explain", { pr: pullRequestRefSchema }),
  cmd("policy.promote", { experimentId: experimentIdSchema }),
  cmd("sla.set", { hours: hoursSchema, repo: repoSchema.optional(), label: textSchema.max(50).optional() }),
  cmd("sla.show", {}),
  cmd("digest.now", {}),
  cmd("digest.schedule", {
    time: timeOfDaySchema,
    tz: zoneSchema.optional(),
    days: daysSchema.default((): Weekday[] => ["mon", "tue", "wed", "thu", "fri"]),
  }),
  cmd("digest.off", {}),
  cmd("digest.filter", {
    drafts: z.enum(DRAFT_MODES).optional(),
    /** Leave out PRs with at least this many approvals; 0 turns it off. */
    approvals: z.number().int().min(0).max(50).optional(),
    /** Leave out PRs waiting fewer working hours than this; 0 turns it off. */
    minAge: z.number().min(0).max(720).optional(),
    labels: labelListSchema.optional(),
    ignoreLabels: labelListSchema.optional(),
    empty: z.enum(EMPTY_MODES).optional(),
    reset: z.boolean().default(false),
  }),
]);

export type Command = z.infer<typeof commandSchema>;
export type CommandName = Command["name"];
export type CommandOf<N extends CommandName> = Extract<Command, { name: N }>;

export type ParseResult =
  | { ok: true; command: Command }
  | { ok: false; error: string; usage: string; suggestion?: string };
