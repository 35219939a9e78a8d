/** The tenant's local outbox and dead letters (viewer), and replay of a dead letter (operator). */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { listDeadLetters, listOutbox, replayDeadLetter } from "../../delivery/api";
import { PLATFORMS } from "../../delivery/types";
import { unwrap } from "../../platform/errors";
import { currentTenant, guard } from "../middleware/auth";
import { jsonBody } from "../middleware/body";
import { E404, json, READ_ERRORS, security, WRITE_ERRORS } from "../openapi";
import { IdParam, TenantLimitQuery } from "../schemas";
import type { AppEnv } from "../types";

const tags = ["deliveries"];
const PlatformSchema = z.enum(PLATFORMS);
const Body = z
  .record(z.string(), z.unknown())
  .openapi({ description: "Credential-like fields are redacted" });

const OutboxEntrySchema = z
  .object({
    id: z.string(),
    tenant: z.string(),
    platform: PlatformSchema,
    action: z.string(),
    body: Body,
    key: z.string(),
    correlationId: z.string(),
    enqueuedAt: z.string(),
    createdAt: z.string(),
  })
  .openapi("OutboxEntry");

const DeadLetterSchema = z
  .object({
    id: z.string(),
    deliveryId: z.string(),
    tenant: z.string(),
    platform: z.union([PlatformSchema, z.literal("unknown")]),
    action: z.string(),
    body: Body,
    key: z.string(),
    correlationId: z.string(),
    enqueuedAt: z.string().nullable(),
    attempts: z.number(),
    lastStatus: z.number().nullable(),
    lastError: z.string(),
    reason: z.enum(["permanent", "exhausted", "malformed", "dlq"]),
    source: z.enum(["consumer", "dlq"]),
    failedAt: z.string(),
    replayedAt: z.string().nullable(),
    replayDeliveryId: z.string().nullable(),
    replayCount: z.number(),
  })
  .openapi("DeadLetter");

const outbox = createRoute({
  method: "get",
  path: "/api/outbox",
  tags,
  summary: "Deliveries kept in the local outbox (platform not configured), newest first (viewer)",
  security,
  middleware: [guard("viewer")],
  request: { query: TenantLimitQuery },
  responses: {
    200: { description: "Outbox entries", content: json(z.object({ entries: z.array(OutboxEntrySchema) })) },
    ...READ_ERRORS,
  },
});

const dead = createRoute({
  method: "get",
  path: "/api/deliveries/dead",
  tags,
  summary: "Dead letters: deliveries that failed for good, newest first (viewer)",
  security,
  middleware: [guard("viewer")],
  request: { query: TenantLimitQuery },
  responses: {
    200: { description: "Dead letters", content: json(z.object({ deadLetters: z.array(DeadLetterSchema) })) },
    ...READ_ERRORS,
  },
});

const replay = createRoute({
  method: "post",
  path: "/api/deliveries/dead/{id}/replay",
  tags,
  summary: "Put a dead letter back on the queue as a new delivery with the same key (operator)",
  security,
  middleware: [guard("operator", { action: "deliveries.replay", param: "id", resolve: false }), jsonBody()],
  request: { params: IdParam, query: z.object({ tenant: TenantLimitQuery.shape.tenant }) },
  responses: {
    202: {
      description: "Requeued",
      content: json(z.object({ id: z.string(), deliveryId: z.string(), requeuedAt: z.string() })),
    },
    ...WRITE_ERRORS,
    ...E404,
  },
});

export function registerDeliveryRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(outbox, async (c) => {
    const { limit } = c.req.valid("query");
    return c.json({ entries: await listOutbox(c.env, currentTenant(c), { limit }) }, 200);
  });

  app.openapi(dead, async (c) => {
    const { limit } = c.req.valid("query");
    return c.json({ deadLetters: await listDeadLetters(c.env, currentTenant(c), { limit }) }, 200);
  });

  app.openapi(replay, async (c) => {
    const { id } = c.req.valid("param");
    return c.json(unwrap(await replayDeadLetter(c.env, currentTenant(c), id)), 202);
  });
}
