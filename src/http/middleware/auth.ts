/**
 * Authentication, tenant resolution and role checks, as a per-route middleware factory.
 *
 * Order: 401 (no / unknown / revoked key) -> tenant -> 403 (role too weak), so refusals by role
 * are still audited under a tenant.
 *
 * A dashboard session (cookie) acts like a tenant key of its tenant and role; when it changes
 * anything the request must be same-origin (`sameOrigin`, src/tenants/dashboard-sessions.ts), else 403.
 *
 * Tenant: a tenant key always acts on its own tenant. The bootstrap key names one with
 * `X-Foreman-Tenant` or `?tenant=` (default: FOREMAN_DEFAULT_TENANT, `default`); on routes addressing an existing id it acts
 * on the tenant that owns the id (Directory `resolveResource`).
 */
import type { Context, MiddlewareHandler } from "hono";
import { tenantIdSchema } from "../../agents/model";
import { ForbiddenError, UnauthorizedError, ValidationError } from "../../platform/errors";
import { authenticate, unauthorizedMessage } from "../../tenants/authenticate";
import { sameOrigin } from "../../tenants/dashboard-sessions";
import { defaultTenant } from "../../tenants/default-tenant";
import { type Role, roleAtLeast } from "../../tenants/roles";
import { directory } from "../../tenants/stub";
import type { AppEnv } from "../types";

export const TENANT_HEADER = "X-Foreman-Tenant";

export interface GuardOptions {
  /** Audit action of a mutating route, e.g. `workflows.create`. */
  action?: string;
  /** Path parameter holding the id the route addresses (the audit target). */
  param?: string;
  /** Resolve the bootstrap key's tenant from that id through the Directory (default true). */
  resolve?: boolean;
}

/** The tenant the bootstrap key named (header first, then `?tenant=`), validated. */
export function explicitTenant(c: Context<AppEnv>): string | undefined {
  const fromHeader = c.req.header(TENANT_HEADER);
  const raw = fromHeader ?? c.req.query("tenant");
  if (raw === undefined) return undefined;
  const parsed = tenantIdSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const field = fromHeader !== undefined ? TENANT_HEADER : "tenant";
  throw new ValidationError([{ field, message: parsed.error.issues[0]?.message ?? "invalid tenant" }]);
}

/** The tenant that owns `id` for the bootstrap key; unknown ids stay on the named / default tenant. */
export async function tenantOwning(c: Context<AppEnv>, id: string): Promise<string> {
  const principal = c.get("principal");
  if (principal?.tenant) return principal.tenant;
  const resolved = id ? await directory(c.env).resolveResource(id) : null;
  return resolved?.tenant ?? c.get("explicitTenant") ?? defaultTenant(c.env);
}

/** The tenant set by `guard`; handlers call this (a guard always runs first). */
export function currentTenant(c: Context<AppEnv>): string {
  return c.get("tenant") ?? defaultTenant(c.env);
}

export const CROSS_ORIGIN =
  "A signed-in dashboard session can change things only from the dashboard's own pages (same origin)";

/**
 * For routes that name their tenant in the path: a tenant key (or session) acts on its own tenant
 * only; the bootstrap key (`own` null) on any. `what`: what it may manage, for the 403's message.
 */
export function requireOwnTenant(own: string | null, tenant: string, what = "its own tenant"): void {
  if (own !== null && own !== tenant) {
    throw new ForbiddenError(`A tenant key can only manage ${what} (${own})`);
  }
}

export function guard(role: Role, options: GuardOptions = {}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (options.action) c.set("action", options.action);
    const id = options.param ? c.req.param(options.param) : undefined;
    if (id) c.set("target", id);
    const principal = await authenticate(c.env, c.req.raw);
    if (!principal) throw new UnauthorizedError(unauthorizedMessage(c.env, c.req.raw));
    c.set("principal", principal);
    if (principal.session && !sameOrigin(c.env, c.req.raw)) {
      if (principal.tenant) c.set("tenant", principal.tenant);
      throw new ForbiddenError(CROSS_ORIGIN);
    }
    if (principal.tenant) {
      c.set("tenant", principal.tenant);
    } else {
      c.set("explicitTenant", explicitTenant(c));
      const resolvable = options.resolve !== false ? (id ?? "") : "";
      c.set("tenant", await tenantOwning(c, resolvable));
    }
    if (!roleAtLeast(principal.role, role)) {
      throw new ForbiddenError(
        `This action requires the ${role} role (this key has the ${principal.role} role)`,
      );
    }
    await next();
  };
}
