/** The tenant's local outbox and dead letters (viewer), and replay of a dead letter (operator). */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { pageDeadLetters, pageOutbox, replayDeadLetter } from "../../delivery/api";
import { PLATFORMS } from "../../delivery/types";
import { unwrap } from "../../platform/errors";
import { deliveriesQuery, nextCursor, pageQuery } from "../delivery-pages";
import { currentTenant, guard } from "../middleware/auth";
import { jsonBody } from "../middleware/body";
import { E404, json, READ_ERRORS, security, WRITE_ERRORS } from "../openapi";
import { IdParam, TenantQuery } from "../schemas";
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

const NextCursor = z.string().nullable().openapi({
  description: "Pass as `cursor` (with the same filters) for the next, older page; null on the last page",
});

const outbox = createRoute({
  method: "get",
  path: "/api/outbox",
  tags,
  summary: "Deliveries kept in the local outbox (platform not configured), newest first (viewer)",
  description:
    "A page at a time, newest first (by `createdAt`; the same time: the later kept first): `limit` " +
    "entries, then `cursor` = `nextCursor` for older ones. `platform` and `since` filter on the server.",
  security,
  middleware: [guard("viewer")],
  request: { query: deliveriesQuery("outbox") },
  responses: {
    200: {
      description: "A page of outbox entries",
      content: json(z.object({ entries: z.array(OutboxEntrySchema), nextCursor: NextCursor })),
    },
    ...READ_ERRORS,
  },
});

const dead = createRoute({
  method: "get",
  path: "/api/deliveries/dead",
  tags,
  summary: "Dead letters: deliveries that failed for good, newest first (viewer)",
  description:
    "A page at a time, newest first (by `failedAt`; the same time: the later recorded first): `limit` " +
    "dead letters, then `cursor` = `nextCursor` for older ones. `platform` and `since` filter on the server.",
  security,
  middleware: [guard("viewer")],
  request: { query: deliveriesQuery("dead") },
  responses: {
    200: {
      description: "A page of dead letters",
      content: json(z.object({ deadLetters: z.array(DeadLetterSchema), nextCursor: NextCursor })),
    },
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
  request: { params: IdParam, query: z.object({ tenant: TenantQuery }) },
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
    const tenant = currentTenant(c);
    const query = pageQuery("outbox", tenant, c.req.valid("query"));
    const page = await pageOutbox(c.env, tenant, query);
    return c.json({ entries: page.items, nextCursor: nextCursor("outbox", tenant, query, page.next) }, 200);
  });

  app.openapi(dead, async (c) => {
    const tenant = currentTenant(c);
    const query = pageQuery("dead", tenant, c.req.valid("query"));
    const page = await pageDeadLetters(c.env, tenant, query);
    return c.json({ deadLetters: page.items, nextCursor: nextCursor("dead", tenant, query, page.next) }, 200);
  });

  app.openapi(replay, async (c) => {
    const { id } = c.req.valid("param");
    return c.json(unwrap(await replayDeadLetter(c.env, currentTenant(c), id)), 202);
  });
}
