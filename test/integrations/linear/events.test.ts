import { describe, expect, it } from "vitest";
import { parseLinearEvent } from "../../../src/integrations/linear/events";
import commentCreate from "../../fixtures/linear/comment-create.json";
import commentProjectUpdate from "../../fixtures/linear/comment-project-update.json";
import issueCreate from "../../fixtures/linear/issue-create.json";
import issueCreateNoIdentifier from "../../fixtures/linear/issue-create-no-identifier.json";
import issueLabelCreate from "../../fixtures/linear/issue-label-create.json";
import issueRemove from "../../fixtures/linear/issue-remove.json";
import issueUpdateLabels from "../../fixtures/linear/issue-update-labels.json";
import issueUpdateState from "../../fixtures/linear/issue-update-state.json";
import projectUpdate from "../../fixtures/linear/project-update.json";
import { deletePath, invalidFields, ofKind, onlyEvent, type Payload, setPath } from "../../helpers/payloads";

const DELIVERY = "0f6f5a4e-7d3c-4b2a-9e1f-0a1b2c3d4e5f";
const RECEIVED = "2026-11-24T03:00:00.000Z";
const parse = (payload: unknown) => parseLinearEvent(payload, DELIVERY, RECEIVED);
const copy = (fixture: object): Payload => structuredClone(fixture) as Payload;

const ISSUE = {
  id: "2a9c4b6e-0d1f-4e3a-8b7c-5d6e7f8a9b01",
  identifier: "ENG-123",
  teamId: "5f0e1d2c-3b4a-4958-8776-655443322110",
  teamKey: "ENG",
  title: "Flaky retry test in delivery consumer",
  url: "https://linear.app/acme/issue/ENG-123/flaky-retry-test-in-delivery-consumer",
  assigneeId: "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a",
};

describe("parseLinearEvent: issues", () => {
  it("Issue create", () => {
    const event = ofKind(onlyEvent(parse(copy(issueCreate))), "linear.issue.created");
    expect(event).toEqual({
      kind: "linear.issue.created",
      organizationId: "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d",
      webhookId: "e5d4c3b2-a1f0-4e9d-8c7b-6a5f4e3d2c1b",
      actorId: "7c1e3b0a-4d8e-4c55-9a3e-2f8b1d6c9e01",
      at: "2026-11-20T10:15:02.113Z",
      issue: {
        ...ISSUE,
        state: { id: "b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e", name: "Todo", type: "unstarted" },
        labelIds: ["c0ffee00-1111-4222-8333-444455556666"],
        labels: ["bug"],
      },
      updatedFrom: [],
      previousStateId: null,
    });
  });

  it("carries no names or e-mail addresses of people", () => {
    const text = JSON.stringify(parse(copy(issueCreate)));
    expect(text).not.toContain("@example.com");
    expect(text).not.toContain("Ada");
    expect(text).not.toContain("Grace");
  });

  it("Issue update: state change with updatedFrom keys and the previous state", () => {
    const event = ofKind(onlyEvent(parse(copy(issueUpdateState))), "linear.issue.updated");
    expect(event.issue.state).toEqual({
      id: "d4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f70",
      name: "In Progress",
      type: "started",
    });
    expect(event.updatedFrom).toEqual(["updatedAt", "sortOrder", "stateId", "startedAt"]);
    expect(event.previousStateId).toBe("b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e");
    expect(event.at).toBe("2026-11-21T08:02:44.501Z");
  });

  it("Issue update: labels", () => {
    const event = ofKind(onlyEvent(parse(copy(issueUpdateLabels))), "linear.issue.updated");
    expect(event.issue.labels).toEqual(["bug", "needs-review"]);
    expect(event.updatedFrom).toEqual(["updatedAt", "labelIds"]);
    expect(event.previousStateId).toBeNull();
  });

  it("a missing or malformed actor is no actor, not an invalid payload", () => {
    const noActor = ofKind(onlyEvent(parse(copy(issueCreateNoIdentifier))), "linear.issue.created");
    expect(noActor.actorId).toBeNull();
    const odd = ofKind(onlyEvent(parse(setPath(copy(issueCreate), "actor", "bot"))), "linear.issue.created");
    expect(odd.actorId).toBeNull();
  });

  it("Issue remove", () => {
    const event = ofKind(onlyEvent(parse(copy(issueRemove))), "linear.issue.removed");
    expect(event.issue.identifier).toBe("ENG-123");
  });

  it("an issue without `identifier` takes it from team.key and number", () => {
    const event = ofKind(onlyEvent(parse(copy(issueCreateNoIdentifier))), "linear.issue.created");
    expect(event.issue).toMatchObject({ identifier: "ENG-123", teamKey: "ENG", labels: [] });
  });

  it("team key from the identifier when `team` is absent; url from the envelope", () => {
    const payload = copy(issueCreate);
    deletePath(payload, "data.team");
    deletePath(payload, "data.url");
    const event = ofKind(onlyEvent(parse(payload)), "linear.issue.created");
    expect(event.issue).toMatchObject({ teamKey: "ENG", teamId: ISSUE.teamId, url: ISSUE.url });
  });

  it.each([
    ["data.id", ["data.id"]],
    ["data.title", ["data.title"]],
    ["data", ["data"]],
  ])("missing %s is invalid", (path, fields) => {
    expect(invalidFields(parse(deletePath(copy(issueCreate), path)))).toEqual(fields);
  });

  it("no team id, no identifier source or no url is invalid naming the field", () => {
    const noTeam = deletePath(deletePath(copy(issueCreate), "data.teamId"), "data.team");
    expect(invalidFields(parse(noTeam))).toEqual(["data.teamId"]);
    const noKey = deletePath(deletePath(copy(issueCreate), "data.identifier"), "data.team");
    expect(invalidFields(parse(noKey))).toEqual(["data.identifier"]);
    const noUrl = deletePath(deletePath(copy(issueCreate), "data.url"), "url");
    expect(invalidFields(parse(noUrl))).toEqual(["data.url"]);
    expect(invalidFields(parse(setPath(copy(issueCreate), "data.identifier", "not a key")))).toEqual([
      "data.identifier",
    ]);
  });
});

