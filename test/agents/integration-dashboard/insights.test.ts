/**
 * The Integration Dashboard's facts for insights: PR sizes (a newer report wins, events without a size
 * keep it), review states and review comments, recorded once however often they arrive; the stages in
 * working hours and review quality answered from them; tables of an older version keep their rows.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MetricsStore } from "../../../src/agents/integration-dashboard/store";
import type { DomainEvent } from "../../../src/events/types";
import { parseGitHubEvent } from "../../../src/integrations/github/events";
import { unwrap } from "../../../src/platform/errors";
import { randomId } from "../../../src/platform/ids";
import { exampleOf, onlyEvent } from "../../helpers/payloads";
import { HOUR, MONDAY_9, type PrSpec, prEvent, REPO, reviewSubmitted } from "../review-manager/support";
import { closed, dashboard, deliver, requested } from "./support";

const MINUTE = 60_000;

/** `event` (a pull_request event) reporting `lines` changed lines. */
function withLines(event: DomainEvent, lines: number): DomainEvent {
  const e = event as DomainEvent & { pr: { changedLines?: number } };
  return { ...e, pr: { ...e.pr, changedLines: lines } } as DomainEvent;
}

const sized = (action: string, pr: PrSpec, atMs: number, lines: number) =>
  withLines(prEvent(action, pr, atMs), lines);

/** `pull_request_review_comment.created` by `author`, part of review `reviewId`. */
function comment(pr: PrSpec, author: string, atMs: number, commentId: number, reviewId: number): DomainEvent {
  const payload = exampleOf("pull_request_review_comment", "created");
  const c = payload.comment as Record<string, unknown>;
  Object.assign(c, {
    id: commentId,
    pull_request_review_id: reviewId,
    user: { ...(c.user as Record<string, unknown>), login: author },
    created_at: new Date(atMs).toISOString(),
    updated_at: new Date(atMs).toISOString(),
  });
  Object.assign(payload.pull_request as Record<string, unknown>, {
    number: pr.number,
    user: { login: "alice" },
  });
  payload.repository = { ...(payload.repository as Record<string, unknown>), full_name: REPO };
  return onlyEvent(
    parseGitHubEvent("pull_request_review_comment", payload, randomId("dlv"), new Date().toISOString()),
  );
}

describe("Integration Dashboard: facts for insights", () => {
  const big = { number: 31, author: "alice", title: "Rewrite the cache" };
  const huge = { number: 32, author: "alice", title: "Vendor a library" };
  const events = [
    sized("opened", big, MONDAY_9, 900),
    withLines(requested(big, "bob", MONDAY_9), 900),
    comment(big, "bob", MONDAY_9 + HOUR, 9001, 311),
    reviewSubmitted(big, "bob", MONDAY_9 + HOUR, "changes_requested", 311),
    reviewSubmitted(big, "bob", MONDAY_9 + 3 * HOUR, "approved", 312),
    withLines(closed(big, MONDAY_9 + 4 * HOUR, true), 900),
    sized("opened", huge, MONDAY_9, 1200),
    withLines(requested(huge, "carol", MONDAY_9), 1200),
    reviewSubmitted(huge, "carol", MONDAY_9 + 2 * MINUTE, "approved", 321),
  ];
  const now = MONDAY_9 + 5 * HOUR;

  it("records sizes, review states and comments once, and answers stages and quality from them", async () => {
    const d = await dashboard("t-insights-facts");
    await deliver(d, ...events);
    const sizes = unwrap(await d.agent.metricsSizes());
    expect(sizes).toMatchObject({ prs: 2, metrics_reviews: 3, metrics_comments: 1 });
    const first = unwrap(await d.agent.insights({ weeks: 2, nowMs: now }));

    const [repo] = first.repos;
    expect(repo?.repo).toBe(REPO);
    expect(repo?.weeks).toHaveLength(2);
    // Nobody is on the team: UTC office hours, which Monday 09:00-14:00 is all inside.
    expect(repo?.weeks[0]).toMatchObject({
      firstReview: { count: 2, p50Ms: 2 * MINUTE, p75Ms: HOUR },
      inReview: { count: 1, p50Ms: 2 * HOUR },
      toMerge: { count: 1, p50Ms: HOUR },
    });
    expect(first.quality.repos).toEqual([
      expect.objectContaining({
        repo: REPO,
        size: expect.objectContaining({ prs: 2, overRange: 2, medianLines: 1050 }),
        approvals: { approvals: 2, quick: 1, silentLarge: 1 },
        rounds: { prs: 1, mean: 2, max: 2, many: 0, mergedWithoutReview: 0 },
      }),
    ]);
    expect(first.quality.reviewers).toEqual([
      { reviewer: "bob", reviews: 2, approvals: 1, quick: 0, silentLarge: 0 },
      { reviewer: "carol", reviews: 1, approvals: 1, quick: 1, silentLarge: 1 },
    ]);

    // Every event again as a new delivery, then in reverse order: nothing new.
    await deliver(d, ...events, ...[...events].reverse());
    expect(unwrap(await d.agent.metricsSizes())).toEqual(sizes);
    expect(unwrap(await d.agent.insights({ weeks: 2, nowMs: now }))).toEqual(first);

    const effect = unwrap(await d.agent.sizeEffect({ nowMs: now }));
    expect(effect).toMatchObject({ thresholdLines: 400, weeks: 12, ratio: null, text: null });
    expect(effect.over.count).toBe(2);
    expect((await d.agent.insights({ weeks: 13 })).ok).toBe(false);
  });

  it("keeps the newest size report; events without a size keep the one known", async () => {
    const d = await dashboard("t-insights-lines");
    const pr = { number: 41, author: "alice" };
    const median = async () =>
      unwrap(await d.agent.insights({ weeks: 1, nowMs: now })).quality.repos[0]?.size.medianLines;
    await deliver(d, sized("opened", pr, MONDAY_9, 900));
    await deliver(d, sized("synchronize", pr, MONDAY_9 - HOUR, 50)); // an older snapshot, late
    await deliver(d, reviewSubmitted(pr, "bob", MONDAY_9 + HOUR, "approved", 411)); // no size in it
    expect(await median()).toBe(900);
    await deliver(d, sized("synchronize", pr, MONDAY_9 + 2 * HOUR, 950));
    expect(await median()).toBe(950);
  });
});

