/**
 * Fixed-window rate counting: the pure rule (used by the RateLimiter Durable Object, which holds the
 * authoritative count of one bucket) and the in-isolate front that keeps the hot path cheap.
 *
 * Windows are aligned to the clock (`floor(now / windowMs)`), so every isolate and the object agree
 * on where a window starts and ends; `Retry-After` is the time left in the current window.
 *
 * The front (one per isolate, `LocalFront`) saves Durable Object calls in two ways:
 * - A bucket the object refused stays refused in this isolate until its window ends, with no call
 *   at all: a flood costs one call per isolate per window, not one per request.
 * - The first `share` of the limit (default 10%) in each window is admitted locally and reported to
 *   the object with the next call (as `served`). A client that stays under a tenth of its limit never
 *   costs a call. The price: a client spread over N isolates may exceed the limit by up to
 *   (N - 1) x share x limit in one window; the object's count is exact for everything reported.
 */
import type { Rate } from "./config";

export interface WindowState {
  start: number;
  count: number;
}

export interface Verdict {
  allowed: boolean;
  /** Requests counted in the window, this one included when allowed. */
  count: number;
  limit: number;
  /** When the window ends (ms since the epoch). */
  resetAt: number;
  /** Whole seconds until the window ends, at least 1 (0 when allowed). */
  retryAfterSeconds: number;
}

export const LOCAL_SHARE = 0.1;
const MAX_BUCKETS = 10_000;

export function windowStart(nowMs: number, windowMs: number): number {
  return nowMs - (nowMs % windowMs);
}

export function secondsUntil(resetAt: number, nowMs: number): number {
  return Math.max(1, Math.ceil((resetAt - nowMs) / 1000));
}

/**
 * Counts `served` requests already admitted elsewhere (never refused after the fact), then admits
 * one more if the window still has room. Refused requests are not counted.
 */
export function hitWindow(
  state: WindowState | undefined,
  served: number,
  rate: Rate,
  nowMs: number,
): { state: WindowState; verdict: Verdict } {
  const start = windowStart(nowMs, rate.windowMs);
  let count = state && state.start === start ? state.count : 0;
  count += Number.isFinite(served) && served > 0 ? Math.floor(served) : 0;
  const allowed = count + 1 <= rate.limit;
  if (allowed) count += 1;
  const resetAt = start + rate.windowMs;
  const verdict = {
    allowed,
    count,
    limit: rate.limit,
    resetAt,
    retryAfterSeconds: allowed ? 0 : secondsUntil(resetAt, nowMs),
  };
  return { state: { start, count }, verdict };
}

interface LocalBucket {
  start: number;
  /** Admitted here and not reported to the object yet. */
  unreported: number;
  /** The object's count at the last call. */
  known: number;
  /** Refused without asking until then (0: not refused). */
  blockedUntil: number;
}

/** Asks the authoritative counter, reporting `served` requests admitted locally since the last call. */
export type RemoteHit = (served: number) => Promise<Verdict>;

export class LocalFront {
  private readonly buckets = new Map<string, LocalBucket>();

  constructor(private readonly share = LOCAL_SHARE) {}

  /** Seconds until a bucket this isolate saw refused may try again, or null when it is not refused. */
  blockedFor(bucket: string, nowMs: number): number | null {
    const local = this.buckets.get(bucket);
    return local && local.blockedUntil > nowMs ? secondsUntil(local.blockedUntil, nowMs) : null;
  }

  /** Admits or refuses one request of `bucket`, calling `remote` only when it must. */
  async check(bucket: string, rate: Rate, nowMs: number, remote: RemoteHit): Promise<Verdict> {
    const local = this.current(bucket, rate, nowMs);
    const resetAt = local.start + rate.windowMs;
    if (local.blockedUntil > nowMs) {
      const retryAfterSeconds = secondsUntil(local.blockedUntil, nowMs);
      return { allowed: false, count: local.known, limit: rate.limit, resetAt, retryAfterSeconds };
    }
    const free = Math.floor(rate.limit * this.share);
    if (local.known + local.unreported + 1 <= free) {
      local.unreported += 1;
      const count = local.known + local.unreported;
      return { allowed: true, count, limit: rate.limit, resetAt, retryAfterSeconds: 0 };
    }
    // Taken before the call, so concurrent requests never report the same admissions twice.
    const served = local.unreported;
    local.unreported = 0;
    let verdict: Verdict;
    try {
      verdict = await remote(served);
    } catch (err) {
      local.unreported += served;
      throw err;
    }
    if (verdict.resetAt === resetAt) {
      local.known = Math.max(local.known, verdict.count);
      if (!verdict.allowed) local.blockedUntil = verdict.resetAt;
    }
    return verdict;
  }

  /** Number of buckets held (for tests). */
  get size(): number {
    return this.buckets.size;
  }

  private current(bucket: string, rate: Rate, nowMs: number): LocalBucket {
    const start = windowStart(nowMs, rate.windowMs);
    const existing = this.buckets.get(bucket);
    if (existing && existing.start === start) return existing;
    const fresh: LocalBucket = { start, unreported: 0, known: 0, blockedUntil: 0 };
    if (!existing && this.buckets.size >= MAX_BUCKETS) this.evict(nowMs);
    this.buckets.set(bucket, fresh);
    return fresh;
  }

  /**
   * Memory bound: drops every bucket that is not refused right now (their local admissions are
   * forgotten, at worst a client gets its local share again); if all are refused, drops them all.
   */
  private evict(nowMs: number): void {
    for (const [key, local] of this.buckets) if (local.blockedUntil <= nowMs) this.buckets.delete(key);
    if (this.buckets.size >= MAX_BUCKETS) this.buckets.clear();
  }
}
