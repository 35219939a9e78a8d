/**
 * Installs (docs/install.md).
 *
 * Browser pages (no API key: the platform's consent and a one-time state authorise them):
 * `GET /slack/install`, `GET /slack/oauth_redirect`, `GET /github/install`, `GET /github/setup`,
 * `GET /discord/install`, `GET /discord/oauth_redirect`, `GET /linear/install`,
 * `GET /linear/oauth_redirect`.
 *
 * API (admin; a tenant key only its own tenant): a tenant's installs, single-use invites that let a
 * new Slack workspace join the tenant, and connect links (a fresh state) for GitHub, Linear, Discord.
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { tenantIdSchema } from "../../agents/model";
import { outbox } from "../../delivery/stub";
import { INSTALL_PLATFORMS } from "../../tenants/installations";
import { newInvite, newOAuthState, STATE_TTL_MS } from "../../tenants/oauth-state";
import { directory } from "../../tenants/stub";
import { discordInstall, discordRedirect } from "../installs/discord";
import { originOf } from "../installs/flow";
import { githubInstall, githubSetup } from "../installs/github";
import { linearInstall, linearRedirect } from "../installs/linear";
import { slackInstall, slackRedirect } from "../installs/slack";
import { guard, requireOwnTenant } from "../middleware/auth";
import { jsonBody } from "../middleware/body";
import { json, READ_ERRORS, security, WRITE_ERRORS } from "../openapi";
import type { AppEnv } from "../types";

const tags = ["installs"];

const TenantParam = z.object({
  id: tenantIdSchema
    .clone()
    .openapi({ param: { name: "id", in: "path" }, description: "Tenant id", example: "acme" }),
});

const InstallationSchema = z
  .object({
    platform: z.enum(INSTALL_PLATFORMS),
    account: z.string().openapi({
      description:
        "Slack team/enterprise id, Discord guild id, GitHub installation id, Linear organisation id",
    }),
    name: z.string().nullable(),
    installer: z.string().nullable(),
    details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
    installedAt: z.string(),
    updatedAt: z.string(),
    revokedAt: z.string().nullable(),
    revokedReason: z.string().nullable(),
    repositories: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "GitHub: repositories the installation covers" }),
  })
  .openapi("Installation");

const InviteSchema = z
  .object({
    id: z.string(),
    tenant: z.string(),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
    expiresAt: z.string(),
    usedAt: z.string().nullable(),
    usedBy: z.string().nullable(),
  })
  .openapi("Invite");

const NewInviteBody = z
  .object({
    expiresInHours: z
      .number()
      .int()
      .min(1)
      .max(720)
      .optional()
      .openapi({ description: "Default 168 (7 days)" }),
  })
  .strict()
  .openapi("NewInvite");

const installations = createRoute({
  method: "get",
  path: "/api/tenants/{id}/installations",
  tags,
  summary:
    "The tenant's installs: Slack workspace, GitHub App installations, Discord servers, Linear organisation",
  security,
  middleware: [guard("admin", { param: "id", resolve: false })],
  request: { params: TenantParam },
  responses: {
    200: {
      description: "Installs (never a token)",
      content: json(z.object({ installations: z.array(InstallationSchema) })),
    },
    ...READ_ERRORS,
  },
});

const createInvite = createRoute({
  method: "post",
  path: "/api/tenants/{id}/invites",
  tags,
  summary: "A single-use invite link: the Slack workspace installed through it joins this tenant",
  security,
  middleware: [guard("admin", { action: "tenants.invite", param: "id", resolve: false }), jsonBody()],
  request: { params: TenantParam, body: { required: false, content: json(NewInviteBody) } },
  responses: {
    201: {
      description: "The invite; `url` is shown once (only its hash is kept)",
      content: json(InviteSchema.extend({ url: z.string() }).openapi("NewInviteResult")),
    },
    ...WRITE_ERRORS,
  },
});

const listInvites = createRoute({
  method: "get",
  path: "/api/tenants/{id}/invites",
  tags,
  summary: "The tenant's invites, newest first (never their links)",
  security,
  middleware: [guard("admin", { param: "id", resolve: false })],
  request: { params: TenantParam },
  responses: {
    200: { description: "Invites", content: json(z.object({ invites: z.array(InviteSchema) })) },
    ...READ_ERRORS,
  },
});

const connect = createRoute({
  method: "post",
  path: "/api/tenants/{id}/connect/{platform}",
  tags,
  summary: "A link that installs GitHub, Linear or Discord for this tenant (valid 15 minutes, once)",
  security,
  middleware: [guard("admin", { action: "tenants.connect", param: "id", resolve: false }), jsonBody()],
  request: {
    params: TenantParam.extend({
      platform: z.enum(["github", "linear", "discord"]).openapi({ param: { name: "platform", in: "path" } }),
    }),
  },
  responses: {
    201: {
      description: "The link",
      content: json(z.object({ url: z.string(), expiresInSeconds: z.number() })),
    },
    ...WRITE_ERRORS,
  },
});

export function registerInstallRoutes(app: OpenAPIHono<AppEnv>): void {
  app.get("/slack/install", slackInstall);
  app.get("/slack/oauth_redirect", slackRedirect);
  app.get("/github/install", githubInstall);
  app.get("/github/setup", githubSetup);
  app.get("/discord/install", discordInstall);
  app.get("/discord/oauth_redirect", discordRedirect);
  app.get("/linear/install", linearInstall);
  app.get("/linear/oauth_redirect", linearRedirect);

  app.openapi(installations, async (c) => {
    const { id } = c.req.valid("param");
    requireOwnTenant(c.get("principal")?.tenant ?? null, id);
    const [installs, credentials] = await Promise.all([
      directory(c.env).installationsOf(id),
      outbox(c.env, id).credentials(),
    ]);
    const repos = new Map(
      credentials.filter((k) => k.platform === "github").map((k) => [k.account, k.repos]),
    );
    const list = installs.map(({ tenant: _t, ...i }) => ({
      ...i,
      repositories: i.platform === "github" ? (repos.get(i.account) ?? 0) : null,
    }));
    return c.json({ installations: list }, 200);
  });

  app.openapi(createInvite, async (c) => {
    const { id } = c.req.valid("param");
    requireOwnTenant(c.get("principal")?.tenant ?? null, id);
    c.set("tenant", id);
    const hours = c.req.valid("json")?.expiresInHours;
    const createdBy = c.get("principal")?.keyId ?? null;
    const ttlMs = hours === undefined ? undefined : hours * 3_600_000;
    const { token, invite } = await newInvite(c.env, { tenant: id, createdBy, ttlMs });
    c.set("target", invite.id);
    return c.json({ ...invite, url: `${originOf(c)}/slack/install?invite=${token}` }, 201);
  });

  app.openapi(listInvites, async (c) => {
    const { id } = c.req.valid("param");
    requireOwnTenant(c.get("principal")?.tenant ?? null, id);
    return c.json({ invites: await directory(c.env).invitesOf(id) }, 200);
  });

  app.openapi(connect, async (c) => {
    const { id, platform } = c.req.valid("param");
    requireOwnTenant(c.get("principal")?.tenant ?? null, id);
    c.set("tenant", id);
    c.set("target", platform);
    const state = await newOAuthState(c.env, {
      purpose: platform,
      tenant: id,
      createdBy: c.get("principal")?.keyId ?? null,
    });
    const url = `${originOf(c)}/${platform}/install?state=${state}`;
    return c.json({ url, expiresInSeconds: STATE_TTL_MS / 1000 }, 201);
  });
}
