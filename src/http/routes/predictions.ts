/**
 * `GET /api/predictions?repo=&reviewer=` (viewer): for each PR waiting for review, what the tenant's
 * forecasts say (docs/predictions.md) — when the first review and the merge are likely, the chance the
 * SLA is missed, and who the PR waits on. The same figures `GET /api/reviews` carries per review as
 * `predicted`; read from the live Review Manager in one call (nothing is started).
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { GITHUB_LOGIN, repoSchema } from "../../domain/values";
import { currentTenant, guard } from "../middleware/auth";
import { json, READ_ERRORS, security } from "../openapi";
import { reviewQueue } from "../review-queue";
import { TenantQuery } from "../schemas";
import type { AppEnv } from "../types";

/** What the forecasts say of a PR waiting for review (docs/predictions.md). */
export const PredictedSchema = z
  .object({
    firstReviewBy: z.number().nullable().openapi({
      description:
        "When the first review (the next, after changes) is likely: the forecast's median, epoch ms",
    }),
    firstReviewP80By: z
      .number()
      .nullable()
      .openapi({ description: "By then with probability 0.8, epoch ms" }),
    mergeBy: z.number().nullable().openapi({ description: "When the merge is likely (median), epoch ms" }),
    breachRisk: z.number().min(0).max(1).nullable().openapi({
      description: "Chance the first review misses the SLA of the reviewer it waits on; 1 once missed",
    }),
    atRisk: z
      .boolean()
      .openapi({ description: "breachRisk above the tenant's threshold, before any breach" }),
    blocker: z
      .object({
        role: z.enum(["reviewer", "author"]),
        login: z.string().nullable(),
        reason: z.enum(["review", "changes", "checks", "merge"]),
        sinceMs: z.number(),
      })
      .nullable()
      .openapi({ description: "Who the PR waits on now, why, and since when" }),
    basis: z
      .enum(["model", "repository", "tenant", "default"])
      .nullable()
      .openapi({ description: "What the forecast rests on; null: no history to forecast from yet" }),
  })
  .openapi("Predicted");

const PredictionSchema = z
  .object({
    repo: z.string(),
    number: z.number(),
    title: z.string(),
    url: z.string(),
    author: z.string().nullable(),
    reviewers: z.array(z.string()).openapi({ description: "Who is still to review it" }),
    predicted: PredictedSchema,
  })
  .openapi("Prediction");

const query = z.object({
  repo: z
    .string()
    .pipe(repoSchema)
    .optional()
    .openapi({ description: "Only this repository (`owner/name`)", example: "acme/api" }),
  reviewer: z
    .string()
    .regex(GITHUB_LOGIN, "must be a GitHub login (letters, digits, single hyphens, at most 39)")
    .optional()
    .openapi({ description: "Only PRs waiting for this GitHub login" }),
  tenant: TenantQuery,
});

const route = createRoute({
  method: "get",
  path: "/api/predictions",
  tags: ["reviews"],
  summary:
    "Forecasts for the PRs waiting for review: likely first review and merge, breach risk, blocker (viewer)",
  security,
  middleware: [guard("viewer")],
  request: { query },
  responses: {
    200: {
      description: "One prediction per PR waiting for review",
      content: json(z.object({ nowMs: z.number(), predictions: z.array(PredictionSchema) })),
    },
    ...READ_ERRORS,
  },
});

export function registerPredictionRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    const { repo, reviewer } = c.req.valid("query");
    const { nowMs, items } = await reviewQueue(c.env, currentTenant(c));
    const predictions = items
      .filter((item) => !repo || item.repo === repo.toLowerCase())
      .filter(
        (item) => !reviewer || item.reviewers.some((r) => r.login.toLowerCase() === reviewer.toLowerCase()),
      )
      .flatMap((item) =>
        item.predicted
          ? [
              {
                repo: item.repo,
                number: item.number,
                title: item.title,
                url: item.url,
                author: item.author,
                reviewers: item.reviewers.map((r) => r.login),
                predicted: item.predicted,
              },
            ]
          : [],
      );
    return c.json({ nowMs, predictions }, 200);
  });
}
