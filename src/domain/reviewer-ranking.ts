/**
 * Internal helpers of assignment.ts: the lazy rank order of candidates and their availability.
 */
import type { ReviewCandidate } from "./assignment";
import { HOUR_MS } from "./time";
import { addWorkingMs, compileSchedule, type WorkingSchedule } from "./working-hours";

/** A candidate taken from the ranking, with its 0-based position in the plain (algorithm) order. */
export interface Ranked {
  c: ReviewCandidate;
  key: string;
  capacity: number;
  rank: number;
}

/**
 * Candidates in rank order, extracted lazily from a binary heap of indices: O(n) to build, O(log n)
 * per person taken, so picking a few reviewers from a large roster never sorts all of it. Sort keys
 * live in flat arrays. Duplicate logins (case-insensitive) keep their best-ranked entry.
 */
export class Ranking {
  private size: number;
  private readonly seen = new Set<string>();
  readonly taken: Ranked[] = [];

  constructor(
    private readonly candidates: readonly ReviewCandidate[],
    private readonly keys: readonly string[],
    private readonly k0: Float64Array,
    private readonly k1: Float64Array,
    private readonly k2: Float64Array,
    private readonly heap: Int32Array,
    private readonly defaultCapacity: number,
  ) {
    this.size = heap.length;
    for (let i = (this.size >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  next(): Ranked | undefined {
    while (this.size > 0) {
      const top = this.heap[0] as number;
      this.size--;
      if (this.size > 0) {
        this.heap[0] = this.heap[this.size] as number;
        this.siftDown(0);
      }
      const key = this.keys[top] as string;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      const c = this.candidates[top] as ReviewCandidate;
      const ranked = { c, key, capacity: c.capacity ?? this.defaultCapacity, rank: this.taken.length };
      this.taken.push(ranked);
      return ranked;
    }
    return undefined;
  }

  /** Whether candidate i ranks before candidate j. */
  private before(i: number, j: number): boolean {
    const a0 = this.k0[i] as number;
    const b0 = this.k0[j] as number;
    if (a0 !== b0) return a0 < b0;
    const a1 = this.k1[i] as number;
    const b1 = this.k1[j] as number;
    if (a1 !== b1) return a1 < b1;
    const a2 = this.k2[i] as number;
    const b2 = this.k2[j] as number;
    if (a2 !== b2) return a2 < b2;
    const ka = this.keys[i] as string;
    const kb = this.keys[j] as string;
    if (ka !== kb) return ka < kb;
    return (this.candidates[i] as ReviewCandidate).login < (this.candidates[j] as ReviewCandidate).login;
  }

  private siftDown(start: number): void {
    const heap = this.heap;
    const item = heap[start] as number;
    let i = start;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= this.size) break;
      if (child + 1 < this.size && this.before(heap[child + 1] as number, heap[child] as number)) child++;
      if (!this.before(heap[child] as number, item)) break;
      heap[i] = heap[child] as number;
      i = child;
    }
    heap[i] = item;
  }
}

/** Working time a person should have left in their day to count as available now. */
export const AVAILABLE_FOR_MS = HOUR_MS;
/** Stands for "never" (no valid schedule or zone): ranks after everyone with a schedule. */
export const UNKNOWN_WAIT_MS = 1e12;

/**
 * How long until a candidate can start on a review: 0 when they are in working hours with at least
 * AVAILABLE_FOR_MS of it left, else until their next working window (holidays, e.g. planned days
 * off, skipped). Once per distinct schedule.
 */
export class Availability {
  private readonly bySchedule = new Map<string, number>();
  /** The same schedule object, seen again (rosters often share one per zone). */
  private readonly byObject = new WeakMap<object, number>();
  private readonly byZone = new Map<string, number>();

  constructor(private readonly nowMs: number) {}

  waitMs(c: ReviewCandidate): number {
    if (c.schedule) {
      const seen = this.byObject.get(c.schedule);
      if (seen !== undefined) return seen;
      const wait = this.waitFor(c.schedule);
      this.byObject.set(c.schedule, wait);
      return wait;
    }
    if (!c.tz) return UNKNOWN_WAIT_MS;
    const known = this.byZone.get(c.tz);
    if (known !== undefined) return known;
    const wait = this.waitFor({ tz: c.tz });
    this.byZone.set(c.tz, wait);
    return wait;
  }

  private waitFor(schedule: WorkingSchedule): number {
    const key = JSON.stringify(schedule);
    const known = this.bySchedule.get(key);
    if (known !== undefined) return known;
    let wait: number;
    try {
      const ready = addWorkingMs(compileSchedule(schedule), this.nowMs, AVAILABLE_FOR_MS) - AVAILABLE_FOR_MS;
      wait = Math.max(0, ready - this.nowMs);
    } catch {
      wait = UNKNOWN_WAIT_MS;
    }
    this.bySchedule.set(key, wait);
    return wait;
  }
}
