import { describe, expect, it } from "vitest";
import { BODY_LIMIT_BYTES } from "../../../src/events/types";
import { parseGitHubEvent } from "../../../src/integrations/github/events";
import { deletePath, exampleOf, invalidFields, ofKind, onlyEvent, setPath } from "../../helpers/payloads";

const DELIVERY = "72d3162e-cc78-11e3-81ab-4c9367dc0958";
const RECEIVED = "2026-11-24T03:00:00.000Z";
const parse = (name: string, payload: unknown) => parseGitHubEvent(name, payload, DELIVERY, RECEIVED);

describe("parseGitHubEvent: mapped fields", () => {
  it("pull_request.opened: the PR snapshot, repo lower-cased, no installation", () => {
    const event = ofKind(onlyEvent(parse("pull_request", exampleOf("pull_request", "opened"))), "pr.opened");
    expect(event).toMatchObject({
      repo: { id: 186853002, fullName: "codertocat/hello-world" },
      installationId: null,
      sender: "Codertocat",
      at: "2019-05-15T15:20:33Z",
      pr: {
        number: 2,
        title: "Update the README with new information.",
        htmlUrl: "https://github.com/Codertocat/Hello-World/pull/2",
        author: "Codertocat",
        state: "open",
        draft: false,
        merged: false,
        headRef: "changes",
        headSha: "ec26c3e57ca3a959ca5aad62de7213c562f8c821",
        baseRef: "master",
        body: "This is a pretty simple change that we need to pull into master.",
        labels: [],
        requestedReviewers: [],
        requestedTeams: [],
      },
    });
  });

  it("the outcome carries envelopes with the delivery id and receipt time", () => {
    const outcome = parse("pull_request", exampleOf("pull_request", "opened"));
    if (outcome.status !== "event") throw new Error("expected event");
    expect(outcome.envelopes).toEqual([
      { source: "github", deliveryId: DELIVERY, receivedAt: RECEIVED, event: outcome.events[0] },
    ]);
  });

  it("review_requested names the user; a team request names the team slug", () => {
    const payload = exampleOf("pull_request", "review_requested");
    const user = ofKind(onlyEvent(parse("pull_request", payload)), "pr.review_requested");
    expect(user.reviewer).toEqual({ type: "user", login: "octocat" });
    expect(user.installationId).toBe(1);
    expect(user.pr.requestedReviewers).toEqual(["octocat"]);

    deletePath(payload, "requested_reviewer");
    payload.requested_team = { id: 7, slug: "platform", name: "Platform" };
    const team = ofKind(onlyEvent(parse("pull_request", payload)), "pr.review_requested");
    expect(team.reviewer).toEqual({ type: "team", slug: "platform" });

    deletePath(payload, "requested_team");
    expect(invalidFields(parse("pull_request", payload))).toEqual(["requested_reviewer"]);
  });

  it("review_request_removed, labeled, unassigned", () => {
    const removed = onlyEvent(parse("pull_request", exampleOf("pull_request", "review_request_removed")));
    expect(ofKind(removed, "pr.review_request_removed").reviewer).toEqual({ type: "user", login: "octocat" });
    const labeled = ofKind(
      onlyEvent(parse("pull_request", exampleOf("pull_request", "labeled"))),
      "pr.labeled",
    );
    expect(labeled.label).toBe("bug");
    expect(labeled.pr.labels).toEqual(["bug"]);
    const unassigned = onlyEvent(parse("pull_request", exampleOf("pull_request", "unassigned")));
    expect(ofKind(unassigned, "pr.unassigned").assignee).toBe("Codertocat");
  });

  it("closed: at is closed_at; merged follows merged / merged_at", () => {
    const payload = exampleOf("pull_request", "closed");
    const closed = ofKind(onlyEvent(parse("pull_request", payload)), "pr.closed");
    expect(closed).toMatchObject({ merged: false, at: "2019-05-15T15:21:18Z", pr: { state: "closed" } });

    setPath(payload, "pull_request.merged", true);
    setPath(payload, "pull_request.merged_at", "2019-05-15T15:21:18Z");
    expect(ofKind(onlyEvent(parse("pull_request", payload)), "pr.closed").merged).toBe(true);

    deletePath(payload, "pull_request.merged"); // pull_request_review payloads carry no `merged`
    expect(ofKind(onlyEvent(parse("pull_request", payload)), "pr.closed").merged).toBe(true);
  });

  it("synchronize carries before/after; edited names the changed keys; draft conversions", () => {
    const sync = ofKind(
      onlyEvent(parse("pull_request", exampleOf("pull_request", "synchronize"))),
      "pr.synchronized",
    );
    expect(sync.beforeSha).toBe("f95f852bd8fca8fcc58a9a2d6c842781e32a215e");
    expect(sync.afterSha).toBe("ec26c3e57ca3a959ca5aad62de7213c562f8c821");

    // The examples have no `edited` payload: build one from `opened`.
    const edited = {
      ...exampleOf("pull_request", "opened"),
      action: "edited",
      changes: { title: { from: "x" } },
    };
    expect(ofKind(onlyEvent(parse("pull_request", edited)), "pr.edited").changed).toEqual(["title"]);

    const draft = onlyEvent(parse("pull_request", exampleOf("pull_request", "converted_to_draft")));
    expect(ofKind(draft, "pr.converted_to_draft").pr.draft).toBe(true);
    const ready = onlyEvent(parse("pull_request", exampleOf("pull_request", "ready_for_review")));
    expect(ofKind(ready, "pr.ready_for_review").pr.draft).toBe(false);
  });

  it("the body is cut to 4 KB of UTF-8 without splitting a character", () => {
    const payload = exampleOf("pull_request", "opened");
    setPath(payload, "pull_request.body", `ENG-42 ${"é".repeat(5000)}`);
    const { pr } = ofKind(onlyEvent(parse("pull_request", payload)), "pr.opened");
    expect(new TextEncoder().encode(pr.body).byteLength).toBeLessThanOrEqual(BODY_LIMIT_BYTES);
    expect(new TextEncoder().encode(pr.body).byteLength).toBeGreaterThan(BODY_LIMIT_BYTES - 2);
    expect(pr.body.startsWith("ENG-42 é")).toBe(true);
    expect(pr.body.endsWith("é")).toBe(true);

    setPath(payload, "pull_request.body", null);
    expect(ofKind(onlyEvent(parse("pull_request", payload)), "pr.opened").pr.body).toBe("");
  });

  it("pull_request_review.submitted: state, reviewer, submitted_at; edited is ignored", () => {
    const payload = exampleOf("pull_request_review", "submitted");
    const commented = ofKind(onlyEvent(parse("pull_request_review", payload)), "review.submitted");
    expect(commented).toMatchObject({
      state: "commented",
      reviewer: "Codertocat",
      reviewId: 237895671,
      at: "2019-05-15T15:20:38Z",
      pr: { number: 2, draft: false },
    });
    setPath(payload, "review.state", "APPROVED");
    expect(ofKind(onlyEvent(parse("pull_request_review", payload)), "review.submitted").state).toBe(
      "approved",
    );
    setPath(payload, "review.state", "pending");
    expect(parse("pull_request_review", payload).status).toBe("ignored");
    expect(parse("pull_request_review", { ...payload, action: "edited" })).toEqual({
      status: "ignored",
      reason: "pull_request_review.edited is not handled",
    });
  });

  it("pull_request_review.dismissed and review comments", () => {
    const dismissed = onlyEvent(parse("pull_request_review", exampleOf("pull_request_review", "dismissed")));
    expect(ofKind(dismissed, "review.dismissed")).toMatchObject({ reviewId: 237895671, installationId: 1 });
    const comment = ofKind(
      onlyEvent(parse("pull_request_review_comment", exampleOf("pull_request_review_comment", "created"))),
      "review.comment",
    );
    expect(comment).toMatchObject({
      commentId: 284312630,
      reviewId: 237895671,
      inReplyToId: null,
      author: "Codertocat",
      at: "2019-05-15T15:20:38Z",
    });
  });

  it("check_suite / check_run completed: conclusion, head sha, PR numbers", () => {
    const suite = ofKind(
      onlyEvent(parse("check_suite", exampleOf("check_suite", "completed"))),
      "checks.completed",
    );
    expect(suite).toMatchObject({
      check: "check_suite",
      conclusion: "success",
      headSha: "ec26c3e57ca3a959ca5aad62de7213c562f8c821",
      headBranch: "changes",
      prNumbers: [2],
      repo: { fullName: "codertocat/hello-world" },
    });
    const run = ofKind(
      onlyEvent(parse("check_run", exampleOf("check_run", "completed"))),
      "checks.completed",
    );
    expect(run).toMatchObject({
      check: "check_run",
      name: "Octocoders-linter",
      conclusion: "failure",
      prNumbers: [2],
      at: "2019-05-15T15:21:12Z",
    });
    // PRs of another repository (same head sha) are not ours.
    const other = exampleOf("check_run", "completed");
    setPath(other, "check_run.pull_requests.0.base.repo.id", 999);
    expect(ofKind(onlyEvent(parse("check_run", other)), "checks.completed").prNumbers).toEqual([]);
    expect(parse("check_run", exampleOf("check_run", "created")).status).toBe("ignored");
  });

  it("installation and installation_repositories become installation.changed", () => {
    const created = ofKind(
      onlyEvent(parse("installation", exampleOf("installation", "created"))),
      "installation.changed",
    );
    expect(created).toMatchObject({
      installationId: 957387,
      event: "installation",
      action: "created",
      account: "Codertocat",
      repositorySelection: "selected",
      removed: [],
      at: RECEIVED,
    });
    expect(created.added[0]).toEqual({ id: 186853002, fullName: "codertocat/hello-world" });
    const suspended = onlyEvent(parse("installation", exampleOf("installation", "suspend")));
    expect(ofKind(suspended, "installation.changed")).toMatchObject({
      action: "suspend",
      added: [],
      removed: [],
    });
    const removed = ofKind(
      onlyEvent(parse("installation_repositories", exampleOf("installation_repositories", "removed"))),
      "installation.changed",
    );
    expect(removed).toMatchObject({ event: "installation_repositories", action: "removed", added: [] });
    expect(removed.removed).toHaveLength(1);
  });

  it("ping, unknown events and unhandled actions", () => {
    expect(parse("ping", exampleOf("ping"))).toEqual({ status: "ping" });
    expect(parse("issues", exampleOf("issues", "opened"))).toEqual({
      status: "ignored",
      reason: "event issues is not handled",
    });
    expect(parse("pull_request", exampleOf("pull_request", "locked")).status).toBe("ignored");
    // Ignored before validation: a broken payload with an unhandled action is still ignored.
    expect(parse("pull_request", { action: "locked" }).status).toBe("ignored");
  });
});
