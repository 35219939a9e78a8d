/**
 * Outbox and dead-letter routes: roles and shapes, and their pages (cursor, platform and since
 * filters, tenant isolation). The delivery pipeline has its own tests (test/delivery/).
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { insertDeadLetter } from "../../src/delivery/outbox-sql";
import type { Platform } from "../../src/delivery/types";
import { errorOf, jsonOf, newKey, viaWorker } from "../http/helpers";

const TENANT = "it-deliveries";

describe("deliveries", () => {
  it("viewers read the outbox and dead letters", async () => {
    const viewer = await newKey(TENANT, "viewer");
    const outbox = await viaWorker("/api/outbox?limit=10", { key: viewer.key });
    expect(outbox.status).toBe(200);
    expect(await jsonOf<{ entries: unknown[] }>(outbox)).toEqual({ entries: [], nextCursor: null });
    const dead = await viaWorker("/api/deliveries/dead", { key: viewer.key });
    expect(dead.status).toBe(200);
    expect(await jsonOf<{ deadLetters: unknown[] }>(dead)).toEqual({ deadLetters: [], nextCursor: null });
    const replay = await viaWorker("/api/deliveries/dead/dl_x/replay", { key: viewer.key, method: "POST" });
    expect(replay.status).toBe(403);
    expect((await errorOf(replay)).message).toContain("operator");
  });

  it("replaying an unknown dead letter is a 404", async () => {
    const operator = await newKey(TENANT, "operator");
    const res = await viaWorker("/api/deliveries/dead/dl_unknown/replay", {
      key: operator.key,
      method: "POST",
    });
    expect(res.status).toBe(404);
    expect((await errorOf(res)).code).toBe("not_found");
  });

  it("the bootstrap key reads a tenant's outbox with ?tenant=", async () => {
    const res = await viaWorker(`/api/outbox?tenant=${TENANT}`);
    expect(res.status).toBe(200);
  });
});

// ----------------------------------------------------------------------------------- pages

type Kept = { id: string; platform: Platform; at: number };
type Listed = { id: string; tenant: string; platform: string; createdAt?: string; failedAt?: string };
interface OutboxPage {
  entries: Listed[];
  nextCursor: string | null;
}
interface DeadPage {
  deadLetters: Listed[];
  nextCursor: string | null;
}

/** An hour ago, on the second: every row of these tests is kept at this time plus whole minutes. */
const T0 = Math.floor((Date.now() - 3_600_000) / 1000) * 1000;
const MIN = 60_000;

/** Rows written straight into the tenant's local outbox, in this order, each kept at `at`. */
async function keep(tenant: string, rows: Kept[]): Promise<void> {
  await runInDurableObject(env.OUTBOX.getByName(tenant), (_outbox, state) => {
    for (const r of rows) {
      state.storage.sql.exec(
        `INSERT INTO outbox (id, key, tenant, platform, action, body, correlation_id, enqueued_at, created_at)
         VALUES (?, ?, ?, ?, 'post', ?, 'corr', ?, ?)`,
        r.id,
        `key-${r.id}`,
        tenant,
        r.platform,
        JSON.stringify({ text: r.id }),
        new Date(r.at).toISOString(),
        r.at,
      );
    }
  });
}

/** Dead letters recorded (insertDeadLetter) in this order, each failed at `at`; their ids in that order. */
async function bury(tenant: string, rows: Array<{ platform: Platform; at: number }>): Promise<string[]> {
  return runInDurableObject(env.OUTBOX.getByName(tenant), (_outbox, state) =>
    rows.map((r, i) =>
      insertDeadLetter(
        state.storage.sql,
        {
          deliveryId: `dlv-${tenant}-${i}`,
          key: `key-${i}`,
          tenant,
          platform: r.platform,
          action: "post",
          body: { n: i },
          correlationId: "corr",
          enqueuedAt: null,
          attempts: 1,
          lastStatus: 404,
          lastError: "gone",
          reason: "permanent",
          source: "consumer",
        },
        r.at,
      ),
    ),
  );
}

