/**
 * `app_uninstalled` and `tokens_revoked`: the workspace took Foreman out (or revoked its bot token).
 * The install's token is forgotten at once (src/tenants/installs.ts: the tenant's Outbox first, so
 * the next delivery is refused without a call), this isolate's cached token too, and the tenant's
 * audit log says so (through `deps.audit`, which the HTTP layer provides). A user token being revoked
 * (`tokens.oauth`) changes nothing: Foreman keeps none.
 */
import type { App } from "@slack/bolt";
import { errorMessage } from "../../../platform/errors";
import { revokeInstall } from "../../../tenants/installs";
import type { ForemanContext, RequestScope } from "../scope";
import { forgetWorkspaceToken } from "../workspace-token";

interface EventBody {
  team_id?: string;
  enterprise_id?: string;
  authorizations?: {
    is_enterprise_install?: boolean;
    team_id?: string | null;
    enterprise_id?: string | null;
  }[];
}

/** The install an event is about: the org for an org-wide install, else the workspace. */
function accountOf(body: EventBody): string {
  const auth = body.authorizations?.[0];
  if (auth?.is_enterprise_install) return auth.enterprise_id ?? body.enterprise_id ?? "";
  return body.team_id ?? auth?.team_id ?? "";
}

async function revoke(scope: RequestScope, body: EventBody, reason: string): Promise<void> {
  const account = accountOf(body);
  if (account === "") return;
  try {
    const installation = await revokeInstall(scope.env, "slack", account, reason);
    forgetWorkspaceToken(body.team_id ?? account);
    forgetWorkspaceToken(account);
    scope.log("warn", "slack.install_revoked", {
      correlationId: scope.correlationId,
      account,
      reason,
      known: installation !== null,
    });
    if (installation) {
      await scope.deps.audit?.(scope.env, installation.tenant, {
        actor: `slack:${account}`,
        action: `install.revoked`,
        target: `slack:${account}`,
        correlationId: scope.correlationId,
      });
    }
  } catch (err) {
    scope.log("error", "slack.revoke_failed", {
      correlationId: scope.correlationId,
      account,
      error: errorMessage(err),
    });
    // Slack retries an event that was not acknowledged in time; a failed revocation should be retried.
    throw err;
  }
}

export function registerUninstallEvents(app: App<ForemanContext>): void {
  app.event("app_uninstalled", async ({ body, context }) => revoke(context.foreman, body, "app_uninstalled"));
  app.event("tokens_revoked", async ({ event, body, context }) => {
    if ((event.tokens.bot ?? []).length === 0) return;
    await revoke(context.foreman, body, "tokens_revoked");
  });
}
