/**
 * `.foreman.yml` (src/domain/policy-file.ts): the policy in YAML, parsed by the `yaml` package inside
 * workerd, with every problem named by field path and 1-based line.
 */
import { describe, expect, it } from "vitest";
import { parsePolicy } from "../../src/domain/policy";
import {
  formatPolicyIssues,
  POLICY_FILE,
  type PolicyFileIssue,
  parsePolicyFile,
} from "../../src/domain/policy-file";

const VALID = `# Review policy of acme/api
rules:
  - name: migrations
    match: { paths: ["migrations/**"] }
    decide: { pool: { logins: [a, b, c] }, reviewers: 2, slaHours: 4 }
  - name: default
    decide: { reviewers: 1 }
`;

function issuesOf(text: string): PolicyFileIssue[] {
  const parsed = parsePolicyFile(text);
  if (parsed.ok) throw new Error("expected issues");
  return parsed.issues;
}

describe("parsePolicyFile", () => {
  it("a valid file is the policy parsePolicy gives for the same object", () => {
    const parsed = parsePolicyFile(VALID);
    expect(parsed).toEqual(
      parsePolicy({
        rules: [
          {
            name: "migrations",
            match: { paths: ["migrations/**"] },
            decide: { pool: { logins: ["a", "b", "c"] }, reviewers: 2, slaHours: 4 },
          },
          { name: "default", decide: { reviewers: 1 } },
        ],
      }),
    );
    expect(parsed.ok).toBe(true);
    expect(POLICY_FILE).toBe(".foreman.yml");
  });

  it("block style with anchors and aliases works too", () => {
    const parsed = parsePolicyFile(
      [
        "rules:",
        "  - name: backend",
        "    match:",
        "      paths:",
        "        - src/**",
        "    decide:",
        "      pool: &people",
        "        logins: [a, b]",
        "  - name: default",
        "    decide:",
        "      pool: *people",
        "",
      ].join("\n"),
    );
    if (!parsed.ok) throw new Error(formatPolicyIssues(parsed.issues));
    expect(parsed.policy.rules[1]?.decide.pool).toEqual({ logins: ["a", "b"] });
  });

  it("an invalid value names its field and line", () => {
    const text = VALID.replace("decide: { reviewers: 1 }", "decide: { reviewers: 20 }");
    const issues = issuesOf(text);
    expect(issues).toEqual([
      { field: "rules.1.decide.reviewers", line: 7, message: "Too big: expected number to be <=10" },
    ]);
    expect(formatPolicyIssues(issues)).toBe(
      ".foreman.yml line 7, rules.1.decide.reviewers: Too big: expected number to be <=10",
    );
  });

  it("a value in block style is reported on its own line", () => {
    const text = [
      "rules:",
      "  - name: default",
      "    decide:",
      "      reviewers: 1",
      "      slaHours: -3",
      "      channel: '#general'",
      "",
    ].join("\n");
    expect(issuesOf(text).map((i) => [i.field, i.line])).toEqual([
      ["rules.0.decide.slaHours", 5],
      ["rules.0.decide.channel", 6],
    ]);
  });

  it("an unknown key is named, on the line of the key", () => {
    const text = [
      "rules:",
      "  - name: default",
      "    decide:",
      "      reviewers: 1",
      "      reviewrs: 2",
      "    matches: {}",
      "",
    ].join("\n");
    const issues = issuesOf(text);
    expect(issues).toEqual(
      expect.arrayContaining([
        { field: "rules.0.decide.reviewrs", line: 5, message: 'Unrecognized key: "reviewrs"' },
        { field: "rules.0.matches", line: 6, message: 'Unrecognized key: "matches"' },
      ]),
    );
    expect(issues).toHaveLength(2);
  });

  it("a missing field is reported on its parent's line", () => {
    const issues = issuesOf("rules:\n  - name: default\n    match: {}\n");
    expect(issues).toEqual([
      { field: "rules.0.decide", line: 2, message: expect.stringContaining("expected object") },
    ]);
  });

  it("a policy without a last catch-all rule is reported at that rule's match", () => {
    const text = `${VALID.replace(/ {2}- name: default\n.*\n$/, "")}  - name: hotfix\n    match:\n      labels: [hotfix]\n    decide: { slaHours: 2 }\n`;
    const issues = issuesOf(text);
    expect(issues).toEqual([
      {
        field: "rules.1.match",
        line: 7,
        message: "the last rule must match every PR (no match): it is the policy's default",
      },
    ]);
  });

  it("a YAML syntax error gives its line and a one-line message", () => {
    const text = ["rules:", "  - name: default", '    decide: { reviewers: 1, channel: "slack:C1 }', ""].join(
      "\n",
    );
    const issues = issuesOf(text);
    expect(issues.length).toBeGreaterThan(0);
    const [first] = issues;
    expect(first?.line).toBeGreaterThanOrEqual(3);
    expect(first?.message).not.toContain("\n");
    expect(first?.message).not.toMatch(/at line \d+/);
    expect(formatPolicyIssues(issues)).toMatch(/^\.foreman\.yml line \d+/);
  });

  it("a second YAML document is refused in words a user can act on", () => {
    const issues = issuesOf(`${VALID}---\nrules: []\n`);
    expect(issues).toEqual([
      { field: "", line: 8, message: "the file holds more than one YAML document: remove the `---`" },
    ]);
  });

  it("a duplicate key is a syntax error on its line, naming the key", () => {
    const issues = issuesOf("rules:\n  - name: default\n    decide: { reviewers: 1 }\n    name: again\n");
    expect(issues).toEqual([{ field: "rules.0.name", line: 4, message: "Map keys must be unique" }]);
  });

  it("a file that is not a map, or is empty", () => {
    expect(issuesOf("- name: default\n")).toEqual([
      { field: "", line: 1, message: expect.stringContaining("expected object") },
    ]);
    expect(issuesOf("# nothing yet\n")).toEqual([
      { field: "", line: null, message: "the file is empty: it should hold the policy's rules" },
    ]);
  });

  it("a file larger than 64 KiB is refused before parsing", () => {
    const big = `${VALID}${"# padding\n".repeat(7000)}`;
    expect(issuesOf(big)).toEqual([{ field: "", line: null, message: "the file is larger than 64 KiB" }]);
    // Counted in UTF-8 bytes: 30,000 "é" are 60,000 bytes, 40,000 are 80,000.
    expect(parsePolicyFile(`${VALID}# ${"é".repeat(30_000)}\n`).ok).toBe(true);
    expect(issuesOf(`${VALID}# ${"é".repeat(40_000)}\n`)[0]?.message).toBe("the file is larger than 64 KiB");
    expect(formatPolicyIssues(issuesOf(big))).toBe(".foreman.yml: the file is larger than 64 KiB");
  });

  it("an alias bomb is refused", () => {
    const lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 8; i++)
      lines.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(", ")}]`,
      );
    lines.push("rules: *a7", "");
    const issues = issuesOf(lines.join("\n"));
    expect(issues).toEqual([{ field: "", line: null, message: expect.stringContaining("aliases") }]);
  });

  it("many problems are capped, the rest counted", () => {
    const rules = Array.from({ length: 30 }, (_, i) => `  - { name: r${i}, decide: { reviewers: 99 } }`);
    const issues = issuesOf(`rules:\n${rules.join("\n")}\n  - { name: default, decide: {} }\n`);
    expect(issues).toHaveLength(20);
    expect(issues[0]).toEqual({
      field: "rules.0.decide.reviewers",
      line: 2,
      message: "Too big: expected number to be <=10",
    });
    expect(issues.at(-1)).toEqual({ field: "", line: null, message: "and 11 more problems" });
  });
});
