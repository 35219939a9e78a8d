import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type AssignmentInput,
  type AssignmentPr,
  assignReviewers,
  nextCandidate,
  type ReviewCandidate,
} from "../../src/domain/assignment";
import { DAY_MS, formatAgo, HOUR_MS } from "../../src/domain/time";

// Monday 2026-11-02 15:00Z: 10:00 in New York, 16:00 in Berlin, 20:30 in Kolkata.
const NOW = Date.parse("2026-11-02T15:00:00Z");
const PR: AssignmentPr = {
  repo: "acme/api",
  number: 42,
  author: "Alice",
  coAuthors: [],
  labels: [],
  requestedReviewers: [],
};

const person = (login: string, extra: Partial<ReviewCandidate> = {}): ReviewCandidate => ({
  login,
  tz: "America/New_York",
  ooo: false,
  openReviews: 0,
  assignedLast30d: 0,
  lastAssignedAtMs: null,
  ...extra,
});

const run = (candidates: ReviewCandidate[], extra: Partial<AssignmentInput> = {}) =>
  assignReviewers({ pr: PR, candidates, algorithm: "round-robin", nowMs: NOW, ...extra });
const logins = (r: { login: string }[]) => r.map((x) => x.login);

describe("round-robin", () => {
  it("rotates through the team when lastAssignedAt is fed back", () => {
    let team = ["dave", "bob", "carol", "erin"].map((l) => person(l));
    const order: string[] = [];
    for (let i = 0; i < 6; i++) {
      const now = NOW + i * HOUR_MS;
      const { reviewers } = run(team, { nowMs: now });
      const picked = reviewers[0]?.login ?? "";
      order.push(picked);
      team = team.map((c) => (c.login === picked ? { ...c, lastAssignedAtMs: now } : c));
    }
    expect(order).toEqual(["bob", "carol", "dave", "erin", "bob", "carol"]);
  });

  it("explains the pick", () => {
    const result = run([
      person("bob", { lastAssignedAtMs: NOW - 3 * DAY_MS }),
      person("carol", { lastAssignedAtMs: NOW }),
    ]);
    expect(result.reviewers).toEqual([
      { login: "bob", reason: "in working hours now; next in rotation (last assigned 3 days ago)" },
    ]);
    expect(run([person("zed")]).reviewers[0]?.reason).toBe(
      "in working hours now; next in rotation (never assigned)",
    );
  });
});

describe("load-balance", () => {
  const team = [
    person("bob", { openReviews: 2, assignedLast30d: 1 }),
    person("carol", { openReviews: 1, assignedLast30d: 9 }),
    person("dave", { openReviews: 1, assignedLast30d: 3 }),
    person("erin", { openReviews: 1, assignedLast30d: 3 }),
  ];

  it("takes the soonest free (1 h per open review, 8 h per request beyond the fewest), then login", () => {
    // bob 2 h, dave and erin 1 + 16 h, carol 1 + 64 h.
    const result = run(team, { algorithm: "load-balance", count: 3 });
    expect(logins(result.reviewers)).toEqual(["bob", "dave", "erin"]);
    expect(logins(result.alternates)).toEqual(["carol"]);
    expect(result.reviewers[1]?.reason).toBe(
      "in working hours now; fewest open reviews: 1 of 5 (3 in the last 30 days)",
    );
  });

  it("breaks an equal start by fewest open reviews, then login", () => {
    // Everyone starts in 9 h: 9 open reviews, or 1 and one request more than the fewest.
    const roomy = [
      person("bob", { openReviews: 9, assignedLast30d: 2, capacity: 20 }),
      person("carol", { openReviews: 1, assignedLast30d: 3 }),
      person("abe", { openReviews: 9, assignedLast30d: 2, capacity: 20 }),
    ];
    const result = run(roomy, { algorithm: "load-balance", count: 3 });
    expect(logins(result.reviewers)).toEqual(["carol", "abe", "bob"]);
  });

  it("reports the person's own capacity", () => {
    const result = run([person("bob", { openReviews: 1, capacity: 3 })], { algorithm: "load-balance" });
    expect(result.reviewers[0]?.reason).toBe(
      "in working hours now; fewest open reviews: 1 of 3 (0 in the last 30 days)",
    );
  });
});

