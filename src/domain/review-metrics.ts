/**
 * Review metrics, pure: from the facts the Integration Dashboard agent records per pull request
 * (moments it became ready for review, closes and merges, submitted reviews, review requests, SLA
 * breaches) to summary rows per week, per repository and week, per reviewer and week.
 *
 * Durations are wall-clock milliseconds (not working hours: the SLA clock is the one that counts
 * working time). Weeks are ISO weeks in UTC, named by their Monday, "YYYY-MM-DD".
 *
 * - Time to first review (per PR): from the moment the PR became ready for review (opened as non-draft,
 *   ready_for_review, reopened) to the first review submitted by anyone but its author (bots count),
 *   counted in the week of that review. A close ends a round; a ready moment after it starts the next.
 * - Time to first review (per reviewer): from a review request for them to their first review at or
 *   after it, in the week of the review. A request made while an earlier one is still unanswered is
 *   the same wait (GitHub re-requests, CODEOWNERS and the Review Manager may all request).
 * - Time to merge: from the start of the round to the merge, in the week of the merge.
 * - SLA breaches: counted in the week of the breach, per repository and per reviewer.
 *
 * Bottleneck insights (./insights.ts) and review quality (./review-quality.ts) build on the same
 * rounds (`rounds`, `roundReviews`) and facts.
 */
import { DAY_MS } from "./time";

export const WEEK_MS = 7 * DAY_MS;

/** count, median, 75th and 90th percentiles (nearest rank) and mean in ms, rounded; null fields when empty. */
export interface SummaryStats {
  count: number;
  medianMs: number | null;
  p75Ms: number | null;
  p90Ms: number | null;
  meanMs: number | null;
}

/** What a submitted review said (GitHub's review state, lower-case). */
export type ReviewVerdict = "approved" | "changes_requested" | "commented";

/** A submitted review; `id` and `state` are absent or null for facts recorded before they were kept. */
export interface ReviewFact {
  reviewer: string;
  atMs: number;
  id?: number;
  state?: ReviewVerdict | null;
}

export interface PrFacts {
  /** `owner/repo`, lower-case. */
  repo: string;
  number: number;
  /** Lower-case login; null when unknown. */
  author: string | null;
  /** Lines added plus deleted as last reported; null or absent when unknown. */
  lines?: number | null;
  /** Moments the PR became ready for review (ms). */
  ready: readonly number[];
  closed: readonly { atMs: number; merged: boolean }[];
  /** Submitted reviews; reviewer lower-case. */
  reviews: readonly ReviewFact[];
  /** Review comments (on the diff); author lower-case; the review they belong to, when GitHub says. */
  comments?: readonly { author: string; atMs: number; reviewId: number | null }[];
  /** Review requests naming a person; reviewer lower-case. */
  requests: readonly { reviewer: string; atMs: number }[];
  breaches: readonly { reviewer: string; atMs: number }[];
}

export interface WeekTotals {
  week: string;
  firstReview: SummaryStats;
  merge: SummaryStats;
  slaBreaches: number;
  merged: number;
}

export interface RepoWeek extends WeekTotals {
  repo: string;
}

export interface ReviewerWeek {
  reviewer: string;
  week: string;
  firstReview: SummaryStats;
  slaBreaches: number;
  /** Reviews submitted that week (on PRs of others). */
  reviews: number;
}

export interface ReviewMetrics {
  generatedAt: string;
  /** Oldest first; every week of the range, empty or not. */
  weeks: string[];
  /** One row per week in `weeks`. */
  totals: WeekTotals[];
  /** Only rows with something in them. */
  repos: RepoWeek[];
  reviewers: ReviewerWeek[];
}

export interface MetricsQuery {
  nowMs: number;
  /** How many weeks, the current one included. */
  weeks: number;
  /** Only this repository (all sections). */
  repo?: string;
  /** Only this reviewer in `reviewers`; totals and repos stay the team's. */
  reviewer?: string;
}

/** A duration sample and when it ended (which decides its week). */
export interface Sample {
  atMs: number;
  ms: number;
}

// ------------------------------------------------------------------- weeks

/** The Monday 00:00 UTC that starts the week of `ms`. */
export function weekStartMs(ms: number): number {
  const day = Math.floor(ms / DAY_MS);
  // 1970-01-01 was a Thursday: (day + 3) % 7 is days since Monday.
  const sinceMonday = (((day + 3) % 7) + 7) % 7;
  return (day - sinceMonday) * DAY_MS;
}

/** The week of `ms` as its Monday (UTC), "YYYY-MM-DD". */
export function weekKey(ms: number): string {
  return new Date(weekStartMs(ms)).toISOString().slice(0, 10);
}

/** The `count` weeks ending with the week of `nowMs`, oldest first. */
export function weekKeys(nowMs: number, count: number): string[] {
  const current = weekStartMs(nowMs);
  return Array.from({ length: Math.max(0, count) }, (_, i) => weekKey(current - (count - 1 - i) * WEEK_MS));
}

