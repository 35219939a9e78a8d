/**
 * The events the Integration Dashboard's review metrics read, checked at the inbox (event data
 * crosses a Durable Object boundary as plain JSON): the GitHub domain events of src/events/types.ts
 * it records facts from, and `foreman.sla.breach` published by the Review Manager.
 */
import { z } from "zod";

/** Published by the Review Manager when a reviewer's SLA is breached (100 % of the budget). */
export const SLA_BREACH_EVENT = "foreman.sla.breach";
/** Published by the Review Manager when it asks people to review (GitHub may not echo it back). */
export const REVIEW_REQUESTED_EVENT = "foreman.review.requested";

const Snapshot = z.looseObject({
  number: z.number().int().positive(),
  title: z.string().max(1024),
  htmlUrl: z.string().max(2048),
  author: z.string().nullable(),
  draft: z.boolean(),
  /** Lines added plus deleted: pull_request events carry it, review events do not. */
  changedLines: z.number().int().nonnegative().optional(),
});

const base = {
  repo: z.looseObject({ fullName: z.string().min(1).max(200) }),
  pr: Snapshot,
  at: z.string(),
};

const MetricsEventSchema = z.discriminatedUnion("kind", [
  z.looseObject({
    kind: z.enum(["pr.opened", "pr.reopened", "pr.ready_for_review", "pr.edited", "pr.synchronized"]),
    ...base,
  }),
  z.looseObject({ kind: z.literal("pr.closed"), ...base, merged: z.boolean() }),
  z.looseObject({
    kind: z.literal("pr.review_requested"),
    ...base,
    reviewer: z.union([
      z.looseObject({ type: z.literal("user"), login: z.string().min(1).max(200) }),
      z.looseObject({ type: z.literal("team"), slug: z.string().min(1).max(200) }),
    ]),
  }),
  z.looseObject({
    kind: z.literal("review.submitted"),
    ...base,
    reviewId: z.number().int(),
    reviewer: z.string().max(200).nullable(),
    state: z.enum(["approved", "changes_requested", "commented"]).optional(),
  }),
  z.looseObject({
    kind: z.literal("review.comment"),
    ...base,
    commentId: z.number().int(),
    reviewId: z.number().int().nullable(),
    author: z.string().max(200).nullable(),
  }),
]);

export type MetricsEvent = z.infer<typeof MetricsEventSchema>;

/** The event behind `github.<kind>` when it is one the metrics record, else null. */
export function metricsEvent(name: string, data: unknown): MetricsEvent | null {
  if (!name.startsWith("github.")) return null;
  const parsed = MetricsEventSchema.safeParse(data);
  if (!parsed.success || name !== `github.${parsed.data.kind}`) return null;
  return parsed.data;
}

export const SlaBreachData = z.looseObject({
  repo: z.string().min(1).max(200),
  number: z.number().int().positive(),
  reviewer: z.string().min(1).max(200),
  atMs: z.number().int().nonnegative(),
  budgetMs: z.number().nonnegative(),
});
export type SlaBreachData = z.infer<typeof SlaBreachData>;

export const ReviewRequestedData = z.looseObject({
  repo: z.string().min(1).max(200),
  number: z.number().int().positive(),
  reviewers: z.array(z.string().min(1).max(200)).min(1).max(50),
  atMs: z.number().int().nonnegative(),
});
