/** Retry policy of the outbound queue consumer. */
import { clampDelay } from "../platform/http-client";

/** `max_retries = 5` in wrangler.toml: the first delivery plus five retries. */
export const MAX_ATTEMPTS = 6;
/** Backoff for 5xx / network errors: 2 * 3^(attempt-1) s (2, 6, 18, 54, 162 s), at most 15 min. */
const BACKOFF_BASE_SECONDS = 2;
const BACKOFF_FACTOR = 3;
const BACKOFF_CAP_SECONDS = 15 * 60;
/** Groups (distinct delivery keys) sent at once; Workers allow 6 simultaneous connections. */
export const SEND_CONCURRENCY = 6;

/** Exponential backoff with "equal jitter": a random point in [50 %, 100 %] of the step. */
export function backoffSeconds(attempts: number, random: () => number = Math.random): number {
  const step = Math.max(1, attempts);
  const full = Math.min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * BACKOFF_FACTOR ** (step - 1));
  return clampDelay(full * (0.5 + 0.5 * random()));
}

/** `foreman-outbound-dlq`, `foreman-outbound-dlq-staging`, ... */
export function isDeadLetterQueue(queue: string): boolean {
  return queue.startsWith("foreman-outbound-dlq");
}
