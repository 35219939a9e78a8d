/** GitHub `push` deliveries become `repo.pushed` events (the octokit example payloads, then variations). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PUSH_PATHS_LIMIT } from "../../../src/events/types";
import { parseGitHubEvent } from "../../../src/integrations/github/events";
import {
  deletePath,
  examplesOf,
  invalidFields,
  ofKind,
  onlyEvent,
  type Payload,
  setPath,
} from "../../helpers/payloads";

const DELIVERY = "72d3162e-cc78-11e3-81ab-4c9367dc0958";
const RECEIVED = "2026-11-24T03:00:00.000Z";
const parse = (payload: unknown) => parseGitHubEvent("push", payload, DELIVERY, RECEIVED);
const pushed = (payload: unknown) => ofKind(onlyEvent(parse(payload)), "repo.pushed");

/** The first octokit push example matching `pick` (a deep copy). */
function example(pick: (p: Payload) => boolean): Payload {
  const found = examplesOf("push").find(pick);
  if (!found) throw new Error("no such push example");
  return structuredClone(found);
}
const branchPush = () => example((p) => p.ref === "refs/heads/master");
const tagDeletion = () => example((p) => p.deleted === true && p.installation !== undefined);

describe("parseGitHubEvent: push", () => {
  it("a push to a branch: refs, default branch, files, push time; no names or e-mail addresses", () => {
    const event = pushed(branchPush());
    expect(event).toEqual({
      kind: "repo.pushed",
      repo: { id: 186853002, fullName: "codertocat/hello-world" },
      installationId: 1,
      sender: "Codertocat",
      at: "2019-05-15T15:20:57.000Z", // repository.pushed_at, 1557933657 seconds
      ref: "refs/heads/master",
      branch: "master",
      defaultBranch: "master",
      before: "0000000000000000000000000000000000000000",
      after: "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
      deleted: false,
      files: { added: ["README.md"], modified: [], removed: [] },
    });
    const text = JSON.stringify(event);
    expect(text).not.toContain("@");
    expect(text).not.toContain("Initial commit");
  });

  it("the envelope carries the delivery id and receipt time", () => {
    const outcome = parse(branchPush());
    if (outcome.status !== "event") throw new Error("expected event");
    expect(outcome.envelopes).toEqual([
      { source: "github", deliveryId: DELIVERY, receivedAt: RECEIVED, event: outcome.events[0] },
    ]);
  });

  it("a deletion (no commits, no head commit) has empty files", () => {
    const event = pushed(tagDeletion());
    expect(event).toMatchObject({
      ref: "refs/tags/simple-tag",
      branch: null,
      deleted: true,
      after: "0000000000000000000000000000000000000000",
      files: { added: [], modified: [], removed: [] },
    });

    const branchDeleted = tagDeletion();
    setPath(branchDeleted, "ref", "refs/heads/feature/x");
    deletePath(branchDeleted, "commits");
    deletePath(branchDeleted, "repository.pushed_at");
    const deleted = pushed(branchDeleted);
    expect(deleted).toMatchObject({ branch: "feature/x", deleted: true, at: RECEIVED });
    expect(deleted.files).toEqual({ added: [], modified: [], removed: [] });
  });

  it("files are the union over the commits, each list deduplicated and capped", () => {
    const payload = branchPush();
    payload.commits = [
      { id: "a", message: "one", added: ["a.ts", "b.ts"], modified: ["README.md"], removed: [] },
      { id: "b", message: "two", added: ["a.ts"], modified: ["a.ts", "README.md"], removed: ["old.ts"] },
      { id: "c", message: "three" }, // GitHub always sends the lists; a commit without them is empty
    ];
    expect(pushed(payload).files).toEqual({
      added: ["a.ts", "b.ts"],
      modified: ["README.md", "a.ts"],
      removed: ["old.ts"],
    });

    const many = (from: number) => Array.from({ length: 1500 }, (_, i) => `src/f${from + i}.ts`);
    payload.commits = [
      { id: "a", added: many(0), modified: [], removed: [] },
      { id: "b", added: many(1000), modified: [], removed: [] },
    ];
    const { added } = pushed(payload).files;
    expect(added).toHaveLength(PUSH_PATHS_LIMIT);
    expect(new Set(added).size).toBe(PUSH_PATHS_LIMIT);
    expect(added.at(-1)).toBe(`src/f${PUSH_PATHS_LIMIT - 1}.ts`);
  });

  it("defaultBranch falls back to master_branch; at to the head commit's time, as UTC", () => {
    const payload = branchPush();
    deletePath(payload, "repository.default_branch");
    setPath(payload, "repository.master_branch", "trunk");
    deletePath(payload, "repository.pushed_at");
    setPath(payload, "head_commit.timestamp", "2019-05-15T10:19:25-05:00");
    expect(pushed(payload)).toMatchObject({ defaultBranch: "trunk", at: "2019-05-15T15:19:25.000Z" });

    deletePath(payload, "repository.master_branch");
    setPath(payload, "head_commit.timestamp", "not a time");
    expect(pushed(payload)).toMatchObject({ defaultBranch: null, at: RECEIVED });
    setPath(payload, "repository.pushed_at", 1e300); // out of range: not thrown, not used
    expect(pushed(payload).at).toBe(RECEIVED);
  });

  it("every octokit push example is an event (they have no action)", () => {
    const examples = examplesOf("push");
    expect(examples).toHaveLength(7);
    for (const payload of examples) {
      expect(payload.action).toBeUndefined();
      expect(parse(structuredClone(payload)).status).toBe("event");
    }
  });

  it.each(["ref", "before", "after", "repository", "repository.id", "repository.full_name"])(
    "a push without %s is invalid, naming the field",
    (path) => {
      const outcome = parse(deletePath(branchPush(), path));
      expect(invalidFields(outcome)).toContain(path);
      if (outcome.status === "invalid") expect(outcome.issues[0]?.message).toMatch(/expected/i);
    },
  );

  it("wrong types are invalid too; a non-object body is invalid", () => {
    expect(invalidFields(parse(setPath(branchPush(), "commits.0.added", "README.md")))).toEqual([
      "commits.0.added",
    ]);
    expect(invalidFields(parse(setPath(branchPush(), "deleted", "yes")))).toEqual(["deleted"]);
    expect(invalidFields(parse(null))).toEqual(["body"]);
    expect(invalidFields(parse([1]))).toEqual(["body"]);
  });

  it("never throws on push examples with one field replaced at random", () => {
    const examples = examplesOf("push");
    fc.assert(
      fc.property(
        fc.constantFrom(...examples),
        fc.constantFrom(
          "ref",
          "before",
          "after",
          "deleted",
          "commits",
          "commits.0",
          "head_commit",
          "repository",
          "repository.pushed_at",
          "repository.default_branch",
          "installation",
          "sender",
        ),
        fc.jsonValue(),
        (payload, path, value) => {
          const copy = structuredClone(payload);
          const parent = copy[path.split(".")[0] ?? ""];
          if (path.includes(".") && (typeof parent !== "object" || parent === null)) return;
          if (path === "commits.0" && !(Array.isArray(copy.commits) && copy.commits.length > 0)) return;
          const outcome = parse(setPath(copy, path, value));
          expect(["event", "invalid"]).toContain(outcome.status);
          if (outcome.status === "invalid") expect(outcome.issues.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
