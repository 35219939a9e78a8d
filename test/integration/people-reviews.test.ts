/**
 * GET /api/people with a live Review Manager: each person's open reviews against its capacity, from
 * one read of its queue (three reviews asked of bob, none of carol); where each stands now.
 */
import { describe, expect, it } from "vitest";
import { deliver, prEvent, reviewManager, setupTenant } from "../agents/review-manager/support";
import { jsonOf, newKey, viaWorker } from "../http/helpers";

interface Body {
  people: Array<{
    login: string;
    now: { state: string; until: string | null } | null;
    reviews: { open: number; capacity: number } | null;
  }>;
}

describe("GET /api/people: open reviews against capacity", () => {
  it("counts the reviews open for each person, with the Review Manager's capacity", async () => {
    const tenant = "it-people-reviews";
    await setupTenant(tenant);
    const h = await reviewManager(tenant);
    const prs = [1, 2, 3].map((number) => ({ number, author: "alice", requested: ["bob"] }));
    await deliver(h, ...prs.map((pr) => prEvent("opened", pr, h.clock.t)));
    const { key } = await newKey(tenant, "viewer");

    const res = await viaWorker("/api/people", { key });
    expect(res.status).toBe(200);
    const body = await jsonOf<Body>(res);
    const byLogin = new Map(body.people.map((p) => [p.login.toLowerCase(), p]));
    expect(byLogin.get("bob")?.reviews).toEqual({ open: 3, capacity: 5 });
    expect(byLogin.get("carol")?.reviews).toEqual({ open: 0, capacity: 5 });
    for (const p of body.people) {
      expect(["working", "focus", "out", "off-hours"]).toContain(p.now?.state);
    }
  });
});
