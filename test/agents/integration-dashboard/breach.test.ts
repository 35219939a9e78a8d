import { describe, expect, it } from "vitest";
import { subscribers } from "../../../src/agents/registry";
import { weekKey } from "../../../src/domain/review-metrics";
import { unwrap } from "../../../src/platform/errors";
import { waitFor } from "../../helpers/wait";
import {
  alarmsAt,
  deliver,
  HOUR,
  MONDAY_9,
  prEvent,
  REPO,
  reviewManager,
  setupTenant,
  slackPosts,
} from "../review-manager/support";
import { type Dashboard, dashboard, settled } from "./support";

async function breaches(d: Dashboard, nowMs: number) {
  await settled(d);
  return unwrap(await d.agent.reviewMetrics({ weeks: 1, nowMs }));
}

describe("SLA breaches reach the review metrics", () => {
  it("only the Integration Dashboard subscribes to foreman.sla.breach", () => {
    expect(subscribers("foreman.sla.breach")).toEqual(["integration-dashboard"]);
  });

  it("the Review Manager publishes a breach once; the dashboard counts it per repo and reviewer", async () => {
    const tenant = "t-metrics-breach";
    await setupTenant(tenant, undefined, 8);
    const h = await reviewManager(tenant);
    const d = await dashboard(tenant);
    await deliver(h, prEvent("opened", { number: 1 }, h.clock.t));

    await alarmsAt(h, MONDAY_9 + 4 * HOUR); // reminder: no breach
    expect((await breaches(d, MONDAY_9 + 4 * HOUR)).totals[0]?.slaBreaches).toBe(0);

    await alarmsAt(h, MONDAY_9 + 8 * HOUR); // Monday 17:00: the breach (alarm run twice)
    expect(slackPosts(h.sent)).toHaveLength(1);
    await waitFor(async () => {
      expect((await breaches(d, MONDAY_9 + 8 * HOUR)).totals[0]?.slaBreaches).toBe(1);
    });
    const m = await breaches(d, MONDAY_9 + 8 * HOUR);
    expect(m.repos).toMatchObject([{ repo: REPO, week: weekKey(MONDAY_9), slaBreaches: 1 }]);
    expect(m.reviewers).toMatchObject([{ reviewer: "bob", slaBreaches: 1 }]);

    // The escalation (Tuesday 17:00) is no second breach.
    await alarmsAt(h, MONDAY_9 + 32 * HOUR);
    await settled(d);
    expect((await breaches(d, MONDAY_9 + 32 * HOUR)).totals[0]?.slaBreaches).toBe(1);
    expect(unwrap(await d.agent.metricsSizes()).metrics_breaches).toBe(1);
  });

  it("a breach skipped by a late alarm (straight to the escalation) still counts, at the breach time", async () => {
    const tenant = "t-metrics-breach-late";
    await setupTenant(tenant, undefined, 8);
    const h = await reviewManager(tenant);
    const d = await dashboard(tenant);
    await deliver(h, prEvent("opened", { number: 2 }, h.clock.t));
    await alarmsAt(h, MONDAY_9 + 7 * 24 * HOUR); // a week late: reminder and breach skipped
    await waitFor(async () => {
      expect(unwrap(await d.agent.metricsSizes()).metrics_breaches).toBe(1);
    });
    // Breached Monday 17:00: counted in that week, not in the week the alarm ran.
    const m = unwrap(await d.agent.reviewMetrics({ weeks: 2, nowMs: MONDAY_9 + 7 * 24 * HOUR }));
    expect(m.totals.map((t) => t.slaBreaches)).toEqual([1, 0]);
  });
});
