/**
 * The values Foreman takes from people and platforms, with their validation: chat users, GitHub
 * logins and repositories, pull request references, Linear team keys, workflow and agent ids, hours,
 * times of day, dates, zones, weekdays, label lists, digest modes. Pure (zod schemas); the chat
 * grammar, the settings and the review model use the same definitions.
 */
import { z } from "zod";
import { WEEKDAYS } from "./time";

export const weekdaySchema = z.enum(WEEKDAYS);

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
/** A GitHub team's slug (as in its URL): lower-case letters, digits, `-` and `_`. */
const GITHUB_TEAM_SLUG = /^[a-z0-9][a-z0-9_-]{0,99}$/i;
/** `org/team-slug`: a GitHub organisation's team. */
export const githubTeamSchema = z.string().refine((s) => {
  const [org, team, ...rest] = s.split("/");
  return rest.length === 0 && GITHUB_LOGIN.test(org ?? "") && GITHUB_TEAM_SLUG.test(team ?? "");
}, "not an org/team");
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
/** An experiment's id (`exp-1a2b3c4d5e`, or one given through the API). */
export const experimentIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/);
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
