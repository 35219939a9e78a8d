/**
 * The parts of the domain events (src/events/types.ts) this agent reads, checked at the inbox:
 * event data crosses a Durable Object boundary as plain JSON.
 */
import { z } from "zod";

/** PR events that (re)read the PR's branch, title and body for issue keys. */
export const PR_SCAN_KINDS = [
  "pr.opened",
  "pr.edited",
  "pr.ready_for_review",
  "pr.reopened",
  "pr.synchronized",
  "pr.converted_to_draft",
  "pr.closed",
] as const;
export type PrScanKind = (typeof PR_SCAN_KINDS)[number];

export const PrEventData = z.looseObject({
  kind: z.enum(PR_SCAN_KINDS),
  repo: z.looseObject({ fullName: z.string().min(1).max(200) }),
  merged: z.boolean().optional(),
  pr: z.looseObject({
    number: z.number().int().positive(),
    title: z.string().max(1024),
    htmlUrl: z.string().max(2048),
    state: z.enum(["open", "closed"]),
    draft: z.boolean(),
    merged: z.boolean(),
    headRef: z.string().max(1024),
    body: z.string(),
    updatedAt: z.string(),
  }),
});
export type PrEventData = z.infer<typeof PrEventData>;

export const LinearIssueEventData = z.looseObject({
  kind: z.enum(["linear.issue.created", "linear.issue.updated", "linear.issue.removed"]),
  at: z.string(),
  updatedFrom: z.array(z.string()),
  previousStateId: z.string().nullable(),
  issue: z.looseObject({
    id: z.string().min(1),
    identifier: z.string().min(1).max(40),
    teamKey: z.string().max(40),
    title: z.string(),
    url: z.string(),
    state: z.looseObject({ id: z.string(), name: z.string(), type: z.string() }).nullable(),
  }),
});
export type LinearIssueEventData = z.infer<typeof LinearIssueEventData>;
