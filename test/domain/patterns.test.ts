/**
 * Review patterns (src/domain/patterns.ts): applying one adds its rule before the policy's default (or
 * replaces a rule of the same name) and validates the result, naming what a pattern cannot do without;
 * opportunities are the groups of at least 8 PRs whose median time to first review is at least twice
 * the tenant's, or whose breach rate is at least 20 points higher, each under a stable key.
 */
import { describe, expect, it } from "vitest";
import { type PolicySample, type PolicySummary, summarise } from "../../src/domain/experiment";
import {
  applyPattern,
  findOpportunities,
  type GroupFigures,
  MIN_GROUP_PRS,
  PATTERNS,
  patternById,
} from "../../src/domain/patterns";
import { type Policy, parsePolicy } from "../../src/domain/policy";
import { policySample } from "../helpers/policy-sample";

const BASE: Policy = {
  rules: [
    { name: "migrations", match: { paths: ["migrations/**"] }, decide: { reviewers: 2 } },
    { name: "default", decide: { reviewers: 1 } },
  ],
};

/** `n` PRs first reviewed after `hours` working hours, the first `breached` of them breached. */
function prs(n: number, hours: number, breached = 0): PolicySample[] {
  return Array.from({ length: n }, (_, i) =>
    policySample({ firstReviewWorkingHours: hours, breached: i < breached }),
  );
}

const group = (kind: "label" | "path", value: string, samples: PolicySample[]): GroupFigures => ({
  kind,
  value,
  summary: summarise(samples),
});

describe("applyPattern", () => {
  it("inserts the pattern's rule just before the default, and the result is a valid policy", () => {
    const applied = applyPattern(BASE, "hotfix-fast-lane");
    expect(applied.rules.map((r) => r.name)).toEqual(["migrations", "hotfix-fast-lane", "default"]);
    expect(applied.rules[1]).toEqual({
      name: "hotfix-fast-lane",
      match: { labels: ["hotfix", "urgent"] },
      decide: { slaHours: 2, strategy: "least-busy-now" },
    });
    expect(parsePolicy(applied).ok).toBe(true);
    // The policy given is not changed.
    expect(BASE.rules.map((r) => r.name)).toEqual(["migrations", "default"]);
  });

  it("uses the parameters given", () => {
    const applied = applyPattern(BASE, "hotfix-fast-lane", { labels: ["p0"], slaHours: 1 });
    expect(applied.rules[1]).toMatchObject({ match: { labels: ["p0"] }, decide: { slaHours: 1 } });
    const large = applyPattern(BASE, "large-pr-two-reviewers", { minLines: 250 });
    expect(large.rules[1]).toEqual({
      name: "large-pr-two-reviewers",
      match: { minLines: 250 },
      decide: { reviewers: 2 },
    });
  });

  it("replaces a rule of the same name instead of adding a second one", () => {
    const once = applyPattern(BASE, "hotfix-fast-lane");
    const twice = applyPattern(once, "hotfix-fast-lane", { slaHours: 1 });
    expect(twice.rules.map((r) => r.name)).toEqual(["migrations", "hotfix-fast-lane", "default"]);
    expect(twice.rules[1]?.decide.slaHours).toBe(1);
    const migrations = applyPattern(once, "migrations-two-reviewers");
    expect(migrations.rules.map((r) => r.name)).toEqual([
      "migrations",
      "hotfix-fast-lane",
      "migrations-two-reviewers",
      "default",
    ]);
  });

  it("on a policy of one default rule, the rule goes first", () => {
    const applied = applyPattern({ rules: [{ name: "default", decide: {} }] }, "follow-the-sun", {
      labels: ["night"],
    });
    expect(applied.rules).toEqual([
      { name: "follow-the-sun", match: { labels: ["night"] }, decide: { strategy: "least-busy-now" } },
      { name: "default", decide: {} },
    ]);
  });

  it("pair-newcomer names what it cannot do without; with them it always asks the first mentor", () => {
    expect(() => applyPattern(BASE, "pair-newcomer")).toThrow(RangeError);
    expect(() => applyPattern(BASE, "pair-newcomer")).toThrow(/pair-newcomer: newcomers and mentors/);
    expect(() => applyPattern(BASE, "pair-newcomer", { newcomers: ["nina"] })).toThrow(/mentors/);
    const applied = applyPattern(BASE, "pair-newcomer", { newcomers: ["nina"], mentors: ["marta", "max"] });
    expect(applied.rules[1]).toEqual({
      name: "pair-newcomer",
      match: { authors: ["nina"] },
      decide: { required: ["marta"], reviewers: 1 },
    });
  });

  it("refuses to replace the policy's default rule when it has the pattern's name", () => {
    const policy: Policy = { rules: [{ name: "follow-the-sun", decide: {} }] };
    expect(() => applyPattern(policy, "follow-the-sun", { labels: ["x"] })).toThrow(/default rule is called/);
  });

  it("an unknown pattern is refused, naming the ones there are", () => {
    expect(() => applyPattern(BASE, "no-such-pattern")).toThrow(RangeError);
    expect(() => applyPattern(BASE, "no-such-pattern")).toThrow(/no pattern "no-such-pattern"/);
    expect(() => applyPattern(BASE, "no-such-pattern")).toThrow(/hotfix-fast-lane/);
    expect(patternById("no-such-pattern")).toBeNull();
  });

  it("validates the result: parameters a policy cannot hold are refused", () => {
    expect(() => applyPattern(BASE, "hotfix-fast-lane", { slaHours: 1_000 })).toThrow();
    expect(() => applyPattern(BASE, "migrations-two-reviewers", { paths: [""] })).toThrow();
  });

  it("every built-in pattern gives a valid policy from its defaults (or names what it needs)", () => {
    for (const p of PATTERNS) {
      const params = p.id === "pair-newcomer" ? { newcomers: ["nina"], mentors: ["marta"] } : {};
      const applied = applyPattern(BASE, p.id, params);
      expect(applied.rules.at(-1)?.name, p.id).toBe("default");
      expect(
        applied.rules.filter((r) => r.name === p.id),
        p.id,
      ).toHaveLength(1);
    }
  });
});

