/**
 * Changes made outside the REST API — in chat, by an agent, by a pushed file — recorded in the tenant's
 * audit log like the API's (src/http/middleware/audit.ts): `actor` names who (`chat:slack:U0123`,
 * `agent:pattern-bridge`, `github:octocat`). A failed write is logged, never thrown: the change stands.
 */
import type { Env } from "../../env";
import { logger } from "../../observability/logger";
import { randomId } from "../../platform/ids";
import { coordinator } from "./stub";

const log = logger("audit");

export async function auditChange(
  env: Env,
  tenant: string,
  change: { actor: string; action: string; target: string; correlationId: string; status?: number },
): Promise<void> {
  const entry = {
    id: randomId("aud"),
    at: new Date().toISOString(),
    tenant,
    keyId: change.actor,
    action: change.action,
    target: change.target,
    status: change.status ?? 200,
    correlationId: change.correlationId,
  };
  try {
    await coordinator(env, tenant).recordAudit(entry);
  } catch (err) {
    log.error("audit write failed", { entry, error: String(err) });
  }
}
