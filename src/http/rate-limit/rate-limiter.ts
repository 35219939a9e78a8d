/**
 * RateLimiter: one Durable Object per rate-limit bucket (`key:<keyId>` or `ip:<address>`), binding
 * RATE_LIMITER. It holds the authoritative fixed-window count of its bucket (src/http/rate-limit/window.ts).
 *
 * The count lives in memory only: no storage writes on the hot path. An object that restarts (a
 * deploy, eviction after a minute or more without traffic) starts the current window from zero,
 * which at worst lets one extra window's worth through; acceptable for abuse protection.
 * One object per bucket keeps each far below the ~1,000 requests/s an object can take.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../env";
import { type Remote, remote } from "../../platform/rpc";
import type { Rate } from "./config";
import { hitWindow, type Verdict, type WindowState } from "./window";

const MAX_WINDOW_MS = 24 * 3_600_000;

export class RateLimiter extends DurableObject<Env> {
  private window: WindowState | undefined;

  /** Counts `served` requests admitted by an isolate on its own, then admits or refuses one more. */
  hit(served: number, limit: number, windowMs: number): Verdict {
    const rate: Rate = {
      limit: Math.max(1, Math.floor(limit)),
      windowMs: Math.min(MAX_WINDOW_MS, Math.max(1_000, Math.floor(windowMs))),
    };
    const { state, verdict } = hitWindow(this.window, served, rate, Date.now());
    this.window = state;
    return verdict;
  }
}

/** The bucket's object. */
export function rateLimiter(env: Env, bucket: string): Remote<RateLimiter> {
  return remote<RateLimiter>(env.RATE_LIMITER.getByName(bucket));
}
