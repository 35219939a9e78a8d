/**
 * With a GitHub App configured, the seed URL (`/api/webhooks/github`, signed with the App's webhook
 * secret GITHUB_WEBHOOK_SECRET) is the App's webhook: every delivery names its installation, and it
 * reaches only the tenant that installation is connected to (src/tenants/installations.ts). One not
 * connected to any tenant reaches none (202). Deliveries without an installation, or without an
 * App, keep the seed URL's meaning: the default tenant (single-team self-hosting).
 *
 * The installation's own lifecycle is applied first, whatever the tenant links: `installation`
 * deleted or suspended forgets it at once (src/tenants/installs.ts), unsuspended restores it, and
 * `installation_repositories` changes the repositories it covers.
 *
 * Which tenant an installation belongs to: ./app-installs.ts (cached while live).
 */

import { auditChange } from "../agents/coordinator/audit";
import { outbox } from "../delivery/stub";
import type { Env } from "../env";
import { asRecord } from "../events/outcome";
import type { InstallationChangedEvent } from "../events/types";
import { listInstallationRepos } from "../integrations/github/api";
import { forgetInstallationToken, githubAppConfig, installationToken } from "../integrations/github/app-auth";
import { logger } from "../observability/logger";
import { errorMessage } from "../platform/errors";
import { defaultFetch } from "../platform/http-client";
import { revokeInstall } from "../tenants/installs";
import type { Receiver } from "../tenants/receivers";
import { directory } from "../tenants/stub";
import { appInstallation, forgetAppInstallation } from "./app-installs";

const log = logger("webhook.github.app");

/** The repositories an installation covers, asked of GitHub; null when GitHub cannot say now. */
async function coveredNow(env: Env, id: number): Promise<string[] | null> {
  const config = githubAppConfig(env);
  if (!config) return null;
  try {
    const { token } = await installationToken(config, id, { fetch: defaultFetch, now: Date.now });
    return await listInstallationRepos(token, { baseUrl: config.apiUrl, fetch: defaultFetch });
  } catch (err) {
    log.warn("github.installation_repos_failed", { installationId: id, error: errorMessage(err) });
    return null;
  }
}

/** The installation a payload names, if it is a GitHub App delivery this deployment handles. */
export function installationIdOf(env: Env, receiver: Receiver, payload: unknown): number | null {
  if (receiver.via !== "deployment" || githubAppConfig(env) === null) return null;
  const id = asRecord(asRecord(payload)?.installation)?.id;
  return typeof id === "number" && Number.isSafeInteger(id) ? id : null;
}

/**
 * The receiver an App delivery is for: its installation's tenant, or a reason it reaches nobody.
 */
export async function appReceiver(
  env: Env,
  receiver: Receiver,
  installationId: number,
  nowMs: number,
): Promise<{ receiver: Receiver } | { ignored: string }> {
  const installation = await appInstallation(env, "github", String(installationId), nowMs);
  if (!installation) {
    return {
      ignored: `GitHub App installation ${installationId} is not connected to a Foreman team: run /foreman setup and choose Connect GitHub`,
    };
  }
  if (installation.revokedAt !== null) {
    return {
      ignored: `GitHub App installation ${installationId} was ${installation.revokedReason ?? "revoked"}`,
    };
  }
  return { receiver: { ...receiver, tenant: installation.tenant, via: "app" } };
}

/** Applies an installation's own change to its tenant's credentials (before any routing). */
export async function applyInstallationChange(
  env: Env,
  event: InstallationChangedEvent,
  correlationId: string,
): Promise<void> {
  const id = event.installationId;
  const installation = await directory(env).installation("github", String(id));
  if (!installation) return;
  const account = String(id);
  const names = (refs: { fullName: string }[]) => refs.map((r) => r.fullName);
  if (event.event === "installation_repositories") {
    await outbox(env, installation.tenant).changeRepos(account, names(event.added), names(event.removed));
    return;
  }
  if (event.action === "deleted" || event.action === "suspend") {
    const reason = event.action === "deleted" ? "uninstalled on GitHub" : "suspended on GitHub";
    await revokeInstall(env, "github", account, reason);
    forgetInstallationToken(id);
    forgetAppInstallation("github", account);
    await auditChange(env, installation.tenant, {
      actor: event.sender ? `github:${event.sender}` : `github:${account}`,
      action: "install.revoked",
      target: `github:${account}`,
      correlationId,
    });
    return;
  }
  if (event.action === "unsuspend" && installation.revokedAt !== null) {
    const { tenant, name, installer, details } = installation;
    const repos = await coveredNow(env, id);
    await directory(env).recordInstallation({
      platform: "github",
      account,
      tenant,
      name,
      installer,
      details,
    });
    await outbox(env, tenant).putCredential({
      platform: "github",
      account,
      sealed: null,
      details,
      ...(repos ? { repos } : {}),
    });
    forgetAppInstallation("github", account);
  }
}
