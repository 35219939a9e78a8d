/**
 * Bottleneck insights, pure (issue 15, section 3; docs/insights.md): who has more open reviews than
 * capacity and whether those reviews are aging, and per repository and week how long PRs wait for a
 * first review, in review and to be merged, with the trend against the week before.
 *
 * - **Open reviews** of a reviewer: their requested or started reviews of open, ready PRs (the Review
 *   Manager's queue). **Over capacity**: more open reviews than the Review Manager's `capacity`.
 * - **Aging**: a review whose SLA is at risk or breached (its working time waited passed the
 *   reminder step, by default half the SLA); without an SLA, one that waited at least half the default
 *   SLA (`AGING_WORKING_MS`, 4 working hours). A review requested minutes ago is never aging.
 * - **Bottleneck**: a reviewer over capacity with at least one aging review; or a repository whose P75
 *   time to first review doubled against the week before (`doubled`).
 * - **Weeks** here are the 7-day windows ending now, newest first (not calendar weeks): a sample counts
 *   in the window in which its stage ended. Durations are **working** milliseconds, each stage in the
 *   hours of the person it waited on (`WorkClock`): the first reviewer for the first review, the last
 *   approver for the time in review, the author for the wait to merge.
 * - **Stages** of a review round that ended in a merge (src/domain/review-metrics.ts `roundReviews`):
 *   waiting for pickup (ready → first review by someone else, the time to first review; every round
 *   with a review counts), in review (first review → last approval before the merge, else the last
 *   review), waiting to merge (that moment → the merge).
 */

import { nearestRank, type PrFacts, roundReviews, WEEK_MS } from "./review-metrics";
import type { QualityReport } from "./review-quality";
import { DEFAULT_SLA_HOURS, type SlaState } from "./sla";
import { HOUR_MS, MINUTE_MS } from "./time";
import {
  type CompiledSchedule,
  compileSchedule,
  UTC_OFFICE,
  type WorkingSchedule,
  workingMsBetween,
} from "./working-hours";

// ------------------------------------------------------------------ working time

/** Working ms in [fromMs, toMs) in the hours of `login` (UTC office hours when unknown or null). */
export type WorkClock = (login: string | null, fromMs: number, toMs: number) => number;

/** A WorkClock over weekly schedules by lower-case login; each schedule is compiled once. */
export function workClock(schedules: ReadonlyMap<string, WorkingSchedule>): WorkClock {
  const office = compileSchedule(UTC_OFFICE);
  const compiled = new Map<string, CompiledSchedule>();
  const of = (login: string | null): CompiledSchedule => {
    if (login === null) return office;
    const key = login.toLowerCase();
    let found = compiled.get(key);
    if (!found) {
      const schedule = schedules.get(key);
      try {
        found = schedule ? compileSchedule(schedule) : office;
      } catch {
        found = office;
      }
      compiled.set(key, found);
    }
    return found;
  };
  return (login, fromMs, toMs) => workingMsBetween(of(login), fromMs, toMs);
}

/** `7 h`, `6.5 h`, `35 min`: working time as insights show it. */
export function workingTime(ms: number): string {
  if (ms < HOUR_MS) return `${Math.round(Math.max(0, ms) / MINUTE_MS)} min`;
  return `${Number((ms / HOUR_MS).toFixed(1))} h`;
}

// ------------------------------------------------------------- reviewers, now

/** One open review of one reviewer, as the Review Manager's queue reports it. */
export interface OpenReview {
  login: string;
  repo: string;
  number: number;
  requestedAtMs: number;
  /** Working time waited so far, in the reviewer's hours. */
  waitingWorkingMs: number;
  /** The SLA state; null without an SLA. */
  state: SlaState | null;
}

/** Without an SLA, a review is aging after half the default SLA (4 working hours). */
export const AGING_WORKING_MS = (DEFAULT_SLA_HOURS * HOUR_MS) / 2;

export function isAging(r: Pick<OpenReview, "state" | "waitingWorkingMs">): boolean {
  if (r.state === "at_risk" || r.state === "breached") return true;
  return r.state === null && r.waitingWorkingMs >= AGING_WORKING_MS;
}

export interface ReviewerLoad {
  login: string;
  /** Open reviews (requested or started). */
  open: number;
  capacity: number;
  aging: number;
  /** The longest working time one of them has waited. */
  oldestWaitingMs: number;
  oldest: { repo: string; number: number };
  overCapacity: boolean;
  /** Over capacity with at least one aging review. */
  bottleneck: boolean;
}

