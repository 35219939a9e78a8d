/**
 * `GET /api/metrics` (viewer): the tenant's metrics rollup as JSON (last 24 hours) or, with
 * `?format=prometheus`, as Prometheus text (totals since the start). The bootstrap key reads the
 * metrics of traffic without a tenant (platform endpoints, unauthenticated calls) with `?scope=system`.
 * A tenant's answer adds `notifications` from its Context Optimizer (src/http/optimizer.ts); when
 * that cannot be read, the section says so and the rest still answers.
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { ALERT_RULES } from "../../domain/alert-rules";
import { flushMetrics } from "../../observability/metrics";
import { DELIVERY_OUTCOMES, SLA_EVENTS, SYSTEM_SCOPE } from "../../observability/metrics-model";
import { PROMETHEUS_CONTENT_TYPE, prometheusText } from "../../observability/metrics-prometheus";
import { metricsView } from "../../observability/metrics-view";
import { NOTIFY_WINDOW_DAYS, type NotificationsView } from "../../observability/notifications";
import { metrics } from "../../observability/stub";
import { ForbiddenError } from "../../platform/errors";
import { currentTenant, guard } from "../middleware/auth";
import { json, READ_ERRORS, security } from "../openapi";
import { notificationsSection } from "../optimizer";
import { PersonCountsSchema, TenantQuery } from "../schemas";
import type { AppEnv } from "../types";

const Count = z.number().int();
const SYSTEM_HAS_NO_PEOPLE = "scope=system: traffic without a tenant has no people";
const Ms = z.number().nullable();

const NotificationsSchema = z
  .discriminatedUnion("available", [
    z.object({
      available: z.literal(true),
      days: z
        .literal(NOTIFY_WINDOW_DAYS)
        .openapi({ description: "Local days covered: today and the 6 before" }),
      from: z.string().openapi({ description: "Earliest local date covered", example: "2026-11-18" }),
      to: z
        .string()
        .openapi({ description: "Latest local date covered (today, east-most)", example: "2026-11-24" }),
      people: Count.openapi({ description: "People with at least one person-day counted" }),
      personDays: Count,
      messagesPerPersonDay: z
        .object({ median: z.number().nullable(), p95: z.number().nullable(), max: z.number().nullable() })
        .openapi({
          description:
            "Over person-days: each past working day (zero too) and any day with a message (today only then); null with none",
        }),
      today: PersonCountsSchema.openapi({ description: "Sums over everyone's local today" }),
      last7Days: PersonCountsSchema.openapi({ description: "Sums over everyone's 7 local days" }),
    }),
    z.object({
      available: z.literal(false),
      reason: z.string().openapi({ description: "No Context Optimizer, or it did not answer" }),
    }),
  ])
  .openapi("NotificationMetrics", { description: "Messages to people, from the Context Optimizer" });

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
    notifications: NotificationsSchema,
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
  summary: "Requests, deliveries and SLA events of the last 24 h, alert incidents and notifications (viewer)",
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
    const [snapshot, incidents, notifications] = await Promise.all([
      rollup.snapshot({}),
      rollup.currentIncidents(),
      which === "system" ? null : notificationsSection(c.env, scope, Date.now()),
    ]);
    c.header("Cache-Control", "no-store");
    if (format === "prometheus") {
      const text = prometheusText(snapshot, incidents, notifications ?? undefined);
      return c.text(text, 200, { "Content-Type": PROMETHEUS_CONTENT_TYPE });
    }
    const section: NotificationsView = notifications ?? { available: false, reason: SYSTEM_HAS_NO_PEOPLE };
    return c.json({ ...metricsView(scope, snapshot, incidents), notifications: section }, 200);
  });
}