describe("exclusions", () => {
  it("never picks the author or co-authors (case-insensitive), the ooo or the full", () => {
    const result = run(
      [
        person("alice"),
        person("Bob"),
        person("carol", { ooo: true }),
        person("dave", { openReviews: 5 }),
        person("erin", { openReviews: 2, capacity: 2 }),
        person("frank", { openReviews: 4, lastAssignedAtMs: NOW }),
      ],
      { pr: { ...PR, coAuthors: ["BOB"] } },
    );
    expect(result.reviewers).toEqual([
      { login: "frank", reason: "in working hours now; next in rotation (last assigned just now)" },
    ]);
    expect(result.skipped).toEqual([
      { login: "alice", why: "author" },
      { login: "Bob", why: "co-author" },
      { login: "carol", why: "ooo" },
      { login: "dave", why: "at-capacity" },
      { login: "erin", why: "at-capacity" },
    ]);
    expect(result.shortfall).toBe(0);
  });

  it("reports a shortfall when nobody fits", () => {
    const result = run([person("alice"), person("bob", { ooo: true })], { count: 2 });
    expect(result.reviewers).toEqual([]);
    expect(result.shortfall).toBe(2);
  });
});

describe("already requested reviewers", () => {
  const team = [person("bob"), person("carol"), person("dave")];

  it("count toward the number wanted", () => {
    const one = run(team, { pr: { ...PR, requestedReviewers: ["BOB"] } });
    expect(one.reviewers).toEqual([]);
    expect(one.shortfall).toBe(0);
    expect(one.skipped).toEqual([{ login: "bob", why: "already-requested" }]);
    const two = run(team, { count: 2, pr: { ...PR, requestedReviewers: ["bob", "outsider"] } });
    expect(two.reviewers).toEqual([]);
    const three = run(team, { count: 3, pr: { ...PR, requestedReviewers: ["bob"] } });
    expect(logins(three.reviewers)).toEqual(["carol", "dave"]);
  });

  it("do not include the author", () => {
    expect(logins(run(team, { pr: { ...PR, requestedReviewers: ["alice"] } }).reviewers)).toEqual(["bob"]);
  });
});

describe("every PR prefers people who can start on it soonest", () => {
  const team = [
    person("anand", { tz: "Asia/Kolkata" }), // 20:30, never assigned: first in rotation
    person("berta", { tz: "Europe/Berlin", lastAssignedAtMs: NOW - DAY_MS }), // 16:00, 1 h left
    person("nina", {
      schedule: { tz: "America/New_York", start: "08:00", end: "12:00" }, // 10:00, 2 h left
      lastAssignedAtMs: NOW,
    }),
  ];

  it("picks someone in working hours over the rotation's first choice, urgent or not", () => {
    for (const labels of [[], ["hotfix"]]) {
      const result = run(team, { pr: { ...PR, labels } });
      expect(result.reviewers).toEqual([
        { login: "berta", reason: "in working hours now; next in rotation (last assigned 1 day ago)" },
      ]);
      expect(logins(result.alternates)).toEqual(["nina", "anand"]);
    }
  });

  it("passes over someone whose day is about to end", () => {
    const late = NOW + 30 * 60_000; // 16:30 in Berlin: half an hour left
    expect(logins(run(team, { nowMs: late }).reviewers)).toEqual(["nina"]);
  });

  it("at night picks whoever starts first, and says when", () => {
    const night = NOW + 12 * HOUR_MS; // 03:00 Berlin, 22:00 New York, 08:30 Kolkata
    const result = run(team, { nowMs: night });
    expect(result.reviewers).toEqual([
      { login: "anand", reason: "in working hours in 1 h; next in rotation (never assigned)" },
    ]);
  });

  it("counts an hour for each open review ahead of the new one", () => {
    const busy = [
      person("bob", { openReviews: 2, lastAssignedAtMs: null }),
      person("carol", { tz: "America/Chicago", lastAssignedAtMs: NOW }), // 09:00, free
    ];
    expect(logins(run(busy).reviewers)).toEqual(["carol"]);
  });

  it("ranks planned days off like nights: someone off tomorrow is not picked late today", () => {
    const offTomorrow = person("dora", {
      schedule: { tz: "America/New_York", holidays: ["2026-11-02"] },
    });
    const here = person("eli", { lastAssignedAtMs: NOW });
    expect(logins(run([offTomorrow, here]).reviewers)).toEqual(["eli"]);
  });

  it("ranks a candidate without a zone or with an invalid one last", () => {
    const result = run([
      person("xena", { tz: "Nowhere/City" }),
      { ...person("yuri"), tz: undefined },
      person("zoe"),
    ]);
    expect(logins(result.reviewers)).toEqual(["zoe"]);
    expect(result.alternates[0]?.reason).toMatch(/^working hours unknown; /);
  });
});

