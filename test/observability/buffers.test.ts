/**
 * The per-isolate observability buffers, on their own (no I/O, explicit clock): when the metric
 * events of a scope (metrics-buffer.ts) and the log lines of an archive group (archive-buffer.ts)
 * become due, what a flush takes, and that nothing is taken twice.
 */
import { describe, expect, it } from "vitest";
import type { Env } from "../../src/env";
import type { ArchivedLine } from "../../src/observability/archive";
import { ArchiveBuffer } from "../../src/observability/archive-buffer";
import { MetricsBuffer } from "../../src/observability/metrics-buffer";
import type { MetricEvent } from "../../src/observability/metrics-model";

const fakeEnv = () => ({ METRICS_ROLLUP: {} }) as unknown as Env;
const fakeBucket = () => ({}) as unknown as R2Bucket;
const event = (n: number): MetricEvent => ({ kind: "sla", at: n, event: "reminder" });
const at = Date.parse("2026-11-24T07:42:10Z");
const line = (level: ArchivedLine["level"], msg: string, tenant?: string): ArchivedLine => ({
  json: JSON.stringify({ level, msg }),
  level,
  tenant,
  at,
});

describe("MetricsBuffer", () => {
  const limits = { maxEvents: 3, maxAgeMs: 2_000, maxScopesPerFlush: 2 };

  it("a scope is due once it holds maxEvents; only due scopes are taken, in order", () => {
    const buffer = new MetricsBuffer(limits);
    const env = fakeEnv();
    expect(buffer.add(env, "a", [event(1), event(2)], 0)).toBe(false);
    expect(buffer.add(env, "b", [event(9)], 0)).toBe(false);
    expect(buffer.takeDue(10)).toEqual([]);
    expect(buffer.add(env, "a", [event(3)], 10)).toBe(true);
    const [batch, ...rest] = buffer.takeDue(10);
    expect(rest).toEqual([]);
    expect(batch?.scope).toBe("a");
    expect(batch?.env).toBe(env);
    expect(batch?.events.map((e) => e.at)).toEqual([1, 2, 3]);
    expect(buffer.size).toBe(1);
    expect(buffer.takeDue(10)).toEqual([]);
  });

  it("a scope is due once its oldest event is maxAgeMs old", () => {
    const buffer = new MetricsBuffer(limits);
    const env = fakeEnv();
    expect(buffer.add(env, "old", [event(1)], 1_000)).toBe(false);
    expect(buffer.add(env, "new", [event(2)], 2_999)).toBe(false);
    expect(buffer.add(env, "new", [event(3)], 3_000)).toBe(true);
    expect(buffer.takeDue(3_000).map((b) => b.scope)).toEqual(["old"]);
    // The age check follows the oldest scope still waiting.
    expect(buffer.anyStale(4_998)).toBe(false);
    expect(buffer.anyStale(4_999)).toBe(true);
    expect(buffer.takeDue(4_999).map((b) => [b.scope, b.events.length])).toEqual([["new", 2]]);
    expect(buffer.size).toBe(0);
    expect(buffer.anyStale(1e12)).toBe(false);
  });

  it("one due-check sends at most maxScopesPerFlush scopes; the rest wait for the next", () => {
    const buffer = new MetricsBuffer(limits);
    const env = fakeEnv();
    for (const scope of ["s1", "s2", "s3"]) buffer.add(env, scope, [event(0)], 0);
    expect(buffer.takeDue(5_000)).toHaveLength(2);
    expect(buffer.takeDue(5_000).map((b) => b.scope)).toEqual(["s3"]);
  });

  it("a deleted tenant's events are dropped, and dropped on arrival for a while", () => {
    const buffer = new MetricsBuffer(limits);
    const env = fakeEnv();
    buffer.add(env, "gone", [event(1)], 0);
    buffer.add(env, "kept", [event(2)], 0);
    buffer.forget("gone", 10, 1_000);
    buffer.add(env, "gone", [event(3)], 500);
    expect(buffer.takeAll().map((b) => [b.scope, b.events.length])).toEqual([["kept", 1]]);
    // After the window the scope records again (a new tenant of that name).
    buffer.add(env, "gone", [event(4)], 1_010);
    expect(buffer.takeAll().map((b) => b.scope)).toEqual(["gone"]);
  });

  it("takeAll takes the named scopes (or all), due or not; rollup namespaces stay apart", () => {
    const buffer = new MetricsBuffer(limits);
    const one = fakeEnv();
    const two = fakeEnv();
    buffer.add(one, "x", [event(1)], 0);
    buffer.add(one, "y", [event(2)], 0);
    buffer.add(two, "x", [event(3)], 0);
    const named = buffer.takeAll(new Set(["x"]));
    expect(named.map((b) => [b.env === one ? "one" : "two", b.scope, b.events[0]?.at])).toEqual([
      ["one", "x", 1],
      ["two", "x", 3],
    ]);
    expect(buffer.takeAll().map((b) => b.scope)).toEqual(["y"]);
    expect(buffer.takeAll()).toEqual([]);
  });
});

