/**
 * The typed command both chat platforms parse into: a zod-validated discriminated union on `name`.
 * Values here are already normalised (canonical zone names, upper-case team keys, ordered weekdays);
 * the input parsers that turn raw strings into these live in `values.ts`.
 */
import { z } from "zod";
import { AGENT_TYPES, PRIORITIES } from "../agents/model";
import { WEEKDAYS, type Weekday } from "../domain/time";

export { WEEKDAYS, type Weekday };

export const weekdaySchema = z.enum(WEEKDAYS);
export const prioritySchema = z.enum(PRIORITIES);
export const agentTypeSchema = z.enum(AGENT_TYPES);

/** Slack user ids: U… or W… (enterprise grid); Discord: 17-20 digit snowflakes. */
export const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;
export const DISCORD_SNOWFLAKE = /^\d{17,20}$/;

export const chatUserSchema = z
  .strictObject({
    platform: z.enum(["slack", "discord"]),
    id: z.string(),
    name: z.string().min(1).optional(),
  })
  .refine((u) => (u.platform === "slack" ? SLACK_USER_ID : DISCORD_SNOWFLAKE).test(u.id), {
    message: "not a valid user id for the platform",
  });
export type ChatUser = z.infer<typeof chatUserSchema>;

/** GitHub logins: letters, digits and single hyphens, no leading or trailing hyphen, at most 39. */
export const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const REPO_NAME = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,100}$/;
export const TEAM_KEY = /^[A-Z][A-Z0-9]{0,6}$/;
export const WORKFLOW_ID = /^wf_[a-z0-9]{1,64}$/;
export const AGENT_ID = /^agt_[a-z0-9]{1,64}$/;

export const githubLoginSchema = z.string().regex(GITHUB_LOGIN);
export const repoSchema = z.string().refine((s) => {
  const [owner, name, ...rest] = s.split("/");
  return rest.length === 0 && GITHUB_LOGIN.test(owner ?? "") && REPO_NAME.test(name ?? "");
}, "not an owner/repo");
export const pullRequestRefSchema = z.strictObject({
  repo: repoSchema,
  number: z.number().int().min(1).max(2_147_483_647),
});
export type PullRequestRef = z.infer<typeof pullRequestRefSchema>;
export const teamKeySchema = z.string().regex(TEAM_KEY);
export const workflowIdSchema = z.string().regex(WORKFLOW_ID);
export const agentIdSchema = z.string().regex(AGENT_ID);
export const hoursSchema = z.number().positive().max(720);
export const timeOfDaySchema = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$/);
export const dateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
export const zoneSchema = z.string().min(1);
export const textSchema = z.string().min(1).max(100);
export const daysSchema = z.array(weekdaySchema).min(1).max(7);
/** Labels for digest filters: at most 20 names of at most 50 characters; [] means none (off). */
export const labelListSchema = z.array(z.string().min(1).max(50)).max(20);
export const DRAFT_MODES = ["include", "ignore"] as const;
export const EMPTY_MODES = ["post", "skip"] as const;

const cmd = <N extends string, S extends z.core.$ZodLooseShape>(name: N, shape: S) =>
  z.strictObject({ name: z.literal(name), ...shape });

const workflowId = { workflowId: workflowIdSchema };
const agentId = { agentId: agentIdSchema };
const user = { user: chatUserSchema };

export const commandSchema = z.discriminatedUnion("name", [
  cmd("help", { topic: z.string().min(1).optional() }),
  cmd("status", { workflowId: workflowIdSchema.optional() }),
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
  /** `user` left out: the person who runs it (`ooo`, `ooo me`, `ooo until 2026-12-10`). */
  cmd("ooo", { user: chatUserSchema.optional(), until: dateSchema.optional() }),
  cmd("back", { user: chatUserSchema.optional() }),
  cmd("link.github", { repo: repoSchema }),
  cmd("link.linear", { teamKey: teamKeySchema }),
  cmd("unlink.github", { repo: repoSchema }),
  cmd("unlink.linear", { teamKey: teamKeySchema }),
  cmd("link.ops", {}),
  cmd("unlink.ops", {}),
  cmd("links", {}),
  cmd("review.list", {}),
  cmd("review.mine", {}),
  cmd("review.assign", { pr: pullRequestRefSchema }),
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
