/** CODEOWNERS (src/domain/codeowners.ts): GitHub's format, the last matching line decides a file. */
import { describe, expect, it } from "vitest";
import { globsOf, ownersOf, parseCodeowners } from "../../src/domain/codeowners";

const FILE = `# Owners
*                 @Everyone
*.sql             @dba-ann @acme/dbas   # a team is not a person
/migrations/      @mig-max
docs/*            @writer-wu you@example.com
apps/**/config.ts @cfg-cy
/build/logs/
`;

describe("parseCodeowners", () => {
  it("keeps people (lower-case), skips teams, e-mails and comments; a line without people still counts", () => {
    const rules = parseCodeowners(FILE);
    expect(rules.map((r) => [r.pattern, r.owners, r.line])).toEqual([
      ["*", ["everyone"], 2],
      ["*.sql", ["dba-ann"], 3],
      ["/migrations/", ["mig-max"], 4],
      ["docs/*", ["writer-wu"], 5],
      ["apps/**/config.ts", ["cfg-cy"], 6],
      ["/build/logs/", [], 7],
    ]);
  });
});

describe("globsOf", () => {
  it("anchors a leading slash, lets a bare name match at any depth, and a directory cover what is under it", () => {
    expect(globsOf("/migrations/")).toEqual(["migrations/**"]);
    expect(globsOf("*.sql")).toEqual(["**/*.sql"]);
    expect(globsOf("docs/*")).toEqual(["docs/*"]);
    expect(globsOf("apps")).toEqual(["**/apps", "**/apps/**"]);
  });
});

describe("ownersOf", () => {
  const rules = parseCodeowners(FILE);
  it("the last matching line decides each file", () => {
    expect(ownersOf(rules, ["migrations/001.sql"])).toEqual(["mig-max"]);
    expect(ownersOf(rules, ["db/schema.sql"])).toEqual(["dba-ann"]);
    expect(ownersOf(rules, ["docs/guide.md"])).toEqual(["writer-wu"]);
    expect(ownersOf(rules, ["docs/deep/guide.md"])).toEqual(["everyone"]);
    expect(ownersOf(rules, ["apps/web/src/config.ts"])).toEqual(["cfg-cy"]);
    expect(ownersOf(rules, ["README.md"])).toEqual(["everyone"]);
  });

  it("a line without people takes its files away from earlier lines", () => {
    expect(ownersOf(rules, ["build/logs/today.txt"])).toEqual([]);
  });

  it("unions the owners of many files, in order of first appearance", () => {
    expect(ownersOf(rules, ["migrations/1.sql", "db/x.sql", "migrations/2.sql"])).toEqual([
      "mig-max",
      "dba-ann",
    ]);
  });
});
