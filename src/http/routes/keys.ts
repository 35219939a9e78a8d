/** API keys (admin): create (plaintext shown once, stored as SHA-256 hash), list, revoke. */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { ForbiddenError, NotFoundError } from "../../platform/errors";
import { generateApiKey, hashApiKey } from "../../tenants/keys";
import { directory } from "../../tenants/stub";
import { guard } from "../middleware/auth";
import { jsonBody } from "../middleware/body";
import { E404, json, jsonBodyOf, READ_ERRORS, security, WRITE_ERRORS } from "../openapi";
import { CreatedKeySchema, CreateKeyBody, IdParam, KeySchema, TenantQuery } from "../schemas";
import type { AppEnv } from "../types";

const tags = ["keys"];

const create = createRoute({
  method: "post",
  path: "/api/keys",
  tags,
  summary: "Create an API key for a tenant (admin; a tenant key only for its own tenant)",
  security,
  middleware: [guard("admin", { action: "keys.create" }), jsonBody()],
  request: { body: jsonBodyOf(CreateKeyBody) },
  responses: {
    201: { description: "The key, with its plaintext (shown only here)", content: json(CreatedKeySchema) },
    ...WRITE_ERRORS,
  },
});

const list = createRoute({
  method: "get",
  path: "/api/keys",
  tags,
  summary: "API keys, never their hashes (admin; the bootstrap key sees all or ?tenant=)",
  security,
  middleware: [guard("admin")],
  request: { query: z.object({ tenant: TenantQuery }) },
  responses: {
    200: { description: "Keys", content: json(z.object({ keys: z.array(KeySchema) })) },
    ...READ_ERRORS,
  },
});

const revoke = createRoute({
  method: "delete",
  path: "/api/keys/{id}",
  tags,
  summary: "Revoke an API key, effective at once (admin)",
  security,
  middleware: [guard("admin", { action: "keys.revoke", param: "id", resolve: false })],
  request: { params: IdParam },
  responses: {
    200: { description: "The revoked key", content: json(KeySchema) },
    ...READ_ERRORS,
    ...E404,
  },
});

export function registerKeyRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(create, async (c) => {
    const body = c.req.valid("json");
    const own = c.get("principal")?.tenant ?? null;
    if (own !== null && body.tenant !== own) {
      throw new ForbiddenError(`A tenant key can only create keys for its own tenant (${own})`);
    }
    c.set("tenant", body.tenant);
    const key = generateApiKey();
    const info = await directory(c.env).createKey({
      tenant: body.tenant,
      role: body.role,
      name: body.name ?? "",
      hash: await hashApiKey(key),
    });
    c.set("target", info.id);
    const { id, tenant, role, name, createdAt } = info;
    return c.json({ id, key, tenant, role, name, createdAt }, 201);
  });

  app.openapi(list, async (c) => {
    const own = c.get("principal")?.tenant ?? null;
    const tenant = own ?? c.get("explicitTenant");
    return c.json({ keys: await directory(c.env).listKeys(tenant) }, 200);
  });

  app.openapi(revoke, async (c) => {
    const { id } = c.req.valid("param");
    const own = c.get("principal")?.tenant ?? undefined;
    const revoked = await directory(c.env).revokeKey(id, own);
    if (!revoked) throw new NotFoundError(`API key ${id} not found`);
    c.set("tenant", revoked.tenant);
    return c.json(revoked, 200);
  });
}
