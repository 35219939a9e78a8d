/**
 * Review quality, pure (issue 15, section 4; docs/insights.md): per repository and per reviewer, from
 * the Integration Dashboard's facts (src/domain/review-metrics.ts `PrFacts`) in a time window.
 *
 * - **PR size** (PRs that became ready for review in the window): lines added plus deleted, in
 *   buckets, against the range where reviews stay effective. The SmartBear / Cisco study of 2,500
 *   reviews found defect detection falls off beyond 200-400 lines per review, so 400 is the line.
 * - **Rubber stamps** (approvals submitted in the window): *quick*, an approval within 5 minutes of
 *   the request for that reviewer (or of the PR becoming ready when they were never requested), except
 *   on PRs known to be trivial (20 lines or fewer); *silent on a large PR*, an approval of a PR over
 *   400 lines by someone who left no review comment on it (before the approval, or with it) and no
 *   earlier "comment" or "request changes" review. A body-only approval counts as silent: webhook
 *   events do not carry review bodies.
 * - **Review rounds** (PRs merged in the window): 1 + the "request changes" reviews by others in the
 *   round that was merged; PRs merged with no review by anyone but the author are counted apart.
 * - **Concentration** (reviews by others submitted in the window): each repository's top reviewers and
 *   their share; a *knowledge silo* when one person did at least half of 10 or more reviews.
 * - **Size effect**: the median working time to first review of PRs over 400 lines against those of
 *   400 or fewer (first reviews in the window; PRs of unknown size left out), "reviews of PRs over 400
 *   lines take 3x longer here"; no ratio with fewer than 5 of either.
 */
import type { WorkClock } from "./insights";
import { median, type PrFacts, type ReviewFact, reviewsByOthers, roundReviews } from "./review-metrics";
import { MINUTE_MS } from "./time";

/** Above this many changed lines a review loses effectiveness (SmartBear / Cisco: 200-400). */
export const EFFECTIVE_MAX_LINES = 400;
export const QUICK_APPROVAL_MS = 5 * MINUTE_MS;
/** PRs of at most this many lines may be approved at once: never a rubber stamp. */
export const TRIVIAL_LINES = 20;
export const SILO_SHARE = 0.5;
export const SILO_MIN_REVIEWS = 10;
/** Review rounds from which a PR counts as going back and forth. */
export const MANY_ROUNDS = 3;
/** Samples needed on each side of the size effect before a ratio is given. */
export const SIZE_EFFECT_MIN = 5;

const BUCKETS: readonly { label: string; maxLines: number | null }[] = [
  { label: "1-50", maxLines: 50 },
  { label: "51-200", maxLines: 200 },
  { label: "201-400", maxLines: 400 },
  { label: "401-1000", maxLines: 1000 },
  { label: "over 1000", maxLines: null },
];

export interface SizeDistribution {
  /** PRs of known size. */
  prs: number;
  unknown: number;
  medianLines: number | null;
  /** PRs of known size within EFFECTIVE_MAX_LINES, and over it. */
  withinRange: number;
  overRange: number;
  buckets: { label: string; maxLines: number | null; count: number }[];
}

export interface ApprovalStats {
  approvals: number;
  quick: number;
  silentLarge: number;
}

export interface RoundStats {
  /** Merged PRs with at least one review. */
  prs: number;
  mean: number | null;
  max: number | null;
  /** PRs with MANY_ROUNDS rounds or more. */
  many: number;
  mergedWithoutReview: number;
}

export interface Concentration {
  reviews: number;
  reviewers: number;
  /** The two busiest reviewers, share of `reviews` to 2 decimals. */
  top: { reviewer: string; reviews: number; share: number }[];
  silo: boolean;
}

export interface RepoQuality {
  repo: string;
  size: SizeDistribution;
  approvals: ApprovalStats;
  rounds: RoundStats;
  concentration: Concentration;
}

export interface ReviewerQuality extends ApprovalStats {
  reviewer: string;
  /** Reviews submitted in the window on others' PRs. */
  reviews: number;
}

export interface SizeEffect {
  thresholdLines: number;
  over: { count: number; medianMs: number | null };
  under: { count: number; medianMs: number | null };
  /** over / under to 1 decimal; null with too few samples on either side. */
  ratio: number | null;
}

