/**
 * A tenant's webhook set-up for one platform, as admins see it (REST `GET /api/webhooks/<kind>/secret`,
 * chat `link` / `links`): its own URL (never the secret), whether the deployment's seed URL also
 * works for it (the default tenant only), each linked repository / team as active or waiting for
 * its first signed delivery, and the bound Linear organisation.
 */
import type { Env } from "../env";
import { defaultTenant } from "../tenants/default-tenant";
import { type Asker, type HookKind, type HookStatus, statusOf } from "../tenants/hooks";
import { deploymentReceiver } from "../tenants/receivers";
import { directory } from "../tenants/stub";
import { linkedTargets } from "./model";
import { settings } from "./stub";
import type { ActivationVia, LinearOrgBinding } from "./webhook-state";

export interface LinkState {
  target: string;
  /** A delivery about it, signed with the tenant's secret, has arrived. */
  active: boolean;
  activeSince: string | null;
  via: ActivationVia | null;
}

export interface WebhookOverview extends HookStatus {
  /** Set for the default tenant when the deployment-wide secret is configured: the seed URL works too. */
  deployment: { url: string | null; path: string } | null;
  links: LinkState[];
  /** Linear only: the organisation the tenant's Linear deliveries are bound to. */
  linearOrganization: LinearOrgBinding | null;
}

export const seedPath = (kind: HookKind): string => `/api/webhooks/${kind}`;

export async function webhookOverview(
  env: Env,
  tenant: string,
  kind: HookKind,
  asker: Asker,
): Promise<WebhookOverview> {
  const store = settings(env, tenant);
  const [hook, links, activations, org] = await Promise.all([
    directory(env).webhookHookOf(tenant, kind),
    store.links(),
    store.linkActivations(kind),
    kind === "linear" ? store.linearOrganization() : Promise.resolve(null),
  ]);
  const deploymentWorks = tenant === defaultTenant(env) && deploymentReceiver(env, kind).secrets.length > 0;
  const path = seedPath(kind);
  return {
    ...statusOf(kind, hook, asker.origin, Date.now()),
    deployment: deploymentWorks ? { url: asker.origin ? `${asker.origin}${path}` : null, path } : null,
    links: linkedTargets(links, kind).map((target) => {
      const a = activations.find((x) => x.target === target);
      return { target, active: a !== undefined, activeSince: a?.activatedAt ?? null, via: a?.via ?? null };
    }),
    linearOrganization: org,
  };
}