describe("MetricsStore migration", () => {
  it("adds the new columns and table to a store of the previous version, keeping its rows", async () => {
    // A Durable Object without the metrics tables stands in for a dashboard of the previous version.
    const stub = env.LINEAR_STATE.getByName(randomId("migration"));
    const result = await runInDurableObject(stub, (_instance, state) => {
      const sql = state.storage.sql;
      sql.exec(`CREATE TABLE metrics_prs (repo TEXT NOT NULL, number INTEGER NOT NULL, author TEXT, title TEXT,
        url TEXT, info_at INTEGER, seen_at INTEGER NOT NULL, PRIMARY KEY (repo, number))`);
      sql.exec(`CREATE TABLE metrics_reviews (repo TEXT NOT NULL, number INTEGER NOT NULL, review_id INTEGER NOT NULL,
        reviewer TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (repo, number, review_id))`);
      sql.exec(
        "INSERT INTO metrics_prs (repo, number, author, seen_at) VALUES ('acme/old', 1, 'alice', ?)",
        MONDAY_9,
      );
      sql.exec("INSERT INTO metrics_reviews VALUES ('acme/old', 1, 10, 'bob', ?)", MONDAY_9 + HOUR);
      const store = new MetricsStore(sql);
      const again = new MetricsStore(sql); // a second start migrates nothing twice
      const before = again.facts(0);
      // The review's state arrives with a redelivery: recorded once.
      const filled = store.review("acme/old", 1, 10, "bob", MONDAY_9 + HOUR, "approved");
      const twice = store.review("acme/old", 1, 10, "bob", MONDAY_9 + HOUR, "approved");
      return { before, after: store.facts(0), filled, twice, sizes: store.sizes() };
    });
    expect(result.before).toEqual([
      {
        repo: "acme/old",
        number: 1,
        author: "alice",
        lines: null,
        ready: [],
        closed: [],
        reviews: [{ reviewer: "bob", atMs: MONDAY_9 + HOUR, id: 10, state: null }],
        requests: [],
        breaches: [],
        comments: [],
      },
    ]);
    expect([result.filled, result.twice]).toEqual([true, false]);
    expect(result.after[0]?.reviews).toEqual([
      { reviewer: "bob", atMs: MONDAY_9 + HOUR, id: 10, state: "approved" },
    ]);
    expect(result.sizes).toMatchObject({ prs: 1, metrics_reviews: 1, metrics_comments: 0 });
  });
});
