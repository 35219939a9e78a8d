/** The default tenant: where the bootstrap key acts when it names none, where chat workspaces
 * without an explicit binding land, and where demo mode seeds its example workflow. */
import type { Env } from "../env";

export const FALLBACK_TENANT = "default";

export function defaultTenant(env: Env): string {
  const configured = env.FOREMAN_DEFAULT_TENANT?.trim();
  return configured && /^[a-z0-9][a-z0-9-]{0,62}$/.test(configured) ? configured : FALLBACK_TENANT;
}
