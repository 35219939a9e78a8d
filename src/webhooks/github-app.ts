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
 * A live installation → tenant answer is cached per isolate like a hook (WEBHOOK_HOOK_CACHE_MS) and
 * forgotten in this isolate when an installation event changes it; "not connected" and "revoked" are
 * never cached, so an installation connected (or restored) in another isolate counts at once.
 */

import { auditChange } from "../agents/coordinator/audit";
import { outbox } from "../delivery/stub";
import type { Env } from "../env";
import type { InstallationChangedEvent } from "../events/types";
import { listInstallationRepos } from "../integrations/github/api";
import { forgetInstallationToken, githubAppConfig, installationToken } from "../integrations/github/app-auth";
import { logger } from "../observability/logger";
import { errorMessage } from "../platform/errors";
import { defaultFetch } from "../platform/http-client";
import { cacheMsSetting, IsolateCache } from "../platform/isolate-cache";
import type { Installation } from "../tenants/installations";
import { revokeInstall } from "../tenants/installs";
import { DEFAULT_HOOK_CACHE_MS, type Receiver } from "../tenants/receivers";
import { directory } from "../tenants/stub";

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

const cache = new IsolateCache<Installation | null>(1_000);

async function installationOf(env: Env, id: number, nowMs: number): Promise<Installation | null> {
  const key = String(id);
  const ttl = cacheMsSetting(env.WEBHOOK_HOOK_CACHE_MS, DEFAULT_HOOK_CACHE_MS);
  const hit = cache.get(key, nowMs, ttl);
  if (hit) return hit.value;
  const found = await directory(env).installation("github", key);
  // Only a live binding is remembered: one being set up (or restored) elsewhere counts at once.
  if (found && found.revokedAt === null) cache.set(key, found, nowMs, ttl);
  return found;
}

export function forgetAppInstallation(id?: number): void {
  if (id === undefined) cache.clear();
  else cache.delete(String(id));
}

/** The installation a payload names, if it is a GitHub App delivery this deployment handles. */
export function installationIdOf(env: Env, receiver: Receiver, payload: unknown): number | null {
  if (receiver.via !== "deployment" || githubAppConfig(env) === null) return null;
  if (typeof payload !== "object" || payload === null || !("installation" in payload)) return null;
  const installation = payload.installation;
  if (typeof installation !== "object" || installation === null || !("id" in installation)) return null;
  return typeof installation.id === "number" && Number.isSafeInteger(installation.id)
    ? installation.id
    : null;
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
  const installation = await installationOf(env, installationId, nowMs);
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
    forgetAppInstallation(id);
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
    forgetAppInstallation(id);
  }
}
