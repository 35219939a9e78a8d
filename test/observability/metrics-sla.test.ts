import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { metrics } from "../../src/observability/stub";
import {
  alarmsAt,
  deliver,
  HOUR,
  MONDAY_9,
  prEvent,
  reviewManager,
  setupTenant,
} from "../agents/review-manager/support";
import { waitFor } from "../helpers/wait";

async function slaCounts(tenant: string): Promise<Record<string, number>> {
  const snap = await metrics(env, tenant).snapshot({});
  return Object.fromEntries(
    snap.window.filter((s) => s.kind === "sla").map((s) => [s.labels.event ?? "", s.count]),
  );
}

describe("SLA metrics", () => {
  it("counts reminder, breach and escalation once each, however often the alarm runs", async () => {
    const tenant = "metrics-sla";
    await setupTenant(tenant, undefined, 8);
    const h = await reviewManager(tenant);
    await deliver(h, prEvent("opened", { number: 1 }, h.clock.t));

    await alarmsAt(h, MONDAY_9 + 4 * HOUR);
    await waitFor(async () => expect(await slaCounts(tenant)).toEqual({ reminder: 1 }));
    await alarmsAt(h, MONDAY_9 + 8 * HOUR);
    await waitFor(async () => expect(await slaCounts(tenant)).toEqual({ reminder: 1, breach: 1 }));
    await alarmsAt(h, MONDAY_9 + 32 * HOUR);
    await waitFor(async () =>
      expect(await slaCounts(tenant)).toEqual({ reminder: 1, breach: 1, escalation: 1 }),
    );
  });

  it("a late step counts the steps it skipped", async () => {
    const tenant = "metrics-sla-late";
    await setupTenant(tenant, undefined, 8);
    const h = await reviewManager(tenant);
    await deliver(h, prEvent("opened", { number: 2 }, h.clock.t));
    // Nothing ran until Tuesday 17:00 (16 working hours): one escalation, reminder and breach skipped.
    await alarmsAt(h, MONDAY_9 + 32 * HOUR);
    await waitFor(async () =>
      expect(await slaCounts(tenant)).toEqual({ reminder: 1, breach: 1, escalation: 1 }),
    );
  });
});
