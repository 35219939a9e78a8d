/** The Review Manager's config keys (beyond the base agent config), with per-repository overrides. */
import { z } from "zod";
import { repoSchema } from "../../domain/values";
import type { AgentConfig } from "../model";

const reviewersPerPr = z.number().int().min(1).max(10);
const algorithm = z.enum(["round-robin", "load-balance"]);
const capacity = z.number().int().min(1).max(100);

export const reviewManagerConfigShape = {
  /** Reviewers wanted per pull request (requests already made on GitHub count). */
  reviewersPerPr: reviewersPerPr.default(1),
  algorithm: algorithm.default("load-balance"),
  /** Open reviews per person before they are skipped as at capacity. */
  capacity: capacity.default(5),
  /**
   * Labels (case-insensitive) that make a PR urgent: one more reviewer than `reviewersPerPr` is asked
   * at once, and whoever has not started when enough reviews are in is released.
   */
  urgentLabels: z.array(z.string().min(1).max(50)).max(20).default(["urgent", "hotfix", "p0"]),
  /**
   * How assignment weighs who can start soonest (src/domain/assignment.ts): hours of waiting per open
   * review, per request in 30 days above the team's median (the fair share), and per unit of the
   * forecast's chance of a review after the deadline (with `forecast.assign`).
   */
  weights: z
    .strictObject({
      openReviewHours: z.number().min(0).max(24).default(1),
      fairShareHours: z.number().min(0).max(40).default(8),
      lateRiskHours: z.number().min(0).max(1000).default(100),
    })
    .default({ openReviewHours: 1, fairShareHours: 8, lateRiskHours: 100 }),
  /**
   * Someone chosen while in a focus block is requested on GitHub (which notifies them at once) when the
   * block ends, unless the PR is urgent. Their SLA clock and the card start at the assignment.
   */
  requestAfterFocus: z.boolean().default(true),
  /**
   * Forecasts (docs/predictions.md): `nudges` replaces the fixed 50 % reminder of a review that has a
   * forecast with one nudge to whoever is blocking, when the PR is overdue against its forecast and
   * has been idle `idleMinutes`; a review whose chance of missing its SLA is above `atRisk` shows
   * "at risk"; `assign` ranks candidates likely to review after the PR's deadline after the others.
   */
  forecast: z
    .strictObject({
      nudges: z.boolean().default(true),
      assign: z.boolean().default(true),
      idleMinutes: z.number().int().min(1).max(10_080).default(120),
      atRisk: z.number().min(0.05).max(0.99).default(0.5),
    })
    .default({ nudges: true, assign: true, idleMinutes: 120, atRisk: 0.5 }),
  /** Overrides per repository (`owner/repo`), e.g. `{"acme/api": {"reviewersPerPr": 2}}`. */
  repos: z
    .record(
      repoSchema,
      z.strictObject({
        reviewersPerPr: reviewersPerPr.optional(),
        algorithm: algorithm.optional(),
        capacity: capacity.optional(),
      }),
    )
    .refine((r) => Object.keys(r).length <= 200, "at most 200 repositories")
    .default({}),
};

const schema = z.looseObject(reviewManagerConfigShape);
export type ReviewManagerConfig = z.infer<typeof schema>;

/** The stored config with this type's defaults filled in (agents spawned before a key existed get it). */
export function reviewConfigOf(config: AgentConfig): ReviewManagerConfig {
  return schema.parse(config);
}
