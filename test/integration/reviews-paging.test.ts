/**
 * GET /api/reviews a page at a time (issue 17: no answer grows without bound): `limit` items, a
 * `nextCursor` to the next page until the last, `total` for the whole queue; a forged cursor is 400.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { deliver, prEvent, reviewManager, setupTenant } from "../agents/review-manager/support";
import { errorOf, jsonOf, newKey, viaWorker } from "../http/helpers";

const T = "t-reviews-paging";

interface Page {
  items: { number: number }[];
  total: number;
  nextCursor: string | null;
}

describe("GET /api/reviews: pages", () => {
  let viewer = "";

  beforeAll(async () => {
    await setupTenant(T);
    const h = await reviewManager(T);
    await deliver(
      h,
      ...[1, 2, 3, 4, 5].map((n) => prEvent("opened", { number: n, author: "lena" }, h.clock.t + n * 1000)),
    );
    viewer = (await newKey(T, "viewer")).key;
  });

  it("walks the queue in pages of `limit`, each PR once, to a last page without a cursor", async () => {
    const seen: number[] = [];
    let cursor: string | null = "";
    let pages = 0;
    while (cursor !== null) {
      const path: string = `/api/reviews?limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const res = await viaWorker(path, { key: viewer });
      expect(res.status).toBe(200);
      const page: Page = await jsonOf<Page>(res);
      expect(page.total).toBe(5);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((i) => i.number));
      cursor = page.nextCursor;
      pages++;
    }
    expect(pages).toBe(3);
    expect([...seen].sort()).toEqual([1, 2, 3, 4, 5]);
    // Without a limit: a page of up to 100.
    const all = await jsonOf<Page>(await viaWorker("/api/reviews", { key: viewer }));
    expect(all.items).toHaveLength(5);
    expect(all.nextCursor).toBeNull();
  });

  it("refuses a cursor it did not give, and a limit out of range, naming the field", async () => {
    const forged = await viaWorker("/api/reviews?cursor=bm90LWEtY3Vyc29y", { key: viewer });
    expect(forged.status).toBe(400);
    expect(JSON.stringify(await errorOf(forged))).toContain("cursor");
    const big = await viaWorker("/api/reviews?limit=5000", { key: viewer });
    expect(big.status).toBe(400);
    expect(JSON.stringify(await errorOf(big))).toContain("limit");
  });
});
