import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type AssignmentAlgorithm,
  assignReviewers,
  DEFAULT_CAPACITY,
  type ReviewCandidate,
} from "../../src/domain/assignment";
import { HOUR_MS } from "../../src/domain/time";

const NOW = Date.parse("2026-11-02T15:00:00Z");
const PR = {
  repo: "acme/api",
  number: 1,
  author: "u0",
  coAuthors: ["u1"],
  labels: [],
  requestedReviewers: [],
};

const candidate: fc.Arbitrary<ReviewCandidate> = fc.record({
  login: fc.integer({ min: 0, max: 40 }).map((i) => (i % 3 === 0 ? `U${i}` : `u${i}`)),
  tz: fc.constantFrom("UTC", "America/New_York", "Asia/Tokyo"),
  ooo: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
  openReviews: fc.integer({ min: 0, max: 6 }),
  assignedLast30d: fc.integer({ min: 0, max: 6 }),
  lastAssignedAtMs: fc.option(fc.integer({ min: 0, max: 5 }).map((h) => NOW - h * HOUR_MS)),
});

/**
 * Hours until each zone can start at NOW (Monday 15:00Z): London-on-UTC and New York are at work
 * with hours to spare; Tokyo is at Tuesday 00:00 and starts in 9 h.
 */
const WAIT_HOURS: Record<string, number> = { UTC: 0, "America/New_York": 0, "Asia/Tokyo": 9 };

/**
 * The obvious implementation: filter, sort everything (hours until they can start, with an hour per
 * open review and 8 per request in 30 days beyond the eligible candidates' lower median, at most 3
 * of them counted below it; then the algorithm's keys; then login), drop duplicate logins.
 */
function reference(candidates: ReviewCandidate[], algorithm: AssignmentAlgorithm): string[] {
  const excluded = new Set(["u0", "u1"]);
  const eligible = candidates.filter(
    (c) => !excluded.has(c.login.toLowerCase()) && !c.ooo && c.openReviews < DEFAULT_CAPACITY,
  );
  const counts = eligible.map((c) => c.assignedLast30d).sort((a, b) => a - b);
  const median = counts[(counts.length - 1) >> 1] ?? 0;
  const soonest = (c: ReviewCandidate) =>
    (WAIT_HOURS[c.tz ?? ""] ?? 0) + c.openReviews + 8 * Math.max(c.assignedLast30d - median, -3);
  const key = (c: ReviewCandidate): [number, number] =>
    algorithm === "round-robin"
      ? [c.lastAssignedAtMs ?? Number.NEGATIVE_INFINITY, 0]
      : [c.openReviews, c.assignedLast30d];
  const sorted = eligible.sort((a, b) => {
    if (soonest(a) !== soonest(b)) return soonest(a) - soonest(b);
    const [a1, a2] = key(a);
    const [b1, b2] = key(b);
    if (a1 !== b1) return a1 < b1 ? -1 : 1;
    if (a2 !== b2) return a2 - b2;
    const [la, lb] = [a.login.toLowerCase(), b.login.toLowerCase()];
    if (la !== lb) return la < lb ? -1 : 1;
    return a.login < b.login ? -1 : a.login > b.login ? 1 : 0;
  });
  const seen = new Set<string>();
  return sorted
    .filter((c) => !seen.has(c.login.toLowerCase()) && seen.add(c.login.toLowerCase()))
    .map((c) => c.login);
}

describe("assignment properties", () => {
  it("ranks exactly like a full sort of the eligible candidates", () => {
    fc.assert(
      fc.property(
        fc.array(candidate, { maxLength: 60 }),
        fc.constantFrom<AssignmentAlgorithm>("round-robin", "load-balance"),
        fc.integer({ min: 0, max: 4 }),
        (candidates, algorithm, count) => {
          const result = assignReviewers({
            pr: PR,
            candidates,
            algorithm,
            nowMs: NOW,
            count,
            alternates: 100,
          });
          const expected = reference(candidates, algorithm);
          expect([...result.reviewers, ...result.alternates].map((r) => r.login)).toEqual(expected);
          expect(result.reviewers).toHaveLength(Math.min(count, expected.length));
          expect(result.shortfall).toBe(count - result.reviewers.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("round-robin with feedback is fair: over k rounds everyone is picked k times", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 2, max: 500 }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 3 }),
        (ids, k) => {
          let team = ids.map((i) => ({
            login: `u${i}`,
            ooo: false,
            openReviews: 0,
            assignedLast30d: 0,
            lastAssignedAtMs: null as number | null,
          }));
          const picks = new Map<string, number>();
          for (let round = 0; round < ids.length * k; round++) {
            const nowMs = NOW + round * HOUR_MS;
            const login =
              assignReviewers({ pr: PR, candidates: team, algorithm: "round-robin", nowMs }).reviewers[0]
                ?.login ?? "";
            picks.set(login, (picks.get(login) ?? 0) + 1);
            team = team.map((c) => (c.login === login ? { ...c, lastAssignedAtMs: nowMs } : c));
          }
          expect([...picks.values()].every((n) => n === k)).toBe(true);
          expect(picks.size).toBe(ids.length);
        },
      ),
    );
  });
});
