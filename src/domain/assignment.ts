/**
 * Reviewer selection as a pure function. Candidates are filtered (author, co-authors, already
 * requested, out of office, at capacity), ranked by the algorithm's key with the login as a stable
 * tie-break, and taken from the front. O(n + k log n) for k people taken (a heap, see
 * reviewer-ranking.ts); working hours are only evaluated for urgent PRs, lazily while walking the
 * ranking, once per distinct schedule or zone.
 */
import type { AlgorithmRule } from "./assignment-rule";
import { loadBalance } from "./load-balance";
import { type Ranked, Ranking, WorkingCheck } from "./reviewer-ranking";
import { roundRobin } from "./round-robin";
import type { WorkingSchedule } from "./working-hours";

export type AssignmentAlgorithm = "round-robin" | "load-balance";
export type SkipReason =
  | "author"
  | "co-author"
  | "ooo"
  | "at-capacity"
  | "outside-hours"
  | "already-requested";

export interface AssignmentPr {
  repo: string;
  number: number;
  author: string;
  coAuthors: readonly string[];
  labels: readonly string[];
  /** Reviewers already requested on the platform; they count toward `count`. */
  requestedReviewers: readonly string[];
}

export interface ReviewCandidate {
  login: string;
  /** Working hours; when absent but `tz` is set, mon-fri 09:00-17:00 in `tz`. */
  schedule?: WorkingSchedule;
  tz?: string;
  ooo: boolean;
  openReviews: number;
  assignedLast30d: number;
  lastAssignedAtMs: number | null;
  /** Maximum open reviews; defaults to the input's defaultCapacity. */
  capacity?: number;
}

export interface AssignmentInput {
  pr: AssignmentPr;
  candidates: readonly ReviewCandidate[];
  /** Reviewers wanted in total, already-requested ones included; default 1. */
  count?: number;
  algorithm: AssignmentAlgorithm;
  nowMs: number;
  /** Labels (case-insensitive) that make working hours matter; default urgent, hotfix, p0. */
  urgentLabels?: readonly string[];
  defaultCapacity?: number;
  /** How many ranked runners-up to keep for nextCandidate; default 20. */
  alternates?: number;
}

export interface PickedReviewer {
  login: string;
  reason: string;
}

export interface SkippedCandidate {
  login: string;
  why: SkipReason;
}

export interface AssignmentResult {
  reviewers: PickedReviewer[];
  /** Sorted by login. */
  skipped: SkippedCandidate[];
  /** Reviewers still missing after everyone eligible was used. */
  shortfall: number;
  /** Runners-up in rank order, for nextCandidate. */
  alternates: PickedReviewer[];
}

export const DEFAULT_URGENT_LABELS: readonly string[] = ["urgent", "hotfix", "p0"];
export const DEFAULT_CAPACITY = 5;
const DEFAULT_ALTERNATES = 20;

const lower = (login: string): string => login.toLowerCase();

/** "just now", "5 minutes ago", "2 hours ago", "3 days ago". */

function reasonFor(r: Ranked, algorithm: AssignmentAlgorithm, nowMs: number, inHours: boolean): string {
  const base = ALGORITHMS[algorithm].reason(r.c, r.capacity, nowMs);
  return inHours ? `${base}; in working hours (urgent)` : base;
}

/** The ranking rule of each algorithm (round-robin.ts, load-balance.ts). */
const ALGORITHMS: Record<AssignmentAlgorithm, AlgorithmRule> = {
  "round-robin": roundRobin,
  "load-balance": loadBalance,
};

