/**
 * Reviewer selection as a pure function. Candidates are filtered (author, co-authors, already
 * requested, out of office, at capacity), then ranked: first by how soon they can start on it (in
 * whole hours: until they are in working hours with an hour of it left, plus an hour per open review
 * ahead of it, plus — unless the PR is urgent — their fair share: 8 h per request in 30 days above
 * the candidates' median), then
 * by the algorithm's keys, then by login as a stable tie-break. The front is taken. O(n log n) for the
 * median, then O(log n) per person taken (a heap, see reviewer-ranking.ts); availability is worked out
 * once per distinct schedule.
 */
import type { AlgorithmRule } from "./assignment-rule";
import { loadBalance } from "./load-balance";
import { Availability, type Ranked, Ranking, UNKNOWN_WAIT_MS } from "./reviewer-ranking";
import { roundRobin } from "./round-robin";
import { HOUR_MS, MINUTE_MS } from "./time";
import type { WorkingSchedule } from "./working-hours";

export type AssignmentAlgorithm = "round-robin" | "load-balance";
export type SkipReason = "author" | "co-author" | "ooo" | "at-capacity" | "already-requested";

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
  /**
   * Working hours (with planned days off as holidays); when absent but `tz` is set, mon-fri
   * 09:00-17:00 in `tz`. Without either the person counts as available last.
   */
  schedule?: WorkingSchedule;
  tz?: string;
  ooo: boolean;
  openReviews: number;
  assignedLast30d: number;
  lastAssignedAtMs: number | null;
  /** Maximum open reviews; defaults to the input's defaultCapacity. */
  capacity?: number;
  /** In a focus block until then (epoch ms): they start no sooner (their messages wait too). */
  focusUntilMs?: number;
  /**
   * The tenant's forecast of the chance this person's first review would come after the PR's
   * deadline (src/domain/forecast.ts): it weighs `lateRiskHours` per unit, as hours of waiting.
   */
  lateRisk?: number;
}

/** Above this, a pick's reason says the forecast has them likely late (nobody was likelier on time). */
export const LATE_RISK = 0.5;

/** How much an open review and a request above the median weigh, in hours of waiting (tenant settings). */
export interface AssignmentWeights {
  /** Hours of waiting per open review ahead of this one; default 1. */
  openReviewHours: number;
  /** Hours per request in 30 days above the candidates' median; default 8 (a working day). */
  fairShareHours: number;
  /**
   * Hours of waiting a certain miss of the deadline weighs, by the forecast (`lateRisk`), for the
   * chance above LATE_RISK_FLOOR: with 100, each percentage point counts as an hour later. Default
   * 100, chosen in the simulator (docs/predictions.md).
   */
  lateRiskHours?: number;
}

export const DEFAULT_LATE_RISK_HOURS = 100;
/**
 * A chance of missing the deadline up to this weighs nothing: every reviewer has some (a review can
 * always slip to the next day), and only a clearly likelier miss should move a pick away from whoever
 * can start soonest.
 */
export const LATE_RISK_FLOOR = 0.1;
export const DEFAULT_WEIGHTS: AssignmentWeights = {
  openReviewHours: 1,
  fairShareHours: 8,
  lateRiskHours: DEFAULT_LATE_RISK_HOURS,
};