/** Every reviewer with open reviews: most open first, then the longest wait, then the login. */
export function reviewerLoads(reviews: readonly OpenReview[], capacity: number): ReviewerLoad[] {
  const byLogin = new Map<string, OpenReview[]>();
  for (const r of reviews) {
    const key = r.login.toLowerCase();
    byLogin.set(key, [...(byLogin.get(key) ?? []), r]);
  }
  const loads: ReviewerLoad[] = [];
  for (const list of byLogin.values()) {
    const oldest = [...list].sort(
      (a, b) => b.waitingWorkingMs - a.waitingWorkingMs || a.requestedAtMs - b.requestedAtMs,
    )[0];
    if (!oldest) continue;
    const aging = list.filter(isAging).length;
    const overCapacity = list.length > capacity;
    loads.push({
      login: oldest.login,
      open: list.length,
      capacity,
      aging,
      oldestWaitingMs: oldest.waitingWorkingMs,
      oldest: { repo: oldest.repo, number: oldest.number },
      overCapacity,
      bottleneck: overCapacity && aging > 0,
    });
  }
  return loads.sort(
    (a, b) => b.open - a.open || b.oldestWaitingMs - a.oldestWaitingMs || a.login.localeCompare(b.login),
  );
}

// -------------------------------------------------------- repositories, weekly

export interface Quantiles {
  count: number;
  /** Nearest rank, working ms; null when count is 0. */
  p50Ms: number | null;
  p75Ms: number | null;
}

export function quantiles(values: readonly number[]): Quantiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => {
    const v = nearestRank(sorted, q);
    return v === null ? null : Math.round(v);
  };
  return { count: sorted.length, p50Ms: at(0.5), p75Ms: at(0.75) };
}

export type Stage = "firstReview" | "inReview" | "toMerge";
export const STAGES: readonly Stage[] = ["firstReview", "inReview", "toMerge"];

/** A stage's working time and when it ended (which decides its window). */
export interface StageSample {
  stage: Stage;
  atMs: number;
  ms: number;
}

/** The stages of each round of `pr` (see the file's comment), in working time. */
export function stageSamples(pr: PrFacts, clock: WorkClock): StageSample[] {
  const out: StageSample[] = [];
  for (const { round, reviews } of roundReviews(pr)) {
    const first = reviews[0];
    if (!first) continue;
    out.push({
      stage: "firstReview",
      atMs: first.atMs,
      ms: clock(first.reviewer, round.startMs, first.atMs),
    });
    if (!round.merged || round.endMs === null) continue;
    const mergedAt = round.endMs;
    const before = reviews.filter((r) => r.atMs <= mergedAt);
    const last = before.filter((r) => r.state === "approved").at(-1) ?? before.at(-1) ?? first;
    out.push({ stage: "inReview", atMs: last.atMs, ms: clock(last.reviewer, first.atMs, last.atMs) });
    out.push({ stage: "toMerge", atMs: mergedAt, ms: clock(pr.author, last.atMs, mergedAt) });
  }
  return out;
}

export interface Window {
  /** Exclusive start and inclusive end (ms). */
  fromMs: number;
  toMs: number;
}

/** `count` 7-day windows ending at `nowMs`, newest first. */
export function windowsEndingAt(nowMs: number, count: number): Window[] {
  return Array.from({ length: Math.max(0, count) }, (_, i) => ({
    fromMs: nowMs - (i + 1) * WEEK_MS,
    toMs: nowMs - i * WEEK_MS,
  }));
}

export interface RepoWeek {
  from: string;
  to: string;
  firstReview: Quantiles;
  inReview: Quantiles;
  toMerge: Quantiles;
}

export interface RepoTrend {
  /** This week's P50 / P75 time to first review over last week's (2 decimals); null without both. */
  p50Ratio: number | null;
  p75Ratio: number | null;
  /** P75 at least doubled, with enough samples in both weeks and at least an hour now. */
  doubled: boolean;
}

export interface RepoInsight {
  repo: string;
  /** Newest first: weeks[0] is the last 7 days. */
  weeks: RepoWeek[];
  trend: RepoTrend;
}

/** Fewer first reviews than this in either week: no doubling is claimed. */
export const MIN_TREND_SAMPLES = 3;
/** A P75 under this (working time) is fast whatever it was before: no doubling is claimed. */
export const MIN_DOUBLED_P75_MS = HOUR_MS;

const ratio = (now: number | null, before: number | null) =>
  now === null || before === null || before <= 0 ? null : Math.round((now / before) * 100) / 100;

