/**
 * `predicted` on GET /api/reviews and GET /api/predictions through the Worker with real API keys: a
 * tenant with history gets a forecast for every waiting review; filters by repository and reviewer;
 * bad filters are 400 naming the field; another tenant sees none of it.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Predicted } from "../../src/agents/review-manager/predicted";
import { unwrap } from "../../src/platform/errors";
import {
  deliver,
  MONDAY_9,
  pastReviews,
  prEvent,
  reviewManager,
  setupTenant,
} from "../agents/review-manager/support";
import { errorOf, jsonOf, newKey, viaWorker } from "../http/helpers";

const A = "t-pred-a";
const B = "t-pred-b";

describe("GET /api/reviews and /api/predictions: forecasts", () => {
  let viewerA = "";
  let viewerB = "";

  beforeAll(async () => {
    await setupTenant(A, undefined, 8);
    const h = await reviewManager(A);
    unwrap(await h.agent.importHistory(pastReviews()));
    await deliver(
      h,
      prEvent("opened", { number: 11, author: "carol" }, h.clock.t),
      prEvent("opened", { number: 12, author: "bob" }, h.clock.t),
    );
    await setupTenant(B, undefined, 8);
    viewerA = (await newKey(A, "viewer")).key;
    viewerB = (await newKey(B, "viewer")).key;
  });

  it("carries predicted on every waiting review of a tenant with history", async () => {
    const res = await viaWorker("/api/reviews", { key: viewerA });
    expect(res.status).toBe(200);
    const body = await jsonOf<{ items: Array<{ number: number; predicted: Predicted }> }>(res);
    expect(body.items.map((i) => i.number).sort()).toEqual([11, 12]);
    for (const item of body.items) {
      expect(item.predicted.basis).toBe("model");
      expect(item.predicted.firstReviewBy).toBeGreaterThan(MONDAY_9);
      expect(item.predicted.mergeBy).toBeGreaterThan(item.predicted.firstReviewBy ?? 0);
      expect(item.predicted.breachRisk).toBeGreaterThanOrEqual(0);
      expect(item.predicted.blocker).toMatchObject({ role: "reviewer", reason: "review" });
    }
  });

  it("filters predictions by reviewer and repository", async () => {
    const all = await jsonOf<{ predictions: Array<{ number: number; reviewers: string[] }> }>(
      await viaWorker("/api/predictions", { key: viewerA }),
    );
    expect(all.predictions).toHaveLength(2);
    const reviewer = all.predictions[0]?.reviewers[0] ?? "";
    const mine = await jsonOf<{ predictions: Array<{ reviewers: string[] }> }>(
      await viaWorker(`/api/predictions?reviewer=${reviewer.toUpperCase()}`, { key: viewerA }),
    );
    expect(mine.predictions.length).toBeGreaterThan(0);
    expect(mine.predictions.every((p) => p.reviewers.includes(reviewer))).toBe(true);
    const other = await jsonOf<{ predictions: unknown[] }>(
      await viaWorker("/api/predictions?repo=acme/other", { key: viewerA }),
    );
    expect(other.predictions).toEqual([]);
  });

  it("rejects a bad filter with 400 naming it", async () => {
    const res = await viaWorker("/api/predictions?reviewer=-not-a-login-", { key: viewerA });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await errorOf(res))).toContain("reviewer");
  });

  it("shows another tenant none of it", async () => {
    const body = await jsonOf<{ predictions: unknown[] }>(
      await viaWorker("/api/predictions", { key: viewerB }),
    );
    expect(body.predictions).toEqual([]);
  });
});
