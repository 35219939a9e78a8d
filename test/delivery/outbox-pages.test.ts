/**
 * Pages of the Outbox's lists (src/delivery/outbox-pages.ts): each page is read through an index in
 * the list's order, so it costs its own rows (and one more), never a scan or a sort of the table.
 * Paging itself, filters and cursors through the API: test/integration/deliveries.test.ts.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type PageQuery, pageStatement } from "../../src/delivery/outbox-pages";

const QUERIES: PageQuery[] = [
  { limit: 25 },
  { limit: 25, platform: "slack" },
  { limit: 25, sinceMs: 1_000 },
  { limit: 25, after: { at: 2_000, seq: 7 } },
  { limit: 25, platform: "github", sinceMs: 1_000, after: { at: 2_000, seq: 7 } },
];

describe("Outbox pages", () => {
  it("read the outbox and the dead letters through an index in their order: no scan, no sort", async () => {
    const plans = await runInDurableObject(env.OUTBOX.getByName("t-outbox-pages-plan"), (_o, state) =>
      (["outbox", "dead_letters"] as const).flatMap((list) =>
        QUERIES.map((query) => {
          const { sql, bindings } = pageStatement(list, query);
          const plan = state.storage.sql
            .exec<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, ...bindings)
            .toArray()
            .map((row) => row.detail);
          return { list, query, plan };
        }),
      ),
    );
    expect(plans).toHaveLength(10);
    for (const { list, query, plan } of plans) {
      const where = `${list} ${JSON.stringify(query)}: ${plan.join(" | ")}`;
      expect(plan, where).toHaveLength(1);
      expect(plan[0], where).toMatch(new RegExp(`^(SEARCH|SCAN) ${list} USING INDEX ${list}_`));
      expect(plan.join(" "), where).not.toContain("TEMP B-TREE");
    }
  });
});