export function trendOf(current: Quantiles | undefined, previous: Quantiles | undefined): RepoTrend {
  const now = current ?? quantiles([]);
  const before = previous ?? quantiles([]);
  const p75Ratio = ratio(now.p75Ms, before.p75Ms);
  const doubled =
    p75Ratio !== null &&
    p75Ratio >= 2 &&
    now.count >= MIN_TREND_SAMPLES &&
    before.count >= MIN_TREND_SAMPLES &&
    (now.p75Ms ?? 0) >= MIN_DOUBLED_P75_MS;
  return { p50Ratio: ratio(now.p50Ms, before.p50Ms), p75Ratio, doubled };
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Per repository with a sample in the windows: the stages per week and the trend of the last 7 days
 * against the 7 before. Slowest first (P75 time to first review of the last 7 days), then by name.
 */
export function repoInsights(
  prs: readonly PrFacts[],
  windows: readonly Window[],
  clock: WorkClock,
): RepoInsight[] {
  const samples = new Map<string, Map<Stage, number[]>[]>();
  const slot = (repo: string, atMs: number) => {
    const i = windows.findIndex((w) => atMs > w.fromMs && atMs <= w.toMs);
    if (i < 0) return null;
    let perWeek = samples.get(repo);
    if (!perWeek) {
      perWeek = windows.map(() => new Map<Stage, number[]>());
      samples.set(repo, perWeek);
    }
    return perWeek[i] ?? null;
  };
  for (const pr of prs) {
    for (const s of stageSamples(pr, clock)) {
      const week = slot(pr.repo, s.atMs);
      if (week) week.set(s.stage, [...(week.get(s.stage) ?? []), s.ms]);
    }
  }
  const out = [...samples.entries()].map(([repo, perWeek]): RepoInsight => {
    const weeks = perWeek.map((stages, i) => {
      const w = windows[i] ?? { fromMs: 0, toMs: 0 };
      const q = (stage: Stage) => quantiles(stages.get(stage) ?? []);
      return {
        from: iso(w.fromMs),
        to: iso(w.toMs),
        firstReview: q("firstReview"),
        inReview: q("inReview"),
        toMerge: q("toMerge"),
      };
    });
    return { repo, weeks, trend: trendOf(weeks[0]?.firstReview, weeks[1]?.firstReview) };
  });
  const p75 = (r: RepoInsight) => r.weeks[0]?.firstReview.p75Ms ?? -1;
  return out.sort((a, b) => p75(b) - p75(a) || a.repo.localeCompare(b.repo));
}

// ---------------------------------------------------------------- bottlenecks

export type Bottleneck =
  | (Pick<ReviewerLoad, "login" | "open" | "capacity" | "aging" | "oldestWaitingMs" | "oldest"> & {
      kind: "reviewer";
      action: "rebalance";
      suggestion: string;
    })
  | {
      kind: "repo";
      repo: string;
      p75Ms: number;
      previousP75Ms: number;
      action: "spread";
      suggestion: string;
    };

export function bottlenecks(loads: readonly ReviewerLoad[], repos: readonly RepoInsight[]): Bottleneck[] {
  const people = loads
    .filter((l) => l.bottleneck)
    .map(
      (l): Bottleneck => ({
        kind: "reviewer",
        login: l.login,
        open: l.open,
        capacity: l.capacity,
        aging: l.aging,
        oldestWaitingMs: l.oldestWaitingMs,
        oldest: l.oldest,
        action: "rebalance",
        suggestion: `rebalance: reassign the oldest (${l.oldest.repo}#${l.oldest.number}, waiting ${workingTime(l.oldestWaitingMs)})`,
      }),
    );
  const places = repos
    .filter((r) => r.trend.doubled)
    .map(
      (r): Bottleneck => ({
        kind: "repo",
        repo: r.repo,
        p75Ms: r.weeks[0]?.firstReview.p75Ms ?? 0,
        previousP75Ms: r.weeks[1]?.firstReview.p75Ms ?? 0,
        action: "spread",
        suggestion:
          "spread its reviews: more reviewers for this repository, and look at who holds its oldest reviews",
      }),
    );
  return [...people, ...places];
}

// ------------------------------------------------------------------ the report

export interface Insights {
  generatedAt: string;
  /** Weeks (7-day windows ending now) the repository figures cover. */
  weeks: number;
  /** The Review Manager's capacity (open reviews per person); null without a Review Manager. */
  capacity: number | null;
  /** Every reviewer with open reviews now. */
  reviewers: ReviewerLoad[];
  repos: RepoInsight[];
  bottlenecks: Bottleneck[];
  quality: QualityReport;
  /** Nothing to report: no open reviews and no review facts in the weeks. */
  empty: boolean;
}

export interface InsightsInput {
  nowMs: number;
  weeks: number;
  capacity: number | null;
  open: readonly OpenReview[];
  repos: readonly RepoInsight[];
  quality: QualityReport;
}

export function buildInsights(input: InsightsInput): Insights {
  const reviewers = input.capacity === null ? [] : reviewerLoads(input.open, input.capacity);
  const repos = [...input.repos];
  const { quality } = input;
  const empty =
    reviewers.length === 0 &&
    repos.length === 0 &&
    quality.repos.length === 0 &&
    quality.reviewers.length === 0;
  return {
    generatedAt: iso(input.nowMs),
    weeks: input.weeks,
    capacity: input.capacity,
    reviewers,
    repos,
    bottlenecks: bottlenecks(reviewers, repos),
    quality,
    empty,
  };
}
