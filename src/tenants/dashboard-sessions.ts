/**
 * Signing in to the dashboard from chat (issue 19): `/foreman dashboard` makes a single-use link
 * (32 random bytes, base64url; only its SHA-256 is kept; 10 minutes; taken once), and following it
 * opens a session: another 32 random bytes in an HttpOnly cookie, kept as SHA-256 only, scoped to
 * the tenant with the role the link was made with (viewer, or admin for chat admins), 12 hours.
 * The SQL is in ./sessions.ts; the HTTP side (redeem, me, logout) in src/http/routes/sessions.ts.
 *
 * A session is a principal like an API key (./authenticate.ts) but only for requests without an
 * `Authorization` header, and only same-origin when it changes anything (`sameOrigin` below).
 */

import type { ChatUserRef } from "../chat/platform";
import type { Env } from "../env";
import { cookieValue } from "../platform/cookies";
import { sha256Hex } from "../platform/crypto";
import { isLocalHostname } from "./authenticate";
import { publicOrigin } from "./hooks";
import { isRandomToken, randomToken } from "./keys";
import type { LinkProblem, Session, SessionRole } from "./sessions";
import { directory } from "./stub";

export type { LinkProblem, Session, SessionRole };

export const SIGNIN_LINK_TTL_MS = 10 * 60_000;
export const SESSION_TTL_MS = 12 * 3_600_000;
export const REDEEM_PATH = "/api/sessions/redeem";

/** `__Host-`: the browser takes it only Secure, from this host, for Path=/ (no Domain can widen it). */
const SECURE_COOKIE = "__Host-foreman_session";
/** On plain-http localhost a Secure cookie would not be kept, nor a `__Host-` one. */
const LOCAL_COOKIE = "foreman_session";

/** A new sign-in link of `tenant` for `actor` (`slack:U123`), answered as the full URL (shown once). */
export async function newSignInLink(
  env: Env,
  input: { origin: string; tenant: string; role: SessionRole; actor: string },
  nowMs = Date.now(),
): Promise<string> {
  const token = randomToken();
  await directory(env).createSignInLink({
    hash: await sha256Hex(token),
    tenant: input.tenant,
    role: input.role,
    actor: input.actor,
    expiresAtMs: nowMs + SIGNIN_LINK_TTL_MS,
  });
  return `${input.origin}${REDEEM_PATH}?token=${encodeURIComponent(token)}`;
}

/** Uses a link up and opens its session: the session token (for the cookie) and the session, or why not. */
export async function redeemSignInLink(
  env: Env,
  token: string | undefined,
): Promise<{ token: string; session: Session } | LinkProblem> {
  if (!token || !isRandomToken(token)) return "unknown";
  const sessionToken = randomToken();
  const redeemed = await directory(env).redeemSignInLink(
    await sha256Hex(token),
    await sha256Hex(sessionToken),
    SESSION_TTL_MS,
  );
  return typeof redeemed === "string" ? redeemed : { token: sessionToken, session: redeemed };
}

/** Whether cookies for this request are marked Secure: always, except over plain http to localhost. */
function secureCookies(requestUrl: string): boolean {
  const url = new URL(requestUrl);
  return !(url.protocol === "http:" && isLocalHostname(url.hostname));
}

const sessionCookieName = (requestUrl: string): string =>
  secureCookies(requestUrl) ? SECURE_COOKIE : LOCAL_COOKIE;

/** The `Set-Cookie` value that holds the session (`maxAgeSeconds` 0 clears it). */
export function sessionCookie(requestUrl: string, token: string, maxAgeSeconds: number): string {
  const secure = secureCookies(requestUrl) ? "; Secure" : "";
  return `${sessionCookieName(requestUrl)}=${token}; Max-Age=${maxAgeSeconds}; Path=/; HttpOnly${secure}; SameSite=Strict`;
}

/** The session token the request's cookie carries (well-formed; not yet looked up), or null. */
export function sessionToken(request: Request): string | null {
  const value = cookieValue(request.headers.get("Cookie"), sessionCookieName(request.url));
  return value !== null && isRandomToken(value) ? value : null;
}

/** The live session behind the request's cookie, with its hash (to end it), or null. */
export async function sessionOf(
  request: Request,
  env: Env,
): Promise<{ hash: string; session: Session } | null> {
  const token = sessionToken(request);
  if (!token) return null;
  const hash = await sha256Hex(token);
  const session = await directory(env).session(hash);
  return session ? { hash, session } : null;
}

/** The chat user a session was opened by (its actor, `slack:U123`), or null when it names none. */
export function sessionUser(actor: string): ChatUserRef | null {
  const [platform, id] = actor.split(":", 2);
  return (platform === "slack" || platform === "discord") && id ? { platform, id } : null;
}

export async function endSession(env: Env, hash: string): Promise<boolean> {
  return directory(env).endSession(hash);
}

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * The CSRF rule for cookie sessions: a request that changes anything must come from a page of this
 * origin. `Sec-Fetch-Site`, when the browser sends it, must be `same-origin`; else `Origin` must be
 * this request's origin or FOREMAN_PUBLIC_URL's; a request with neither header is refused (every
 * browser sends one of them on a POST; other clients use API keys). Reads (GET, HEAD) are not
 * checked: they change nothing, and SameSite=Strict keeps the cookie off cross-site requests anyway.
 */
export function sameOrigin(env: Env, request: Request): boolean {
  if (!MUTATING.has(request.method)) return true;
  const site = request.headers.get("Sec-Fetch-Site");
  if (site !== null) return site === "same-origin";
  const origin = request.headers.get("Origin");
  return origin !== null && isOwnOrigin(env, request, origin);
}

/** Whether `origin` is the dashboard's: the request's own, or FOREMAN_PUBLIC_URL's. */
export function isOwnOrigin(env: Env, request: Request, origin: string): boolean {
  const own = new URL(request.url).origin;
  return origin === own || origin === publicOrigin(env, own);
}

/** What a person is told about a link that cannot be used. */
export const LINK_PROBLEMS: Readonly<Record<LinkProblem, string>> = {
  unknown:
    "This sign-in link is not one Foreman made (or it was changed). Run /foreman dashboard in chat for a new one.",
  used: "This sign-in link has already been used: each link works once. Run /foreman dashboard in chat for a new one.",
  expired:
    "This sign-in link has expired (links last 10 minutes). Run /foreman dashboard in chat for a new one.",
};
