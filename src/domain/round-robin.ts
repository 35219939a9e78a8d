/**
 * Round-robin assignment: the person assigned longest ago goes next (never assigned first), so
 * reviews rotate through the team whatever their load. Ties break by login (assignment.ts).
 */
import type { AlgorithmRule } from "./assignment-rule";
import { formatAgo } from "./time";

export const roundRobin: AlgorithmRule = {
  keys: (c) => [c.lastAssignedAtMs ?? Number.NEGATIVE_INFINITY, 0],
  reason: (c, _capacity, nowMs) =>
    `next in rotation (${c.lastAssignedAtMs === null ? "never assigned" : `last assigned ${formatAgo(nowMs - c.lastAssignedAtMs)}`})`,
};
