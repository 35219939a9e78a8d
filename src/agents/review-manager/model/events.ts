/**
 * The GitHub domain events (src/events/types.ts) the Review Manager acts on, read back from an
 * inbox message (`event` payload `{name, data}`). Only the fields it uses are checked; anything
 * else (checks, dismissed reviews, comments) is null and only logged.
 */
import { z } from "zod";
import type { PrSnapshot } from "./model";

const Snapshot = z.looseObject({
  number: z.number().int().positive(),
  title: z.string(),
  htmlUrl: z.string(),
  author: z.string().nullable(),
  state: z.enum(["open", "closed"]),
  draft: z.boolean(),
  merged: z.boolean(),
  headRef: z.string(),
  baseRef: z.string().optional(),
  labels: z.array(z.string()),
  requestedReviewers: z.array(z.string()),
  requestedTeams: z.array(z.string()),
  updatedAt: z.string(),
});

const base = {
  repo: z.looseObject({ fullName: z.string().min(1) }),
  pr: Snapshot,
  sender: z.string().nullable(),
  at: z.string(),
};

const SNAPSHOT_KINDS = [
  "pr.opened",
  "pr.reopened",
  "pr.ready_for_review",
  "pr.converted_to_draft",
  "pr.closed",
  "pr.synchronized",
  "pr.edited",
  "pr.labeled",
  "pr.unlabeled",
  "pr.assigned",
  "pr.unassigned",
  // Only signs of life (a nudge waits for quiet): nothing else changes.
  "review.comment",
  "review.dismissed",
] as const;

const ReviewEventSchema = z.discriminatedUnion("kind", [
  z.looseObject({ kind: z.enum(SNAPSHOT_KINDS), ...base }),
  z.looseObject({
    kind: z.enum(["pr.review_requested", "pr.review_request_removed"]),
    ...base,
    reviewer: z.union([
      z.looseObject({ type: z.literal("user"), login: z.string().min(1) }),
      z.looseObject({ type: z.literal("team"), slug: z.string().min(1) }),
    ]),
  }),
  z.looseObject({
    kind: z.literal("review.submitted"),
    ...base,
    reviewer: z.string().nullable(),
    reviewId: z.number().optional(),
    state: z.enum(["approved", "changes_requested", "commented"]),
  }),
]);

export type ReviewEvent = z.infer<typeof ReviewEventSchema>;
export type ReviewEventKind = ReviewEvent["kind"];

/** The event behind `github.<kind>`, or null when it is not one the Review Manager handles. */
export function reviewEvent(name: string, data: unknown): ReviewEvent | null {
  const parsed = ReviewEventSchema.safeParse(data);
  if (!parsed.success || name !== `github.${parsed.data.kind}`) return null;
  return parsed.data;
}

/** The PR as this event describes it. */
export function snapshotOf(event: ReviewEvent): PrSnapshot {
  const pr = event.pr;
  const updated = Date.parse(pr.updatedAt);
  return {
    repo: event.repo.fullName.toLowerCase(),
    number: pr.number,
    title: pr.title,
    url: pr.htmlUrl,
    author: pr.author,
    draft: pr.draft,
    state: pr.state === "open" ? "open" : pr.merged ? "merged" : "closed",
    labels: pr.labels,
    headRef: pr.headRef,
    requestedReviewers: pr.requestedReviewers,
    requestedTeams: pr.requestedTeams,
    updatedAtMs: Number.isFinite(updated) ? updated : 0,
    lines: typeof pr.changedLines === "number" ? pr.changedLines : null,
    baseRef: pr.baseRef ?? null,
  };
}

/** Events after which a PR may need reviewers. */
export const READY_KINDS: readonly ReviewEventKind[] = [
  "pr.opened",
  "pr.reopened",
  "pr.ready_for_review",
  "pr.review_requested",
];
