/**
 * Retention of the log archive (src/observability/sweep.ts): the pure decision, a sweep over a real
 * LOGS bucket per level class, the per-run bounds with their resumable cursor, and the Cron Trigger.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import {
  dayMayHoldExpired,
  isExpired,
  RETENTION_DAYS,
  readState,
  STATE_KEY,
  sweepDue,
  sweepLogs,
} from "../../src/observability/sweep";

const NOW = Date.parse("2026-11-24T12:30:00Z");
const key = (cls: string, tenant: string, day: string, hh: string, name = "1-a.jsonl") =>
  `logs/${cls}/${tenant}/${day}/${hh}/${name}`;

async function keysUnder(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.LOGS.list({ prefix, cursor });
    keys.push(...page.objects.map((o) => o.key));
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return keys.sort();
}

async function seed(keys: string[]): Promise<void> {
  await Promise.all(keys.map((k) => env.LOGS.put(k, '{"msg":"x"}\n')));
}

/** Every archive key of the tenants used here (other tests may leave objects of their own). */
const mine = async (tenants: string[]) =>
  (
    await Promise.all(
      tenants.flatMap((t) => [`logs/debug-info/${t}/`, `logs/warn-error/${t}/`].map(keysUnder)),
    )
  )
    .flat()
    .sort();

beforeEach(async () => {
  await env.LOGS.delete(STATE_KEY);
});

let spies: { mockRestore(): void }[] = [];
afterEach(() => {
  for (const s of spies) s.mockRestore();
  spies = [];
});

describe("the retention decision (pure)", () => {
  it("keeps debug/info 30 days and warn/error 90 days after the end of the key's hour", () => {
    expect(RETENTION_DAYS).toEqual({ "debug-info": 30, "warn-error": 90 });
    // 2026-10-25 11:00-12:00 ended 30 days before 12:00 on 11-24: expired at 12:30.
    expect(isExpired(key("debug-info", "a", "2026-10-25", "11"), NOW)).toBe(true);
    expect(isExpired(key("debug-info", "a", "2026-10-25", "12"), NOW)).toBe(false);
    expect(isExpired(key("debug-info", "a", "2026-10-25", "11"), Date.parse("2026-11-24T11:59:59Z"))).toBe(
      false,
    );
    expect(isExpired(key("warn-error", "a", "2026-08-26", "11"), NOW)).toBe(true);
    expect(isExpired(key("warn-error", "a", "2026-08-26", "12"), NOW)).toBe(false);
    expect(isExpired(key("warn-error", "a", "2026-10-01", "00"), NOW)).toBe(false);
    expect(isExpired("logs/debug-info/a/notes.txt", NOW)).toBe(false);
    expect(isExpired("other/2020-01-01/00/x.jsonl", NOW)).toBe(false);
  });

  it("looks into a day only when its first hour may be past retention", () => {
    expect(dayMayHoldExpired("debug-info", "2026-10-25", NOW)).toBe(true);
    expect(dayMayHoldExpired("debug-info", "2026-10-26", NOW)).toBe(false);
    expect(dayMayHoldExpired("warn-error", "2026-10-25", NOW)).toBe(false);
    expect(dayMayHoldExpired("warn-error", "not-a-day", NOW)).toBe(false);
  });

  it("sweeps on the first cron tick of an hour, or on any tick while a run is unfinished", () => {
    expect(sweepDue(Date.parse("2026-11-24T12:00:00Z"), false)).toBe(true);
    expect(sweepDue(Date.parse("2026-11-24T12:04:59Z"), false)).toBe(true);
    expect(sweepDue(Date.parse("2026-11-24T12:05:00Z"), false)).toBe(false);
    expect(sweepDue(Date.parse("2026-11-24T12:35:00Z"), true)).toBe(true);
  });
});

