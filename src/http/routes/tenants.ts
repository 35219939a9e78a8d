/**
 * Tenants' chat workspaces (admin): bind a Slack workspace (team id) or Discord server (guild id) to
 * a tenant, so `/foreman` there acts on it (src/commands/tenancy.ts), and list the bindings.
 * The bootstrap key binds any workspace to any tenant (moving it if it was bound elsewhere); a
 * tenant admin key only to its own tenant, and never takes a workspace bound to another tenant.
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { tenantIdSchema } from "../../agents/model";
import { ConflictError, ForbiddenError } from "../../errors";
import { directory } from "../../rpc";
import { guard } from "../middleware/auth";
import { jsonBody } from "../middleware/body";
import { E409, json, jsonBodyOf, READ_ERRORS, security, WRITE_ERRORS } from "../openapi";
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

function ownTenantOnly(own: string | null, tenant: string): void {
  if (own !== null && own !== tenant) {
    throw new ForbiddenError(`A tenant key can only manage chat workspaces of its own tenant (${own})`);
  }
}

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
    return c.json({ ...binding, previousTenant }, 201);
  });

  app.openapi(list, async (c) => {
    const { id } = c.req.valid("param");
    ownTenantOnly(c.get("principal")?.tenant ?? null, id);
    return c.json({ bindings: await directory(c.env).listChatBindings(id) }, 200);
  });
}
