/**
 * The R2 log archive (src/observability/archive.ts, context.ts): key layout, grouping, and the
 * objects an HTTP request, a queue batch and a scoped invocation leave in the LOGS bucket.
 */
import { createExecutionContext, createMessageBatch, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import {
  type ArchivedLine,
  groupLines,
  hourPrefix,
  LEVEL_CLASSES,
  levelClass,
  parseArchiveKey,
  tenantLogPrefixes,
  tenantSegment,
  writeArchive,
} from "../../src/observability/archive";
import { withLogScope } from "../../src/observability/context";
import { flushObservability } from "../../src/observability/flush";
import { logger } from "../../src/observability/logger";
import { delivery } from "../delivery/support";
import { buildRequest, newKey } from "../http/helpers";

type Line = Record<string, unknown>;

const quiet = () =>
  (["log", "info", "warn", "error", "debug"] as const).map((m) =>
    vi.spyOn(console, m).mockImplementation(() => {}),
  );
let spies: ReturnType<typeof quiet> = [];
afterEach(() => {
  for (const spy of spies) spy.mockRestore();
  spies = [];
});

/**
 * Every archived object under `prefix`: key and parsed JSONL lines — after the isolate's buffered
 * lines were written (lines are archived in batches per isolate).
 */
async function archived(prefix: string): Promise<{ key: string; lines: Line[]; contentType?: string }[]> {
  await flushObservability();
  const out: { key: string; lines: Line[]; contentType?: string }[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.LOGS.list({ prefix, cursor, include: ["httpMetadata"] });
    for (const o of page.objects) {
      const body = await env.LOGS.get(o.key);
      const text = (await body?.text()) ?? "";
      expect(text.endsWith("\n")).toBe(true);
      const lines = text
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l) as Line);
      out.push({ key: o.key, lines, contentType: o.httpMetadata?.contentType });
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return out;
}

const line = (
  level: ArchivedLine["level"],
  tenant: string | undefined,
  at: number,
  msg = "m",
): ArchivedLine => ({
  json: JSON.stringify({ level, msg, tenant }),
  level,
  tenant,
  at,
});

describe("archive keys (pure)", () => {
  const at = Date.parse("2026-11-24T07:42:10Z");

  it("puts the level class first, then tenant, UTC day and hour", () => {
    expect(levelClass("debug")).toBe("debug-info");
    expect(levelClass("info")).toBe("debug-info");
    expect(levelClass("warn")).toBe("warn-error");
    expect(levelClass("error")).toBe("warn-error");
    expect(hourPrefix("warn-error", "acme", at)).toBe("logs/warn-error/acme/2026-11-24/07/");
    const parsed = parseArchiveKey("logs/debug-info/acme/2026-11-24/07/1764-abc.jsonl");
    expect(parsed).toEqual({
      cls: "debug-info",
      tenant: "acme",
      day: "2026-11-24",
      hour: 7,
      hourStart: Date.parse("2026-11-24T07:00:00Z"),
    });
    expect(parseArchiveKey("logs/acme/2026-11-24/07/x.jsonl")).toBeNull();
    expect(parseArchiveKey("logs/debug-info/acme/2026-11-24/24/x.jsonl")).toBeNull();
    expect(tenantLogPrefixes("acme")).toEqual(["logs/debug-info/acme/", "logs/warn-error/acme/"]);
    expect(LEVEL_CLASSES).toEqual(["debug-info", "warn-error"]);
  });

  it("files lines without a tenant under _system and odd tenant values under _other", () => {
    expect(tenantSegment(undefined)).toBe("_system");
    expect(tenantSegment("a/../b")).toBe("_other");
    expect(tenantSegment("_unknown")).toBe("_unknown");
  });

  it("groups by class, tenant and hour", () => {
    const next = at + 3_600_000;
    const groups = groupLines(
      [
        line("info", "a", at, "1"),
        line("debug", "a", at, "2"),
        line("warn", "a", at, "3"),
        line("info", "b", at, "4"),
        line("info", "a", next, "5"),
        line("info", undefined, at, "6"),
      ],
      "fallback",
    );
    expect([...groups.keys()].sort()).toEqual([
      "logs/debug-info/a/2026-11-24/07/",
      "logs/debug-info/a/2026-11-24/08/",
      "logs/debug-info/b/2026-11-24/07/",
      "logs/debug-info/fallback/2026-11-24/07/",
      "logs/warn-error/a/2026-11-24/07/",
    ]);
    expect(groups.get("logs/debug-info/a/2026-11-24/07/")).toHaveLength(2);
  });
});

describe("archived objects", () => {
  it("an invocation leaves one JSONL object per tenant, hour and class, late background lines included", async () => {
    spies = quiet();
    const log = logger("test.archive");
    const ctx = createExecutionContext();
    await withLogScope(env, ctx, { correlationId: "arch-1", tenant: "arch-a" }, async (c) => {
      log.info("first");
      log.debug("filtered out at the default level");
      log.warn("careful");
      log.error("other tenant", { tenant: "arch-b" });
      c?.waitUntil(
        (async () => {
          await new Promise((r) => setTimeout(r, 5));
          log.info("late");
        })(),
      );
    });
    await waitOnExecutionContext(ctx);

    const infoA = await archived("logs/debug-info/arch-a/");
    expect(infoA).toHaveLength(1);
    expect(infoA[0]?.contentType).toBe("application/x-ndjson");
    expect(infoA[0]?.lines.map((l) => l.msg)).toEqual(["first", "late"]);
    expect(infoA[0]?.lines[0]).toMatchObject({ level: "info", correlationId: "arch-1", tenant: "arch-a" });
    const hour = parseArchiveKey(infoA[0]?.key ?? "");
    expect(hour?.tenant).toBe("arch-a");
    expect(Date.now() - (hour?.hourStart ?? 0)).toBeLessThan(2 * 3_600_000);

    const warnA = await archived("logs/warn-error/arch-a/");
    expect(warnA.map((o) => o.lines.map((l) => l.msg))).toEqual([["careful"]]);
    const warnB = await archived("logs/warn-error/arch-b/");
    expect(warnB.map((o) => o.lines.map((l) => l.msg))).toEqual([["other tenant"]]);
    expect(await archived("logs/debug-info/arch-b/")).toEqual([]);
  });

  it("an HTTP request through the Worker archives its request line under the key's tenant", async () => {
    spies = quiet();
    const tenant = "arch-http";
    const { key } = await newKey(tenant, "viewer");
    const request = buildRequest("/api/workflows", { key });
    request.headers.set("X-Correlation-Id", "arch-http-1");
    const ctx = createExecutionContext();
    const res = await worker.fetch(request as Request<unknown, IncomingRequestCfProperties>, env, ctx);
    expect(res.status).toBe(200);
    await waitOnExecutionContext(ctx);
    const objects = await archived(`logs/debug-info/${tenant}/`);
    const lines = objects.flatMap((o) => o.lines);
    expect(lines.find((l) => l.correlationId === "arch-http-1")).toMatchObject({
      msg: "http.request",
      route: "/api/workflows",
      status: 200,
      tenant,
    });
    expect(JSON.stringify(lines)).not.toContain(key);
  });

  it("a queue batch archives the consumer's lines with each delivery's correlation id", async () => {
    spies = quiet();
    const tenant = "arch-queue";
    const message = delivery({
      tenant,
      platform: "discord",
      action: "channels.messages.create",
      body: { channel_id: "1", content: "hi" },
      correlationId: "arch-queue-1",
    });
    const batch = createMessageBatch("foreman-outbound", [
      { id: "m1", timestamp: new Date(), attempts: 1, body: message },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, { ...env, DISCORD_BOT_TOKEN: undefined }, ctx);
    await waitOnExecutionContext(ctx);
    const lines = (await archived(`logs/debug-info/${tenant}/`)).flatMap((o) => o.lines);
    expect(lines.find((l) => l.correlationId === "arch-queue-1")).toMatchObject({
      msg: "delivery.local",
      component: "delivery.consumer",
      deliveryId: message.id,
      tenant,
    });
  });

  it("lines below LOG_LEVEL are not archived either", async () => {
    spies = quiet();
    const ctx = createExecutionContext();
    await withLogScope({ ...env, LOG_LEVEL: "warn" }, ctx, { tenant: "arch-level" }, async () => {
      logger("test.archive").info("dropped");
      logger("test.archive").error("kept");
    });
    await waitOnExecutionContext(ctx);
    expect(await archived("logs/debug-info/arch-level/")).toEqual([]);
    const kept = await archived("logs/warn-error/arch-level/");
    expect(kept.flatMap((o) => o.lines.map((l) => l.msg))).toEqual(["kept"]);
  });

  it("a failing bucket never throws: the failure is reported on the console", async () => {
    const errors: string[] = [];
    spies = quiet();
    spies.push(
      vi.spyOn(console, "error").mockImplementation((text: unknown) => {
        errors.push(String(text));
      }),
    );
    const broken = {
      put: async () => {
        throw new Error("R2 is down");
      },
    } as unknown as R2Bucket;
    const written = await writeArchive(broken, [line("info", "x", Date.now())]);
    expect(written).toEqual([]);
    expect(errors.some((e) => e.includes("log archive write failed") && e.includes("R2 is down"))).toBe(true);

    errors.length = 0;
    const ctx = createExecutionContext();
    await expect(
      withLogScope({ ...env, LOGS: broken }, ctx, {}, async () => {
        logger("test.archive").info("goes nowhere");
        return "done";
      }),
    ).resolves.toBe("done");
    await waitOnExecutionContext(ctx);
    // The line waits in the isolate buffer; writing it fails quietly too.
    await expect(flushObservability()).resolves.toBeUndefined();
    expect(errors.some((e) => e.includes("log archive write failed") && e.includes("R2 is down"))).toBe(true);
  });
});