export interface QualityReport {
  repos: RepoQuality[];
  reviewers: ReviewerQuality[];
  sizeEffect: SizeEffect;
}

export interface QualityWindow {
  /** Exclusive start, inclusive end (ms). */
  fromMs: number;
  toMs: number;
  clock: WorkClock;
}

const inside = (w: Pick<QualityWindow, "fromMs" | "toMs">, atMs: number) => atMs > w.fromMs && atMs <= w.toMs;

// --------------------------------------------------------------------- pieces

export function sizeDistribution(lines: readonly (number | null | undefined)[]): SizeDistribution {
  const known = lines.filter((n): n is number => typeof n === "number");
  return {
    prs: known.length,
    unknown: lines.length - known.length,
    medianLines: median(known),
    withinRange: known.filter((n) => n <= EFFECTIVE_MAX_LINES).length,
    overRange: known.filter((n) => n > EFFECTIVE_MAX_LINES).length,
    buckets: BUCKETS.map((b, i) => {
      const min = i === 0 ? Number.NEGATIVE_INFINITY : (BUCKETS[i - 1]?.maxLines ?? 0);
      const count = known.filter((n) => n > min && (b.maxLines === null || n <= b.maxLines)).length;
      return { ...b, count };
    }),
  };
}

/** Whether an approval was quick and whether it was silent on a large PR (see the file's comment). */
export function judgeApproval(pr: PrFacts, approval: ReviewFact): { quick: boolean; silentLarge: boolean } {
  const who = approval.reviewer;
  const asked = pr.requests.filter((r) => r.reviewer === who && r.atMs <= approval.atMs).map((r) => r.atMs);
  const ready = pr.ready.filter((t) => t <= approval.atMs);
  const since = asked.length ? Math.max(...asked) : ready.length ? Math.max(...ready) : null;
  const lines = pr.lines ?? null;
  const trivial = lines !== null && lines <= TRIVIAL_LINES;
  const quick = since !== null && !trivial && approval.atMs - since <= QUICK_APPROVAL_MS;
  const commented =
    (pr.comments ?? []).some(
      (c) =>
        c.author === who &&
        (c.atMs <= approval.atMs || (approval.id !== undefined && c.reviewId === approval.id)),
    ) ||
    pr.reviews.some(
      (r) =>
        r.reviewer === who &&
        r.atMs <= approval.atMs &&
        (r.state === "commented" || r.state === "changes_requested"),
    );
  const silentLarge = lines !== null && lines > EFFECTIVE_MAX_LINES && !commented;
  return { quick, silentLarge };
}

/** Review rounds of the round merged in the window, or null (not merged in it); 0: merged unreviewed. */
export function reviewRounds(pr: PrFacts, w: Pick<QualityWindow, "fromMs" | "toMs">): number | null {
  const merged = roundReviews(pr).find(
    ({ round }) => round.merged && round.endMs !== null && inside(w, round.endMs),
  );
  if (!merged) return null;
  if (merged.reviews.length === 0) return 0;
  return 1 + merged.reviews.filter((r) => r.state === "changes_requested").length;
}

export function concentration(reviewers: readonly string[]): Concentration {
  const counts = new Map<string, number>();
  for (const r of reviewers) counts.set(r, (counts.get(r) ?? 0) + 1);
  const total = reviewers.length;
  const top = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 2)
    .map(([reviewer, n]) => ({ reviewer, reviews: n, share: Math.round((n / total) * 100) / 100 }));
  const first = top[0];
  const silo = total >= SILO_MIN_REVIEWS && first !== undefined && first.reviews / total >= SILO_SHARE;
  return { reviews: total, reviewers: counts.size, top, silo };
}

