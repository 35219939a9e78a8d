/** Foreman's own review requests reach the review metrics (GitHub may never echo them back). */
import { describe, expect, it } from "vitest";
import { subscribers } from "../../../src/agents/registry";
import { unwrap } from "../../../src/platform/errors";
import { waitFor } from "../../helpers/wait";
import {
  deliver as deliverToManager,
  githubRequests,
  HOUR,
  MONDAY_9,
  prEvent,
  reviewManager,
  setupTenant,
} from "../review-manager/support";
import { dashboard, deliver, opened, review, settled } from "./support";

describe("foreman.review.requested", () => {
  it("only the Integration Dashboard subscribes to it", () => {
    expect(subscribers("foreman.review.requested")).toEqual(["integration-dashboard"]);
  });

  it("an assignment by the Review Manager counts as the request: bob's first review is timed from it", async () => {
    const tenant = "t-metrics-requested";
    await setupTenant(tenant, undefined, 8);
    const h = await reviewManager(tenant);
    const d = await dashboard(tenant);
    const pr = { number: 7, title: "Timed from the assignment" };
    await deliverToManager(h, prEvent("opened", pr, h.clock.t));
    const [request] = githubRequests(h.sent);
    const reviewer = String((request?.body.reviewers as string[] | undefined)?.[0]);
    expect(reviewer).not.toBe("undefined");

    // The dashboard sees the PR open, and the review 3 h later; no review_requested webhook at all.
    await deliver(d, opened(pr, MONDAY_9), review(pr, reviewer, MONDAY_9 + 3 * HOUR, 9001));
    await waitFor(async () => {
      await settled(d);
      const m = unwrap(await d.agent.reviewMetrics({ weeks: 1, nowMs: MONDAY_9 + 4 * HOUR }));
      expect(m.reviewers).toMatchObject([{ reviewer, firstReview: { count: 1, medianMs: 3 * HOUR } }]);
    });
  });
});