describe("findOpportunities", () => {
  // The team: 20 PRs first reviewed after 1 working hour, one breach in ten.
  const overall: PolicySummary = summarise([...prs(18, 1, 2), ...prs(2, 1)]);

  it("flags a label group of 8+ PRs whose median is at least twice the team's", () => {
    expect(overall.firstReviewWorking.median).toBe(1);
    const found = findOpportunities(overall, [group("label", "hotfix", prs(MIN_GROUP_PRS, 2))]);
    expect(found).toEqual([
      {
        key: "label:hotfix:slow",
        kind: "label",
        value: "hotfix",
        pattern: "hotfix-fast-lane",
        evidence: expect.stringContaining("PRs labelled hotfix wait 2.0 h for a first review (median of 8)"),
      },
    ]);
    expect(found[0]?.evidence).toContain("2.0x the team's 1.0 h");
  });

  it("flags a path group whose breach rate is 20+ points above the team's", () => {
    expect(overall.breachRate).toBe(0.1);
    // 4 of 10 breached: 40% against 10%.
    const found = findOpportunities(overall, [group("path", "migrations/", prs(10, 1, 4))]);
    expect(found).toEqual([
      {
        key: "path:migrations/:breaches",
        kind: "path",
        value: "migrations/",
        pattern: "migrations-two-reviewers",
        evidence:
          "PRs touching migrations/ miss their SLA 40% of the time (10 PRs), against 10% for the team.",
      },
    ]);
  });

  it("exactly 20 points more is flagged (3 of 10 against 1 of 10 is not 0.1999…)", () => {
    const found = findOpportunities(overall, [group("path", "db/", prs(10, 1, 3))]);
    expect(found.map((o) => o.key)).toEqual(["path:db/:breaches"]);
  });

  it("a slow path group suggests follow-the-sun; a label group that breaches suggests the fast lane", () => {
    const found = findOpportunities(overall, [
      group("path", "infra/", prs(9, 3)),
      group("label", "legacy", prs(9, 1, 5)),
    ]);
    expect(found.map((o) => [o.key, o.pattern])).toEqual([
      ["path:infra/:slow", "follow-the-sun"],
      ["label:legacy:breaches", "hotfix-fast-lane"],
    ]);
  });

  it("a group both slow and breaching is two opportunities", () => {
    const found = findOpportunities(overall, [group("label", "hotfix", prs(8, 5, 8))]);
    expect(found.map((o) => o.key)).toEqual(["label:hotfix:slow", "label:hotfix:breaches"]);
  });

  it("ignores groups of fewer than 8 PRs, however bad", () => {
    const found = findOpportunities(overall, [
      group("label", "hotfix", prs(MIN_GROUP_PRS - 1, 10, MIN_GROUP_PRS - 1)),
      group("path", "migrations/", prs(3, 50, 3)),
    ]);
    expect(found).toEqual([]);
  });

  it("ignores groups near the team's median and breach rate", () => {
    const found = findOpportunities(overall, [
      group("label", "docs", prs(12, 1.9)),
      group("label", "ui", prs(12, 0.5)),
      // 2 of 10 breached: 20% against 10%, 10 points.
      group("path", "src/", prs(10, 1, 2)),
    ]);
    expect(found).toEqual([]);
  });

  it("falls back to wall-clock hours when no working hours are recorded", () => {
    const wall = (n: number, hours: number) =>
      Array.from({ length: n }, () => policySample({ firstReviewHours: hours }));
    const team = summarise(wall(20, 1));
    expect(team.firstReviewWorking.median).toBeNull();
    const found = findOpportunities(team, [group("label", "hotfix", wall(8, 3))]);
    expect(found.map((o) => o.key)).toEqual(["label:hotfix:slow"]);
    // Nothing reviewed at all: no base, so no slow group.
    expect(findOpportunities(summarise([policySample()]), [group("label", "x", wall(8, 3))])).toEqual([]);
  });

  it("keys are stable: the same group gives the same key whatever its figures", () => {
    const a = findOpportunities(overall, [group("label", "hotfix", prs(8, 3))]);
    const b = findOpportunities(overall, [group("label", "hotfix", prs(30, 9))]);
    expect(a.map((o) => o.key)).toEqual(["label:hotfix:slow"]);
    expect(b.map((o) => o.key)).toEqual(a.map((o) => o.key));
    expect(a[0]?.evidence).not.toBe(b[0]?.evidence);
    expect(findOpportunities(overall, [group("label", "hotfix", prs(8, 3))])).toEqual(a);
  });
});