describe("ArchiveBuffer", () => {
  const limits = { maxLines: 3, maxAgeMs: 5_000, warnIntervalMs: 1_000, maxTotalLines: 10 };
  const INFO_A = "logs/debug-info/a/2026-11-24/07/";
  const WARN_A = "logs/warn-error/a/2026-11-24/07/";

  it("groups lines by class, tenant and hour; lines naming no tenant take the invocation's", () => {
    const buffer = new ArchiveBuffer(limits);
    const bucket = fakeBucket();
    buffer.add(bucket, [line("info", "1", "a"), line("info", "2"), line("debug", "3", "b")], "a", 0);
    buffer.add(bucket, [line("info", "4")], undefined, 0);
    const batches = buffer.takeAll(0);
    expect(batches.every((b) => b.bucket === bucket)).toBe(true);
    expect(Object.fromEntries(batches.map((b) => [b.prefix, b.lines.map((l) => JSON.parse(l).msg)]))).toEqual(
      {
        [INFO_A]: ["1", "2"],
        "logs/debug-info/b/2026-11-24/07/": ["3"],
        "logs/debug-info/_system/2026-11-24/07/": ["4"],
      },
    );
    expect(buffer.size).toBe(0);
  });

  it("an info group is due at maxLines lines or when its oldest line is maxAgeMs old", () => {
    const buffer = new ArchiveBuffer(limits);
    const bucket = fakeBucket();
    expect(buffer.add(bucket, [line("info", "1", "a"), line("info", "2", "a")], undefined, 0)).toBe(false);
    expect(buffer.add(bucket, [line("info", "x", "b")], undefined, 100)).toBe(false);
    expect(buffer.add(bucket, [line("info", "3", "a")], undefined, 200)).toBe(true);
    expect(buffer.takeDue(200).map((b) => [b.prefix, b.lines.length])).toEqual([[INFO_A, 3]]);
    expect(buffer.due(5_099)).toBe(false);
    expect(buffer.due(5_100)).toBe(true);
    expect(buffer.takeDue(5_100).map((b) => b.prefix)).toEqual(["logs/debug-info/b/2026-11-24/07/"]);
    expect(buffer.due(1e12)).toBe(false);
  });

  it("a deleted tenant's lines are dropped, and dropped on arrival for a while", () => {
    const buffer = new ArchiveBuffer(limits);
    const bucket = fakeBucket();
    buffer.add(
      bucket,
      [line("info", "1", "a"), line("error", "2", "a"), line("info", "3", "b")],
      undefined,
      0,
    );
    buffer.forget("a", 0);
    buffer.add(bucket, [line("info", "4", "a")], undefined, 10);
    expect(buffer.size).toBe(1);
    expect(buffer.takeAll(10).map((b) => b.prefix)).toEqual(["logs/debug-info/b/2026-11-24/07/"]);
  });

  it("a warn-error group is due at once, but written at most once per warnIntervalMs", () => {
    const buffer = new ArchiveBuffer(limits);
    const bucket = fakeBucket();
    expect(buffer.add(bucket, [line("info", "i", "a"), line("error", "e1", "a")], undefined, 0)).toBe(true);
    expect(buffer.takeDue(0).map((b) => [b.prefix, b.lines.length])).toEqual([[WARN_A, 1]]);
    // A second error 0.5 s later waits (an error storm is not one write per request)...
    expect(buffer.add(bucket, [line("warn", "w2", "a")], undefined, 500)).toBe(false);
    expect(buffer.add(bucket, [line("error", "e3", "a")], undefined, 999)).toBe(false);
    expect(buffer.takeDue(999)).toEqual([]);
    // ...until a second has passed since the last write; other tenants' errors do not wait.
    expect(buffer.add(bucket, [line("error", "other", "c")], undefined, 999)).toBe(true);
    expect(buffer.takeDue(999).map((b) => b.prefix)).toEqual(["logs/warn-error/c/2026-11-24/07/"]);
    expect(buffer.due(1_000)).toBe(true);
    const [late] = buffer.takeDue(1_000);
    expect(late?.lines.map((l) => JSON.parse(l).msg)).toEqual(["w2", "e3"]);
    // The info line is still waiting for its own age.
    expect(buffer.size).toBe(1);
  });

  it("over maxTotalLines every group is due; takeAll empties everything", () => {
    const buffer = new ArchiveBuffer(limits);
    const bucket = fakeBucket();
    const tenants = ["t1", "t2", "t3", "t4", "t5"];
    for (const t of tenants.slice(0, 4)) {
      expect(buffer.add(bucket, [line("info", "a", t), line("info", "b", t)], undefined, 0)).toBe(false);
    }
    expect(buffer.add(bucket, [line("info", "a", "t5"), line("info", "b", "t5")], undefined, 0)).toBe(true);
    expect(buffer.takeDue(0)).toHaveLength(5);
    expect(buffer.size).toBe(0);
    const other = fakeBucket();
    buffer.add(bucket, [line("info", "x", "t1")], undefined, 0);
    buffer.add(other, [line("info", "y", "t1")], undefined, 0);
    const all = buffer.takeAll(0);
    expect(all.map((b) => b.bucket === other)).toEqual([false, true]);
    expect(buffer.takeAll(0)).toEqual([]);
  });
});
