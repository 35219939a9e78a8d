/**
 * Button actions: compact ids `fm1:<verb>:<arg>[:<view>]` (at most 100 characters, the Discord
 * custom_id limit; Slack's action_id allows 255) that the adapters hand back to `runAction`.
 *
 * - `fm1` versions the format: ids on old messages keep decoding after a change.
 * - `verb` is one of ACTION_VERBS; `arg` is validated by the verb's schema and never contains `:`.
 * - `view` says which message the button sits on, so the answer can redraw it: absent for a single
 *   card (agent, workflow, status), `list` for the agent or workflow list.
 *
 * Adding a verb (e.g. `digest.refresh`): an entry in ARG_SCHEMAS, and a case in `actionCommand`
 * (src/commands/buttons.ts)
 * mapping it to the command it runs.
 *
 * Review card buttons (`review.claim`, `review.reassign`, `review.snooze`) run no command: `runAction`
 * hands them to the tenant's Review Manager (src/commands/handlers/reviews.ts). Their arg is the PR,
 * `acme/api#42`, or `p<id>` (the Review Manager's row id) when a long repository name would not fit
 * the 100 characters; repository names never contain `:`.
 *
 * `me.windows` (the suggestion on `/foreman me` and the Slack Home tab to batch messages at the times
 * someone actually reviews) runs `me notify batched --at …` for the clicker; its arg is the windows
 * without colons, `0930-1330-1600` (`windowsArg`, `argWindows`).
 */
import { z } from "zod";
import { isPrTarget } from "../domain/pr-refs";
import {
  agentIdSchema,
  experimentIdSchema,
  githubLoginSchema,
  repoSchema,
  workflowIdSchema,
} from "../domain/values";

export const ACTION_PREFIX = "fm1";
export const MAX_ACTION_LENGTH = 100;

const noColon = (schema: z.ZodType<string>) => schema.refine((s) => !s.includes(":"), "must not contain ':'");

const prTarget = z.string().refine(isPrTarget, "must be owner/repo#number or p<id>");

/** Up to 6 times of day as `HHMM`, rising, joined by `-`: `0930-1330-1600`. */
const windowsTarget = z
  .string()
  .regex(/^(?:[01]\d|2[0-3])[0-5]\d(?:-(?:[01]\d|2[0-3])[0-5]\d){0,5}$/)
  .refine((s) => s.split("-").every((t, i, all) => i === 0 || t > (all[i - 1] ?? "")), "times must rise");

/** `["09:30", "13:30"]` -> `0930-1330`: a `me.windows` arg (sorted, HH:MM times). */
export const windowsArg = (times: readonly string[]): string =>
  times.map((t) => t.replace(":", "")).join("-");

/** A `me.windows` arg -> its times, `HH:MM`. */
export const argWindows = (arg: string): string[] =>
  arg.split("-").map((t) => `${t.slice(0, 2)}:${t.slice(2)}`);

const ARG_SCHEMAS = {
  "agent.pause": agentIdSchema,
  "agent.resume": agentIdSchema,
  "agent.terminate": agentIdSchema,
  "workflow.terminate": workflowIdSchema,
  /** The status overview (empty arg) or one workflow's status. */
  "status.refresh": z.union([z.literal(""), workflowIdSchema]),
  /** The channel's review digest: post it afresh in place (empty arg). */
  "digest.refresh": z.literal(""),
  /** Review card: "Start review" (the clicker takes the review). */
  "review.claim": prTarget,
  /** Review card: hand the review to the next candidate. */
  "review.reassign": prTarget,
  /** Review card: move the SLA clock 2 hours later. */
  "review.snooze": prTarget,
  /** A block of reviews (the Context Optimizer's message): start all of the clicker's in this repository. */
  "review.block": repoSchema,
  /** Insights (`/foreman insights`): rebalance this reviewer's queue (their GitHub login). */
  "review.rebalance": githubLoginSchema,
  /** A policy experiment's decision: promote its variant (`policy promote <id>`). */
  "policy.promote": experimentIdSchema,
  /** The review-rhythm suggestion: batch the clicker's messages at these windows (`me notify batched --at`). */
  "me.windows": windowsTarget,
  /** A menu of repositories (`/foreman setup`, `link github`): link the chosen one to this channel. */
  "link.github": repoSchema,
  /**
   * `team import`: someone it could not match. On Slack the click opens the team-add form with the
   * GitHub login filled in (the adapter handles it); elsewhere it answers the command to type.
   */
  "team.form": githubLoginSchema,
} as const satisfies Record<string, z.ZodType<string>>;

export type ActionVerb = keyof typeof ARG_SCHEMAS;
export const ACTION_VERBS = Object.keys(ARG_SCHEMAS) as ActionVerb[];

export type ReviewVerb = Extract<ActionVerb, `review.${string}`>;

export const ACTION_VIEWS = ["list"] as const;
export type ActionView = (typeof ACTION_VIEWS)[number];

/** A decoded button; a union over verbs, so checking `verb` narrows it. */
export type Action = {
  [V in ActionVerb]: { verb: V; arg: string; view?: ActionView };
}[ActionVerb];

export type ReviewAction = Extract<Action, { verb: ReviewVerb }>;
export type FormAction = Extract<Action, { verb: "team.form" }>;
export type CommandAction = Exclude<Action, ReviewAction | FormAction>;

export const isReviewAction = (action: Action): action is ReviewAction => action.verb.startsWith("review.");

const isVerb = (v: string): v is ActionVerb => Object.hasOwn(ARG_SCHEMAS, v);

/** The id of a button. Throws on an arg its verb does not accept (a programming error). */
export function encodeAction(verb: ActionVerb, arg = "", view?: ActionView): string {
  const parsed = noColon(ARG_SCHEMAS[verb]).safeParse(arg);
  if (!parsed.success) throw new Error(`Invalid ${verb} action argument ${JSON.stringify(arg)}`);
  const id = [ACTION_PREFIX, verb, arg, ...(view ? [view] : [])].join(":");
  if (id.length > MAX_ACTION_LENGTH) throw new Error(`Action id longer than ${MAX_ACTION_LENGTH}: ${id}`);
  return id;
}

/** The action behind a button id, or null for anything malformed, unknown or of another format. */
export function decodeAction(id: unknown): Action | null {
  if (typeof id !== "string" || id.length > MAX_ACTION_LENGTH) return null;
  const parts = id.split(":");
  if (parts.length < 3 || parts.length > 4 || parts[0] !== ACTION_PREFIX) return null;
  const [, verb = "", arg = "", view] = parts;
  if (!isVerb(verb) || !ARG_SCHEMAS[verb].safeParse(arg).success) return null;
  if (view === undefined) return { verb, arg };
  return (ACTION_VIEWS as readonly string[]).includes(view) ? { verb, arg, view: view as ActionView } : null;
}
