/**
 * With a Linear OAuth application configured (LINEAR_CLIENT_ID), the seed URL (`/api/webhooks/linear`,
 * signed with the application's webhook secret LINEAR_WEBHOOK_SECRET) is the application's webhook:
 * every delivery names its organisation, and reaches only the tenant that organisation was installed
 * for (src/tenants/installations.ts); one installed for no tenant reaches none. Linear's
 * `OAuthApp` / `revoked` delivery (the organisation removed Foreman) forgets its token at once.
 * Without an OAuth application, the seed URL keeps its meaning: the default tenant.
 */

import { auditChange } from "../agents/coordinator/audit";
import type { Env } from "../env";
import { linearOAuthConfig } from "../integrations/linear/oauth";
import { revokeInstall } from "../tenants/installs";
import type { Receiver } from "../tenants/receivers";
import { appInstallation, forgetAppInstallation } from "./app-installs";

/** The organisation of a delivery this deployment's Linear application handles, else null. */
export function appOrganizationOf(
  env: Env,
  receiver: Receiver,
  body: Record<string, unknown>,
): string | null {
  if (receiver.via !== "deployment" || linearOAuthConfig(env) === null) return null;
  return typeof body.organizationId === "string" && body.organizationId !== "" ? body.organizationId : null;
}

export function isAppRevoked(body: Record<string, unknown>): boolean {
  return body.type === "OAuthApp" && body.action === "revoked";
}

/** Linear says the organisation removed Foreman: its token goes at once. */
export async function revokeLinearApp(
  env: Env,
  organizationId: string,
  correlationId: string,
): Promise<void> {
  const installation = await revokeInstall(env, "linear", organizationId, "revoked in Linear");
  forgetAppInstallation("linear", organizationId);
  if (installation) {
    await auditChange(env, installation.tenant, {
      actor: `linear:${organizationId}`,
      action: "install.revoked",
      target: `linear:${organizationId}`,
      correlationId,
    });
  }
}

export async function linearAppReceiver(
  env: Env,
  receiver: Receiver,
  organizationId: string,
  nowMs: number,
): Promise<{ receiver: Receiver } | { ignored: string }> {
  const installation = await appInstallation(env, "linear", organizationId, nowMs);
  if (!installation || installation.revokedAt !== null) {
    return {
      ignored: `Linear organisation ${organizationId} has not installed Foreman for any team (run /foreman setup and choose Connect Linear)`,
    };
  }
  return { receiver: { ...receiver, tenant: installation.tenant, via: "app" } };
}
