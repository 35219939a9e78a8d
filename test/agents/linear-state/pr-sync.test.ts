import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { linearStateAgent } from "../../../src/agents/linear-state";
import { consume, gqlOf, harness, lookupAnswer, prEvent, REPO, STATES } from "./support";

const PR_URL = `https://github.com/${REPO}/pull/42`;

describe("linear-state: PR events move closing issues", () => {
  it("links once, moves to In Review when ready and to Done on merge, never twice", async () => {
    const h = await harness("ls-flow");
    const branch = "ada/eng-12-fix-retry";

    // A draft: linked, not moved.
    await h.publish(prEvent("opened", { branch, draft: true }));
    await h.settle();
    expect(h.sent.map((d) => [d.action, d.key])).toEqual([
      ["attachmentLinkURL", `linear:link:ENG-12:${REPO}#42`],
    ]);
    const link = await consume(h, h.sent.slice(0, 1));
    expect(link.map(gqlOf)).toEqual([
      {
        op: "AttachmentLinkURL",
        variables: { issueId: "ENG-12", url: PR_URL, title: `${REPO}#42: Fix the flaky retry test` },
      },
    ]);
    expect(link[0]?.path).toBe("/linear/graphql");

    // Ready for review: a state lookup, then issueUpdate with the team's "In Review" id.
    await h.publish(prEvent("ready_for_review", { branch, draft: false }));
    await h.settle();
    const review = h.sent.slice(1);
    expect(review.map((d) => [d.action, d.key, d.body])).toEqual([
      [
        "issueMoveToStateName",
        `linear:move:ENG-12:${REPO}#42:in_review`,
        { issueId: "ENG-12", stateName: "In Review", unlessStateTypes: ["completed", "canceled"] },
      ],
    ]);
    await h.api.script("/linear/graphql", [
      lookupAnswer("ENG-12", STATES.progress, [STATES.review]),
      { body: { data: { issueUpdate: { success: true, issue: { id: "uuid-ENG-12" } } } } },
    ]);
    expect((await consume(h, review)).map(gqlOf)).toEqual([
      { op: "IssueStateLookup", variables: { issueId: "ENG-12", stateName: "In Review" } },
      { op: "IssueUpdate", variables: { id: "uuid-ENG-12", input: { stateId: STATES.review.id } } },
    ]);

    // Repeats (a second ready_for_review, a push, an edit) neither re-link nor move again.
    await h.publish(prEvent("ready_for_review", { branch, draft: false }));
    await h.publish(prEvent("synchronized", { branch, draft: false }));
    await h.publish(prEvent("edited", { branch, draft: false, body: "Now with a description." }));
    await h.settle();
    expect(h.sent).toHaveLength(2);

    // Merged: Done.
    await h.publish(prEvent("closed", { branch, merged: true }));
    await h.settle();
    const done = h.sent.slice(2);
    expect(done.map((d) => [d.key, d.body.stateName])).toEqual([
      [`linear:move:ENG-12:${REPO}#42:done`, "Done"],
    ]);
    await h.api.script("/linear/graphql", [lookupAnswer("ENG-12", STATES.review, [STATES.done])]);
    const doneRequests = await consume(h, done);
    expect(doneRequests.map(gqlOf)).toEqual([
      { op: "IssueStateLookup", variables: { issueId: "ENG-12", stateName: "Done" } },
      { op: "IssueUpdate", variables: { id: "uuid-ENG-12", input: { stateId: STATES.done.id } } },
    ]);

    // A redelivered merge, and a late (stale) ready_for_review, change nothing.
    const stale = prEvent("ready_for_review", { branch, draft: false, updatedAt: "2026-01-01T00:00:00Z" });
    await h.publish(prEvent("closed", { branch, merged: true }));
    await h.publish(stale);
    await h.settle();
    expect(h.sent).toHaveLength(3);
    // Even a delivery queued twice posts once (the Outbox claim on its key).
    expect(await consume(h, done)).toEqual([]);

    const agent = linearStateAgent(env, h.agentId);
    const [linked] = await agent.issuesForPr("Acme/Widgets", 42);
    expect(linked?.link).toMatchObject({
      repo: REPO,
      number: 42,
      issue: "ENG-12",
      teamKey: "ENG",
      relation: "closes",
      sources: ["branch"],
      pr: { state: "merged", branch, url: PR_URL },
    });
    expect(linked?.link.postedAt).not.toBeNull();
    expect(linked?.moves.map((m) => [m.transition, m.stateName])).toEqual([
      ["in_review", "In Review"],
      ["done", "Done"],
    ]);
    expect((await agent.prsForIssue("eng-12")).map((l) => l.number)).toEqual([42]);
  });

  it("branch and 'Fixes' close, 'Part of' only references; other teams and look-alikes are skipped", async () => {
    const h = await harness("ls-keys");
    const body = "Fixes ENG-14\n\nPart of ENG-13. Also touches OPS-7 and UTF-8 handling.";
    await h.publish(prEvent("opened", { branch: "feature/eng-12-retry", body, draft: false }));
    await h.settle();
    const links = h.sent.filter((d) => d.action === "attachmentLinkURL").map((d) => d.body.issueId);
    expect(links).toEqual(["ENG-12", "ENG-14", "ENG-13"]);
    const moves = h.sent.filter((d) => d.action === "issueMoveToStateName").map((d) => d.body.issueId);
    expect(moves).toEqual(["ENG-12", "ENG-14"]);

    await h.publish(prEvent("closed", { branch: "feature/eng-12-retry", body, merged: true }));
    await h.settle();
    const done = h.sent.filter((d) => d.key.endsWith(":done")).map((d) => d.body.issueId);
    expect(done).toEqual(["ENG-12", "ENG-14"]);
    const relations = (await linearStateAgent(env, h.agentId).linksForPr(REPO, 42)).map((l) => [
      l.issue,
      l.relation,
      l.sources,
    ]);
    expect(relations).toEqual([
      ["ENG-12", "closes", ["branch"]],
      ["ENG-14", "closes", ["body"]],
      ["ENG-13", "references", ["body"]],
    ]);
  });

  it("without a linked Linear team no key counts: no links, no moves, nothing queued", async () => {
    const h = await harness("ls-nolinks", {}, []);
    const branch = "feature/eng-42-rate-limit-101";
    await h.publish(prEvent("opened", { branch, body: "Fixes OPS-7; checked UTF-8 paths.", draft: false }));
    await h.publish(prEvent("closed", { branch, merged: true }));
    await h.settle();
    expect(h.sent).toEqual([]);
    expect(await linearStateAgent(env, h.agentId).linksForPr(REPO, 42)).toEqual([]);
  });

  it("with teams linked only their keys count: `feature/eng-42-rate-limit-101` names ENG-42 alone", async () => {
    const h = await harness("ls-onlylinked", {}, ["ENG"]);
    await h.publish(prEvent("opened", { branch: "feature/eng-42-rate-limit-101", draft: false }));
    await h.settle();
    expect([...new Set(h.sent.map((d) => d.body.issueId))]).toEqual(["ENG-42"]);
  });

  it("syncPrStates false: links, never moves", async () => {
    const h = await harness("ls-nosync", { syncPrStates: false });
    await h.inTurn(
      prEvent("opened", { title: "ENG-21 Retry budget", draft: false }),
      prEvent("closed", { title: "ENG-21 Retry budget", merged: true }),
    );
    expect(h.sent.map((d) => d.action)).toEqual(["attachmentLinkURL"]);
  });

  it("linkAs comment posts one comment with the PR link; custom state names", async () => {
    const h = await harness("ls-comment", { linkAs: "comment", inReviewState: "Code Review" });
    await h.publish(prEvent("opened", { body: "Resolves ENG-30", draft: false }));
    await h.publish(prEvent("edited", { body: "Resolves ENG-30 (edited)", draft: false }));
    await h.settle();
    expect(h.sent.map((d) => d.action)).toEqual(["commentCreate", "issueMoveToStateName"]);
    expect(h.sent[1]?.body.stateName).toBe("Code Review");
    const [comment] = await consume(h, h.sent.slice(0, 1));
    expect(gqlOf(comment)).toEqual({
      op: "CommentCreate",
      variables: {
        input: {
          issueId: "ENG-30",
          body: `Pull request [${REPO}#42](${PR_URL}) (Fix the flaky retry test): merging it completes this issue.`,
        },
      },
    });
  });

  it("closed without merge moves nothing; with two closing PRs, Done waits for both", async () => {
    const h = await harness("ls-two-prs");
    await h.publish(prEvent("opened", { number: 42, body: "Fixes ENG-40", draft: false }));
    await h.publish(prEvent("opened", { number: 43, body: "Fixes ENG-40", draft: false }));
    await h.settle();
    // The two events may be worked on at once: which move is sent first is not decided.
    const inReview = h.sent
      .filter((d) => d.key.endsWith(":in_review"))
      .map((d) => d.key)
      .sort();
    expect(inReview).toEqual([
      `linear:move:ENG-40:${REPO}#42:in_review`,
      `linear:move:ENG-40:${REPO}#43:in_review`,
    ]);

    await h.publish(prEvent("closed", { number: 42, body: "Fixes ENG-40", merged: true }));
    await h.settle();
    expect(h.sent.filter((d) => d.key.endsWith(":done"))).toEqual([]);

    await h.publish(prEvent("closed", { number: 43, body: "Fixes ENG-40", merged: false }));
    await h.settle();
    expect(h.sent.filter((d) => d.key.endsWith(":done")).map((d) => d.key)).toEqual([
      `linear:move:ENG-40:${REPO}#42:done`,
    ]);

    const solo = await harness("ls-unmerged");
    await solo.inTurn(
      prEvent("opened", { body: "Fixes ENG-41", draft: true }),
      prEvent("closed", { body: "Fixes ENG-41", merged: false }),
    );
    expect(solo.sent.map((d) => d.action)).toEqual(["attachmentLinkURL"]);
  });
});
