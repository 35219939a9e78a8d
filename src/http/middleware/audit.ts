/**
 * Audit of every mutating call (POST / DELETE under /api), recorded after the handler with its
 * final status, refusals included, in the tenant's Coordinator (`recordAudit`, via waitUntil).
 * Calls with no valid key have no tenant to be filed under and are only logged.
 */
import type { Context, MiddlewareHandler } from "hono";
import { coordinator } from "../../agents/coordinator/stub";
import type { AuditEntry } from "../../agents/model";
import { logger } from "../../observability/logger";
import { randomId } from "../../platform/ids";
import type { AppEnv } from "../types";

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const log = logger("http.audit");

function runInBackground(c: Context<AppEnv>, work: Promise<void>): Promise<void> | undefined {
  try {
    c.executionCtx.waitUntil(work);
    return undefined;
  } catch {
    // No execution context (e.g. app.fetch called without one): finish before responding.
    return work;
  }
}

export function audit(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    if (!MUTATING.has(c.req.method)) return;
    const principal = c.get("principal");
    const tenant = c.get("tenant");
    if (!principal || !tenant) {
      if (c.res.status === 401) {
        log.warn("unauthenticated mutation", { path: c.req.path, correlationId: c.get("correlationId") });
      }
      return;
    }
    const entry: AuditEntry = {
      id: randomId("aud"),
      at: new Date().toISOString(),
      tenant,
      keyId: principal.keyId,
      action: c.get("action") ?? `${c.req.method.toLowerCase()} ${c.req.path}`,
      target: c.get("target") ?? "",
      status: c.res.status,
      correlationId: c.get("correlationId"),
    };
    const work = coordinator(c.env, tenant)
      .recordAudit(entry)
      .catch((err: unknown) => {
        log.error("audit write failed", { entry, correlationId: entry.correlationId, error: String(err) });
      });
    const pending = runInBackground(c, work);
    if (pending) await pending;
  };
}