describe("the sweep over the LOGS bucket", () => {
  it("deletes what is past retention per level class and keeps the rest", async () => {
    const tenants = ["sweep-a", "sweep-b"];
    const expired = [
      key("debug-info", "sweep-a", "2026-09-01", "03"),
      key("debug-info", "sweep-a", "2026-10-25", "11"),
      key("debug-info", "sweep-b", "2026-10-20", "23", "2-b.jsonl"),
      key("warn-error", "sweep-a", "2026-08-01", "00"),
      key("warn-error", "sweep-b", "2026-08-26", "11"),
    ];
    const kept = [
      key("debug-info", "sweep-a", "2026-10-25", "12"),
      key("debug-info", "sweep-a", "2026-11-24", "12"),
      key("debug-info", "sweep-b", "2026-11-01", "00"),
      // warn/error of the same dates as deleted debug/info ones: still within 90 days.
      key("warn-error", "sweep-a", "2026-09-01", "03"),
      key("warn-error", "sweep-a", "2026-10-25", "11"),
      key("warn-error", "sweep-b", "2026-08-26", "12"),
    ];
    await seed([...expired, ...kept, "other/2020-01-01/00/x.jsonl"]);

    // Unbounded here: the bucket also holds other test files' archives (isolate: false).
    const result = await sweepLogs(env.LOGS, NOW, { maxListCalls: 1_000_000, maxDeletes: 1_000_000 });
    expect(result.complete).toBe(true);
    expect(result.deleted).toBeGreaterThanOrEqual(expired.length);
    expect(await mine(tenants)).toEqual([...kept].sort());
    expect(await keysUnder("other/")).toEqual(["other/2020-01-01/00/x.jsonl"]);
    expect((await readState(env.LOGS)).unfinished).toBe(false);
  });

  it("is bounded per run and resumes where it stopped until everything expired is gone", async () => {
    const tenants = ["sweep-c", "sweep-d", "sweep-e"];
    const expired = tenants.flatMap((t) =>
      ["01", "02", "03"].map((hh) => key("debug-info", t, "2026-09-15", hh, `${hh}-x.jsonl`)),
    );
    const kept = tenants.map((t) => key("debug-info", t, "2026-11-20", "08"));
    await seed([...expired, ...kept]);

    const first = await sweepLogs(env.LOGS, NOW, { maxListCalls: 100, maxDeletes: 2 });
    expect(first.complete).toBe(false);
    expect(first.deleted).toBe(2);
    expect((await readState(env.LOGS)).unfinished).toBe(true);
    expect((await mine(tenants)).length).toBe(expired.length + kept.length - 2);

    let runs = 1;
    let last = first;
    while (!last.complete && runs < 40) {
      last = await sweepLogs(env.LOGS, NOW, { maxListCalls: 4, maxDeletes: 2 });
      expect(last.listCalls).toBeLessThanOrEqual(4);
      expect(last.deleted).toBeLessThanOrEqual(2);
      runs++;
    }
    expect(last.complete).toBe(true);
    expect(runs).toBeGreaterThan(2);
    expect(await mine(tenants)).toEqual([...kept].sort());
    expect((await readState(env.LOGS)).unfinished).toBe(false);
  });

  it("runs from the Cron Trigger on the first tick of the hour, not on the others", async () => {
    spies = (["log", "info", "warn", "error"] as const).map((m) =>
      vi.spyOn(console, m).mockImplementation(() => {}),
    );
    const old = key("warn-error", "sweep-cron", "2026-01-01", "00");
    await seed([old]);

    const tick = async (iso: string) => {
      const ctx = createExecutionContext();
      await worker.scheduled(
        createScheduledController({ scheduledTime: Date.parse(iso), cron: "*/5 * * * *" }),
        env,
        ctx,
      );
      await waitOnExecutionContext(ctx);
    };
    await tick("2026-11-24T12:05:00Z");
    expect(await keysUnder("logs/warn-error/sweep-cron/")).toEqual([old]);
    await tick("2026-11-24T13:00:00Z");
    // The bucket may hold other tenants' archives (files share it): an unfinished pass goes on at the
    // next ticks, whatever their minute, until it is complete.
    for (let minute = 5; minute < 60 && (await readState(env.LOGS)).unfinished; minute += 5) {
      await tick(`2026-11-24T13:${String(minute).padStart(2, "0")}:00Z`);
    }
    expect(await keysUnder("logs/warn-error/sweep-cron/")).toEqual([]);
  });
});
