/**
 * Load-balance assignment: the person with the fewest open reviews goes next, then the one with the
 * fewest assignments in the last 30 days. Ties break by login (assignment.ts).
 */
import type { AlgorithmRule } from "./assignment-rule";

export const loadBalance: AlgorithmRule = {
  keys: (c) => [c.openReviews, c.assignedLast30d],
  reason: (c, capacity) =>
    `fewest open reviews: ${c.openReviews} of ${capacity} (${c.assignedLast30d} in the last 30 days)`,
};
