/**
 * Who is calling: `Authorization: Bearer <key>` resolved to a principal.
 *
 * - The `ADMIN_API_KEY` secret is the bootstrap key: admin over every tenant (compared in constant time).
 * - Demo: with no `ADMIN_API_KEY`, `DEMO_MODE = "true"` and a request to 127.0.0.1 / localhost / [::1],
 *   `foreman-demo-admin` acts as the bootstrap key. Never otherwise.
 * - Any other key is looked up by its SHA-256 hash in the Directory on every request (no cache,
 *   so a revoked key is refused at once).
 */
import type { Env } from "../env";
import { directory } from "../rpc";
import { constantTimeEqual, hashApiKey } from "./crypto";
import type { Role } from "./roles";

export const DEMO_ADMIN_KEY = "foreman-demo-admin";
export const BOOTSTRAP_KEY_ID = "bootstrap";

const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);
const MAX_KEY_LENGTH = 512;

export interface Principal {
  /** `key_...` for a tenant key, `bootstrap` for the bootstrap key. */
  keyId: string;
  role: Role;
  /** The key's tenant; null for the bootstrap key (admin over every tenant). */
  tenant: string | null;
}

/** The bearer token of a request, or null when there is none. */
export function bearerToken(request: Request): string | null {
  const header = request.headers.get("Authorization");
  if (!header) return null;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  const token = match?.[1];
  return token && token.length <= MAX_KEY_LENGTH ? token : null;
}

/** The bootstrap key in force for this request, if any. */
export function bootstrapKey(env: Env, request: Request): string | null {
  if (env.ADMIN_API_KEY) return env.ADMIN_API_KEY;
  if (env.DEMO_MODE !== "true") return null;
  const host = new URL(request.url).hostname;
  return LOCAL_HOSTS.has(host) ? DEMO_ADMIN_KEY : null;
}

/** The principal behind the request's key; null when the key is missing, unknown or revoked. */
export async function authenticate(env: Env, request: Request): Promise<Principal | null> {
  const token = bearerToken(request);
  if (!token) return null;
  const bootstrap = bootstrapKey(env, request);
  if (bootstrap !== null && (await constantTimeEqual(token, bootstrap))) {
    return { keyId: BOOTSTRAP_KEY_ID, role: "admin", tenant: null };
  }
  const key = await directory(env).findKeyByHash(await hashApiKey(token));
  return key ? { keyId: key.id, role: key.role, tenant: key.tenant } : null;
}
