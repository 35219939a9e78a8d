/**
 * Review actions from the dashboard (operator): reassign, snooze and nudge a pull request, by the
 * rules of the review card's buttons (src/agents/review-manager/buttons.ts) — an operator or admin
 * acts as a chat admin does, on any reviewer's review — through the same Review Manager RPCs (`act`,
 * and `nudgeNow` for a nudge asked now). 404 for a PR the tenant's Review Manager does not track,
 * 409 when the action does not apply (closed, draft, nobody to reassign to, no clock, nobody to nudge).
 * The audit entry names the key or the session (`session:slack:U123`).
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { type ReviewButton, reviewManagerAgent } from "../../agents/review-manager";
import { NO_REVIEW_MANAGER } from "../../agents/review-manager/find";
import { plainText } from "../../chat/markup";
import type { ChannelRef, ChatUserRef } from "../../chat/platform";
import type { Env } from "../../env";
import { ConflictError, NotFoundError, unwrap } from "../../platform/errors";
import { settings } from "../../settings/stub";
import type { Principal } from "../../tenants/authenticate";
import { sessionUser } from "../../tenants/dashboard-sessions";
import { currentTenant, guard } from "../middleware/auth";
import { jsonBody } from "../middleware/body";
import { callMeta, E404, E409, json, security, WRITE_ERRORS } from "../openapi";
import { currentReviewManager } from "../review-queue";
import type { AppEnv } from "../types";

/** What the dashboard may do to a review (GET /api/reviews lists those the caller may). */
export const REVIEW_ACTIONS = ["reassign", "snooze", "nudge"] as const;
type ReviewAction = (typeof REVIEW_ACTIONS)[number];

const NAME = /^[A-Za-z0-9_.-]{1,100}$/;
const PrParams = z.object({
  owner: z
    .string()
    .regex(NAME, "a GitHub owner (letters, digits, . _ -)")
    .openapi({ param: { name: "owner", in: "path" }, example: "acme" }),
  repo: z
    .string()
    .regex(NAME, "a repository name (letters, digits, . _ -)")
    .openapi({ param: { name: "repo", in: "path" }, example: "widgets" }),
  number: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000_000_000)
    .openapi({ param: { name: "number", in: "path" }, example: 42 }),
});

const ActionResultSchema = z
  .object({
    action: z.enum(REVIEW_ACTIONS),
    repo: z.string().openapi({ example: "acme/widgets" }),
    number: z.number().int(),
    message: z.string().openapi({
      description: "What happened, as plain text (the card's headline), e.g. who it was reassigned to",
      example: "Reassigned acme/widgets#42 from alice to bob (asked by key key_123).",
    }),
    nudged: z
      .object({
        login: z.string(),
        role: z.enum(["reviewer", "author"]),
        reason: z.enum(["review", "changes", "checks", "merge"]),
      })
      .optional()
      .openapi({ description: "Nudge only: who was nudged, as whom, and why the PR waits on them" }),
  })
  .openapi("ReviewActionResult");

const SUMMARY: Record<ReviewAction, string> = {
  reassign:
    "Reassign the review to the next candidate, as the card's Reassign button does for a chat admin (operator)",
  snooze:
    "Snooze the review clock by 2 h for every active reviewer, as the card's Snooze 2h button (operator)",
  nudge:
    "Nudge whoever the PR waits on now (reviewer or author), through their notification settings (operator)",
};

const routeOf = (action: ReviewAction) =>
  createRoute({
    method: "post",
    path: `/api/reviews/{owner}/{repo}/{number}/${action}`,
    tags: ["reviews"],
    summary: SUMMARY[action],
    security,
    middleware: [guard("operator", { action: `reviews.${action}` }), jsonBody()],
    request: { params: PrParams },
    responses: {
      200: { description: "Done: what happened", content: json(ActionResultSchema) },
      ...WRITE_ERRORS,
      ...E404,
      ...E409,
    },
  });

/** Who asked: the session's chat user (and their GitHub login on the team), or the API key. */
async function askedBy(env: Env, tenant: string, principal: Principal | undefined) {
  const keyId = principal?.keyId ?? "unknown";
  const session = principal?.session;
  const user = session ? sessionUser(session.actor) : null;
  if (session && user) {
    const member = await settings(env, tenant).member(user);
    return { actor: user, login: member?.github ?? null, by: member?.github ?? session.actor };
  }
  // An API key is no chat user: the reply names it as text (`by`), never as a mention.
  const actor: ChatUserRef = { platform: "slack", id: keyId };
  return { actor, login: null, by: `key ${keyId}` };
}

export function registerReviewActionRoutes(app: OpenAPIHono<AppEnv>): void {
  for (const action of REVIEW_ACTIONS) {
    app.openapi(routeOf(action), async (c) => {
      const { owner, repo: name, number } = c.req.valid("param");
      const repo = `${owner}/${name}`.toLowerCase();
      c.set("target", `${repo}#${number}`);
      const tenant = currentTenant(c);
      const agent = await currentReviewManager(c.env, tenant);
      if (!agent) throw new NotFoundError(`Foreman does not track ${repo}#${number}: ${NO_REVIEW_MANAGER}`);
      const rm = reviewManagerAgent(c.env, agent.agentId);
      const { correlationId } = callMeta(c);
      const who = await askedBy(c.env, tenant, c.get("principal"));
      const target = `${repo}#${number}`;
      if (action === "nudge") {
        const done = unwrap(await rm.nudgeNow({ target, by: who.by, correlationId }));
        const { login, role, reason, message } = done;
        return c.json({ action, repo, number, message, nudged: { login, role, reason } }, 200);
      }
      // Not a channel: the card's other linked channels all hear of a reassignment.
      const place: ChannelRef = {
        platform: who.actor.platform,
        workspaceId: "dashboard",
        channelId: "dashboard",
      };
      const verb: ReviewButton = action;
      const result = unwrap(
        await rm.act({
          verb,
          target,
          actor: who.actor,
          login: who.login,
          admin: true,
          place,
          by: who.by,
          correlationId,
        }),
      );
      const message = plainText(result.reply.text);
      if (!result.changed) throw new ConflictError(message);
      return c.json({ action, repo, number, message }, 200);
    });
  }
}
