/**
 * `GET /api/metrics/reviews` (viewer): review metrics per week, per repository and week, per reviewer
 * and week — time to first review, time to merge, SLA breaches, merges, reviews — answered by the
 * tenant's Integration Dashboard agent (src/agents/integration-dashboard, pure math in
 * src/domain/review-metrics.ts). Without such an agent every week is empty. Reads only: no agent is
 * started from here.
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { findIntegrationDashboard, MAX_WEEKS } from "../../agents/integration-dashboard";
import { aggregate } from "../../domain/review-metrics";
import { unwrap } from "../../platform/errors";
import { currentTenant, guard } from "../middleware/auth";
import { json, READ_ERRORS, security } from "../openapi";
import { TenantQuery } from "../schemas";
import type { AppEnv } from "../types";

const REPO = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/;
/** `repo=` and `reviewer=` left empty mean "all". */
const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

const MetricsQuery = z.object({
  weeks: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_WEEKS)
    .default(8)
    .openapi({ description: `Weeks to show, the current one included (1-${MAX_WEEKS})`, example: 8 }),
  repo: z
    .preprocess(blankToUndefined, z.string().trim().max(200).regex(REPO, "must be owner/repo").optional())
    .openapi({ description: "Only this repository (every section)", example: "acme/widgets" }),
  reviewer: z
    .preprocess(blankToUndefined, z.string().trim().regex(LOGIN, "must be a GitHub login").optional())
    .openapi({ description: "Only this reviewer's rows in `reviewers` (totals stay the team's)" }),
  tenant: TenantQuery,
});

const StatsSchema = z
  .object({
    count: z.number().int(),
    medianMs: z.number().nullable(),
    p75Ms: z.number().nullable().openapi({ description: "75th percentile, nearest rank" }),
    p90Ms: z.number().nullable().openapi({ description: "90th percentile, nearest rank" }),
    meanMs: z.number().nullable(),
  })
  .openapi("ReviewStats", { description: "Wall-clock milliseconds; null fields when count is 0" });

const Week = z.string().openapi({ description: "Monday (UTC) of the week", example: "2026-11-16" });

const WeekTotalsSchema = z
  .object({
    week: Week,
    firstReview: StatsSchema,
    merge: StatsSchema,
    slaBreaches: z.number().int(),
    merged: z.number().int(),
  })
  .openapi("ReviewWeekTotals");

const RepoWeekSchema = z
  .object({
    repo: z.string(),
    week: Week,
    firstReview: StatsSchema,
    merge: StatsSchema,
    slaBreaches: z.number().int(),
    merged: z.number().int(),
  })
  .openapi("ReviewRepoWeek");

const ReviewerWeekSchema = z
  .object({
    reviewer: z.string(),
    week: Week,
    firstReview: StatsSchema.openapi({ description: "From each review request to their next review" }),
    slaBreaches: z.number().int(),
    reviews: z.number().int().openapi({ description: "Reviews submitted that week (own PRs excluded)" }),
  })
  .openapi("ReviewReviewerWeek");

export const ReviewMetricsSchema = z
  .object({
    generatedAt: z.string(),
    weeks: z.array(Week).openapi({ description: "Every week of the range, oldest first" }),
    totals: z.array(WeekTotalsSchema).openapi({ description: "One row per week in `weeks`" }),
    repos: z.array(RepoWeekSchema).openapi({ description: "Rows with something in them only" }),
    reviewers: z.array(ReviewerWeekSchema).openapi({ description: "Rows with something in them only" }),
  })
  .openapi("ReviewMetrics");

const reviewMetrics = createRoute({
  method: "get",
  path: "/api/metrics/reviews",
  tags: ["metrics"],
  summary: "Review metrics per week, repository and reviewer (viewer)",
  security,
  middleware: [guard("viewer")],
  request: { query: MetricsQuery },
  responses: {
    200: { description: "Review metrics", content: json(ReviewMetricsSchema) },
    ...READ_ERRORS,
  },
});

export function registerMetricsRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(reviewMetrics, async (c) => {
    const { weeks, repo, reviewer } = c.req.valid("query");
    const nowMs = Date.now();
    const agent = await findIntegrationDashboard(c.env, currentTenant(c));
    const metrics = agent
      ? unwrap(await agent.reviewMetrics({ weeks, repo, reviewer, nowMs }))
      : aggregate([], { nowMs, weeks });
    return c.json(metrics, 200);
  });
}
