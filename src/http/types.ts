/** The Hono environment of the API: Worker bindings plus per-request variables. */

import type { Env } from "../env";
import type { Principal } from "../tenants/authenticate";

export type AppVariables = {
  /** From `X-Correlation-Id` / `X-Request-Id` when sane, else a fresh UUID. */
  correlationId: string;
  /** Set once the request's key is authenticated. */
  principal: Principal | undefined;
  /** The tenant the request acts on (the key's own, or chosen / resolved for the bootstrap key). */
  tenant: string | undefined;
  /** The tenant the bootstrap key named with `X-Foreman-Tenant` or `?tenant=`, if any. */
  explicitTenant: string | undefined;
  /** Audit action name of a mutating route, e.g. `workflows.create`. */
  action: string | undefined;
  /** Audit target: the id the request addresses or creates. */
  target: string | undefined;
};

export type AppEnv = { Bindings: Env; Variables: AppVariables };