describe("the fair share", () => {
  // bob is at work with 5 requests more than the median; dave and erin in Tokyo start in 9 h.
  const team = [
    person("bob", { assignedLast30d: 5 }),
    person("dave", { tz: "Asia/Tokyo" }),
    person("erin", { tz: "Asia/Tokyo" }),
  ];

  it("lets someone with fewer requests wait a little for a PR that can wait", () => {
    expect(logins(run(team, { algorithm: "load-balance" }).reviewers)).toEqual(["dave"]);
  });

  it("does not count for an urgent PR: whoever can start now is asked", () => {
    expect(logins(run(team, { algorithm: "load-balance", urgent: true }).reviewers)).toEqual(["bob"]);
  });
});

describe("nextCandidate (Reassign)", () => {
  const team = ["bob", "carol", "dave"].map((l) => person(l));

  it("offers runners-up in rank order, skipping excluded logins", () => {
    const first = run(team);
    expect(logins(first.reviewers)).toEqual(["bob"]);
    expect(nextCandidate(first, ["bob"])?.login).toBe("carol");
    expect(nextCandidate(first, ["CAROL"])?.login).toBe("dave");
    expect(nextCandidate(first, ["carol", "dave"])).toBeNull();
  });
});

describe("determinism", () => {
  it("gives the same result for any input order", () => {
    const team = Array.from({ length: 12 }, (_, i) =>
      person(`user${i % 7}${i}`, {
        tz: ["Asia/Kolkata", "Europe/Berlin", "America/New_York"][i % 3],
        openReviews: i % 3,
        assignedLast30d: i % 2,
        lastAssignedAtMs: i % 4 === 0 ? null : NOW - (i % 3) * HOUR_MS,
        ooo: i === 5,
      }),
    );
    for (const algorithm of ["round-robin", "load-balance"] as const) {
      const input = { algorithm, count: 3, pr: { ...PR, labels: ["urgent"] } };
      const expected = run(team, input);
      fc.assert(
        fc.property(fc.shuffledSubarray(team, { minLength: team.length }), (shuffled) => {
          expect(run(shuffled, input)).toEqual(expected);
        }),
        { numRuns: 50 },
      );
    }
  });
});

describe("formatAgo", () => {
  it.each([
    [30_000, "just now"],
    [60_000, "1 minute ago"],
    [5 * 60_000, "5 minutes ago"],
    [HOUR_MS, "1 hour ago"],
    [23 * HOUR_MS, "23 hours ago"],
    [3 * DAY_MS + 5 * HOUR_MS, "3 days ago"],
  ])("%d ms -> %s", (ms, text) => {
    expect(formatAgo(ms)).toBe(text);
  });
});

describe("the forecast's late risk (forecast.assign)", () => {
  const lb = { algorithm: "load-balance" as const };
  it("ranks someone likely to review after the deadline behind someone likelier on time", () => {
    const result = run(
      [person("bob", { lateRisk: 0.9 }), person("carol", { lateRisk: 0.05, assignedLast30d: 1 })],
      lb,
    );
    expect(logins(result.reviewers)).toEqual(["carol"]);
    expect(result.reviewers[0]?.reason).not.toContain("deadline");
  });

  it("weighs nothing below the floor: the pick is as without a forecast", () => {
    const team = [person("bob", { lateRisk: 0.08 }), person("carol", { lateRisk: 0, assignedLast30d: 1 })];
    const plain = team.map(({ lateRisk: _, ...c }) => c);
    expect(logins(run(team, lb).reviewers)).toEqual(logins(run(plain, lb).reviewers));
  });

  it("says so when the only one left is likely late", () => {
    const [pick] = run([person("bob", { lateRisk: 0.9 })], lb).reviewers;
    expect(pick?.reason).toContain("likely to review after the deadline by the forecast");
  });
});
