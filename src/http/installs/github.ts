/**
 * Connecting a GitHub App installation to a tenant.
 *
 * `GET /github/install?state=…` (the link `/foreman setup` or `POST /api/tenants/{id}/connect/github`
 * gives an admin) sends the browser to `https://github.com/apps/<slug>/installations/new` with the
 * state. GitHub comes back to the app's Setup URL, `GET /github/setup?installation_id=…&state=…`:
 * the state says which tenant; the App's own JWT asks GitHub for the installation (it must be this
 * App's), and the installation's token lists the repositories it covers. Then the installation is
 * recorded (src/tenants/installs.ts): its deliveries reach this tenant only, and `link github`
 * accepts only repositories it covers.
 *
 * Who may bind an installation: one that is bound already stays with its tenant. An unbound one is
 * bound when GitHub vouches that the person in the browser can access it — the app requests user
 * authorisation during installation, so GitHub adds `code`, exchanged for a user token whose
 * `/user/installations` must list it (GITHUB_APP_CLIENT_ID / _SECRET set) — or, without that, only
 * when it was created in the last hour (the redirect right after installing). Otherwise anyone with a
 * state of their own tenant could claim another organisation's installation by its id.
 */

import type { Context } from "hono";
import { auditChange } from "../../agents/coordinator/audit";
import { GitHubApiError, getInstallation, listInstallationRepos } from "../../integrations/github/api";
import {
  appJwt,
  type GitHubAppConfig,
  githubAppConfig,
  installationToken,
} from "../../integrations/github/app-auth";
import { verifyInstallationAccess } from "../../integrations/github/user-auth";
import { defaultFetch } from "../../platform/http-client";
import { recordInstall } from "../../tenants/installs";
import { directory } from "../../tenants/stub";
import type { AppEnv } from "../types";
import { finishState, finishTenantState, hostnameOf, platformErrorPage, startInstall } from "./flow";
import { type Page, pageResponse } from "./pages";

/** How recent an installation must be to be bound without GitHub vouching for the user. */
export const FRESH_INSTALL_MS = 60 * 60_000;

const NOT_CONFIGURED: Page = {
  status: 503,
  title: "The GitHub App is not set up here",
  lines: [
    "Whoever runs this Foreman has not configured a GitHub App (GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY, GITHUB_APP_SLUG), so installations cannot be connected.",
    "Without the App, link repositories with `/foreman link github owner/repo` and add the webhook it shows (docs/install.md).",
  ],
};

export async function githubInstall(c: Context<AppEnv>): Promise<Response> {
  const config = githubAppConfig(c.env);
  if (!config?.slug) return pageResponse(NOT_CONFIGURED);
  const state = c.req.query("state");
  if (!state) {
    return pageResponse({
      status: 400,
      title: "Connect GitHub from your team's chat",
      lines: [
        "A GitHub installation joins a Foreman team: run /foreman setup in your team's channel and choose Connect GitHub.",
      ],
    });
  }
  const slug = config.slug;
  return startInstall(
    c,
    "github",
    { tenant: null, createdBy: null, state },
    (s) =>
      `https://github.com/apps/${encodeURIComponent(slug)}/installations/new?state=${encodeURIComponent(s)}`,
  );
}

export async function githubSetup(c: Context<AppEnv>): Promise<Response> {
  const action = c.req.query("setup_action");
  if (action === "request") {
    return pageResponse({
      status: 200,
      title: "Your request went to the organisation's owners",
      lines: [
        "GitHub asked an owner of the organisation to approve the installation. Once they do, run /foreman setup again and choose Connect GitHub.",
      ],
    });
  }
  const error = c.req.query("error");
  if (error !== undefined) {
    await finishState(c, "github");
    return pageResponse(platformErrorPage("github", error, c.req.query("error_description") ?? null));
  }
  const config = githubAppConfig(c.env);
  if (!config) return pageResponse(NOT_CONFIGURED);
  const rawId = c.req.query("installation_id") ?? "";
  const installationId = /^\d{1,15}$/.test(rawId) ? Number(rawId) : Number.NaN;
  if (!Number.isSafeInteger(installationId)) {
    await finishState(c, "github");
    return pageResponse({
      status: 400,
      title: "GitHub sent no installation",
      lines: ["The redirect had no valid installation_id, so nothing was connected."],
    });
  }
  const finished = await finishTenantState(c, "github");
  if (!finished.ok) return pageResponse(finished.page);
  return pageResponse(await connect(c, config, installationId, finished.tenant, c.req.query("code") ?? null));
}

async function connect(
  c: Context<AppEnv>,
  config: GitHubAppConfig,
  id: number,
  tenant: string,
  code: string | null,
): Promise<Page> {
  const deps = { baseUrl: config.apiUrl, fetch: defaultFetch };
  const known = await directory(c.env).installation("github", String(id));
  if (known && known.tenant !== tenant) return boundElsewhere();
  let installation: Awaited<ReturnType<typeof getInstallation>>;
  let repos: string[];
  try {
    installation = await getInstallation(await appJwt(config, Date.now()), id, deps);
    if (!known) {
      const vouched = await verifyInstallationAccess(c.env, code, id, defaultFetch);
      const fresh =
        installation.createdAt !== null && Date.now() - Date.parse(installation.createdAt) < FRESH_INSTALL_MS;
      if (vouched === "denied" || (vouched === "unverified" && !fresh)) return notVouched(vouched);
    }
    const token = await installationToken(config, id, { fetch: defaultFetch, now: Date.now });
    repos = await listInstallationRepos(token.token, deps);
  } catch (err) {
    if (!(err instanceof GitHubApiError)) throw err;
    return err.notFound
      ? {
          status: 404,
          title: "GitHub does not know this installation",
          lines: [
            `Installation ${id} is not an installation of this Foreman's GitHub App, so nothing was connected.`,
          ],
        }
      : {
          status: 502,
          title: "GitHub did not answer",
          lines: [`${err.message}. Nothing was connected; try again in a minute.`],
        };
  }
  const login = installation.account.login;
  const outcome = await recordInstall(c.env, {
    platform: "github",
    account: String(id),
    tenant,
    name: login,
    installer: null,
    details: {
      account: login,
      accountType: installation.account.type,
      repositorySelection: installation.repositorySelection,
    },
    repos,
    hostname: hostnameOf(c),
  });
  if (!outcome.recorded) return boundElsewhere();
  await auditChange(c.env, tenant, {
    actor: `github:${login}`,
    action: known ? "install.renewed" : "install.created",
    target: `github:${id}`,
    correlationId: c.get("correlationId"),
  });
  return {
    status: 200,
    title: `GitHub connected: ${login}`,
    lines: [
      `Foreman can now reach ${repos.length} ${repos.length === 1 ? "repository" : "repositories"} of ${login}.`,
      "Back in chat, link them to channels: /foreman link github owner/repo, or pick them in /foreman setup.",
    ],
  };
}

function boundElsewhere(): Page {
  return {
    status: 409,
    title: "This installation belongs to another Foreman team",
    lines: [
      "It is connected to another team, so nothing changed. Its owners can uninstall the GitHub App if it should move.",
    ],
  };
}

function notVouched(why: "denied" | "unverified"): Page {
  return {
    status: 403,
    title: "Foreman could not confirm this installation is yours",
    lines: [
      why === "denied"
        ? "GitHub says the account you signed in with cannot access this installation, so it was not connected."
        : "The installation is older than an hour and GitHub did not confirm that you can access it, so it was not connected.",
      "Run /foreman setup again and choose Connect GitHub; GitHub will show the installation to configure, and bring you back here.",
    ],
  };
}
