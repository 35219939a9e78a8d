import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { coordinator } from "../../../src/agents/coordinator/stub";
import { weekKey } from "../../../src/domain/review-metrics";
import { unwrap } from "../../../src/platform/errors";
import { stickySeam } from "../../helpers/seams";
import { HOUR, MONDAY_9, prEvent, REPO } from "../review-manager/support";
import { closed, dashboard, deliver, opened, requested, review, settled } from "./support";

const WEEK = 7 * 24 * HOUR;
const MON = weekKey(MONDAY_9); // "2030-01-07"

describe("Integration Dashboard: review metrics", () => {
  it("measures first review, reviewer response and merge from GitHub events", async () => {
    const d = await dashboard("t-metrics-basic");
    const pr = { number: 1, author: "alice", title: "Cache the widgets" };
    await deliver(
      d,
      opened(pr, MONDAY_9),
      requested(pr, "bob", MONDAY_9 + HOUR),
      review(pr, "alice", MONDAY_9 + 2 * HOUR, 100), // the author's own comment: not a review
      review(pr, "bob", MONDAY_9 + 3 * HOUR, 101),
      closed(pr, MONDAY_9 + 5 * HOUR, true),
    );
    const m = unwrap(await d.agent.reviewMetrics({ weeks: 2, nowMs: MONDAY_9 + 6 * HOUR }));
    expect(m.weeks).toEqual([weekKey(MONDAY_9 - WEEK), MON]);
    expect(m.totals[1]).toEqual({
      week: MON,
      firstReview: { count: 1, medianMs: 3 * HOUR, p75Ms: 3 * HOUR, p90Ms: 3 * HOUR, meanMs: 3 * HOUR },
      merge: { count: 1, medianMs: 5 * HOUR, p75Ms: 5 * HOUR, p90Ms: 5 * HOUR, meanMs: 5 * HOUR },
      slaBreaches: 0,
      merged: 1,
    });
    expect(m.repos).toMatchObject([{ repo: REPO, week: MON, merged: 1, firstReview: { count: 1 } }]);
    expect(m.reviewers).toEqual([
      {
        reviewer: "bob",
        week: MON,
        firstReview: { count: 1, medianMs: 2 * HOUR, p75Ms: 2 * HOUR, p90Ms: 2 * HOUR, meanMs: 2 * HOUR },
        slaBreaches: 0,
        reviews: 1,
      },
    ]);

    expect(unwrap(await d.agent.mergedSince({ sinceMs: MONDAY_9 }))).toEqual([
      {
        repo: REPO,
        number: 1,
        title: "Cache the widgets",
        url: `https://github.com/${REPO}/pull/1`,
        mergedAtMs: MONDAY_9 + 5 * HOUR,
      },
    ]);
    expect(unwrap(await d.agent.mergedSince({ sinceMs: MONDAY_9, repos: ["acme/other"] }))).toEqual([]);
    expect(unwrap(await d.agent.mergedSince({ sinceMs: MONDAY_9 + 6 * HOUR }))).toEqual([]);
  });

  it("counts nothing twice when the same events arrive again (redelivery, replay)", async () => {
    const d = await dashboard("t-metrics-dupes");
    const pr = { number: 2, author: "alice" };
    const events = [
      opened(pr, MONDAY_9),
      requested(pr, "bob", MONDAY_9),
      review(pr, "bob", MONDAY_9 + 2 * HOUR, 200),
      closed(pr, MONDAY_9 + 4 * HOUR, true),
    ];
    await deliver(d, ...events);
    const before = unwrap(await d.agent.reviewMetrics({ weeks: 1, nowMs: MONDAY_9 + 5 * HOUR }));
    const sizes = unwrap(await d.agent.metricsSizes());
    // Each again as a new message (a new delivery id), and in reverse order.
    await deliver(d, ...events, ...[...events].reverse());
    // Also published through the Coordinator twice under one event id.
    const c = coordinator(env, "t-metrics-dupes");
    for (let i = 0; i < 2; i++) {
      const event = events[2];
      unwrap(
        await c.publish({
          name: "github.review.submitted",
          data: event as unknown as Record<string, unknown>,
          correlationId: "dup",
          eventId: "delivery-review-200",
          to: [d.agentId],
        }),
      );
    }
    await settled(d);
    expect(unwrap(await d.agent.metricsSizes())).toEqual(sizes);
    const after = unwrap(await d.agent.reviewMetrics({ weeks: 1, nowMs: MONDAY_9 + 5 * HOUR }));
    expect(after).toEqual(before);
    expect(after.totals[0]).toMatchObject({ merged: 1, firstReview: { count: 1 } });
    expect(after.reviewers).toMatchObject([{ reviewer: "bob", reviews: 1, firstReview: { count: 1 } }]);
  });

  it("gives the same metrics when events arrive out of order", async () => {
    const d = await dashboard("t-metrics-order");
    const pr = { number: 3, author: "alice" };
    await deliver(d, closed(pr, MONDAY_9 + 6 * HOUR, true), review(pr, "carol", MONDAY_9 + HOUR, 300));
    await deliver(d, opened(pr, MONDAY_9));
    const m = unwrap(await d.agent.reviewMetrics({ weeks: 1, nowMs: MONDAY_9 + 7 * HOUR }));
    expect(m.totals[0]).toMatchObject({
      firstReview: { count: 1, medianMs: HOUR },
      merge: { count: 1, medianMs: 6 * HOUR },
      merged: 1,
    });
  });

  it("starts the clock when a draft becomes ready, and ignores events it has no use for", async () => {
    const d = await dashboard("t-metrics-draft");
    const pr = { number: 4, author: "alice" };
    await deliver(
      d,
      opened({ ...pr, draft: true }, MONDAY_9),
      prEvent("labeled", { ...pr, labels: ["x"] }, MONDAY_9 + HOUR),
      prEvent("ready_for_review", pr, MONDAY_9 + 2 * HOUR),
      review(pr, "bob", MONDAY_9 + 3 * HOUR, 400),
    );
    const m = unwrap(await d.agent.reviewMetrics({ weeks: 1, nowMs: MONDAY_9 + 4 * HOUR }));
    expect(m.totals[0]?.firstReview).toMatchObject({ count: 1, medianMs: HOUR });
    const health = unwrap(await d.agent.health());
    expect(health.tasksFailed).toBe(0);
    expect(health.recentEvents.some((e) => e.message === "received github.pr.labeled")).toBe(true);
  });

  it("answers the slowest repository over the last 7 days, among the repositories asked for", async () => {
    const d = await dashboard("t-metrics-slowest");
    const fast = { number: 5, author: "alice" };
    await deliver(d, opened(fast, MONDAY_9), review(fast, "bob", MONDAY_9 + HOUR, 500));
    const other = prEvent("opened", { number: 6, author: "alice" }, MONDAY_9);
    const slowOpened = { ...other, repo: { id: 9, fullName: "acme/gadgets" } } as typeof other;
    const slowReview = review({ number: 6, author: "alice" }, "bob", MONDAY_9 + 4 * HOUR, 600);
    await deliver(d, slowOpened, {
      ...slowReview,
      repo: { id: 9, fullName: "acme/gadgets" },
    } as typeof other);
    const nowMs = MONDAY_9 + 5 * HOUR;
    expect(unwrap(await d.agent.slowestRepo({ nowMs }))).toEqual({
      repo: "acme/gadgets",
      medianMs: 4 * HOUR,
      count: 1,
    });
    expect(unwrap(await d.agent.slowestRepo({ nowMs, repos: [REPO] }))).toEqual({
      repo: REPO,
      medianMs: HOUR,
      count: 1,
    });
    expect(unwrap(await d.agent.slowestRepo({ nowMs: nowMs + 8 * 24 * HOUR }))).toBeNull();
  });

  it("refuses a bad range and forgets pull requests idle for over a year", async () => {
    const d = await dashboard("t-metrics-retention");
    const bad = await d.agent.reviewMetrics({ weeks: 53 });
    expect(bad).toMatchObject({ ok: false, error: { status: 400 } });
    if (!bad.ok) expect(bad.error.message).toContain("weeks");

    const clock = { t: MONDAY_9 };
    await stickySeam(d.stub, d.agentId, (instance) => {
      (instance as { now: () => number }).now = () => clock.t;
    });
    await deliver(d, opened({ number: 7 }, MONDAY_9), closed({ number: 7 }, MONDAY_9 + HOUR, true));
    expect(unwrap(await d.agent.metricsSizes())).toMatchObject({ prs: 1, metrics_pr_events: 2 });
    clock.t = MONDAY_9 + 54 * WEEK;
    await deliver(d, opened({ number: 8 }, clock.t));
    expect(unwrap(await d.agent.metricsSizes())).toMatchObject({ prs: 1, metrics_pr_events: 1 });
    expect(unwrap(await d.agent.mergedSince({ sinceMs: 0 }))).toEqual([]);
  });
});