/** Picks reviewers for a PR; see docs/domain.md for the rules. */
export function assignReviewers(input: AssignmentInput): AssignmentResult {
  const { pr, algorithm, nowMs } = input;
  const count = Math.max(0, Math.floor(input.count ?? 1));
  const defaultCapacity = input.defaultCapacity ?? DEFAULT_CAPACITY;
  const keep = Math.max(0, Math.floor(input.alternates ?? DEFAULT_ALTERNATES));
  const author = lower(pr.author);
  const coAuthors = new Set(pr.coAuthors.map(lower));
  const requested = new Set(pr.requestedReviewers.map(lower));
  requested.delete(author);
  const needed = Math.max(0, count - requested.size);

  const skipped: (SkippedCandidate & { key: string })[] = [];
  const n = input.candidates.length;
  const keys: string[] = new Array(n);
  const k1 = new Float64Array(n);
  const k2 = new Float64Array(n);
  const eligible = new Int32Array(n);
  let eligibleCount = 0;
  const rule = ALGORITHMS[algorithm];
  for (let i = 0; i < n; i++) {
    const c = input.candidates[i] as ReviewCandidate;
    const key = lower(c.login);
    keys[i] = key;
    const why: SkipReason | null =
      key === author
        ? "author"
        : coAuthors.has(key)
          ? "co-author"
          : requested.has(key)
            ? "already-requested"
            : c.ooo
              ? "ooo"
              : c.openReviews >= (c.capacity ?? defaultCapacity)
                ? "at-capacity"
                : null;
    if (why) skipped.push({ login: c.login, why, key });
    else {
      [k1[i], k2[i]] = rule.keys(c);
      eligible[eligibleCount++] = i;
    }
  }

  const ranking = new Ranking(
    input.candidates,
    keys,
    k1,
    k2,
    eligible.subarray(0, eligibleCount),
    defaultCapacity,
  );
  const wanted = needed + keep;
  const urgentLabels = new Set((input.urgentLabels ?? DEFAULT_URGENT_LABELS).map(lower));
  const urgent = needed > 0 && pr.labels.some((l) => urgentLabels.has(lower(l)));
  let order: Ranked[];
  let inHours = new Set<Ranked>();
  if (urgent) {
    // Walk the ranking until enough people in working hours are found (or it ends).
    const working = new WorkingCheck(nowMs);
    const found: Ranked[] = [];
    const outOfHours: Ranked[] = [];
    for (let r = ranking.next(); r; r = found.length < wanted ? ranking.next() : undefined) {
      (working.at(r.c) ? found : outOfHours).push(r);
    }
    inHours = new Set(found);
    order = found.length > 0 ? [...found, ...outOfHours] : outOfHours;
  } else {
    while (ranking.taken.length < wanted && ranking.next());
    order = ranking.taken;
  }

  const picks = order.slice(0, needed);
  const describe = (r: Ranked): PickedReviewer => ({
    login: r.c.login,
    reason: reasonFor(r, algorithm, nowMs, inHours.has(r)),
  });
  if (inHours.size > 0) {
    // Out-of-hours people the plain ranking would have reached first are skipped for being outside hours.
    const lastRank = picks.reduce((max, r) => Math.max(max, r.rank), -1);
    const picked = new Set(picks);
    for (const r of ranking.taken.slice(0, lastRank)) {
      if (!picked.has(r) && !inHours.has(r))
        skipped.push({ login: r.c.login, why: "outside-hours", key: r.key });
    }
  }
  skipped.sort((a, b) => (a.key !== b.key ? (a.key < b.key ? -1 : 1) : a.login < b.login ? -1 : 1));
  return {
    reviewers: picks.map(describe),
    skipped: skipped.map(({ login, why }) => ({ login, why })),
    shortfall: needed - picks.length,
    alternates: order.slice(needed, wanted).map(describe),
  };
}

/** The best-ranked runner-up not in `excluded` (case-insensitive), for "Reassign"; null when none is left. */
export function nextCandidate(
  previous: AssignmentResult,
  excluded: readonly string[],
): PickedReviewer | null {
  const out = new Set(excluded.map(lower));
  for (const r of previous.reviewers) out.add(lower(r.login));
  return previous.alternates.find((a) => !out.has(lower(a.login))) ?? null;
}
