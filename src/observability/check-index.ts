/**
 * The Metrics object's row in the Directory's cron index (src/tenants/cron-index.ts, kind `alerts`):
 * while it has anything an alert check could act on — events an alert rule counts in the window, an
 * open incident, a notice not yet posted — its tenant is due for the scheduled health check; once a
 * check finds none, it is not (docs/adr/0015-cron-from-a-next-fire-index.md).
 *
 * Observability sits below tenants (docs/architecture.md, "Layers"), so the Directory is reached here
 * through its binding with a type-only import, by the name `directory()` (src/tenants/stub.ts) uses.
 */
import type { Env } from "../env";
import { unwrap } from "../platform/errors";
import type { OwedReport } from "../platform/kept-report";
import { type Remote, remote } from "../platform/rpc";
import type { Directory } from "../tenants/directory";
import { SYSTEM_SCOPE } from "./metrics-model";

/** The Directory object's name (as in src/tenants/stub.ts). */
const DIRECTORY_NAME = "global";

/** Whether a Metrics object of this name belongs to a tenant (not `_system`, not unnamed). */
export function isTenantScope(name: string | undefined): name is string {
  return name !== undefined && name !== "" && name !== SYSTEM_SCOPE;
}

/** Tells the cron index when the tenant's alert check is due (null: not needed). */
export async function reportCheckDue(env: Env, tenant: string, owed: OwedReport): Promise<void> {
  const dir: Remote<Directory> = remote<Directory>(env.DIRECTORY.getByName(DIRECTORY_NAME));
  unwrap(await dir.reportCron({ tenant, kind: "alerts", dueMs: owed.value, gen: owed.gen }));
}
