/**
 * "Add to Slack": `GET /slack/install[?invite=…]` sends the browser to Slack's consent screen with
 * Foreman's bot scopes and a one-time state; `GET /slack/oauth_redirect` takes the state, exchanges
 * the code (`oauth.v2.access`), and records the install:
 *
 * - a workspace installed before keeps its tenant (a re-install renews its token);
 * - else an invite's tenant (the invite is used up), unless that tenant already has another
 *   workspace (one Slack workspace per tenant: each delivery must know its token);
 * - else a new tenant of its own.
 *
 * The token is sealed into the tenant's Outbox (src/tenants/installs.ts); the workspace is bound to
 * the tenant; the audit log says who installed; the installer gets a DM with the next steps.
 */

import type { Context } from "hono";
import { auditChange } from "../../agents/coordinator/audit";
import { enqueueDelivery } from "../../delivery/enqueue";
import {
  exchangeSlackCode,
  type SlackGrant,
  SlackOAuthError,
  slackAuthorizeUrl,
  slackOAuthConfig,
} from "../../integrations/slack/oauth";
import { forgetWorkspaceToken } from "../../integrations/slack/workspace-token";
import { defaultFetch } from "../../platform/http-client";
import { expiresAtAfter } from "../../tenants/credential-seal";
import { recordInstall } from "../../tenants/installs";
import { checkInvite, INVITE_PROBLEMS } from "../../tenants/oauth-state";
import { directory } from "../../tenants/stub";
import type { AppEnv } from "../types";
import { finishState, hostnameOf, missingKeyPage, originOf, platformErrorPage, startInstall } from "./flow";
import { type Page, pageResponse } from "./pages";

export const SLACK_REDIRECT_PATH = "/slack/oauth_redirect";

const NOT_CONFIGURED: Page = {
  status: 503,
  title: "Slack installs are not set up here",
  lines: [
    "Whoever runs this Foreman has not given it a Slack app's client id and secret (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET), so it cannot be added to workspaces.",
    "To run Foreman for a single workspace instead, set SLACK_BOT_TOKEN (docs/install.md).",
  ],
};

export async function slackInstall(c: Context<AppEnv>): Promise<Response> {
  const config = slackOAuthConfig(c.env);
  if (!config) return pageResponse(NOT_CONFIGURED);
  const noKey = await missingKeyPage(c);
  if (noKey) return pageResponse(noKey);
  const token = c.req.query("invite");
  let joining: { tenant: string; invite: string } | null = null;
  if (token !== undefined) {
    const checked = await checkInvite(c.env, token);
    if (typeof checked === "string") {
      return pageResponse({
        status: checked === "unknown" ? 404 : 410,
        title: "This invite cannot be used",
        lines: [INVITE_PROBLEMS[checked]],
      });
    }
    joining = { tenant: checked.invite.tenant, invite: checked.hash };
  }
  const redirectUri = `${originOf(c)}${SLACK_REDIRECT_PATH}`;
  return startInstall(
    c,
    "slack",
    { tenant: joining?.tenant ?? null, invite: joining?.invite ?? null, createdBy: null },
    (state) => slackAuthorizeUrl(config, { redirectUri, state }),
  );
}

export async function slackRedirect(c: Context<AppEnv>): Promise<Response> {
  const error = c.req.query("error");
  const finished = await finishState(c, "slack");
  if (error !== undefined) return pageResponse(platformErrorPage("slack", error, null));
  if (!finished.ok) return pageResponse(finished.page);
  const config = slackOAuthConfig(c.env);
  if (!config) return pageResponse(NOT_CONFIGURED);
  const code = c.req.query("code");
  if (!code) {
    return pageResponse({
      status: 400,
      title: "Slack sent no code",
      lines: ["The redirect from Slack had no code, so nothing was installed."],
      next: { href: "/slack/install", label: "Start again" },
    });
  }
  let grant: SlackGrant;
  try {
    grant = await exchangeSlackCode(
      config,
      { code, redirectUri: `${originOf(c)}${SLACK_REDIRECT_PATH}` },
      defaultFetch,
    );
  } catch (err) {
    if (!(err instanceof SlackOAuthError)) throw err;
    return pageResponse({
      status: 502,
      title: "Slack did not finish the install",
      lines: [
        `${err.message}. Nothing was installed and nothing was stored.`,
        "Start again; codes work once and expire after ten minutes.",
      ],
      next: { href: "/slack/install", label: "Start again" },
    });
  }
  return pageResponse(await bind(c, grant, finished.taken.tenant, finished.taken.invite));
}

