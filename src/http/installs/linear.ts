/**
 * Connecting a Linear organisation: `GET /linear/install?state=…` (a link from `/foreman setup` or
 * `POST /api/tenants/{id}/connect/linear`) sends the browser to Linear's consent screen (`actor=app`:
 * Foreman acts as itself, not as the person who installs it); `GET /linear/oauth_redirect` takes the
 * state, exchanges the code, asks Linear which organisation the token is for, and keeps the token
 * sealed in the tenant's Outbox. Webhooks from that organisation then reach this tenant only.
 */

import type { Context } from "hono";
import { auditChange } from "../../agents/coordinator/audit";
import { LinearRequestError } from "../../integrations/linear/graphql";
import {
  exchangeLinearCode,
  LinearOAuthError,
  linearAuthorizeUrl,
  linearOAuthConfig,
  linearOrganization,
} from "../../integrations/linear/oauth";
import { defaultFetch } from "../../platform/http-client";
import { expiresAtAfter } from "../../tenants/credential-seal";
import { recordInstall } from "../../tenants/installs";
import type { AppEnv } from "../types";
import {
  finishTenantState,
  hostnameOf,
  missingKeyPage,
  originOf,
  platformErrorPage,
  startInstall,
} from "./flow";
import { type Page, pageResponse } from "./pages";

export const LINEAR_REDIRECT_PATH = "/linear/oauth_redirect";

const NOT_CONFIGURED: Page = {
  status: 503,
  title: "Linear installs are not set up here",
  lines: [
    "Whoever runs this Foreman has not given it a Linear OAuth application (LINEAR_CLIENT_ID, LINEAR_CLIENT_SECRET). Without it, an API key (LINEAR_API_KEY) serves one team (docs/install.md).",
  ],
};

export async function linearInstall(c: Context<AppEnv>): Promise<Response> {
  const config = linearOAuthConfig(c.env);
  if (!config) return pageResponse(NOT_CONFIGURED);
  const noKey = await missingKeyPage(c);
  if (noKey) return pageResponse(noKey);
  const state = c.req.query("state");
  if (!state) {
    return pageResponse({
      status: 400,
      title: "Connect Linear from your team's chat",
      lines: ["Run /foreman setup in your team's channel and choose Connect Linear."],
    });
  }
  const redirectUri = `${originOf(c)}${LINEAR_REDIRECT_PATH}`;
  return startInstall(c, "linear", { tenant: null, createdBy: null, state }, (s) =>
    linearAuthorizeUrl(config, { redirectUri, state: s }),
  );
}

export async function linearRedirect(c: Context<AppEnv>): Promise<Response> {
  const error = c.req.query("error");
  const finished = await finishTenantState(c, "linear");
  if (error !== undefined)
    return pageResponse(platformErrorPage("linear", error, c.req.query("error_description") ?? null));
  if (!finished.ok) return pageResponse(finished.page);
  const tenant = finished.tenant;
  const config = linearOAuthConfig(c.env);
  if (!config) return pageResponse(NOT_CONFIGURED);
  const noKey = await missingKeyPage(c);
  if (noKey) return pageResponse(noKey);
  const code = c.req.query("code");
  if (!code)
    return pageResponse({ status: 400, title: "Linear sent no code", lines: ["Nothing was connected."] });
  return pageResponse(await connect(c, config, tenant, code));
}

async function connect(
  c: Context<AppEnv>,
  config: NonNullable<ReturnType<typeof linearOAuthConfig>>,
  tenant: string,
  code: string,
): Promise<Page> {
  let grant: Awaited<ReturnType<typeof exchangeLinearCode>>;
  let org: Awaited<ReturnType<typeof linearOrganization>>;
  try {
    grant = await exchangeLinearCode(
      config,
      { code, redirectUri: `${originOf(c)}${LINEAR_REDIRECT_PATH}` },
      defaultFetch,
    );
    org = await linearOrganization(grant.accessToken, config.apiUrl);
  } catch (err) {
    if (!(err instanceof LinearOAuthError) && !(err instanceof LinearRequestError)) throw err;
    return {
      status: 502,
      title: "Linear did not finish the install",
      lines: [`${err.message}. Nothing was stored; start again from /foreman setup.`],
    };
  }
  const expiresAt = expiresAtAfter(grant.expiresIn, Date.now());
  const outcome = await recordInstall(c.env, {
    platform: "linear",
    account: org.id,
    tenant,
    name: org.name,
    installer: null,
    details: { urlKey: org.urlKey, scopes: grant.scope.join(",") },
    secret: { token: grant.accessToken, refreshToken: grant.refreshToken, expiresAt },
    hostname: hostnameOf(c),
  });
  if (!outcome.recorded) {
    return {
      status: 409,
      title: "This Linear organisation belongs to another Foreman team",
      lines: ["Nothing changed."],
    };
  }
  await auditChange(c.env, tenant, {
    actor: `linear:${org.id}`,
    action: "install.created",
    target: `linear:${org.id}`,
    correlationId: c.get("correlationId"),
  });
  return {
    status: 200,
    title: `Linear connected: ${org.name}`,
    lines: ["Back in chat, link a Linear team to a channel: /foreman link linear <team key>."],
  };
}
