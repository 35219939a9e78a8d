import { describe, expect, it } from "vitest";
import { closingKeys, findIssueKeys, type IssueKeyInput } from "../../src/events/issue-keys";

/** `KEY:relation` for each key found, in order. */
function keys(input: IssueKeyInput, knownTeamKeys?: string[]): string[] {
  return findIssueKeys(input, knownTeamKeys ? { knownTeamKeys } : {}).map((r) => `${r.key}:${r.relation}`);
}

describe("findIssueKeys: branches", () => {
  it.each([
    ["feature/eng-123-fix", ["ENG-123:closes"]],
    ["ENG-123", ["ENG-123:closes"]],
    ["ada/eng-123-flaky-retry", ["ENG-123:closes"]],
    ["fix-eng-7_and_ops-12", ["ENG-7:closes", "OPS-12:closes"]],
    ["eng-123/ops-4", ["ENG-123:closes", "OPS-4:closes"]],
    ["a1-9", ["A1-9:closes"]],
    ["main", []],
    ["dependabot/npm_and_yarn/zod-4.1.0", []],
    ["release-2026-11", []],
    ["hotfix-3", []],
    ["eng-0123", []],
    ["eng-123abc", []],
    ["toolongkey-1", []],
    ["1eng-1", []],
  ])("%s", (branch, expected) => {
    expect(keys({ branch })).toEqual(expected);
  });
});

describe("findIssueKeys: titles and bodies", () => {
  it.each([
    [{ title: "ENG-123: fix the retry" }, ["ENG-123:closes"]],
    [{ title: "Fix the retry (ENG-123)" }, ["ENG-123:closes"]],
    [{ title: "Part of ENG-123: first step" }, ["ENG-123:references"]],
    [{ title: "eng-123 lower case is not a key in a title" }, []],
    [{ body: "Fixes ENG-123" }, ["ENG-123:closes"]],
    [{ body: "fixes: ENG-123" }, ["ENG-123:closes"]],
    [{ body: "Closes ENG-1, ENG-2 and ENG-3" }, ["ENG-1:closes", "ENG-2:closes", "ENG-3:closes"]],
    [{ body: "Resolves ENG-9\nRef ENG-10" }, ["ENG-9:closes", "ENG-10:references"]],
    [{ body: "Part of ENG-123" }, ["ENG-123:references"]],
    [{ body: "Related to OPS-4; contributes to OPS-5" }, ["OPS-4:references", "OPS-5:references"]],
    [{ body: "Completed ENG-5. Refs ENG-6." }, ["ENG-5:closes", "ENG-6:references"]],
    [{ body: "See ENG-77 for context." }, ["ENG-77:references"]],
    [{ body: "Fixes eng-77" }, []],
    [{ body: "Prefixes ENG-77" }, ["ENG-77:references"]],
    [{ body: "https://linear.app/acme/issue/ENG-88/some-title" }, ["ENG-88:references"]],
  ])("%j", (input, expected) => {
    expect(keys(input)).toEqual(expected);
  });

  it("skips code, fenced blocks and HTML comments (PR templates)", () => {
    const body = [
      "<!-- Fixes ENG-XXX, e.g. Fixes ENG-1 -->",
      "```",
      "Fixes ENG-2",
      "```",
      "Run `ENG-3` then",
      "Fixes ENG-4",
    ].join("\n");
    expect(keys({ body })).toEqual(["ENG-4:closes"]);
  });
});

describe("findIssueKeys: false positives and known team keys", () => {
  const noisy = "UTF-8 and SHA-256, ISO-8601, RFC-7231, CVE-2024-1234, GPT-4, TLS-1.3, ES-2022 and node-22";

  it("ignores common non-issue tokens without a known-keys list", () => {
    expect(keys({ body: noisy, title: "Use SHA-256 for UTF-8 bodies" })).toEqual([]);
  });

  it("a known-keys list keeps only its teams and lifts the filter for them", () => {
    expect(keys({ body: `${noisy} Fixes ENG-1 OPS-2` }, ["eng", "SHA"])).toEqual([
      "SHA-256:references",
      "ENG-1:closes",
    ]);
    expect(keys({ branch: "ops-2-x", body: "Fixes ENG-1" }, ["ENG"])).toEqual(["ENG-1:closes"]);
    expect(keys({ body: "Fixes ENG-1" }, [])).toEqual([]);
  });

  it("versions are not keys", () => {
    expect(keys({ body: "Bumps ABC-1.2.3 and XY-2.0" })).toEqual([]);
  });
});

describe("findIssueKeys: merging sources", () => {
  it("one entry per key, sources listed, branch order first", () => {
    const refs = findIssueKeys({
      branch: "eng-1-retry",
      title: "ENG-1: retry",
      body: "Fixes ENG-1. Also ENG-2.",
    });
    expect(refs).toEqual([
      { key: "ENG-1", teamKey: "ENG", number: 1, relation: "closes", sources: ["branch", "title", "body"] },
      { key: "ENG-2", teamKey: "ENG", number: 2, relation: "references", sources: ["body"] },
    ]);
  });

  it("an explicit magic word beats the implicit relation of a branch or title", () => {
    expect(keys({ branch: "eng-1-step-one", body: "Part of ENG-1" })).toEqual(["ENG-1:references"]);
    expect(keys({ title: "ENG-1 step", body: "Ref ENG-1" })).toEqual(["ENG-1:references"]);
  });

  it("between explicit words, closing wins; a bare mention never demotes", () => {
    expect(keys({ body: "Part of ENG-1. Fixes ENG-1." })).toEqual(["ENG-1:closes"]);
    expect(keys({ title: "Fixes ENG-1", body: "ENG-1" })).toEqual(["ENG-1:closes"]);
  });

  it("closingKeys lists what a merge completes", () => {
    const refs = findIssueKeys({ branch: "eng-1", body: "Part of ENG-2\nFixes OPS-3" });
    expect(closingKeys(refs)).toEqual(["ENG-1", "OPS-3"]);
  });

  it("empty and null inputs", () => {
    expect(findIssueKeys({})).toEqual([]);
    expect(findIssueKeys({ branch: null, title: null, body: null })).toEqual([]);
  });
});