async function bind(
  c: Context<AppEnv>,
  grant: SlackGrant,
  invited: string | null,
  invite: string | null,
): Promise<Page> {
  const account = grant.isEnterpriseInstall ? grant.enterprise?.id : grant.team?.id;
  if (!account)
    return {
      status: 502,
      title: "Slack did not say which workspace",
      lines: ["Slack's answer named no workspace, so nothing was installed."],
    };
  const name = (grant.isEnterpriseInstall ? grant.enterprise?.name : grant.team?.name) ?? account;
  const dir = directory(c.env);
  const known = await dir.installation("slack", account);
  if (known && invited !== null && known.tenant !== invited) {
    return {
      status: 409,
      title: "This workspace already has Foreman",
      lines: [
        `${name} is already connected to another Foreman team, so the invite was not used. Ask that team's admin, or remove Foreman from the workspace first.`,
      ],
    };
  }
  let tenant = known?.tenant ?? invited;
  if (tenant !== null && !known) {
    const others = (await dir.installationsOf(tenant)).filter(
      (i) => i.platform === "slack" && i.account !== account && i.revokedAt === null,
    );
    if (others.length > 0) {
      return {
        status: 409,
        title: "This team already has a Slack workspace",
        lines: [
          `The Foreman team you were invited to already uses the workspace ${others[0]?.name ?? "another workspace"}. A team has one Slack workspace; install Foreman without the invite to start a team of its own.`,
        ],
      };
    }
  }
  const noKey = await missingKeyPage(c);
  if (noKey) return noKey;
  if (invite !== null && !known) {
    const used = await dir.useInvite(invite, `slack:${grant.installerId ?? account}`);
    if (typeof used === "string")
      return {
        status: 410,
        title: "This invite cannot be used",
        lines: [INVITE_PROBLEMS[used], "Nothing was installed."],
      };
  }
  tenant ??= await dir.newTenant(name);
  const expiresAt = expiresAtAfter(grant.expiresInSeconds, Date.now());
  const chat = [grant.team?.id, grant.isEnterpriseInstall ? grant.enterprise?.id : undefined]
    .filter((id): id is string => typeof id === "string")
    .map((workspaceId) => ({ platform: "slack" as const, workspaceId }));
  // The key was checked above (missingKeyPage), so sealing the token cannot fail for want of one.
  const outcome = await recordInstall(c.env, {
    platform: "slack",
    account,
    tenant,
    name,
    installer: grant.installerId ? `slack:${grant.installerId}` : null,
    details: {
      teamId: grant.team?.id ?? null,
      enterpriseId: grant.enterprise?.id ?? null,
      botUserId: grant.botUserId,
      appId: grant.appId,
      scopes: grant.scopes.join(","),
      tokenRotation: grant.refreshToken !== null,
    },
    secret: { token: grant.botToken, refreshToken: grant.refreshToken, expiresAt },
    chat,
    hostname: hostnameOf(c),
  });
  if (!outcome.recorded)
    return {
      status: 409,
      title: "This workspace already has Foreman",
      lines: [`${name} is connected to another Foreman team.`],
    };
  for (const id of chat) forgetWorkspaceToken(id.workspaceId);
  const correlationId = c.get("correlationId");
  const actor = grant.installerId ? `chat:slack:${grant.installerId}` : `slack:${account}`;
  await auditChange(c.env, tenant, {
    actor,
    action: known ? "install.renewed" : "install.created",
    target: `slack:${account}`,
    correlationId,
  });
  if (grant.installerId) await welcome(c, tenant, grant.installerId, name, correlationId);
  return {
    status: 200,
    title: `Foreman is in ${name}`,
    lines: [
      known
        ? "Foreman's token for this workspace was renewed; nothing else changed."
        : invited
          ? "This workspace joined your Foreman team."
          : "Foreman made a team for this workspace.",
      "Next: type /foreman setup in the channel where your team works. It connects GitHub, links repositories to the channel and imports your team. We sent you these steps in a direct message too.",
    ],
  };
}

/** The installer's first message from Foreman: what to do next (sent with the new token). */
async function welcome(
  c: Context<AppEnv>,
  tenant: string,
  userId: string,
  workspace: string,
  correlationId: string,
): Promise<void> {
  const text = [
    `Foreman is installed in ${workspace.replace(/[<>&]/g, "")}. Three steps and your team is set up:`,
    "1. In your team's channel, type `/foreman setup`: it shows what is connected and what is left.",
    "2. Connect GitHub there (or `link github owner/repo`) so pull requests reach Foreman.",
    "3. `/foreman team import github:<org>/<team>` adds your team in one go.",
  ].join("\n");
  await enqueueDelivery(c.env, {
    tenant,
    platform: "slack",
    action: "chat.postMessage",
    body: { channel: userId, text },
    key: `install:slack:welcome:${tenant}:${userId}`,
    correlationId,
  });
}
