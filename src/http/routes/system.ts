/** Health (no auth) and the audit log (admin). */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import pkg from "../../../package.json";
import { coordinator } from "../../agents/coordinator/stub";
import { checkHealth, failing } from "../health";
import { currentTenant, guard } from "../middleware/auth";
import { json, READ_ERRORS, security } from "../openapi";
import { AuditEntrySchema, TenantLimitQuery } from "../schemas";
import type { AppEnv } from "../types";

export const VERSION: string = pkg.version;

const Component = z.object({
  status: z.enum(["healthy", "unhealthy"]),
  latencyMs: z.number(),
  error: z.string().optional(),
});

const HealthSchema = z
  .object({
    status: z.enum(["healthy", "degraded"]),
    timestamp: z.string(),
    version: z.string(),
    environment: z.string(),
    components: z.object({
      coordinator: Component,
      agents: Component,
      storage: z.object({ kv: Component, r2: Component }),
    }),
    failing: z.array(z.string()).optional().openapi({ description: "Failing components (when degraded)" }),
  })
  .openapi("Health");

const health = createRoute({
  method: "get",
  path: "/api/health",
  tags: ["system"],
  summary: "Health from real checks: Coordinator round trip, agent classes, KV and R2 (no auth)",
  responses: {
    200: { description: "Every component healthy", content: json(HealthSchema) },
    503: { description: "Degraded: at least one component failing (named)", content: json(HealthSchema) },
  },
});

const auditLog = createRoute({
  method: "get",
  path: "/api/audit",
  tags: ["system"],
  summary: "The tenant's audit log, newest first (admin)",
  security,
  middleware: [guard("admin")],
  request: { query: TenantLimitQuery },
  responses: {
    200: { description: "Audit entries", content: json(z.object({ entries: z.array(AuditEntrySchema) })) },
    ...READ_ERRORS,
  },
});

export function registerSystemRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(health, async (c) => {
    const { healthy, components } = await checkHealth(c.env);
    const body = {
      status: healthy ? ("healthy" as const) : ("degraded" as const),
      timestamp: new Date().toISOString(),
      version: VERSION,
      environment: c.env.ENVIRONMENT ?? "unknown",
      components,
      ...(healthy ? {} : { failing: failing(components) }),
    };
    c.header("Cache-Control", "no-store");
    return healthy ? c.json(body, 200) : c.json(body, 503);
  });

  app.openapi(auditLog, async (c) => {
    const { limit } = c.req.valid("query");
    const entries = await coordinator(c.env, currentTenant(c)).listAudit(limit);
    return c.json({ entries }, 200);
  });
}
