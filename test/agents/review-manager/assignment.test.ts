import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { listOutbox } from "../../../src/delivery/api";
import { runQueue } from "../../delivery/support";
import {
  deliver,
  eventMessage,
  githubRequests,
  type Harness,
  HOUR,
  MONDAY_9,
  only,
  postText,
  prEvent,
  REPO,
  reviewManager,
  reviewRequest,
  reviewSubmitted,
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
    // Bob hears of it by DM: the card names him without pinging him again.
    expect(card).toContain("*bob* is asked to review acme/widgets#1");
    expect(card).not.toContain("<@U0BOB>");
    // The default algorithm is load-balance.
    expect(card).toContain("in working hours now; fewest open reviews: 0 of 5 (0 in the last 30 days)");
    expect(card).toContain("Mon 2030-01-07 17:00 UTC"); // 8 working hours (the default SLA) from Monday 09:00
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
      { id: "U0CAROL", login: "carol" },
      { id: "U0LENA", login: "lena", lead: true, ooo: true },
    ]);
    const h = await reviewManager(tenant);
    await deliver(h, prEvent("opened", { number: 3, author: "carol" }, h.clock.t));
    expect(githubRequests(h.sent)).toEqual([]);
    const card = postText(only(slackPosts(h.sent)));
    expect(card).toContain("Nobody could be assigned to review acme/widgets#3");
    expect(card).toContain("`bob`: out of office");
    expect(card).toContain("`carol`: the author");
    expect(card).toContain("`lena`: out of office");
    expect(card).toContain("<@U0LENA> please pick someone");
    // The author is named, never pinged.
    expect(card).toContain("by *carol*");
    expect(card).not.toContain("<@U0CAROL>");
    const queue = await h.agent.reviewQueue({});
    expect(queue.ok && queue.value.items.map((i) => [i.number, i.reviewers])).toEqual([[3, []]]);
  });

  it("still asks the lead to pick someone when the lead opened the PR", async () => {
    const tenant = "t-rev-nobody-lead";
    await setupTenant(tenant, [
      { id: "U0BOB", login: "bob", ooo: true },
      { id: "U0LENA", login: "lena", lead: true },
    ]);
    const h = await reviewManager(tenant);
    await deliver(h, prEvent("opened", { number: 9, author: "lena" }, h.clock.t));
    const card = postText(only(slackPosts(h.sent)));
    expect(card).toContain("<@U0LENA> please pick someone");
    expect(card).toContain("by *lena*");
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
    const h = await reviewManager(tenant, { algorithm: "round-robin" });
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

  it("asks one reviewer more on an urgent PR and releases the spare once enough reviews are in", async () => {
    const tenant = "t-rev-urgent";
    await setupTenant(tenant);
    const h = await reviewManager(tenant);
    const urgent = { number: 20, labels: ["HotFix"] };
    await deliver(h, prEvent("opened", urgent, h.clock.t));
    expect(githubRequests(h.sent).map((d) => d.body.reviewers)).toEqual([["bob", "carol"]]);
    expect(postText(only(slackPosts(h.sent)))).toContain(
      "*bob* and *carol* are asked to review acme/widgets#20",
    );
    expect(only(slackPosts(h.sent, "U0BOB"))).toBeDefined();
    expect(only(slackPosts(h.sent, "U0CAROL"))).toBeDefined();

    // A PR without an urgent label gets the one reviewer configured.
    h.sent.length = 0;
    await deliver(h, prEvent("opened", { number: 21 }, h.clock.t));
    expect(only(githubRequests(h.sent)).body.reviewers).toHaveLength(1);

    h.sent.length = 0;
    h.clock.t += HOUR;
    await deliver(h, reviewSubmitted(urgent, "bob", h.clock.t));
    const removal = only(h.sent.filter((d) => d.action === "pulls.removeRequestedReviewers"));
    expect(removal.body).toMatchObject({ pull_number: 20, reviewers: ["carol"], team_reviewers: [] });
    expect(githubRequests(h.sent)).toEqual([]);
    const state = await h.agent.pullRequest({ repo: REPO, number: 20 });
    expect(state.ok && state.value?.reviewers.map((r) => [r.login, r.status]).sort()).toEqual([
      ["bob", "reviewed"],
      ["carol", "released"],
    ]);
    const clocks = (await h.agent.schedules()).filter((s) => s.kind === "review.sla").map((s) => s.key);
    expect(clocks.filter((k) => k?.startsWith(`sla:${REPO}#20:`))).toEqual([]);
  });

  it("does not report a missing backup reviewer as a shortfall, but does a missing reviewer", async () => {
    const tenant = "t-rev-urgent-short";
    await setupTenant(tenant, [
      { id: "U0BOB", login: "bob" },
      { id: "U0LENA", login: "lena", lead: true, ooo: true },
    ]);
    const h = await reviewManager(tenant);
    await deliver(h, prEvent("opened", { number: 30, labels: ["hotfix"] }, h.clock.t));
    expect(only(githubRequests(h.sent)).body.reviewers).toEqual(["bob"]);
    expect(postText(only(slackPosts(h.sent)))).not.toContain("reviewers could be found");

    const two = "t-rev-two-short";
    await setupTenant(two, [
      { id: "U0BOB", login: "bob" },
      { id: "U0LENA", login: "lena", lead: true, ooo: true },
    ]);
    const h2 = await reviewManager(two, { reviewersPerPr: 2 });
    await deliver(h2, prEvent("opened", { number: 31 }, h2.clock.t));
    expect(only(githubRequests(h2.sent)).body.reviewers).toEqual(["bob"]);
    expect(postText(only(slackPosts(h2.sent)))).toContain("Only 1 of 2 reviewers could be found.");
  });

  it("urgent labels come from the config; the spare waits for reviewersPerPr reviews and spares GitHub's requests", async () => {
    const tenant = "t-rev-urgent-config";
    await setupTenant(tenant);
    const h = await reviewManager(tenant, { urgentLabels: ["sev1"], reviewersPerPr: 2 });
    // "urgent" is not one of this config's labels: two reviewers, as configured.
    await deliver(h, prEvent("opened", { number: 30, labels: ["urgent"] }, h.clock.t));
    expect(only(githubRequests(h.sent)).body.reviewers).toHaveLength(2);

    // Three wanted; lena, asked on GitHub by the author, counts as one of them.
    h.sent.length = 0;
    const pr = { number: 31, labels: ["SEV1"], requested: ["lena"] };
    await deliver(h, prEvent("opened", pr, h.clock.t));
    expect(githubRequests(h.sent).map((d) => d.body.reviewers)).toEqual([["bob", "carol"]]);

    h.sent.length = 0;
    await deliver(h, reviewSubmitted(pr, "bob", h.clock.t + HOUR));
    expect(h.sent.filter((d) => d.action === "pulls.removeRequestedReviewers")).toEqual([]);
    await deliver(h, reviewSubmitted(pr, "carol", h.clock.t + 2 * HOUR));
    // Enough reviews are in, but lena was not asked by Foreman: her request stays.
    expect(h.sent.filter((d) => d.action === "pulls.removeRequestedReviewers")).toEqual([]);
    const state = await h.agent.pullRequest({ repo: REPO, number: 31 });
    expect(state.ok && state.value?.reviewers.map((r) => [r.login, r.source, r.status]).sort()).toEqual([
      ["bob", "foreman", "reviewed"],
      ["carol", "foreman", "reviewed"],
      ["lena", "github", "requested"],
    ]);
  });

  it("asking the same reviewer again on a PR is logged as `again`, not as a new turn", async () => {
    const tenant = "t-rev-again";
    await setupTenant(tenant, [
      { id: "U0BOB", login: "bob" },
      { id: "U0CAROL", login: "carol" },
    ]);
    const h = await reviewManager(tenant, { algorithm: "round-robin" });
    const at = (hours: number) => MONDAY_9 + hours * HOUR;
    const first = { number: 40 };
    await deliver(h, prEvent("opened", first, at(0)));
    await deliver(h, reviewSubmitted(first, "bob", at(1), "changes_requested"));
    h.clock.t = at(2);
    await deliver(h, prEvent("opened", { number: 41 }, at(2)));
    await deliver(h, reviewSubmitted({ number: 41 }, "carol", at(3)));
    expect(await picked(h, 40)).toEqual(["bob"]);
    expect(await picked(h, 41)).toEqual(["carol"]);

    // After the changes the author asks bob again on GitHub; he reviews again.
    h.clock.t = at(4);
    await deliver(h, reviewRequest(first, { login: "bob" }, at(4)));
    await deliver(h, reviewSubmitted(first, "bob", at(5)));
    expect(await logKinds(h, "bob")).toEqual(["assign", "again"]);

    // Bob's turn (Monday 09:00) is still older than carol's (11:00) and his 30-day count still 1.
    h.clock.t = at(6);
    h.sent.length = 0;
    await deliver(h, prEvent("opened", { number: 42 }, at(6)));
    expect(only(githubRequests(h.sent)).body.reviewers).toEqual(["bob"]);
    expect(postText(only(slackPosts(h.sent)))).toContain(
      "in working hours now; next in rotation (last assigned 6 hours ago)",
    );
    expect(await logKinds(h, "bob")).toEqual(["assign", "again", "assign"]);
  });
});

async function picked(h: Harness, number: number): Promise<string[]> {
  const state = await h.agent.pullRequest({ repo: REPO, number });
  if (!state.ok || !state.value) throw new Error("PR not tracked");
  return state.value.reviewers.map((r) => r.login);
}

/** The kinds of `login`'s review_log rows, oldest first. */
function logKinds(h: Harness, login: string): Promise<string[]> {
  return runInDurableObject(h.stub, (_instance, state) =>
    state.storage.sql
      .exec<{ kind: string }>("SELECT kind FROM review_log WHERE login_key = ? ORDER BY seq", login)
      .toArray()
      .map((row) => row.kind),
  );
}
