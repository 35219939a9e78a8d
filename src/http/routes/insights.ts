/**
 * `GET /api/insights` (viewer): bottlenecks as they form and review quality (docs/insights.md) —
 * reviewers over capacity now and whether their reviews are aging, per repository and 7-day window the
 * working time to first review, in review and to merge with the trend, review quality per repository
 * and reviewer. Gathered by src/agents/integration-dashboard/insights.ts from the live Review Manager
 * and Integration Dashboard; reads only, no agent is started. An empty tenant answers empty lists
 * and `empty: true`.
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { gatherInsights, MAX_INSIGHT_WEEKS } from "../../agents/integration-dashboard";
import { AGENT_STATUSES } from "../../agents/model";
import { currentTenant, guard } from "../middleware/auth";
import { json, READ_ERRORS, security } from "../openapi";
import { TenantQuery } from "../schemas";
import type { AppEnv } from "../types";

const REPO = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

const InsightsQuery = z.object({
  weeks: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_INSIGHT_WEEKS)
    .default(4)
    .openapi({ description: `7-day windows ending now (1-${MAX_INSIGHT_WEEKS})`, example: 4 }),
  repo: z
    .preprocess(blankToUndefined, z.string().trim().max(200).regex(REPO, "must be owner/repo").optional())
    .openapi({ description: "Only this repository (every section)", example: "acme/widgets" }),
  tenant: TenantQuery,
});

const Ms = z.number().nullable();
const QuantilesSchema = z
  .object({ count: z.number().int(), p50Ms: Ms, p75Ms: Ms })
  .openapi("InsightQuantiles", { description: "Working milliseconds, nearest rank; null when count is 0" });
const PrRefSchema = z.object({ repo: z.string(), number: z.number().int() });

const ReviewerLoadSchema = z
  .object({
    login: z.string(),
    open: z.number().int().openapi({ description: "Open reviews (requested or started)" }),
    capacity: z.number().int(),
    aging: z.number().int().openapi({ description: "Open reviews past their SLA reminder (or 4 working h)" }),
    oldestWaitingMs: z.number().openapi({ description: "Working time the oldest has waited" }),
    oldest: PrRefSchema,
    overCapacity: z.boolean(),
    bottleneck: z.boolean().openapi({ description: "Over capacity with at least one aging review" }),
  })
  .openapi("ReviewerLoad");

const RepoWeekSchema = z.object({
  from: z.string().openapi({ description: "Window start (exclusive), ISO 8601" }),
  to: z.string(),
  firstReview: QuantilesSchema.openapi({ description: "Waiting for pickup: ready → first review" }),
  inReview: QuantilesSchema.openapi({ description: "First review → last approval (merged rounds)" }),
  toMerge: QuantilesSchema.openapi({ description: "Last approval → merge" }),
});

const RepoInsightSchema = z
  .object({
    repo: z.string(),
    weeks: z
      .array(RepoWeekSchema)
      .openapi({ description: "Newest first: the last 7 days, then the 7 before, …" }),
    trend: z.object({
      p50Ratio: z.number().nullable(),
      p75Ratio: z.number().nullable(),
      doubled: z.boolean().openapi({ description: "P75 time to first review at least doubled" }),
    }),
  })
  .openapi("RepoInsight");

const BottleneckSchema = z
  .discriminatedUnion("kind", [
    z.object({
      kind: z.literal("reviewer"),
      login: z.string(),
      open: z.number().int(),
      capacity: z.number().int(),
      aging: z.number().int(),
      oldestWaitingMs: z.number(),
      oldest: PrRefSchema,
      action: z.literal("rebalance"),
      suggestion: z.string(),
    }),
    z.object({
      kind: z.literal("repo"),
      repo: z.string(),
      p75Ms: z.number(),
      previousP75Ms: z.number(),
      action: z.literal("spread"),
      suggestion: z.string(),
    }),
  ])
  .openapi("Bottleneck");

const Approvals = {
  approvals: z.number().int(),
  quick: z.number().int().openapi({ description: "Approvals within 5 minutes of the request" }),
  silentLarge: z.number().int().openapi({ description: "Approvals of PRs over 400 lines without a comment" }),
};

const RepoQualitySchema = z
  .object({
    repo: z.string(),
    size: z.object({
      prs: z.number().int(),
      unknown: z.number().int(),
      medianLines: z.number().nullable(),
      withinRange: z.number().int(),
      overRange: z.number().int(),
      buckets: z.array(
        z.object({ label: z.string(), maxLines: z.number().nullable(), count: z.number().int() }),
      ),
    }),
    approvals: z.object(Approvals),
    rounds: z.object({
      prs: z.number().int(),
      mean: z.number().nullable(),
      max: z.number().nullable(),
      many: z.number().int(),
      mergedWithoutReview: z.number().int(),
    }),
    concentration: z.object({
      reviews: z.number().int(),
      reviewers: z.number().int(),
      top: z.array(z.object({ reviewer: z.string(), reviews: z.number().int(), share: z.number() })),
      silo: z.boolean(),
    }),
  })
  .openapi("RepoQuality");

const SizeEffectSchema = z
  .object({
    thresholdLines: z.number().int(),
    over: z.object({ count: z.number().int(), medianMs: Ms }),
    under: z.object({ count: z.number().int(), medianMs: Ms }),
    ratio: z.number().nullable().openapi({ description: "over / under; null with fewer than 5 of either" }),
  })
  .openapi("SizeEffect");

const Source = z.object({ agentId: z.string(), status: z.enum(AGENT_STATUSES) }).nullable();

export const InsightsSchema = z
  .object({
    generatedAt: z.string(),
    weeks: z.number().int(),
    capacity: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "The Review Manager's capacity; null without one" }),
    reviewers: z.array(ReviewerLoadSchema).openapi({ description: "Everyone with open reviews now" }),
    repos: z.array(RepoInsightSchema).openapi({ description: "Slowest first (P75 of the last 7 days)" }),
    bottlenecks: z.array(BottleneckSchema),
    quality: z.object({
      repos: z.array(RepoQualitySchema),
      reviewers: z.array(z.object({ reviewer: z.string(), reviews: z.number().int(), ...Approvals })),
      sizeEffect: SizeEffectSchema,
    }),
    empty: z.boolean().openapi({ description: "Nothing to report yet" }),
    sources: z.object({ reviewManager: Source, integrationDashboard: Source }),
  })
  .openapi("Insights");

const insights = createRoute({
  method: "get",
  path: "/api/insights",
  tags: ["metrics"],
  summary: "Bottlenecks (reviewers over capacity, slow repositories) and review quality (viewer)",
  security,
  middleware: [guard("viewer")],
  request: { query: InsightsQuery },
  responses: { 200: { description: "Insights", content: json(InsightsSchema) }, ...READ_ERRORS },
});

export function registerInsightsRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(insights, async (c) => {
    const { weeks, repo } = c.req.valid("query");
    const answer = await gatherInsights(c.env, currentTenant(c), { weeks, ...(repo ? { repo } : {}) });
    return c.json(answer, 200);
  });
}
