/**
 * Tenants.
 *
 * - Chat workspaces (admin): bind a Slack workspace (team id) or Discord server (guild id) to a
 *   tenant, so `/foreman` there acts on it (src/tenants/chat-tenant.ts), and list the bindings. The
 *   bootstrap key binds any workspace to any tenant (moving it if it was bound elsewhere); a tenant
 *   admin key only to its own tenant, and never takes a workspace bound to another tenant.
 * - Deletion (bootstrap key only): `DELETE /api/tenants/{id}` removes everything Foreman keeps for
 *   the tenant (src/http/tenant-purge.ts) and answers what it removed; `GET
 *   /api/tenants/deletions` lists the deletion records (who, when, what).
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { forgetDemoSeed } from "../../agents/coordinator/demo";
import { tenantIdSchema } from "../../agents/model";
import { logger } from "../../observability/logger";
import { ConflictError, ForbiddenError, NotFoundError } from "../../platform/errors";
import { BOOTSTRAP_KEY_ID } from "../../tenants/authenticate";
import { forgetChatTenant } from "../../tenants/chat-tenant";
import { defaultTenant } from "../../tenants/default-tenant";
import { directory } from "../../tenants/stub";
import { guard, requireOwnTenant } from "../middleware/auth";
import { jsonBody } from "../middleware/body";
import { E404, E409, json, jsonBodyOf, READ_ERRORS, security, WRITE_ERRORS } from "../openapi";
import { LimitQuery } from "../schemas";
import { purgeTenant } from "../tenant-purge";
import type { AppEnv } from "../types";

const tags = ["tenants"];

const SLACK_TEAM = /^[TE][A-Z0-9]{2,20}$/;
const DISCORD_GUILD = /^\d{17,20}$/;

// `clone()`: zod instances made before @hono/zod-openapi loaded lack `.openapi`.
const TenantParam = z.object({
  id: tenantIdSchema.clone().openapi({
    param: { name: "id", in: "path" },
    description: "Tenant id",
    example: "acme",
  }),
});

const BindChatBody = z
  .object({
    platform: z.enum(["slack", "discord"]),
    workspaceId: z.string().min(1).max(32).openapi({
      description: "Slack team id (T…, or E… for an Enterprise Grid org) or Discord guild id (a snowflake)",
      example: "T0123ABCD",
    }),
  })
  .strict()
  .superRefine((body, ctx) => {
    const ok = (body.platform === "slack" ? SLACK_TEAM : DISCORD_GUILD).test(body.workspaceId);
    if (!ok) {
      ctx.addIssue({
        code: "custom",
        path: ["workspaceId"],
        message:
          body.platform === "slack"
            ? "must be a Slack team id such as T0123ABCD"
            : "must be a Discord guild id (17-20 digits)",
      });
    }
  })
  .openapi("BindChat");

const ChatBindingSchema = z
  .object({
    platform: z.enum(["slack", "discord"]),
    workspaceId: z.string(),
    tenant: z.string(),
    createdAt: z.string().openapi({ example: "2026-11-24T10:00:00.000Z" }),
  })
  .openapi("ChatBinding");

const BoundSchema = ChatBindingSchema.extend({
  previousTenant: z
    .string()
    .nullable()
    .openapi({ description: "The tenant the workspace was bound to before (bootstrap key only), else null" }),
}).openapi("ChatBindingResult");

const bind = createRoute({
  method: "post",
  path: "/api/tenants/{id}/chat",
  tags,
  summary: "Bind a Slack workspace or Discord server to the tenant (admin; a tenant key only its own)",
  security,
  middleware: [guard("admin", { action: "tenants.chat.bind", param: "id", resolve: false }), jsonBody()],
  request: { params: TenantParam, body: jsonBodyOf(BindChatBody) },
  responses: {
    201: { description: "The binding", content: json(BoundSchema) },
    ...WRITE_ERRORS,
    ...E409,
  },
});

const list = createRoute({
  method: "get",
  path: "/api/tenants/{id}/chat",
  tags,
  summary: "The chat workspaces bound to the tenant (admin; a tenant key only its own)",
  security,
  middleware: [guard("admin", { param: "id", resolve: false })],
  request: { params: TenantParam },
  responses: {
    200: { description: "Bindings", content: json(z.object({ bindings: z.array(ChatBindingSchema) })) },
    ...READ_ERRORS,
  },
});

const Removed = z.record(z.string(), z.number().int().nonnegative()).openapi({
  description:
    "What was removed, by kind: workflows, agents, auditEntries, teamMembers, channelLinks, outboxEntries, " +
    "deadLetters, chatBindings, webhookHooks, kvKeys, r2Objects, durableObjects, apiKeys, resources",
  example: { workflows: 2, agents: 3, apiKeys: 1, kvKeys: 0, r2Objects: 12 },
});

const DeletedSchema = z.object({ tenant: z.string(), removed: Removed }).openapi("TenantDeleted");

const DeletionSchema = z
  .object({
    id: z.string(),
    tenant: z.string(),
    deletedAt: z.string().openapi({ example: "2026-11-24T10:00:00.000Z" }),
    keyId: z.string().openapi({ description: "The key that deleted it (`bootstrap`)" }),
    correlationId: z.string(),
    removed: Removed,
  })
  .openapi("TenantDeletion");

const remove = createRoute({
  method: "delete",
  path: "/api/tenants/{id}",
  tags,
  summary:
    "Delete a tenant and everything Foreman keeps for it; answers what was removed (bootstrap key only)",
  security,
  middleware: [guard("admin", { action: "tenants.delete", param: "id", resolve: false })],
  request: { params: TenantParam },
  responses: {
    200: { description: "The tenant is gone", content: json(DeletedSchema) },
    ...READ_ERRORS,
    ...E404,
  },
});

const deletions = createRoute({
  method: "get",
  path: "/api/tenants/deletions",
  tags,
  summary: "Tenant deletion records, newest first: who deleted which tenant, when, what (bootstrap key only)",
  security,
  middleware: [guard("admin", { resolve: false })],
  request: { query: z.object({ limit: LimitQuery }) },
  responses: {
    200: { description: "Deletion records", content: json(z.object({ deletions: z.array(DeletionSchema) })) },
    ...READ_ERRORS,
  },
});

const log = logger("http.tenants");

function bootstrapOnly(keyId: string | undefined, what: string): void {
  if (keyId !== BOOTSTRAP_KEY_ID) {
    throw new ForbiddenError(`Only the bootstrap key (ADMIN_API_KEY) can ${what}`);
  }
}

const ownTenantOnly = (own: string | null, tenant: string) =>
  requireOwnTenant(own, tenant, "chat workspaces of its own tenant");

export function registerTenantRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(bind, async (c) => {
    const { id } = c.req.valid("param");
    const { platform, workspaceId } = c.req.valid("json");
    const own = c.get("principal")?.tenant ?? null;
    ownTenantOnly(own, id);
    c.set("tenant", id);
    c.set("target", `${platform}:${workspaceId}`);
    const dir = directory(c.env);
    const current = await dir.chatTenant(platform, workspaceId);
    if (own !== null && current !== null && current !== id) {
      throw new ConflictError(`The ${platform} workspace ${workspaceId} is bound to another tenant`);
    }
    const { binding, previousTenant } = await dir.bindChat(platform, workspaceId, id);
    forgetChatTenant(platform, workspaceId);
    return c.json({ ...binding, previousTenant }, 201);
  });

  app.openapi(list, async (c) => {
    const { id } = c.req.valid("param");
    ownTenantOnly(c.get("principal")?.tenant ?? null, id);
    return c.json({ bindings: await directory(c.env).listChatBindings(id) }, 200);
  });

  app.openapi(deletions, async (c) => {
    bootstrapOnly(c.get("principal")?.keyId, "list tenant deletions");
    const { limit } = c.req.valid("query");
    return c.json({ deletions: await directory(c.env).tenantDeletions(limit) }, 200);
  });

  app.openapi(remove, async (c) => {
    const { id } = c.req.valid("param");
    const keyId = c.get("principal")?.keyId;
    bootstrapOnly(keyId, "delete a tenant");
    // Filed under no tenant: the audit (and request metrics, logs) must not recreate what is deleted.
    // The Directory's deletion record is the audit entry.
    c.set("tenant", undefined);
    const correlationId = c.get("correlationId");
    const report = await purgeTenant(c.env, id, { keyId: keyId ?? BOOTSTRAP_KEY_ID, correlationId });
    if (!report) throw new NotFoundError(`Tenant ${id} not found`);
    if (id === defaultTenant(c.env)) forgetDemoSeed();
    forgetChatTenant();
    log.info("tenant.deleted", { deletedTenant: id, keyId, removed: report.removed });
    return c.json(report, 200);
  });
}