// ------------------------------------------------------------------- stats

/** The `q` quantile (0 < q <= 1) of ascending `sorted` by nearest rank; null when empty. */
export function nearestRank(sorted: readonly number[], q: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  return sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))] ?? null;
}

/** The median of `values` (the mean of the middle two when even), rounded; null when empty. */
export function median(values: readonly number[]): number | null {
  const n = values.length;
  if (n === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (i: number) => sorted[i] ?? 0;
  const mid = Math.floor(n / 2);
  return Math.round(n % 2 === 1 ? at(mid) : (at(mid - 1) + at(mid)) / 2);
}

export function summarize(values: readonly number[]): SummaryStats {
  const n = values.length;
  if (n === 0) return { count: 0, medianMs: null, p75Ms: null, p90Ms: null, meanMs: null };
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / n;
  return {
    count: n,
    medianMs: median(sorted),
    p75Ms: Math.round(nearestRank(sorted, 0.75) ?? 0),
    p90Ms: Math.round(nearestRank(sorted, 0.9) ?? 0),
    meanMs: Math.round(mean),
  };
}

// ----------------------------------------------------------------- samples

export interface Round {
  startMs: number;
  /** The close that ended it; null while open. */
  endMs: number | null;
  merged: boolean;
}

/** Review rounds: from a ready moment to the next close; the next ready moment after it starts another. */
export function rounds(pr: Pick<PrFacts, "ready" | "closed">): Round[] {
  const ready = [...new Set(pr.ready)].sort((a, b) => a - b);
  const closes = [...pr.closed].sort((a, b) => a.atMs - b.atMs || Number(b.merged) - Number(a.merged));
  const out: Round[] = [];
  let after = Number.NEGATIVE_INFINITY;
  for (;;) {
    const start = ready.find((t) => t > after);
    if (start === undefined) return out;
    const close = closes.find((c) => c.atMs >= start);
    out.push({ startMs: start, endMs: close?.atMs ?? null, merged: close?.merged ?? false });
    if (!close) return out;
    after = close.atMs;
  }
}

/** Reviews by anyone but the PR's author (bots count). */
export const reviewsByOthers = (pr: Pick<PrFacts, "author" | "reviews">): ReviewFact[] =>
  pr.reviews.filter((r) => pr.author === null || r.reviewer !== pr.author);

/** Each round with the reviews by others inside it (from its start to its close), oldest first. */
export function roundReviews(pr: PrFacts): { round: Round; reviews: ReviewFact[] }[] {
  const reviews = reviewsByOthers(pr).sort((a, b) => a.atMs - b.atMs || (a.id ?? 0) - (b.id ?? 0));
  return rounds(pr).map((round) => ({
    round,
    reviews: reviews.filter(
      (r) => r.atMs >= round.startMs && (round.endMs === null || r.atMs <= round.endMs),
    ),
  }));
}

/** Time to first review of each round that has one. */
export function firstReviewSamples(pr: PrFacts): Sample[] {
  const out: Sample[] = [];
  for (const { round, reviews } of roundReviews(pr)) {
    const first = reviews[0];
    if (first !== undefined) out.push({ atMs: first.atMs, ms: first.atMs - round.startMs });
  }
  return out;
}

/** Time to merge of the round that ended in a merge. */
export function mergeSamples(pr: PrFacts): Sample[] {
  return rounds(pr)
    .filter((r) => r.merged && r.endMs !== null)
    .map((r) => ({ atMs: r.endMs ?? 0, ms: (r.endMs ?? 0) - r.startMs }));
}

/** When the PR was merged (the earliest merge seen), or null. */
export function mergedAt(pr: Pick<PrFacts, "closed">): number | null {
  const merges = pr.closed.filter((c) => c.merged).map((c) => c.atMs);
  return merges.length ? Math.min(...merges) : null;
}

/** Per reviewer: each answered request and how long the answer took. */
export function reviewerSamples(pr: PrFacts): (Sample & { reviewer: string })[] {
  const out: (Sample & { reviewer: string })[] = [];
  for (const reviewer of new Set(pr.requests.map((r) => r.reviewer))) {
    if (reviewer === pr.author) continue;
    const requests = pr.requests
      .filter((r) => r.reviewer === reviewer)
      .map((r) => r.atMs)
      .sort((a, b) => a - b);
    const reviews = pr.reviews
      .filter((r) => r.reviewer === reviewer)
      .map((r) => r.atMs)
      .sort((a, b) => a - b);
    let answeredAt = Number.NEGATIVE_INFINITY;
    for (const requested of requests) {
      if (requested < answeredAt) continue; // asked again before the review that answered: same wait
      const review = reviews.find((t) => t >= requested);
      if (review === undefined) break;
      out.push({ reviewer, atMs: review, ms: review - requested });
      answeredAt = review;
    }
  }
  return out;
}

// ------------------------------------------------------------- aggregation

interface Bucket {
  firstReview: number[];
  merge: number[];
  slaBreaches: number;
  merged: number;
  reviews: number;
}

const emptyBucket = (): Bucket => ({ firstReview: [], merge: [], slaBreaches: 0, merged: 0, reviews: 0 });

class Buckets {
  private readonly map = new Map<string, Bucket>();
  constructor(private readonly weeks: ReadonlySet<string>) {}

  /** The bucket of `name` in the week of `atMs`, or null when that week is out of range. */
  at(name: string, atMs: number): Bucket | null {
    const week = weekKey(atMs);
    if (!this.weeks.has(week)) return null;
    const key = `${week}\u0000${name}`;
    let bucket = this.map.get(key);
    if (!bucket) {
      bucket = emptyBucket();
      this.map.set(key, bucket);
    }
    return bucket;
  }

  get(name: string, week: string): Bucket {
    return this.map.get(`${week}\u0000${name}`) ?? emptyBucket();
  }

  /** [week, name, bucket], by week then name. */
  entries(): [string, string, Bucket][] {
    return [...this.map.entries()]
      .map(([key, bucket]): [string, string, Bucket] => {
        const [week = "", name = ""] = key.split("\u0000");
        return [week, name, bucket];
      })
      .sort((a, b) => a[0].localeCompare(b[0]) || a[1].localeCompare(b[1]));
  }
}

/** The metrics of `prs` over the `query.weeks` weeks ending with the current one. */
export function aggregate(prs: readonly PrFacts[], query: MetricsQuery): ReviewMetrics {
  const weeks = weekKeys(query.nowMs, query.weeks);
  const range = new Set(weeks);
  const total = new Buckets(range);
  const repos = new Buckets(range);
  const people = new Buckets(range);
  const repoFilter = query.repo?.toLowerCase();
  const reviewerFilter = query.reviewer?.toLowerCase();

  const mine = (who: string) => reviewerFilter === undefined || who === reviewerFilter;
  const person = (who: string, atMs: number) => (mine(who) ? people.at(who, atMs) : null);

  for (const pr of prs) {
    if (repoFilter !== undefined && pr.repo !== repoFilter) continue;
    const team = (atMs: number) => [total.at("", atMs), repos.at(pr.repo, atMs)];
    for (const s of firstReviewSamples(pr)) for (const b of team(s.atMs)) b?.firstReview.push(s.ms);
    for (const s of mergeSamples(pr)) for (const b of team(s.atMs)) b?.merge.push(s.ms);
    const merged = mergedAt(pr);
    if (merged !== null) for (const b of team(merged)) if (b) b.merged++;
    for (const breach of pr.breaches) {
      for (const b of [...team(breach.atMs), person(breach.reviewer, breach.atMs)]) if (b) b.slaBreaches++;
    }
    for (const s of reviewerSamples(pr)) person(s.reviewer, s.atMs)?.firstReview.push(s.ms);
    for (const r of reviewsByOthers(pr)) {
      const b = person(r.reviewer, r.atMs);
      if (b) b.reviews++;
    }
  }

  const totals = (week: string, b: Bucket): WeekTotals => ({
    week,
    firstReview: summarize(b.firstReview),
    merge: summarize(b.merge),
    slaBreaches: b.slaBreaches,
    merged: b.merged,
  });
  return {
    generatedAt: new Date(query.nowMs).toISOString(),
    weeks,
    totals: weeks.map((week) => totals(week, total.get("", week))),
    repos: repos.entries().map(([week, repo, b]) => ({ repo, ...totals(week, b) })),
    reviewers: people.entries().map(([week, reviewer, b]) => ({
      reviewer,
      week,
      firstReview: summarize(b.firstReview),
      slaBreaches: b.slaBreaches,
      reviews: b.reviews,
    })),
  };
}

export interface SlowestRepo {
  repo: string;
  medianMs: number;
  /** Time-to-first-review samples behind the median. */
  count: number;
}

/**
 * The repository with the slowest median time to first review among first reviews in
 * [fromMs, toMs]; ties go to more samples, then the name. Null when no repository has one.
 */
export function slowestRepo(prs: readonly PrFacts[], fromMs: number, toMs: number): SlowestRepo | null {
  const samples = new Map<string, number[]>();
  for (const pr of prs) {
    for (const s of firstReviewSamples(pr)) {
      if (s.atMs < fromMs || s.atMs > toMs) continue;
      samples.set(pr.repo, [...(samples.get(pr.repo) ?? []), s.ms]);
    }
  }
  const ranked = [...samples.entries()]
    .map(([repo, values]) => {
      const stats = summarize(values);
      return { repo, medianMs: stats.medianMs ?? 0, count: stats.count };
    })
    .sort((a, b) => b.medianMs - a.medianMs || b.count - a.count || a.repo.localeCompare(b.repo));
  return ranked[0] ?? null;
}
