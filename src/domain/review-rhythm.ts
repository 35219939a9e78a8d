/**
 * When someone actually reviews, learned from the times they submitted reviews, and notify windows
 * that fit it: the Context Optimizer suggests them, the person decides (never changed without their
 * click). Pure.
 */
import { DAY_MS, localDayOf, localMsToInstant, MINUTE_MS } from "./time";

/** Fewer reviews than this say nothing about someone's rhythm. */
export const MIN_REVIEWS = 8;
const SLOT_MIN = 30;
const SLOTS = (24 * 60) / SLOT_MIN;
/** Suggested windows are at least two hours apart (spread over the day). */
const SPACING_SLOTS = 4;

const hhmm = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;

/**
 * Up to `count` windows (HH:MM, sorted) just before the half hours in which `times` (epoch ms) fall
 * most, in `tz`; null with fewer than MIN_REVIEWS times. A window opens 30 minutes before the busiest
 * half hour, so the batch is waiting when they sit down to review.
 */
export function suggestWindows(times: readonly number[], tz: string, count = 3): string[] | null {
  if (times.length < MIN_REVIEWS) return null;
  const slots = new Array<number>(SLOTS).fill(0);
  for (const t of times) {
    const midnight = localMsToInstant(localDayOf(t, tz) * DAY_MS, tz);
    const slot = Math.floor((t - midnight) / MINUTE_MS / SLOT_MIN);
    if (slot >= 0 && slot < SLOTS) slots[slot] = (slots[slot] ?? 0) + 1;
  }
  // Each half hour with its neighbours: a habit of "around 10" spreads over 09:30-10:30.
  const score = slots.map((n, i) => n * 2 + (slots[i - 1] ?? 0) + (slots[i + 1] ?? 0));
  const order = score
    .map((s, i) => [s, i] as const)
    .filter(([s]) => s > 0)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  const picked: number[] = [];
  for (const [, i] of order) {
    if (picked.length >= count) break;
    if (picked.some((p) => Math.abs(p - i) < SPACING_SLOTS)) continue;
    picked.push(i);
  }
  return picked
    .map((i) => Math.max(0, i - 1) * SLOT_MIN)
    .sort((a, b) => a - b)
    .map(hhmm);
}
