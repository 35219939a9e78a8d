/**
 * Who is calling: `Authorization: Bearer <key>` resolved to a principal.
 *
 * - The `ADMIN_API_KEY` secret is the bootstrap key: admin over every tenant (compared in constant time).
 *   While it is being rotated, `ADMIN_API_KEY_PREVIOUS` is accepted too (docs/operations.md).
 * - Demo: with no `ADMIN_API_KEY`, `DEMO_MODE = "true"` and a request to 127.0.0.1 / localhost / [::1],
 *   `foreman-demo-admin` acts as the bootstrap key. Never otherwise.
 * - Any other key is looked up by its SHA-256 hash in the Directory on every request (no cache,
 *   so a revoked key is refused at once; one lookup per request, shared by rate limit and guard).
 * - With no `Authorization` header at all, a dashboard session cookie (./dashboard-sessions.ts) is
 *   looked up the same way: its tenant and role, `keyId` `session:<actor>` (so the audit names the
 *   person and the rate limit counts them like a key). A bad header never falls back to the cookie.
 */
import type { Env } from "../env";
import { constantTimeEqual } from "../platform/compare";
import { sessionOf } from "./dashboard-sessions";
import { hashApiKey } from "./keys";
import type { Role } from "./roles";
import { directory } from "./stub";

export const DEMO_ADMIN_KEY = "foreman-demo-admin";
export const BOOTSTRAP_KEY_ID = "bootstrap";

const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** A request addressed to this machine (what demo-only conveniences are limited to). */
export function isLocalHostname(hostname: string): boolean {
  return LOCAL_HOSTS.has(hostname);
}
const MAX_KEY_LENGTH = 512;

export interface Principal {
  /** `key_...` for a tenant key, `bootstrap` for the bootstrap key. */
  keyId: string;
  role: Role;
  /** The key's tenant; null for the bootstrap key (admin over every tenant). */
  tenant: string | null;
  /** Set for a dashboard session (cookie): who signed in (`slack:U123`), and until when. */
  session?: { actor: string; expiresAt: string };
}

/** The bearer token of a request, or null when there is none. */
export function bearerToken(request: Request): string | null {
  const header = request.headers.get("Authorization");
  if (!header) return null;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  const token = match?.[1];
  return token && token.length <= MAX_KEY_LENGTH ? token : null;
}

/** Every bootstrap key in force for this request: the current one, and the previous during a rotation. */
export function bootstrapKeys(env: Env, request: Request): string[] {
  const current = bootstrapKey(env, request);
  if (current === null) return [];
  const previous = env.ADMIN_API_KEY ? env.ADMIN_API_KEY_PREVIOUS : undefined;
  return previous ? [current, previous] : [current];
}

/** The bootstrap key in force for this request, if any. */
export function bootstrapKey(env: Env, request: Request): string | null {
  if (env.ADMIN_API_KEY) return env.ADMIN_API_KEY;
  if (env.DEMO_MODE !== "true") return null;
  return isLocalHostname(new URL(request.url).hostname) ? DEMO_ADMIN_KEY : null;
}

/**
 * The 401's message. On a local address it says how to sign in there: the demo key while it is in
 * force (demo mode, no ADMIN_API_KEY), else the ADMIN_API_KEY set locally. Elsewhere only what is
 * needed. Nothing secret is in it: the demo key works on localhost only, and is in the README.
 */
export function unauthorizedMessage(env: Env, request: Request): string {
  const base = "A valid API key is required (Authorization: Bearer <key>)";
  if (!LOCAL_HOSTS.has(new URL(request.url).hostname)) return base;
  if (bootstrapKey(env, request) === DEMO_ADMIN_KEY) {
    return `${base}. Locally, with no ADMIN_API_KEY set, the demo key ${DEMO_ADMIN_KEY} signs in.`;
  }
  if (env.ADMIN_API_KEY) {
    return `${base}. Locally, sign in with the ADMIN_API_KEY set in .dev.vars (or a key issued with it); the demo key works only while ADMIN_API_KEY is unset.`;
  }
  return `${base}. Locally, set ADMIN_API_KEY in .dev.vars and sign in with it (demo mode is off, so there is no demo key).`;
}

/**
 * Per-request memo: the rate limiter (src/http/rate-limit/middleware.ts) and the route's guard both
 * need the principal; the key is looked up in the Directory once per Request object.
 */
const resolved = new WeakMap<Request, Promise<Principal | null>>();

/** The principal behind the request's key; null when the key is missing, unknown or revoked. */
export function authenticate(env: Env, request: Request): Promise<Principal | null> {
  let principal = resolved.get(request);
  if (!principal) {
    principal = lookUp(env, request);
    resolved.set(request, principal);
  }
  return principal;
}

async function lookUp(env: Env, request: Request): Promise<Principal | null> {
  if (!request.headers.has("Authorization")) return bySession(env, request);
  const token = bearerToken(request);
  if (!token) return null;
  let bootstrap = false;
  for (const key of bootstrapKeys(env, request)) {
    // Every candidate is compared (no early exit): the time taken does not reveal which one matched.
    bootstrap = (await constantTimeEqual(token, key)) || bootstrap;
  }
  if (bootstrap) return { keyId: BOOTSTRAP_KEY_ID, role: "admin", tenant: null };
  const key = await directory(env).findKeyByHash(await hashApiKey(token));
  return key ? { keyId: key.id, role: key.role, tenant: key.tenant } : null;
}

async function bySession(env: Env, request: Request): Promise<Principal | null> {
  const found = await sessionOf(request, env);
  if (!found) return null;
  const { tenant, role, actor, expiresAt } = found.session;
  return { keyId: `session:${actor}`, role, tenant, session: { actor, expiresAt } };
}
