/**
 * The Directory's cron index (src/tenants/cron-index.ts). Each test uses a Directory object of its
 * own name, so the rows and the one-time backfill are the test's alone.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { unwrap } from "../../src/platform/errors";
import { type Remote, remote } from "../../src/platform/rpc";
import { ensureCronTables } from "../../src/tenants/cron-index";
import type { Directory } from "../../src/tenants/directory";

const own = (name: string): Remote<Directory> => remote<Directory>(env.DIRECTORY.getByName(name));
const MIN = 60_000;

describe("the cron index", () => {
  it("keeps the newest report per tenant and kind; an older generation arriving late is ignored", async () => {
    const dir = own("cron-index-reports");
    expect(unwrap(await dir.reportCron({ tenant: "a", kind: "digest", dueMs: 5_000, gen: 10 }))).toBe(true);
    expect(unwrap(await dir.reportCron({ tenant: "a", kind: "digest", dueMs: 9_000, gen: 12 }))).toBe(true);
    // Sent before the last one, arrived after it: ignored.
    expect(unwrap(await dir.reportCron({ tenant: "a", kind: "digest", dueMs: 1_000, gen: 11 }))).toBe(false);
    // "Nothing due" is kept (never selected), so an older "due" cannot come back either.
    expect(unwrap(await dir.reportCron({ tenant: "a", kind: "alerts", dueMs: null, gen: 20 }))).toBe(true);
    expect(unwrap(await dir.reportCron({ tenant: "a", kind: "alerts", dueMs: 1_000, gen: 19 }))).toBe(false);
    expect(await dir.cronEntries("a")).toEqual([
      { tenant: "a", kind: "alerts", dueMs: null, gen: 20, takenMs: 0 },
      { tenant: "a", kind: "digest", dueMs: 9_000, gen: 12, takenMs: 0 },
    ]);
    expect((await dir.takeDueCron("alerts", 1_000_000, 10)).tenants).toEqual([]);
    expect((await dir.takeDueCron("digest", 8_999, 10)).tenants).toEqual([]);
    expect((await dir.takeDueCron("digest", 9_000, 10)).tenants).toEqual(["a"]);
  });

  it("refuses a malformed report", async () => {
    const dir = own("cron-index-malformed");
    const bad = { tenant: "", kind: "digest", dueMs: Number.NaN, gen: -1 } as const;
    const refused = await dir.reportCron(bad);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.message).toMatch(/Invalid cron index report/);
    expect(await dir.cronEntries("")).toEqual([]);
  });

  it("answers only due rows, at most a page, least recently taken first", async () => {
    const dir = own("cron-index-pages");
    const tenants = Array.from({ length: 250 }, (_, i) => `t${String(i).padStart(3, "0")}`);
    for (const [i, tenant] of tenants.entries()) {
      await dir.reportCron({ tenant, kind: "alerts", dueMs: i, gen: 1 });
    }
    await dir.reportCron({ tenant: "later", kind: "alerts", dueMs: 60 * MIN, gen: 1 });
    await dir.reportCron({ tenant: "digest-only", kind: "digest", dueMs: 0, gen: 1 });
    const seen = new Set<string>();
    for (let run = 0; run < 3; run++) {
      const { tenants: page } = await dir.takeDueCron("alerts", MIN + run * 5 * MIN, 100);
      expect(page.length).toBeLessThanOrEqual(100);
      for (const t of page) seen.add(t);
    }
    expect(seen).toEqual(new Set(tenants));
    // The first run took the oldest due first; the next took the ones not taken yet.
    const fresh = own("cron-index-pages-order");
    for (const [i, tenant] of ["x", "y", "z"].entries()) {
      await fresh.reportCron({ tenant, kind: "digest", dueMs: 3 - i, gen: 1 });
    }
    expect((await fresh.takeDueCron("digest", 10, 2)).tenants).toEqual(["z", "y"]);
    expect((await fresh.takeDueCron("digest", 11, 2)).tenants).toEqual(["x", "z"]);
  });

  it("gives tenants listed before the index a due row once per kind (the backfill)", async () => {
    const name = "cron-index-backfill";
    const dir = own(name);
    for (const tenant of ["old-a", "old-b", "old-c"]) await dir.ensureTenant(tenant);
    // As deployed over a Directory that had tenants and no index yet.
    await runInDurableObject(env.DIRECTORY.getByName(name), (_instance, state) => {
      state.storage.sql.exec("DROP TABLE cron_index");
      state.storage.sql.exec("DROP TABLE cron_meta");
      ensureCronTables(state.storage.sql);
    });
    // old-c reported a real time before the first run: the backfill leaves it.
    await dir.reportCron({ tenant: "old-c", kind: "digest", dueMs: 50 * MIN, gen: 7 });

    const first = await dir.takeDueCron("digest", MIN, 500);
    expect(first.backfilled).toBe(2);
    expect(first.tenants.sort()).toEqual(["old-a", "old-b"]);

    // Once: a tenant listed afterwards gets no row from it, and the marker holds.
    await dir.ensureTenant("new-d");
    const second = await dir.takeDueCron("digest", 2 * MIN, 500);
    expect(second.backfilled).toBe(0);
    expect(second.tenants.sort()).toEqual(["old-a", "old-b"]);
    expect(await dir.cronEntries("new-d")).toEqual([]);

    // Per kind: the alert checks' first run backfills for itself.
    const alerts = await dir.takeDueCron("alerts", 3 * MIN, 500);
    expect(alerts.backfilled).toBe(4);
    expect((await dir.takeDueCron("alerts", 4 * MIN, 500)).backfilled).toBe(0);
  });

  it("a Directory that starts with the index has nothing to backfill", async () => {
    const dir = own("cron-index-fresh");
    await dir.ensureTenant("born-after");
    for (const kind of ["digest", "alerts"] as const) {
      expect(await dir.takeDueCron(kind, MIN, 500)).toEqual({ tenants: [], backfilled: 0 });
    }
  });

  it("forgets a deleted tenant's rows", async () => {
    const dir = own("cron-index-forget");
    await dir.ensureTenant("gone");
    await dir.reportCron({ tenant: "gone", kind: "digest", dueMs: 1, gen: 1 });
    await dir.reportCron({ tenant: "gone", kind: "alerts", dueMs: 1, gen: 1 });
    await dir.forgetTenant("gone", { keyId: "test", correlationId: "test", removed: {} });
    expect(await dir.cronEntries("gone")).toEqual([]);
  });
});
