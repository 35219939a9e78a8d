/**
 * The tenant admins' side of the per-tenant webhooks (src/tenants/hooks.ts):
 *
 * - `GET /api/webhooks/{kind}/secret`: the tenant's webhook URL and state (never the secret).
 * - `POST /api/webhooks/{kind}/secret`: creates the hook (201) or rotates its secret (200) and answers
 *   `{url, secret}` — the only time the secret is shown. Linear may adopt the secret Linear's UI made
 *   (`{"secret": …}`) and unbind its organisation (`{"resetOrganization": true}`).
 * - `DELETE /api/webhooks/{kind}/secret/previous`: ends a rotation (the previous secret stops working).
 * - `POST /api/webhooks/reencrypt` (bootstrap key): re-seals every hook under the current
 *   TOKEN_ENCRYPTION_KEY after a key rotation.
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { ForbiddenError, ValidationError } from "../../platform/errors";
import { settings } from "../../settings/stub";
import { webhookOverview } from "../../settings/webhook-overview";
import { BOOTSTRAP_KEY_ID } from "../../tenants/authenticate";
import { resealTokens } from "../../tenants/credential-seal";
import { askerOf, finishRotation, HOOK_KINDS, issueSecret, resealAll } from "../../tenants/hooks";
import { currentTenant, guard } from "../middleware/auth";
import { jsonBody } from "../middleware/body";
import { E404, E409, json, READ_ERRORS, security, WRITE_ERRORS } from "../openapi";
import { ErrorSchema, TenantQuery } from "../schemas";
import type { AppEnv } from "../types";

const tags = ["webhooks"];
const Timestamp = z.string().openapi({ example: "2026-11-24T10:00:00.000Z" });

const KindParam = z.object({
  kind: z.enum(HOOK_KINDS).openapi({ param: { name: "kind", in: "path" }, description: "github or linear" }),
});

const LinkStateSchema = z.object({
  target: z.string().openapi({ description: "owner/repo, or a Linear team key" }),
  active: z
    .boolean()
    .openapi({ description: "A delivery about it, signed with the tenant's secret, arrived" }),
  activeSince: Timestamp.nullable(),
  via: z.enum(["hook", "deployment", "app"]).nullable(),
});

const WebhookStatusSchema = z
  .object({
    kind: z.enum(HOOK_KINDS),
    configured: z.boolean().openapi({ description: "The tenant has its own hook (URL and secret)" }),
    hookId: z.string().nullable(),
    url: z.string().nullable().openapi({ description: "The Payload URL to give GitHub / Linear" }),
    path: z.string().nullable(),
    createdAt: Timestamp.nullable(),
    rotatedAt: Timestamp.nullable(),
    previousAcceptedUntil: Timestamp.nullable().openapi({
      description: "During a rotation: until when the previous secret is still accepted",
    }),
    deployment: z
      .object({ url: z.string().nullable(), path: z.string() })
      .nullable()
      .openapi({ description: "Default tenant with the deployment-wide secret set: the seed URL works too" }),
    links: z.array(LinkStateSchema),
    linearOrganization: z
      .object({ organizationId: z.string(), boundAt: Timestamp })
      .nullable()
      .openapi({ description: "Linear: the organisation bound by the first delivery handed over" }),
  })
  .openapi("WebhookStatus");

const IssuedSchema = WebhookStatusSchema.extend({
  secret: z
    .string()
    .openapi({ description: "The webhook secret: shown only in this answer, stored encrypted" }),
}).openapi("WebhookSecret");

const IssueBody = z
  .object({
    secret: z.string().optional().openapi({
      description:
        "Linear only: adopt the signing secret Linear's UI generated (24-200 printable characters)",
    }),
    resetOrganization: z.boolean().optional().openapi({
      description: "Linear only: unbind the Linear organisation, so the next delivery binds one again",
    }),
  })
  .strict()
  .openapi("IssueWebhookSecret");

const ResealSchema = z
  .object({
    hooks: z.number(),
    resealed: z.number(),
    failed: z.array(
      z.object({ hookId: z.string(), tenant: z.string(), kind: z.enum(HOOK_KINDS), error: z.string() }),
    ),
  })
  .extend({
    tokens: z
      .object({
        tokens: z.number(),
        resealed: z.number(),
        failed: z.array(
          z.object({ tenant: z.string(), platform: z.string(), account: z.string(), error: z.string() }),
        ),
      })
      .openapi({ description: "The installs' tokens (Slack, Linear), re-sealed the same way" }),
  })
  .openapi("WebhookReseal");

const status = createRoute({
  method: "get",
  path: "/api/webhooks/{kind}/secret",
  tags,
  summary: "The tenant's webhook URL and state, never the secret (admin)",
  security,
  middleware: [guard("admin")],
  request: { params: KindParam },
  responses: {
    200: {
      description: "URL, rotation, linked repositories / teams and their state",
      content: json(WebhookStatusSchema),
    },
    ...READ_ERRORS,
  },
});

const issue = createRoute({
  method: "post",
  path: "/api/webhooks/{kind}/secret",
  tags,
  summary: "Create the tenant's webhook, or rotate its secret; the secret is shown only here (admin)",
  security,
  middleware: [guard("admin", { action: "webhooks.secret", param: "kind", resolve: false }), jsonBody()],
  request: { params: KindParam, body: { required: false, content: json(IssueBody) } },
  responses: {
    201: { description: "Created: URL and secret", content: json(IssuedSchema) },
    200: {
      description: "Rotated: the previous secret is accepted until previousAcceptedUntil",
      content: json(IssuedSchema),
    },
    ...WRITE_ERRORS,
    ...E409,
    503: {
      description: "TOKEN_ENCRYPTION_KEY is not set (or wrong): no secret can be stored",
      content: json(ErrorSchema),
    },
  },
});

const finish = createRoute({
  method: "delete",
  path: "/api/webhooks/{kind}/secret/previous",
  tags,
  summary: "End a rotation now: the previous secret stops being accepted (admin)",
  security,
  middleware: [guard("admin", { action: "webhooks.secret.finish", param: "kind", resolve: false })],
  request: { params: KindParam },
  responses: {
    200: { description: "The webhook, with no previous secret", content: json(WebhookStatusSchema) },
    ...READ_ERRORS,
    ...E404,
  },
});

const reseal = createRoute({
  method: "post",
  path: "/api/webhooks/reencrypt",
  tags,
  summary:
    "Re-seal every tenant's webhook secrets and installs' tokens under the current TOKEN_ENCRYPTION_KEY (bootstrap key)",
  security,
  middleware: [guard("admin", { action: "webhooks.reencrypt", resolve: false }), jsonBody()],
  request: {
    query: z.object({
      tenant: TenantQuery.openapi({ description: "Only this tenant's hooks (default: every tenant's)" }),
    }),
  },
  responses: {
    200: {
      description: "How many hooks were re-sealed; `failed` must be empty before the old key goes",
      content: json(ResealSchema),
    },
    ...READ_ERRORS,
  },
});

export function registerWebhookSecretRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(status, async (c) => {
    const { kind } = c.req.valid("param");
    return c.json(await webhookOverview(c.env, currentTenant(c), kind, askerOf(c.env, c.req.url)), 200);
  });

  app.openapi(issue, async (c) => {
    const { kind } = c.req.valid("param");
    const { secret, resetOrganization } = c.req.valid("json");
    if (kind === "github" && (secret !== undefined || resetOrganization !== undefined)) {
      throw new ValidationError([
        {
          field: secret !== undefined ? "secret" : "resetOrganization",
          message: "only for Linear: GitHub secrets are generated by Foreman",
        },
      ]);
    }
    const tenant = currentTenant(c);
    const asker = askerOf(c.env, c.req.url);
    const issued = await issueSecret(c.env, tenant, kind, asker, secret);
    if (resetOrganization) await settings(c.env, tenant).resetLinearOrganization();
    const overview = await webhookOverview(c.env, tenant, kind, asker);
    return c.json({ ...overview, secret: issued.secret }, issued.created ? 201 : 200);
  });

  app.openapi(finish, async (c) => {
    const { kind } = c.req.valid("param");
    const tenant = currentTenant(c);
    const asker = askerOf(c.env, c.req.url);
    await finishRotation(c.env, tenant, kind, asker);
    return c.json(await webhookOverview(c.env, tenant, kind, asker), 200);
  });

  app.openapi(reseal, async (c) => {
    if (c.get("principal")?.keyId !== BOOTSTRAP_KEY_ID) {
      throw new ForbiddenError(
        "Only the bootstrap key (ADMIN_API_KEY) can re-encrypt every tenant's secrets",
      );
    }
    const only = c.req.valid("query").tenant;
    c.set("tenant", only);
    const hostname = new URL(c.req.url).hostname;
    const hooks = await resealAll(c.env, hostname, only);
    return c.json({ ...hooks, tokens: await resealTokens(c.env, hostname, only) }, 200);
  });
}
