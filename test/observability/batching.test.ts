/**
 * Observability writes batched per isolate, through the Worker: requests leave their metric events
 * and log lines in the isolate's buffers (no rollup RPC, no R2 object each), `flushObservability`
 * writes them all, error lines are archived when their invocation ends, and cron runs and queue
 * batches end with a flush of everything. Files share the isolate (and its buffers), so every
 * assertion reads this file's own tenants only.
 */
import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { withLogScope } from "../../src/observability/context";
import { flushObservability } from "../../src/observability/flush";
import { logger } from "../../src/observability/logger";
import { metrics } from "../../src/observability/stub";
import { delivery } from "../delivery/support";
import { buildRequest, newKey, viaApp } from "../http/helpers";

type Line = Record<string, unknown>;

let spies: { mockRestore(): void }[] = [];
const quiet = () => {
  spies = (["log", "info", "warn", "error", "debug"] as const).map((m) =>
    vi.spyOn(console, m).mockImplementation(() => {}),
  );
};
afterEach(() => {
  for (const spy of spies) spy.mockRestore();
  spies = [];
});

/** The objects under `prefix` as they are now (no flush), with their lines. */
async function objectsUnder(prefix: string): Promise<Line[][]> {
  const out: Line[][] = [];
  let cursor: string | undefined;
  do {
    const page = await env.LOGS.list({ prefix, cursor });
    for (const o of page.objects) {
      const text = (await (await env.LOGS.get(o.key))?.text()) ?? "";
      out.push(
        text
          .split("\n")
          .filter((l) => l !== "")
          .map((l) => JSON.parse(l) as Line),
      );
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return out;
}

async function requestCount(tenant: string, route: string): Promise<number> {
  const snap = await metrics(env, tenant).snapshot({});
  return snap.window
    .filter((s) => s.kind === "http" && s.labels.route === route)
    .reduce((sum, s) => sum + s.count, 0);
}

async function viaWorker(request: Request): Promise<number> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(request as Request<unknown, IncomingRequestCfProperties>, env, ctx);
  await res.text();
  await waitOnExecutionContext(ctx);
  return res.status;
}

describe("batched observability writes", () => {
  it("requests share rollup RPCs and archive objects; a flush writes every event and line once", async () => {
    quiet();
    const tenant = "obs-batch-http";
    const { key } = await newKey(tenant, "viewer");
    const REQUESTS = 10;
    for (let i = 0; i < REQUESTS; i++) {
      const request = buildRequest("/api/workflows", { key });
      request.headers.set("X-Correlation-Id", `obs-batch-${i}`);
      expect(await viaWorker(request)).toBe(200);
    }
    await flushObservability();

    expect(await requestCount(tenant, "/api/workflows")).toBe(REQUESTS);
    const objects = await objectsUnder(`logs/debug-info/${tenant}/`);
    const ids = objects
      .flat()
      .filter((l) => l.msg === "http.request" && l.route === "/api/workflows")
      .map((l) => l.correlationId);
    expect(ids.sort()).toEqual(Array.from({ length: REQUESTS }, (_, i) => `obs-batch-${i}`).sort());
    // One object per request before; now the requests' lines share objects.
    expect(objects.length).toBeLessThan(REQUESTS);

    // A second flush writes nothing more: every event and line went once.
    await flushObservability();
    expect(await requestCount(tenant, "/api/workflows")).toBe(REQUESTS);
    expect((await objectsUnder(`logs/debug-info/${tenant}/`)).flat()).toHaveLength(objects.flat().length);
  });

  it("an invocation's warn and error lines are archived when it ends, without a flush", async () => {
    quiet();
    const tenant = "obs-batch-errors";
    const ctx = createExecutionContext();
    await withLogScope(env, ctx, { tenant, correlationId: "obs-batch-err-1" }, async () => {
      logger("test.batching").warn("first warning");
      logger("test.batching").error("then an error");
    });
    await waitOnExecutionContext(ctx);
    const objects = await objectsUnder(`logs/warn-error/${tenant}/`);
    expect(objects.map((o) => o.map((l) => l.msg))).toEqual([["first warning", "then an error"]]);
    expect(objects[0]?.[0]).toMatchObject({ correlationId: "obs-batch-err-1", tenant, level: "warn" });
  });

  it("a cron run ends by flushing every buffer of the isolate", async () => {
    quiet();
    const tenant = "obs-batch-cron";
    const { key } = await newKey(tenant, "viewer");
    expect((await viaApp("/api/workflows", { key })).status).toBe(200);
    const ctx = createExecutionContext();
    await withLogScope(env, ctx, { tenant }, async () =>
      logger("test.batching").info("waiting in the buffer"),
    );
    await waitOnExecutionContext(ctx);

    const cronCtx = createExecutionContext();
    const controller = createScheduledController({
      scheduledTime: Date.parse("2026-11-24T12:07:00Z"),
      cron: "*/5 * * * *",
    });
    await worker.scheduled(controller, env, cronCtx);
    await waitOnExecutionContext(cronCtx);

    expect(await requestCount(tenant, "/api/workflows")).toBe(1);
    const lines = (await objectsUnder(`logs/debug-info/${tenant}/`)).flat();
    expect(lines.map((l) => l.msg)).toContain("waiting in the buffer");
  });

  it("a queue batch ends by flushing every buffer of the isolate", async () => {
    quiet();
    const tenant = "obs-batch-queue";
    const ctx = createExecutionContext();
    await withLogScope(env, ctx, { tenant }, async () => logger("test.batching").info("before the batch"));
    await waitOnExecutionContext(ctx);

    const message = delivery({
      tenant,
      platform: "discord",
      action: "channels.messages.create",
      body: { channel_id: "1", content: "hi" },
      correlationId: "obs-batch-queue-1",
    });
    const batch = createMessageBatch("foreman-outbound", [
      { id: "obq1", timestamp: new Date(), attempts: 1, body: message },
    ]);
    const queueCtx = createExecutionContext();
    await worker.queue(batch, { ...env, DISCORD_BOT_TOKEN: undefined }, queueCtx);
    await waitOnExecutionContext(queueCtx);

    const lines = (await objectsUnder(`logs/debug-info/${tenant}/`)).flat();
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(["before the batch", "delivery.local"]));
    const snap = await metrics(env, tenant).snapshot({});
    expect(snap.window.find((s) => s.kind === "delivery")).toMatchObject({
      labels: { platform: "discord", outcome: "local" },
      count: 1,
    });
  });
});