/** Median working time to first review over `thresholdLines` against at most it (see the file's comment). */
export function sizeEffect(
  prs: readonly PrFacts[],
  w: QualityWindow,
  thresholdLines = EFFECTIVE_MAX_LINES,
): SizeEffect {
  const over: number[] = [];
  const under: number[] = [];
  for (const pr of prs) {
    if (typeof pr.lines !== "number") continue;
    for (const { round, reviews } of roundReviews(pr)) {
      const first = reviews[0];
      if (!first || !inside(w, first.atMs)) continue;
      (pr.lines > thresholdLines ? over : under).push(w.clock(first.reviewer, round.startMs, first.atMs));
    }
  }
  const o = { count: over.length, medianMs: median(over) };
  const u = { count: under.length, medianMs: median(under) };
  const enough = o.count >= SIZE_EFFECT_MIN && u.count >= SIZE_EFFECT_MIN && (u.medianMs ?? 0) > 0;
  const ratio = enough ? Math.round(((o.medianMs ?? 0) / (u.medianMs ?? 1)) * 10) / 10 : null;
  return { thresholdLines, over: o, under: u, ratio };
}

/** "reviews of PRs over 400 lines take 3x longer here" (or "… are 2x quicker …"); null without a ratio. */
export function sizeEffectText(effect: SizeEffect): string | null {
  const { ratio, thresholdLines } = effect;
  if (ratio === null) return null;
  const lines = thresholdLines.toLocaleString("en-US");
  if (ratio >= 1.1) return `reviews of PRs over ${lines} lines take ${ratio}x longer here`;
  if (ratio > 0 && ratio <= 0.9) {
    return `reviews of PRs over ${lines} lines start ${Math.round((1 / ratio) * 10) / 10}x sooner here`;
  }
  return `reviews of PRs over ${lines} lines take about as long as smaller ones here`;
}

// ----------------------------------------------------------------- the report

const emptyApprovals = (): ApprovalStats => ({ approvals: 0, quick: 0, silentLarge: 0 });

/** Quality per repository (by name) and per reviewer (most reviews first) in the window. */
export function reviewQuality(prs: readonly PrFacts[], w: QualityWindow): QualityReport {
  const byRepo = new Map<
    string,
    { lines: (number | null)[]; approvals: ApprovalStats; rounds: number[]; reviewers: string[] }
  >();
  const people = new Map<string, ReviewerQuality>();
  const repoOf = (repo: string) => {
    let found = byRepo.get(repo);
    if (!found) {
      found = { lines: [], approvals: emptyApprovals(), rounds: [], reviewers: [] };
      byRepo.set(repo, found);
    }
    return found;
  };
  const person = (reviewer: string) => {
    let found = people.get(reviewer);
    if (!found) {
      found = { reviewer, reviews: 0, ...emptyApprovals() };
      people.set(reviewer, found);
    }
    return found;
  };
  for (const pr of prs) {
    if (pr.ready.some((t) => inside(w, t))) repoOf(pr.repo).lines.push(pr.lines ?? null);
    const rounds = reviewRounds(pr, w);
    if (rounds !== null) repoOf(pr.repo).rounds.push(rounds);
    for (const r of reviewsByOthers(pr)) {
      if (!inside(w, r.atMs)) continue;
      const repo = repoOf(pr.repo);
      const me = person(r.reviewer);
      repo.reviewers.push(r.reviewer);
      me.reviews++;
      if (r.state !== "approved") continue;
      const judged = judgeApproval(pr, r);
      for (const stats of [repo.approvals, me]) {
        stats.approvals++;
        if (judged.quick) stats.quick++;
        if (judged.silentLarge) stats.silentLarge++;
      }
    }
  }
  const repos = [...byRepo.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([repo, r]): RepoQuality => {
      const reviewed = r.rounds.filter((n) => n > 0);
      const sum = reviewed.reduce((a, b) => a + b, 0);
      return {
        repo,
        size: sizeDistribution(r.lines),
        approvals: r.approvals,
        rounds: {
          prs: reviewed.length,
          mean: reviewed.length ? Math.round((sum / reviewed.length) * 100) / 100 : null,
          max: reviewed.length ? Math.max(...reviewed) : null,
          many: reviewed.filter((n) => n >= MANY_ROUNDS).length,
          mergedWithoutReview: r.rounds.length - reviewed.length,
        },
        concentration: concentration(r.reviewers),
      };
    });
  const reviewers = [...people.values()].sort(
    (a, b) => b.reviews - a.reviews || a.reviewer.localeCompare(b.reviewer),
  );
  return { repos, reviewers, sizeEffect: sizeEffect(prs, w) };
}
