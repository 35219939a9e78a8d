/** GET /api/metrics: requests recorded per route pattern, JSON shape, scopes and validation. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { flushObservability } from "../../src/observability/flush";
import type { MetricsView } from "../../src/observability/metrics-view";
import { metrics } from "../../src/observability/stub";
import { errorOf, jsonOf, newKey, viaApp } from "../http/helpers";

/** The rollup as `GET /api/metrics` shows it, after the isolate's buffered request events were sent. */
async function metricsOf(key: string, query = ""): Promise<MetricsView> {
  await flushObservability();
  const res = await viaApp(`/api/metrics${query}`, { key });
  expect(res.status).toBe(200);
  return jsonOf<MetricsView>(res);
}

describe("GET /api/metrics: requests", () => {
  it("counts requests under the matched route pattern, never the raw URL", async () => {
    const tenant = "metrics-routes";
    const { key } = await newKey(tenant, "viewer");
    for (const id of ["agt_aaaaaaaaaaaaaaaaaaaa", "agt_bbbbbbbbbbbbbbbbbbbb"]) {
      expect((await viaApp(`/api/agents/status/${id}`, { key })).status).toBe(404);
    }
    expect((await viaApp("/api/workflows", { key })).status).toBe(200);

    const view = await metricsOf(key);
    expect(view.scope).toBe(tenant);
    expect(view.window).toBe("24h");
    const routes = view.requests.map((r) => r.route);
    expect(routes.some((r) => r.includes("agt_"))).toBe(false);
    const status = view.requests.find((r) => r.route === "/api/agents/status/:id");
    expect(status).toMatchObject({ method: "GET", status: 404, count: 2 });
    expect(status?.p50Ms).not.toBeNull();
    expect(status?.p99Ms).toBeGreaterThanOrEqual(status?.p50Ms ?? 0);
    expect(view.requests.find((r) => r.route === "/api/workflows")).toMatchObject({ status: 200, count: 1 });
    expect(view.totals.requests).toBeGreaterThanOrEqual(3);
    expect(view.since).not.toBeNull();
  });

  it("keeps tenants apart and files traffic without a tenant under the system scope", async () => {
    const a = await newKey("metrics-a", "viewer");
    const b = await newKey("metrics-b", "viewer");
    await viaApp("/api/workflows", { key: a.key });
    await viaApp("/api/workflows", { key: a.key });
    await viaApp("/api/no-such-route-here", { key: null });
    await viaApp("/api/health", { key: null });

    const viewA = await metricsOf(a.key);
    expect(viewA.requests.find((r) => r.route === "/api/workflows")?.count).toBe(2);
    const viewB = await metricsOf(b.key);
    expect(viewB.requests.find((r) => r.route === "/api/workflows")).toBeUndefined();

    // Only the bootstrap key reads the system scope.
    const refused = await viaApp("/api/metrics?scope=system", { key: a.key });
    expect(refused.status).toBe(403);
    const system = await metricsOf("test-admin-key", "?scope=system");
    expect(system.scope).toBe("_system");
    expect(system.requests.find((r) => r.route === "(unmatched)" && r.status === 404)?.count).toBeGreaterThan(
      0,
    );
    expect(system.requests.find((r) => r.route === "/api/health")?.count).toBeGreaterThan(0);
  });

  it("counts server errors, SLA events and deliveries written to the rollup", async () => {
    const tenant = "metrics-rollup";
    const { key } = await newKey(tenant, "viewer");
    const now = Date.now();
    await metrics(env, tenant).record([
      { kind: "http", at: now, route: "/api/x", method: "GET", status: 503, ms: 12 },
      { kind: "sla", at: now, event: "breach" },
      { kind: "sla", at: now, event: "breach" },
      { kind: "sla", at: now, event: "reminder" },
      { kind: "delivery", at: now, platform: "slack", outcome: "dead" },
      // Older than the window: in the totals since the start only.
      { kind: "sla", at: now - 25 * 3600_000, event: "escalation" },
    ]);
    const view = await metricsOf(key);
    expect(view.sla).toEqual([
      { event: "breach", count: 2 },
      { event: "reminder", count: 1 },
    ]);
    expect(view.deliveries).toEqual([{ platform: "slack", outcome: "dead", count: 1 }]);
    expect(view.totals).toMatchObject({
      serverErrors: 1,
      slaBreaches: 2,
      deadLetters: 1,
      deliveryFailures: 1,
    });
  });

  it("requires a key, and names `format` when it is unknown", async () => {
    expect((await viaApp("/api/metrics", { key: null })).status).toBe(401);
    const res = await viaApp("/api/metrics?format=xml");
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.details?.issues?.map((i) => i.field)).toEqual(["format"]);
  });
});

describe("Metrics rollup object", () => {
  it("skips malformed events and rolls periods out of the 24 h window", async () => {
    const rollup = metrics(env, "metrics-object");
    const now = Date.now();
    const kept = await rollup.record([
      { kind: "http", at: now, route: "/api/a", method: "GET", status: 200, ms: 7 },
      { kind: "http", at: now, route: "", method: "GET", status: 200, ms: 7 },
      { kind: "http", at: now, route: "/api/a", method: "GET", status: 42, ms: 7 },
      { kind: "delivery", at: now, platform: "slack", outcome: "lost" as "dead" },
      { kind: "sla", at: now, event: "nope" as "breach" },
    ]);
    expect(kept).toBe(1);
    const snap = await rollup.snapshot({ nowMs: now });
    expect(snap.window).toHaveLength(1);
    expect(snap.window[0]).toMatchObject({ kind: "http", count: 1, sumMs: 7, maxMs: 7 });
    expect(snap.window[0]?.hist?.[1]).toBe(1); // 7 ms: the <= 10 ms cell
    // A day later the window is empty; the totals remain.
    const later = await rollup.snapshot({ nowMs: now + 25 * 3600_000 });
    expect(later.window).toEqual([]);
    expect(later.totals[0]?.count).toBe(1);
  });
});
