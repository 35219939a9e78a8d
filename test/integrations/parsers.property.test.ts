/** Property tests: the payload parsers never throw, whatever the input. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ParseOutcome } from "../../src/events/types";
import { parseGitHubEvent } from "../../src/integrations/github/events";
import { parseLinearEvent } from "../../src/integrations/linear/events";
import issueCreate from "../fixtures/linear/issue-create.json";
import { examplesOf, type Payload } from "../helpers/payloads";

const EVENTS = [
  "pull_request",
  "pull_request_review",
  "pull_request_review_comment",
  "check_suite",
  "check_run",
  "installation",
  "installation_repositories",
  "ping",
  "push",
  "",
];
const STATUSES = ["event", "ignored", "ping", "invalid"];
const RUNS = { numRuns: 300 };

function wellFormed(outcome: ParseOutcome): void {
  expect(STATUSES).toContain(outcome.status);
  if (outcome.status === "invalid") {
    expect(outcome.issues.length).toBeGreaterThan(0);
    for (const issue of outcome.issues) expect(typeof issue.field).toBe("string");
  }
  if (outcome.status === "event") expect(outcome.envelopes).toHaveLength(outcome.events.length);
}

/** Any JSON value, or an object that looks a little like a webhook payload. */
const payloadish = fc.oneof(
  fc.jsonValue(),
  fc.record({
    action: fc.oneof(
      fc.constantFrom("opened", "closed", "completed", "created", "create", "update"),
      fc.jsonValue(),
    ),
    type: fc.oneof(fc.constantFrom("Issue", "Comment", "IssueLabel"), fc.jsonValue()),
    pull_request: fc.jsonValue(),
    repository: fc.jsonValue(),
    data: fc.jsonValue(),
  }),
);

/** Replaces the value at a random path of `example` with a random JSON value. */
function mutate(example: Payload, path: string[], value: unknown): Payload {
  const copy = structuredClone(example);
  let node: unknown = copy;
  for (const [i, key] of path.entries()) {
    if (typeof node !== "object" || node === null) break;
    const record = node as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.length === 0) break;
    const pick = keys[key.length % keys.length] ?? "";
    if (i === path.length - 1) record[pick] = value;
    else node = record[pick];
  }
  return copy;
}

describe("parsers never throw", () => {
  it("parseGitHubEvent on random JSON values and event names", () => {
    fc.assert(
      fc.property(fc.constantFrom(...EVENTS), payloadish, (name, payload) => {
        wellFormed(parseGitHubEvent(name, payload, "d", "2026-11-24T00:00:00Z"));
      }),
      RUNS,
    );
  });

  it("parseGitHubEvent on random values of any kind (maps, sets, null prototypes, boxed values)", () => {
    const anything = fc.anything({
      withBoxedValues: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
    });
    fc.assert(
      fc.property(fc.constantFrom(...EVENTS), anything, (name, payload) => {
        wellFormed(parseGitHubEvent(name, payload, "d", "2026-11-24T00:00:00Z"));
      }),
      RUNS,
    );
  });

  it("parseGitHubEvent on octokit examples with one field replaced at random", () => {
    const handled = EVENTS.filter((n) => n && n !== "push");
    const cases = handled.flatMap((name) => examplesOf(name).map((example) => ({ name, example })));
    fc.assert(
      fc.property(
        fc.constantFrom(...cases),
        fc.array(fc.string({ maxLength: 3 }), { minLength: 1, maxLength: 4 }),
        fc.jsonValue(),
        ({ name, example }, path, value) => {
          wellFormed(parseGitHubEvent(name, mutate(example, path, value), "d", "2026-11-24T00:00:00Z"));
        },
      ),
      RUNS,
    );
  });

  it("parseLinearEvent on random JSON values and mutated fixtures", () => {
    fc.assert(
      fc.property(payloadish, (payload) => {
        wellFormed(parseLinearEvent(payload, "d", "2026-11-24T00:00:00Z"));
      }),
      RUNS,
    );
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 3 }), { minLength: 1, maxLength: 3 }),
        fc.jsonValue(),
        (path, value) => {
          wellFormed(parseLinearEvent(mutate(issueCreate, path, value), "d", "2026-11-24T00:00:00Z"));
        },
      ),
      RUNS,
    );
  });
});
