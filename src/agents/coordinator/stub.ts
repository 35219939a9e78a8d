/** The tenant's Coordinator (one object per tenant). */
import type { Env } from "../../env";
import { type Remote, remote } from "../../platform/rpc";
import type { Coordinator } from "./coordinator";

export function coordinator(env: Env, tenant: string): Remote<Coordinator> {
  return remote<Coordinator>(env.COORDINATOR.getByName(tenant));
}
