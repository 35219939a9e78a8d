/**
 * A page of the review queue comes from SQL (queue-index.ts) and its counts from one aggregate; the
 * whole queue (the digest) is built in JavaScript (`buildQueue`). Over a mix of PRs — waiting,
 * reviewed, closed, drafts, at risk and breached on their SLA clock — the pages, read one after
 * another, are the whole queue in its order, and the counts are the same.
 */
import { describe, expect, it } from "vitest";
import { countsOf } from "../../../src/agents/review-manager/model/queue";
import { unwrap } from "../../../src/platform/errors";
import { deliver, HOUR, prEvent, reviewManager, reviewSubmitted, setupTenant } from "./support";

describe("the review queue, paged in SQL", () => {
  it("pages through the same PRs in the same order, with the same counts", async () => {
    const tenant = "t-queue-index";
    await setupTenant(tenant, undefined, 4);
    const h = await reviewManager(tenant);
    const t0 = h.clock.t;
    // Opened in an order that is not their number order.
    const numbers = [7, 3, 11, 1, 9, 5, 2, 10, 4, 8, 6, 12];
    await deliver(h, ...numbers.map((n, i) => prEvent("opened", { number: n }, t0 + i * 60_000)));
    await deliver(
      h,
      prEvent("opened", { number: 20, draft: true }, t0 + 20 * 60_000),
      prEvent("closed", { number: 9, state: "closed" }, t0 + 30 * 60_000),
    );
    const queue = unwrap(await h.agent.reviewQueue({}));
    const reviewer = queue.items.find((i) => i.number === 3)?.reviewers[0]?.login;
    expect(reviewer).toBeDefined();
    await deliver(h, reviewSubmitted({ number: 3 }, reviewer ?? "", t0 + 40 * 60_000));

    // Later: some clocks are at risk, some breached.
    for (const later of [t0 + HOUR, t0 + 3 * HOUR, t0 + 5 * HOUR]) {
      h.clock.t = later;
      for (const includeDrafts of [false, true]) {
        const whole = unwrap(await h.agent.reviewQueue({ includeDrafts }));
        const pages = [];
        for (let offset = 0; offset < whole.items.length + 4; offset += 4) {
          pages.push(unwrap(await h.agent.reviewQueue({ includeDrafts, offset, limit: 4 })));
        }
        expect(pages.flatMap((p) => p.items.map((i) => i.number))).toEqual(whole.items.map((i) => i.number));
        const expected = countsOf(whole.items);
        for (const page of pages) {
          expect({ total: page.total, ...page.counts }).toEqual(expected);
        }
      }
    }
    // A channel's digest reads only its repositories' PRs, and counts only them.
    const theirs = unwrap(await h.agent.reviewQueue({ repos: ["ACME/Widgets"], limit: 100 }));
    const all = unwrap(await h.agent.reviewQueue({}));
    expect(theirs.items.map((i) => i.number)).toEqual(all.items.map((i) => i.number));
    expect(theirs.total).toBe(all.items.length);
    const none = unwrap(await h.agent.reviewQueue({ repos: ["acme/other"], limit: 100 }));
    expect([none.items.length, none.total]).toEqual([0, 0]);
    expect(unwrap(await h.agent.reviewQueue({ repos: ["acme/other"] })).items).toEqual([]);
    const final = unwrap(await h.agent.reviewQueue({ includeDrafts: true }));
    expect(final.items.map((i) => i.number)).not.toContain(9);
    expect(final.items.map((i) => i.number)).toContain(20);
    const { breached, atRisk } = countsOf(final.items);
    expect(breached + atRisk).toBeGreaterThan(0);
  });
});