/** The documented order: newest first; the same time, the later recorded (the later in `rows`) first. */
function newestFirst<R extends { at: number }>(rows: R[]): R[] {
  return rows
    .map((row, i) => ({ row, i }))
    .sort((a, b) => b.row.at - a.row.at || b.i - a.i)
    .map(({ row }) => row);
}

/** Every page of `path` (which has its query), following nextCursor; the pages' ids and cursors. */
async function allPages(path: string, list: "entries" | "deadLetters", key?: string) {
  const pages: string[][] = [];
  const cursors: Array<string | null> = [];
  let cursor: string | null = null;
  do {
    const url: string = cursor === null ? path : `${path}&cursor=${encodeURIComponent(cursor)}`;
    const res = await viaWorker(url, key === undefined ? {} : { key });
    expect(res.status, url).toBe(200);
    const body = await jsonOf<OutboxPage & DeadPage>(res);
    pages.push(body[list].map((d) => d.id));
    cursor = body.nextCursor;
    cursors.push(cursor);
  } while (cursor !== null && pages.length < 50);
  return { pages, cursors, ids: pages.flat() };
}

async function cursorIssue(res: Response): Promise<string> {
  expect(res.status).toBe(400);
  const error = await errorOf(res);
  expect(error.code).toBe("validation_failed");
  expect(error.details?.issues?.[0]?.field).toBe("cursor");
  return error.details?.issues?.[0]?.message ?? "";
}