describe("parseLinearEvent: comments, labels, the rest", () => {
  it("Comment create on an issue: ids only, no body", () => {
    const event = ofKind(onlyEvent(parse(copy(commentCreate))), "linear.comment");
    expect(event).toEqual({
      kind: "linear.comment",
      action: "create",
      organizationId: "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d",
      webhookId: "e5d4c3b2-a1f0-4e9d-8c7b-6a5f4e3d2c1b",
      actorId: "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a",
      at: "2026-11-21T08:30:11.902Z",
      commentId: "3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7",
      issueId: ISSUE.id,
      issueIdentifier: "ENG-123",
      userId: ISSUE.assigneeId,
      parentId: null,
      url: "https://linear.app/acme/issue/ENG-123/flaky-retry-test-in-delivery-consumer#comment-3e4f5a6b",
    });
  });

  it("a comment not on an issue (project update) is ignored", () => {
    expect(parse(copy(commentProjectUpdate))).toEqual({
      status: "ignored",
      reason: "Comment is not on an issue",
    });
  });

  it("IssueLabel create", () => {
    const event = ofKind(onlyEvent(parse(copy(issueLabelCreate))), "linear.label");
    expect(event).toMatchObject({
      action: "create",
      labelId: "c0ffee00-7777-4888-8999-aaaabbbbcccc",
      name: "needs-review",
      teamId: "5f0e1d2c-3b4a-4958-8776-655443322110",
      parentId: null,
      at: "2026-11-19T16:40:00.000Z",
    });
  });

  it("other types and actions are ignored without checking the data", () => {
    expect(parse(copy(projectUpdate))).toEqual({ status: "ignored", reason: "type Project is not handled" });
    expect(parse({ type: "OAuthApp", action: "revoked" }).status).toBe("ignored");
    expect(parse({ type: "Issue", action: "restore", data: null })).toEqual({
      status: "ignored",
      reason: "Issue.restore is not handled",
    });
  });

  it("envelopes carry the delivery", () => {
    const outcome = parse(copy(issueLabelCreate));
    if (outcome.status !== "event") throw new Error("expected event");
    expect(outcome.envelopes[0]).toMatchObject({
      source: "linear",
      deliveryId: DELIVERY,
      receivedAt: RECEIVED,
    });
  });

  it("a non-object body, or no type or action, is invalid", () => {
    expect(invalidFields(parse("hello"))).toEqual(["body"]);
    expect(invalidFields(parse({ action: "create" }))).toEqual(["type"]);
    expect(invalidFields(parse({ type: "Issue" }))).toEqual(["action"]);
  });
});
