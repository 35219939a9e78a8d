import { describe, expect, it } from "vitest";
import { type ReviewMetrics, weekKey, weekKeys } from "../../../src/domain/review-metrics";
import { errorOf, jsonOf, newKey, viaWorker } from "../../http/helpers";
import { HOUR } from "../review-manager/support";
import { closed, dashboard, deliver, opened, requested, review } from "./support";

const EMPTY = { count: 0, medianMs: null, p75Ms: null, p90Ms: null, meanMs: null };

describe("GET /api/metrics/reviews", () => {
  it("answers the metrics contract for a viewer", async () => {
    const tenant = "t-metrics-route";
    const d = await dashboard(tenant);
    // Around real time: the route measures up to now.
    const ready = Date.now() - 10 * HOUR;
    const pr = { number: 11, author: "alice", title: "Route me" };
    await deliver(
      d,
      opened(pr, ready),
      requested(pr, "Bob", ready),
      review(pr, "Bob", ready + 2 * HOUR, 1100),
      closed(pr, ready + 3 * HOUR, true),
    );
    const { key } = await newKey(tenant, "viewer");
    const res = await viaWorker("/api/metrics/reviews?weeks=3&repo=&reviewer=", { key });
    expect(res.status).toBe(200);
    const body = await jsonOf<ReviewMetrics>(res);
    expect(Object.keys(body)).toEqual(["generatedAt", "weeks", "totals", "repos", "reviewers"]);
    expect(Date.parse(body.generatedAt)).toBeGreaterThan(ready);
    expect(body.weeks).toEqual(weekKeys(Date.parse(body.generatedAt), 3));
    expect(body.totals.map((t) => t.week)).toEqual(body.weeks);
    for (const t of body.totals) {
      expect(Object.keys(t)).toEqual(["week", "firstReview", "merge", "slaBreaches", "merged"]);
    }
    const reviewWeek = weekKey(ready + 2 * HOUR);
    const mergeWeek = weekKey(ready + 3 * HOUR);
    const sum = (pick: (t: ReviewMetrics["totals"][number]) => number) =>
      body.totals.reduce((n, t) => n + pick(t), 0);
    expect(sum((t) => t.merged)).toBe(1);
    expect(body.totals.find((t) => t.week === reviewWeek)?.firstReview).toEqual({
      count: 1,
      medianMs: 2 * HOUR,
      p75Ms: 2 * HOUR,
      p90Ms: 2 * HOUR,
      meanMs: 2 * HOUR,
    });
    expect(body.totals.find((t) => t.week === mergeWeek)?.merge).toMatchObject({
      count: 1,
      medianMs: 3 * HOUR,
    });
    const quiet = body.totals.find((t) => t.week !== reviewWeek && t.week !== mergeWeek);
    expect(quiet).toMatchObject({ firstReview: EMPTY, merge: EMPTY, slaBreaches: 0, merged: 0 });
    expect(body.repos.every((r) => r.repo === "acme/widgets")).toBe(true);
    expect(Object.keys(body.repos[0] ?? {})).toEqual([
      "repo",
      "week",
      "firstReview",
      "merge",
      "slaBreaches",
      "merged",
    ]);
    expect(body.reviewers).toEqual([
      {
        reviewer: "bob",
        week: reviewWeek,
        firstReview: { count: 1, medianMs: 2 * HOUR, p75Ms: 2 * HOUR, p90Ms: 2 * HOUR, meanMs: 2 * HOUR },
        slaBreaches: 0,
        reviews: 1,
      },
    ]);

    // Filters: another repository has nothing; the reviewer filter keeps the team's totals.
    const other = await jsonOf<ReviewMetrics>(
      await viaWorker("/api/metrics/reviews?weeks=3&repo=acme/other", { key }),
    );
    expect(other.repos).toEqual([]);
    expect(other.reviewers).toEqual([]);
    expect(other.totals.every((t) => t.merged === 0)).toBe(true);
    const carol = await jsonOf<ReviewMetrics>(
      await viaWorker("/api/metrics/reviews?weeks=3&reviewer=carol", { key }),
    );
    expect(carol.reviewers).toEqual([]);
    expect(carol.totals.reduce((n, t) => n + t.merged, 0)).toBe(1);
  });

  it("defaults to 8 weeks, all empty for a tenant without an Integration Dashboard", async () => {
    const res = await viaWorker("/api/metrics/reviews?tenant=t-metrics-none");
    expect(res.status).toBe(200);
    const body = await jsonOf<ReviewMetrics>(res);
    expect(body.weeks).toHaveLength(8);
    expect(body.totals).toHaveLength(8);
    expect(body.totals.every((t) => t.merged === 0 && t.firstReview.count === 0)).toBe(true);
    expect(body.repos).toEqual([]);
    expect(body.reviewers).toEqual([]);
  });

  it("refuses bad parameters with a 400 naming the field, and callers without a key", async () => {
    for (const [query, field] of [
      ["weeks=0", "weeks"],
      ["weeks=53", "weeks"],
      ["weeks=two", "weeks"],
      ["weeks=1.5", "weeks"],
      ["repo=widgets", "repo"],
      ["reviewer=not%20a%20login", "reviewer"],
    ] as const) {
      const res = await viaWorker(`/api/metrics/reviews?${query}`);
      expect(res.status, query).toBe(400);
      const error = await errorOf(res);
      expect(error.code).toBe("validation_failed");
      expect(error.details?.issues?.map((i) => i.field)).toEqual([field]);
    }
    expect((await viaWorker("/api/metrics/reviews", { key: null })).status).toBe(401);
  });

  it("is in the OpenAPI document", async () => {
    const doc = await jsonOf<{
      paths: Record<string, unknown>;
      components: { schemas: Record<string, unknown> };
    }>(await viaWorker("/api/openapi.json", { key: null }));
    expect(doc.paths["/api/metrics/reviews"]).toBeDefined();
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(["ReviewMetrics", "ReviewStats", "ReviewWeekTotals", "ReviewRepoWeek"]),
    );
  });
});
