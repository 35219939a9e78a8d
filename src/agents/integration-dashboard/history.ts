/**
 * Past pull requests recorded as facts at once (the demo tenant's simulated history, so the dashboard
 * and insights of `npm run dev` are not empty): each is its ready moment, the review request, its
 * first review (its verdict unknown: no quality figure reads it) and its merge, as the webhook events would have recorded them. Facts have
 * natural keys, so importing again records nothing new.
 */
import { z } from "zod";
import type { MetricsStore } from "./store";

export const HistoryPrSchema = z.strictObject({
  repo: z.string().min(3).max(200),
  number: z.number().int().positive(),
  title: z.string().max(300),
  author: z.string().min(1).max(100),
  lines: z.number().int().min(0).max(10_000_000),
  reviewer: z.string().min(1).max(100),
  readyAtMs: z.number().int().nonnegative(),
  requestedAtMs: z.number().int().nonnegative(),
  firstReviewAtMs: z.number().int().nonnegative().nullable(),
  mergedAtMs: z.number().int().nonnegative().nullable(),
});
export type HistoryPr = z.infer<typeof HistoryPrSchema>;

/** At most this many PRs per import (one call, one synchronous step). */
export const MAX_HISTORY_PRS = 5_000;

/** Records the PRs' facts; answers how many facts were new. */
export function importHistory(store: MetricsStore, prs: readonly HistoryPr[]): number {
  let added = 0;
  for (const pr of prs) {
    const { repo, number } = pr;
    const url = `https://github.com/${repo}/pull/${number}`;
    store.info({ repo, number, author: pr.author, title: pr.title, url, lines: pr.lines }, pr.readyAtMs);
    if (store.prFact(repo, number, "ready", pr.readyAtMs)) added++;
    if (store.request(repo, number, pr.reviewer, pr.requestedAtMs)) added++;
    if (pr.firstReviewAtMs !== null && store.review(repo, number, 1, pr.reviewer, pr.firstReviewAtMs, null)) {
      added++;
    }
    if (pr.mergedAtMs !== null && store.prFact(repo, number, "merged", pr.mergedAtMs)) added++;
  }
  return added;
}
