import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { listOutbox } from "../../../src/delivery/api";
import { runQueue } from "../../delivery/support";
import {
  deliver,
  eventMessage,
  githubRequests,
  HOUR,
  only,
  postText,
  prEvent,
  REPO,
  reviewManager,
  reviewRequest,
  settled,
  setupTenant,
  slackPosts,
} from "./support";

describe("review assignment", () => {
  it("assigns one member to a PR opened by a non-member: GitHub request, channel card with the reason, DM", async () => {
    const tenant = "t-rev-assign";
    await setupTenant(tenant);
    const h = await reviewManager(tenant);
    await deliver(h, prEvent("opened", { number: 1, title: "Add widgets", author: "octocat" }, h.clock.t));

    const requests = githubRequests(h.sent);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      key: `gh:req:${REPO}#1:bob`,
      body: { owner: "acme", repo: "widgets", pull_number: 1, reviewers: ["bob"] },
    });
    const cards = slackPosts(h.sent);
    expect(cards).toHaveLength(1);
    const card = postText(only(cards));
    expect(card).toContain("<@U0BOB> is asked to review acme/widgets#1");
    expect(card).toContain("next in rotation (never assigned)");
    expect(card).toContain("Wed 2030-01-09 17:00 UTC"); // 24 working hours from Monday 09:00
    expect(card).toContain("fm1:review.claim:acme/widgets#1");
    expect(card).toContain("fm1:review.reassign:acme/widgets#1");
    expect(card).toContain("fm1:review.snooze:acme/widgets#1");
    expect(slackPosts(h.sent, "U0BOB")).toHaveLength(1);

    const state = await h.agent.pullRequest({ repo: REPO, number: 1 });
    expect(state.ok && state.value?.reviewers.map((r) => [r.login, r.source, r.status])).toEqual([
      ["bob", "foreman", "requested"],
    ]);
    // Through the delivery queue: with no tokens, everything lands in the tenant's outbox.
    await runQueue(
      env,
      h.sent.map((body) => ({ body })),
    );
    const outbox = await listOutbox(env, tenant, { limit: 10 });
    expect(outbox.map((e) => e.action).sort()).toEqual([
      "chat.postMessage",
      "chat.postMessage",
      "pulls.requestReviewers",
    ]);
  });

  it("excludes the author and skips people out of office", async () => {
    const tenant = "t-rev-skip";
    await setupTenant(tenant, [
      { id: "U0BOB", login: "bob" },
      { id: "U0CAROL", login: "carol", ooo: true },
      { id: "U0LENA", login: "lena", lead: true },
    ]);
    const h = await reviewManager(tenant);
    await deliver(h, prEvent("opened", { number: 2, author: "bob" }, h.clock.t));
    expect(githubRequests(h.sent).map((d) => d.body.reviewers)).toEqual([["lena"]]);
    const state = await h.agent.pullRequest({ repo: REPO, number: 2 });
    expect(state.ok && state.value?.pr.lastResult?.skipped).toEqual([
      { login: "bob", why: "author" },
      { login: "carol", why: "ooo" },
    ]);
  });

  it("says so, with the reasons and the lead mentioned, when nobody fits", async () => {
    const tenant = "t-rev-nobody";
    await setupTenant(tenant, [
      { id: "U0BOB", login: "bob", ooo: true },
      { id: "U0LENA", login: "lena", lead: true },
    ]);
    const h = await reviewManager(tenant);
    await deliver(h, prEvent("opened", { number: 3, author: "lena" }, h.clock.t));
    expect(githubRequests(h.sent)).toEqual([]);
    const card = postText(only(slackPosts(h.sent)));
    expect(card).toContain("Nobody could be assigned to review acme/widgets#3");
    expect(card).toContain("`bob`: out of office");
    expect(card).toContain("`lena`: the author");
    expect(card).toContain("<@U0LENA> please pick someone");
    const queue = await h.agent.reviewQueue({});
    expect(queue.ok && queue.value.items.map((i) => [i.number, i.reviewers])).toEqual([[3, []]]);
  });

  it("does not assign a draft until it is ready for review", async () => {
    const tenant = "t-rev-draft";
    await setupTenant(tenant);
    const h = await reviewManager(tenant);
    await deliver(h, prEvent("opened", { number: 4, draft: true }, h.clock.t));
    expect(h.sent).toEqual([]);
    h.clock.t += HOUR;
    await deliver(h, prEvent("ready_for_review", { number: 4 }, h.clock.t));
    expect(githubRequests(h.sent).map((d) => d.body.reviewers)).toEqual([["bob"]]);
  });

  it("assigns once for 50 identical concurrent events (and a team request for the same PR)", async () => {
    const tenant = "t-rev-dupes";
    await setupTenant(tenant);
    const h = await reviewManager(tenant, { maxConcurrentTasks: 16 });
    const opened = prEvent("opened", { number: 5 }, h.clock.t);
    const team = reviewRequest({ number: 5 }, { team: "reviewers" }, h.clock.t);
    const receipts = await Promise.all([
      ...Array.from({ length: 50 }, () => h.agent.receive(eventMessage(opened))),
      h.agent.receive(eventMessage(team)),
    ]);
    expect(receipts.every((r) => r.ok)).toBe(true);
    await settled(h);
    expect(githubRequests(h.sent)).toHaveLength(1);
    expect(slackPosts(h.sent)).toHaveLength(1);
    const state = await h.agent.pullRequest({ repo: REPO, number: 5 });
    expect(state.ok && state.value?.reviewers).toHaveLength(1);
  });

  it("assigns on a team review request and removes the team request once someone is assigned", async () => {
    const tenant = "t-rev-team";
    await setupTenant(tenant);
    const h = await reviewManager(tenant);
    // Opened with the author's own request for carol: she counts, nobody else is needed.
    await deliver(h, prEvent("opened", { number: 6, requested: ["carol"] }, h.clock.t));
    expect(githubRequests(h.sent)).toEqual([]);
    await deliver(h, prEvent("opened", { number: 7 }, h.clock.t));
    h.sent.length = 0;
    await deliver(h, reviewRequest({ number: 8 }, { team: "reviewers" }, h.clock.t));
    const removal = h.sent.find((d) => d.action === "pulls.removeRequestedReviewers");
    expect(removal?.body).toMatchObject({ pull_number: 8, reviewers: [], team_reviewers: ["reviewers"] });
    expect(githubRequests(h.sent).map((d) => d.body.reviewers)).toEqual([["lena"]]);
  });

  it("round-robin alternates across PRs (least recently assigned first)", async () => {
    const tenant = "t-rev-rotation";
    await setupTenant(tenant);
    const h = await reviewManager(tenant);
    const picks: unknown[] = [];
    for (let n = 10; n < 15; n++) {
      h.clock.t += HOUR;
      h.sent.length = 0;
      await deliver(h, prEvent("opened", { number: n }, h.clock.t));
      picks.push(githubRequests(h.sent)[0]?.body.reviewers);
    }
    expect(picks).toEqual([["bob"], ["carol"], ["lena"], ["bob"], ["carol"]]);
    expect(postText(only(slackPosts(h.sent)))).toContain("last assigned 3 hours ago");
  });
});