describe("deliveries, a page at a time", () => {
  it("outbox pages are disjoint and together the whole list, newest first, ties included", async () => {
    const tenant = "it-pages-outbox";
    // Four share one time, two another: pages of 3 end in the middle of both groups.
    const rows: Kept[] = [
      { id: "o-a", platform: "slack", at: T0 + 2 * MIN },
      { id: "o-b", platform: "slack", at: T0 + 5 * MIN },
      { id: "o-c", platform: "github", at: T0 + 2 * MIN },
      { id: "o-d", platform: "discord", at: T0 + 9 * MIN },
      { id: "o-e", platform: "linear", at: T0 + 2 * MIN },
      { id: "o-f", platform: "slack", at: T0 + 5 * MIN },
      { id: "o-g", platform: "slack", at: T0 + 2 * MIN },
      { id: "o-h", platform: "github", at: T0 },
    ];
    await keep(tenant, rows);
    const viewer = await newKey(tenant, "viewer");
    const expected = newestFirst(rows).map((r) => r.id);

    const { pages, cursors, ids } = await allPages("/api/outbox?limit=3", "entries", viewer.key);
    expect(pages.map((p) => p.length)).toEqual([3, 3, 2]);
    expect(cursors.at(-1)).toBeNull();
    expect(cursors.slice(0, -1).every((c) => typeof c === "string" && c.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expected);

    // One page of everything says the same, and that nothing is older.
    const whole = await jsonOf<OutboxPage>(await viaWorker("/api/outbox?limit=1000", { key: viewer.key }));
    expect(whole.entries.map((e) => e.id)).toEqual(expected);
    expect(whole.nextCursor).toBeNull();
    const times = whole.entries.map((e) => Date.parse(e.createdAt ?? ""));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it("dead-letter pages likewise; a last page that is exactly full says nothing is older", async () => {
    const tenant = "it-pages-dead";
    const rows = [
      { platform: "slack" as const, at: T0 + MIN },
      { platform: "github" as const, at: T0 + 3 * MIN },
      { platform: "slack" as const, at: T0 + MIN },
      { platform: "linear" as const, at: T0 + MIN },
      { platform: "discord" as const, at: T0 + 3 * MIN },
      { platform: "slack" as const, at: T0 },
    ];
    const ids = await bury(tenant, rows);
    const expected = newestFirst(rows.map((r, i) => ({ ...r, id: ids[i] ?? "" }))).map((r) => r.id);

    const paged = await allPages(`/api/deliveries/dead?tenant=${tenant}&limit=3`, "deadLetters");
    expect(paged.pages.map((p) => p.length)).toEqual([3, 3]);
    expect(paged.cursors).toEqual([expect.any(String), null]);
    expect(paged.ids).toEqual(expected);
    const byOne = await allPages(`/api/deliveries/dead?tenant=${tenant}&limit=1`, "deadLetters");
    expect(byOne.ids).toEqual(expected);
    expect(byOne.cursors.at(-1)).toBeNull();
  });

  it("platform and since filter on the server, page after page", async () => {
    const tenant = "it-pages-filters";
    const rows: Kept[] = [
      { id: "f-1", platform: "slack", at: T0 },
      { id: "f-2", platform: "github", at: T0 + 10 * MIN },
      { id: "f-3", platform: "slack", at: T0 + 10 * MIN },
      { id: "f-4", platform: "slack", at: T0 + 20 * MIN },
      { id: "f-5", platform: "discord", at: T0 + 30 * MIN },
      { id: "f-6", platform: "slack", at: T0 + 30 * MIN },
    ];
    await keep(tenant, rows);
    const letters = await bury(tenant, [
      { platform: "slack", at: T0 },
      { platform: "github", at: T0 + 10 * MIN },
      { platform: "slack", at: T0 + 20 * MIN },
    ]);
    const base = `/api/outbox?tenant=${tenant}&limit=2`;
    const since = new Date(T0 + 10 * MIN).toISOString();

    const slack = await allPages(`${base}&platform=slack`, "entries");
    expect(slack.ids).toEqual(["f-6", "f-4", "f-3", "f-1"]);
    expect(slack.pages).toHaveLength(2);
    // `since` is inclusive.
    const recent = await allPages(`${base}&since=${encodeURIComponent(since)}`, "entries");
    expect(recent.ids).toEqual(["f-6", "f-5", "f-4", "f-3", "f-2"]);
    const both = await allPages(`${base}&platform=slack&since=${encodeURIComponent(since)}`, "entries");
    expect(both.ids).toEqual(["f-6", "f-4", "f-3"]);
    // A time with an offset names the same instant.
    const offset = new Date(T0 + 10 * MIN + 2 * 3_600_000).toISOString().replace("Z", "+02:00");
    const viaOffset = await allPages(`${base}&since=${encodeURIComponent(offset)}`, "entries");
    expect(viaOffset.ids).toEqual(recent.ids);

    const dead = `/api/deliveries/dead?tenant=${tenant}&limit=1`;
    const deadSlack = await allPages(
      `${dead}&platform=slack&since=${encodeURIComponent(since)}`,
      "deadLetters",
    );
    expect(deadSlack.ids).toEqual([letters[2]]);
    expect((await allPages(`${dead}&platform=slack`, "deadLetters")).ids).toEqual([letters[2], letters[0]]);
    expect((await allPages(`${dead}&platform=discord`, "deadLetters")).ids).toEqual([]);

    for (const bad of ["platform=myspace", "since=yesterday", "since=2026-11-24"]) {
      const res = await viaWorker(`${base}&${bad}`);
      expect(res.status, bad).toBe(400);
      expect((await errorOf(res)).details?.issues?.[0]?.field).toBe(bad.split("=")[0]);
    }
  });

  it("a malformed or foreign cursor is a 400 naming cursor, and reads nothing", async () => {
    const tenant = "it-pages-bad-cursor";
    await keep(tenant, [
      { id: "b-1", platform: "slack", at: T0 },
      { id: "b-2", platform: "slack", at: T0 + MIN },
      { id: "b-3", platform: "github", at: T0 + 2 * MIN },
    ]);
    await bury(tenant, [
      { platform: "slack", at: T0 },
      { platform: "slack", at: T0 + MIN },
    ]);
    const outbox = `/api/outbox?tenant=${tenant}&limit=1`;
    const dead = `/api/deliveries/dead?tenant=${tenant}&limit=1`;
    const before = await viaWorker(`/api/outbox?tenant=${tenant}`).then((r) => r.text());
    const outboxCursor = (await jsonOf<OutboxPage>(await viaWorker(outbox))).nextCursor ?? "";
    const deadCursor = (await jsonOf<DeadPage>(await viaWorker(dead))).nextCursor ?? "";
    expect(outboxCursor).not.toBe("");
    expect(deadCursor).not.toBe("");
    const tampered = btoa(atob(outboxCursor.replaceAll("-", "+").replaceAll("_", "/")).replace(/^1\./, "2."));

    for (const cursor of ["", "not a cursor", "bm9wZQ", "%%%", "x".repeat(500), tampered, deadCursor]) {
      await cursorIssue(await viaWorker(`${outbox}&cursor=${encodeURIComponent(cursor)}`));
    }
    expect(await cursorIssue(await viaWorker(`${dead}&cursor=${outboxCursor}`))).toContain("not a cursor");
    // The cursor of a page filtered otherwise (or not at all) is refused, not silently mixed.
    expect(await cursorIssue(await viaWorker(`${outbox}&platform=slack&cursor=${outboxCursor}`))).toContain(
      "filters",
    );
    const since = encodeURIComponent(new Date(T0).toISOString());
    expect(await cursorIssue(await viaWorker(`${outbox}&since=${since}&cursor=${outboxCursor}`))).toContain(
      "filters",
    );

    // Nothing changed: the same list, and the good cursor still gives the next page.
    expect(await viaWorker(`/api/outbox?tenant=${tenant}`).then((r) => r.text())).toBe(before);
    const next = await jsonOf<OutboxPage>(await viaWorker(`${outbox}&cursor=${outboxCursor}`));
    expect(next.entries.map((e) => e.id)).toEqual(["b-2"]);
  });

  it("a cursor never shows another tenant's rows: the other tenant's cursor is a 400", async () => {
    const a = "it-pages-tenant-a";
    const b = "it-pages-tenant-b";
    // The same times in both, so a position in one is a position in the other.
    const times = [T0, T0, T0 + MIN, T0 + 2 * MIN];
    await keep(
      a,
      times.map((at, i) => ({ id: `a-${i}`, platform: "slack", at })),
    );
    await keep(
      b,
      times.map((at, i) => ({ id: `b-${i}`, platform: "slack", at })),
    );
    const lettersA = await bury(
      a,
      times.map((at) => ({ platform: "slack", at })),
    );
    const lettersB = await bury(
      b,
      times.map((at) => ({ platform: "slack", at })),
    );
    const viewerA = await newKey(a, "viewer");
    const viewerB = await newKey(b, "viewer");

    const pagesA = await allPages("/api/outbox?limit=2", "entries", viewerA.key);
    const pagesB = await allPages("/api/outbox?limit=2", "entries", viewerB.key);
    expect([...pagesA.ids].sort()).toEqual(["a-0", "a-1", "a-2", "a-3"]);
    expect([...pagesB.ids].sort()).toEqual(["b-0", "b-1", "b-2", "b-3"]);
    const deadA = await allPages("/api/deliveries/dead?limit=3", "deadLetters", viewerA.key);
    expect([...deadA.ids].sort()).toEqual([...lettersA].sort());
    expect(deadA.ids.some((id) => lettersB.includes(id))).toBe(false);

    const cursorA = pagesA.cursors[0] ?? "";
    const deadCursorA = deadA.cursors[0] ?? "";
    // B's own key, and the bootstrap key naming B, with A's cursors.
    const asB = await viaWorker(`/api/outbox?limit=2&cursor=${cursorA}`, { key: viewerB.key });
    expect(await cursorIssue(asB)).toContain("another tenant");
    const bootstrap = await viaWorker(`/api/outbox?tenant=${b}&limit=2&cursor=${cursorA}`);
    expect(await cursorIssue(bootstrap)).toContain("another tenant");
    const deadAsB = await viaWorker(`/api/deliveries/dead?limit=3&cursor=${deadCursorA}`, {
      key: viewerB.key,
    });
    expect(await cursorIssue(deadAsB)).toContain("another tenant");
    // A's own pages carry only A's rows.
    const page = await jsonOf<OutboxPage>(
      await viaWorker(`/api/outbox?limit=2&cursor=${cursorA}`, { key: viewerA.key }),
    );
    expect(page.entries.every((e) => e.tenant === a && e.id.startsWith("a-"))).toBe(true);
  });
});
