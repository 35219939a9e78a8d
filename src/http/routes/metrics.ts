/**
 * `GET /api/metrics` (viewer): the tenant's metrics rollup as JSON (last 24 hours) or, with
 * `?format=prometheus`, as Prometheus text (totals since the start). The bootstrap key reads the
 * metrics of traffic without a tenant (platform endpoints, unauthenticated calls) with `?scope=system`.
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { ALERT_RULES } from "../../domain/alert-rules";
import { flushMetrics } from "../../observability/metrics";
import { DELIVERY_OUTCOMES, SLA_EVENTS, SYSTEM_SCOPE } from "../../observability/metrics-model";
import { PROMETHEUS_CONTENT_TYPE, prometheusText } from "../../observability/metrics-prometheus";
import { metricsView } from "../../observability/metrics-view";
import { metrics } from "../../observability/stub";
import { ForbiddenError } from "../../platform/errors";
import { currentTenant, guard } from "../middleware/auth";
import { json, READ_ERRORS, security } from "../openapi";
import { TenantQuery } from "../schemas";
import type { AppEnv } from "../types";

const Count = z.number().int();
const Ms = z.number().nullable();

const MetricsSchema = z
  .object({
    generatedAt: z.string(),
    scope: z.string().openapi({ description: "The tenant, or `_system` for traffic without one" }),
    window: z.literal("24h"),
    since: z.string().nullable().openapi({ description: "When this rollup recorded its first event" }),
    requests: z.array(
      z.object({
        route: z
          .string()
          .openapi({ example: "/api/agents/:id", description: "Route pattern, or `(unmatched)`" }),
        method: z.string(),
        status: Count,
        count: Count,
        p50Ms: Ms,
        p99Ms: Ms,
      }),
    ),
    deliveries: z.array(
      z.object({
        platform: z.string(),
        outcome: z.enum(DELIVERY_OUTCOMES),
        count: Count,
      }),
    ),
    sla: z.array(z.object({ event: z.enum(SLA_EVENTS), count: Count })),
    totals: z.object({
      requests: Count,
      serverErrors: Count,
      deliveries: Count,
      deliveryFailures: Count.openapi({ description: "Deliveries retried or dead-lettered" }),
      deadLetters: Count,
      slaBreaches: Count,
    }),
    alerts: z.array(
      z.object({
        rule: z.enum(ALERT_RULES),
        incident: Count,
        status: z.enum(["open", "resolved"]),
        openedAt: z.string(),
        resolvedAt: z.string().nullable(),
        threshold: Count,
        peak: Count,
        lastValue: Count,
      }),
    ),
  })
  .openapi("Metrics");

const MetricsQuery = z.object({
  format: z
    .enum(["json", "prometheus"])
    .default("json")
    .openapi({ description: "`prometheus`: text exposition format 0.0.4 (totals since the start)" }),
  scope: z
    .enum(["tenant", "system"])
    .default("tenant")
    .openapi({ description: "`system`: traffic without a tenant (bootstrap key only)" }),
  tenant: TenantQuery,
});

const route = createRoute({
  method: "get",
  path: "/api/metrics",
  tags: ["system"],
  summary: "Requests, deliveries and SLA events of the last 24 h, and alert incidents (viewer)",
  security,
  middleware: [guard("viewer")],
  request: { query: MetricsQuery },
  responses: {
    200: {
      description: "The metrics rollup",
      content: {
        ...json(MetricsSchema),
        "text/plain": {
          schema: z.string().openapi({ description: "Prometheus text format 0.0.4 (`?format=prometheus`)" }),
        },
      },
    },
    ...READ_ERRORS,
  },
});

export function registerRuntimeMetricsRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    const { format, scope: which } = c.req.valid("query");
    if (which === "system" && c.get("principal")?.tenant !== null) {
      throw new ForbiddenError("scope=system requires the bootstrap key");
    }
    const scope = which === "system" ? SYSTEM_SCOPE : currentTenant(c);
    const rollup = metrics(c.env, scope);
    // What this isolate still buffers is sent first, so a reader sees at least its own traffic.
    await flushMetrics();
    const [snapshot, incidents] = await Promise.all([rollup.snapshot({}), rollup.currentIncidents()]);
    c.header("Cache-Control", "no-store");
    if (format === "prometheus") {
      return c.text(prometheusText(snapshot, incidents), 200, { "Content-Type": PROMETHEUS_CONTENT_TYPE });
    }
    return c.json(metricsView(scope, snapshot, incidents), 200);
  });
}