export interface AssignmentInput {
  pr: AssignmentPr;
  candidates: readonly ReviewCandidate[];
  /** Reviewers wanted in total, already-requested ones included; default 1. */
  count?: number;
  algorithm: AssignmentAlgorithm;
  nowMs: number;
  /** An urgent PR: who can start soonest decides, the fair share does not count. */
  urgent?: boolean;
  defaultCapacity?: number;
  /** How many ranked runners-up to keep for nextCandidate; default 20. */
  alternates?: number;
  weights?: AssignmentWeights;
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

export const DEFAULT_CAPACITY = 5;
const DEFAULT_ALTERNATES = 20;
/**
 * Each request in the last 30 days beyond the eligible candidates' median makes a person later by
 * `fairShareHours` (and each one below it sooner, for at most FAIR_SHARE_BONUS_MAX of them: someone
 * back from two weeks off is preferred for a while, not flooded until they have caught up).
 */
export const FAIR_SHARE_BONUS_MAX = 3;

const lower = (login: string): string => login.toLowerCase();

function reasonFor(r: Ranked, algorithm: AssignmentAlgorithm, nowMs: number, waitMs: number): string {
  const focus =
    r.c.focusUntilMs !== undefined && r.c.focusUntilMs > nowMs && waitMs <= r.c.focusUntilMs - nowMs;
  const when = focus ? `in a focus block for ${Math.ceil(waitMs / HOUR_MS)} h` : availabilityText(waitMs);
  const late =
    r.c.lateRisk !== undefined && r.c.lateRisk > LATE_RISK
      ? "; likely to review after the deadline by the forecast (nobody likelier on time)"
      : "";
  return `${when}; ${ALGORITHMS[algorithm].reason(r.c, r.capacity, nowMs)}${late}`;
}

/** How long until `c` can start: their working hours, and the end of a focus block they are in. */
function startsIn(availability: Availability, c: ReviewCandidate, nowMs: number): number {
  const wait = availability.waitMs(c);
  return c.focusUntilMs !== undefined && c.focusUntilMs > nowMs
    ? Math.max(wait, c.focusUntilMs - nowMs)
    : wait;
}

/** "in working hours now", "in working hours in 3 h", "in working hours in 2 days". */
function availabilityText(waitMs: number): string {
  if (waitMs >= UNKNOWN_WAIT_MS) return "working hours unknown";
  if (waitMs < MINUTE_MS) return "in working hours now";
  const hours = Math.ceil(waitMs / HOUR_MS);
  return hours < 48 ? `in working hours in ${hours} h` : `in working hours in ${Math.round(hours / 24)} days`;
}

/** The ranking rule of each algorithm (round-robin.ts, load-balance.ts). */
const ALGORITHMS: Record<AssignmentAlgorithm, AlgorithmRule> = {
  "round-robin": roundRobin,
  "load-balance": loadBalance,
};

/** The (lower) median of the eligible candidates' requests in the last 30 days. */
function medianRequests(candidates: readonly ReviewCandidate[], eligible: Int32Array): number {
  if (eligible.length === 0) return 0;
  const counts = Float64Array.from(eligible, (i) => (candidates[i] as ReviewCandidate).assignedLast30d);
  counts.sort();
  return counts[(counts.length - 1) >> 1] as number;
}

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
  const k0 = new Float64Array(n);
  const k1 = new Float64Array(n);
  const k2 = new Float64Array(n);
  const availability = new Availability(nowMs);
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
  const typical = input.urgent ? 0 : medianRequests(input.candidates, eligible.subarray(0, eligibleCount));
  const weights = input.weights ?? DEFAULT_WEIGHTS;
  const fairShareMs = input.urgent ? 0 : weights.fairShareHours * HOUR_MS;
  const slotMs = weights.openReviewHours * HOUR_MS;
  const lateMs = (weights.lateRiskHours ?? DEFAULT_LATE_RISK_HOURS) * HOUR_MS;
  for (let e = 0; e < eligibleCount; e++) {
    const i = eligible[e] as number;
    const c = input.candidates[i] as ReviewCandidate;
    const beyond = Math.max(-FAIR_SHARE_BONUS_MAX, c.assignedLast30d - typical);
    const ahead = c.openReviews * slotMs + beyond * fairShareMs;
    const late = Math.max(0, (c.lateRisk ?? 0) - LATE_RISK_FLOOR) * lateMs;
    k0[i] = Math.ceil((startsIn(availability, c, nowMs) + ahead + late) / HOUR_MS);
  }

  const ranking = new Ranking(
    input.candidates,
    keys,
    k0,
    k1,
    k2,
    eligible.subarray(0, eligibleCount),
    defaultCapacity,
  );
  const wanted = needed + keep;
  while (ranking.taken.length < wanted && ranking.next());
  const order = ranking.taken;
  const picks = order.slice(0, needed);
  const describe = (r: Ranked): PickedReviewer => ({
    login: r.c.login,
    reason: reasonFor(r, algorithm, nowMs, startsIn(availability, r.c, nowMs)),
  });
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
