/** The tenant's chat settings: team, out-of-office, channel links, review SLAs, digest schedules. */
import type { Env } from "../env";
import { type Remote, remote } from "../platform/rpc";
import type { TenantSettings } from "./tenant-settings";

export function settings(env: Env, tenant: string): Remote<TenantSettings> {
  return remote<TenantSettings>(env.TENANT_SETTINGS.getByName(tenant));
}
