/**
 * Waiting for what background work makes true (an agent's inbox, an alarm, the queue consumer, a
 * log line): polls `check` until it stops throwing, with a bound generous enough for a loaded
 * 2-core machine (Vitest's own default is 1 s) and a short interval, so a fast machine does not
 * wait. Use it instead of `vi.waitFor` without options and instead of sleeping before an assertion.
 */
import { vi } from "vitest";

/** How long a condition may take to come true before the test fails. */
export const PATIENCE_MS = 15_000;

export function waitFor<T>(
  check: () => T | Promise<T>,
  options: { timeout?: number; interval?: number } = {},
): Promise<T> {
  return vi.waitFor(check, { timeout: PATIENCE_MS, interval: 20, ...options });
}
