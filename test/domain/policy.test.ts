/**
 * Review policies as code (src/domain/policy.ts): validation with field paths, first-match decisions
 * with the reasons of every rule up to the deciding one, and picomatch globs inside workerd.
 */
import { describe, expect, it } from "vitest";
import { decidePolicy, type Policy, type PolicyPr, parsePolicy } from "../../src/domain/policy";

const POLICY = {
  rules: [
    {
      name: "migrations",
      match: { paths: ["migrations/**"] },
      decide: { pool: { logins: ["a", "b", "c"] }, reviewers: 2, slaHours: 4 },
    },
    { name: "hotfix", match: { labels: ["HotFix"], base: ["main", "release/*"] }, decide: { slaHours: 2 } },
    { name: "default", decide: { reviewers: 1 } },
  ],
};

const pr = (extra: Partial<PolicyPr> = {}): PolicyPr => ({
  repo: "acme/api",
  author: "octocat",
  labels: [],
  files: ["src/app.ts"],
  additions: 10,
  deletions: 2,
  draft: false,
  base: "main",
  ...extra,
});

function policy(input: unknown = POLICY): Policy {
  const parsed = parsePolicy(input);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.policy;
}

describe("review policies", () => {
  it("decides a PR touching migrations/ by the first rule, and says why", () => {
    const out = decidePolicy(policy(), pr({ files: ["src/a.ts", "migrations/001.sql"] }));
    expect(out.rule.name).toBe("migrations");
    expect(out.rule.decide).toMatchObject({ reviewers: 2, slaHours: 4, pool: { logins: ["a", "b", "c"] } });
    expect(out.matchedPaths).toEqual(["migrations/001.sql"]);
    expect(out.verdicts).toEqual([
      { rule: "migrations", matched: true, reasons: ["paths: migrations/001.sql match migrations/**"] },
    ]);
  });

  it("falls through to the default, with every rule's reason", () => {
    const out = decidePolicy(policy(), pr());
    expect(out.rule.name).toBe("default");
    expect(out.verdicts.map((v) => [v.rule, v.matched])).toEqual([
      ["migrations", false],
      ["hotfix", false],
      ["default", true],
    ]);
    expect(out.verdicts[0]?.reasons).toEqual(["paths: no changed file matches migrations/**"]);
    expect(out.verdicts[1]?.reasons).toEqual(["none of the labels HotFix", "base main matches main"]);
    expect(out.verdicts[2]?.reasons).toEqual(["matches every PR (the default)"]);
  });

  it("matches labels in any case and base branches by glob", () => {
    expect(decidePolicy(policy(), pr({ labels: ["hotfix"], base: "release/2.1" })).rule.name).toBe("hotfix");
    expect(decidePolicy(policy(), pr({ labels: ["hotfix"], base: "dev" })).rule.name).toBe("default");
  });

  it("does not match paths it cannot see, and says so", () => {
    const { files: _, ...unknown } = pr();
    const out = decidePolicy(policy(), unknown);
    expect(out.verdicts[0]?.reasons).toEqual(["paths: the changed files are not known"]);
  });

  it("checks size, author, repository and draft", () => {
    const p = policy({
      rules: [
        {
          name: "big",
          match: { repos: ["ACME/*"], authors: ["OctoCat"], minLines: 400, maxFiles: 10, draft: false },
          decide: { reviewers: 2 },
        },
        { name: "default", decide: {} },
      ],
    });
    expect(decidePolicy(p, pr({ additions: 390, deletions: 20 })).rule.name).toBe("big");
    expect(decidePolicy(p, pr({ additions: 100 })).rule.name).toBe("default");
    expect(decidePolicy(p, pr({ additions: 500, draft: true })).rule.name).toBe("default");
    expect(decidePolicy(p, pr({ additions: 500, repo: "other/api" })).rule.name).toBe("default");
  });

  it("rejects a bad policy with the field and why", () => {
    const bad = parsePolicy({
      rules: [
        { name: "Bad Name", decide: { reviewers: 0 } },
        { name: "x", match: { paths: ["a/**"] }, decide: { pool: {} } },
      ],
    });
    expect(bad.ok).toBe(false);
    const fields = bad.ok ? [] : bad.issues.map((i) => i.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        "rules.0.name",
        "rules.0.decide.reviewers",
        "rules.1.decide.pool",
        "rules.1.match",
      ]),
    );
    const twice = parsePolicy({
      rules: [
        { name: "d", decide: {} },
        { name: "d", decide: {} },
      ],
    });
    expect(twice.ok ? [] : twice.issues.map((i) => i.message)).toContain('"d" twice');
    const unknown = parsePolicy({ rules: [{ name: "d", decide: {}, extra: 1 }] });
    expect(unknown.ok ? [] : unknown.issues.map((i) => i.message).join()).toContain("extra");
  });
});
