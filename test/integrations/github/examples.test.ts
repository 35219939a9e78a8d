/** Every octokit example payload parses; removing required fields makes payloads invalid. */
import { describe, expect, it } from "vitest";
import { parseGitHubEvent } from "../../../src/integrations/github/events";
import {
  deletePath,
  exampleOf,
  examplesOf,
  invalidFields,
  type Payload,
  setPath,
} from "../../helpers/payloads";

const parse = (name: string, payload: unknown) =>
  parseGitHubEvent(name, payload, "72d3162e-cc78-11e3-81ab-4c9367dc0958", "2026-11-24T03:00:00.000Z");

/** Example counts in @octokit/webhooks-examples 7.6.1; a new version that changes them is worth a look. */
const EXPECTED_COUNTS: Record<string, number> = {
  pull_request: 29,
  pull_request_review: 4,
  pull_request_review_comment: 5,
  check_suite: 9,
  check_run: 9,
  installation: 7,
  installation_repositories: 3,
  push: 7,
  ping: 4,
};

const HANDLED = {
  pull_request: [
    "opened",
    "reopened",
    "ready_for_review",
    "converted_to_draft",
    "synchronize",
    "edited",
    "closed",
    "review_requested",
    "review_request_removed",
    "labeled",
    "unlabeled",
    "assigned",
    "unassigned",
  ],
  pull_request_review: ["submitted", "dismissed"],
  pull_request_review_comment: ["created"],
  check_suite: ["completed"],
  check_run: ["completed"],
  installation: ["created", "deleted", "new_permissions_accepted", "suspend", "unsuspend"],
  installation_repositories: ["added", "removed"],
} as Record<string, string[]>;

/** Events without an `action`: every example is handled. */
const WITHOUT_ACTION = ["push"];

describe("parseGitHubEvent: every @octokit/webhooks-examples payload", () => {
  for (const [name, count] of Object.entries(EXPECTED_COUNTS)) {
    const examples = examplesOf(name);
    it(`${name}: ${count} examples, none invalid, handled actions become events`, () => {
      expect(examples).toHaveLength(count);
      examples.forEach((example, i) => {
        const outcome = parse(name, structuredClone(example));
        const label = `${name}[${i}] ${String(example.action)}`;
        expect(outcome.status, `${label}: ${JSON.stringify(outcome).slice(0, 400)}`).not.toBe("invalid");
        if (name === "ping") expect(outcome.status, label).toBe("ping");
        else {
          const handled =
            WITHOUT_ACTION.includes(name) || (HANDLED[name]?.includes(String(example.action)) ?? false);
          expect(outcome.status, label).toBe(handled ? "event" : "ignored");
        }
      });
    });
  }
  it("77 examples in all, none invalid", () => {
    const outcomes = Object.keys(EXPECTED_COUNTS).flatMap((name) =>
      examplesOf(name).map((example) => parse(name, structuredClone(example)).status),
    );
    expect(outcomes).toHaveLength(77);
    expect(outcomes.filter((s) => s === "invalid")).toEqual([]);
    expect(outcomes.filter((s) => s === "event").length).toBeGreaterThan(40);
  });
});

const REQUIRED: [event: string, action: string, paths: string[]][] = [
  [
    "pull_request",
    "opened",
    [
      "pull_request.number",
      "pull_request.title",
      "pull_request.html_url",
      "pull_request.state",
      "pull_request.updated_at",
      "pull_request.head.ref",
      "pull_request.head.sha",
      "pull_request.base.ref",
      "repository.id",
      "repository.full_name",
      "repository",
      "pull_request",
    ],
  ],
  ["pull_request", "labeled", ["label.name", "label"]],
  ["pull_request_review", "submitted", ["review.id", "review.state", "pull_request.number"]],
  ["pull_request_review_comment", "created", ["comment.id", "comment.html_url", "comment.created_at"]],
  ["check_suite", "completed", ["check_suite.head_sha", "check_suite.id", "check_suite"]],
  ["check_run", "completed", ["check_run.name", "check_run.head_sha", "repository.full_name"]],
  ["installation", "created", ["installation.id", "installation"]],
  ["push", "", ["ref", "before", "after", "repository.full_name"]],
];

describe("parseGitHubEvent: missing required fields are invalid, naming the field", () => {
  for (const [event, action, paths] of REQUIRED) {
    it.each(paths)(`${action ? `${event}.${action}` : event} without %s`, (path) => {
      const payload = deletePath(exampleOf(event, action || undefined), path);
      expect(invalidFields(parse(event, payload))).toContain(path);
    });
  }

  it("wrong types name the field too", () => {
    const payload: Payload = setPath(exampleOf("pull_request", "opened"), "pull_request.number", "2");
    expect(invalidFields(parse("pull_request", payload))).toEqual(["pull_request.number"]);
  });

  it("a non-object body or a missing action is invalid", () => {
    expect(invalidFields(parse("pull_request", null))).toEqual(["body"]);
    expect(invalidFields(parse("pull_request", [1, 2]))).toEqual(["body"]);
    expect(invalidFields(parse("check_run", { check_run: {} }))).toEqual(["action"]);
  });
});
