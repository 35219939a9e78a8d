/**
 * Dashboard sessions opened from chat (`/foreman dashboard`; src/tenants/dashboard-sessions.ts):
 *
 * - `GET /api/sessions/redeem?token=…`: uses the single-use link up, sets the session cookie and
 *   redirects (303) to the dashboard (`/#session`); a used, expired or unknown link is a plain page, nothing set.
 *   Under /api/ so it reaches the Worker before the assets router. Not in the OpenAPI document: a
 *   browser navigation, not JSON.
 * - `GET /api/sessions/me`: who is signed in by the cookie (tenant, role, actor, expiry), else 401.
 * - `POST /api/sessions/logout`: ends the session server-side and clears the cookie (same origin only).
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { ForbiddenError, UnauthorizedError } from "../../platform/errors";
import {
  endSession,
  LINK_PROBLEMS,
  REDEEM_PATH,
  redeemSignInLink,
  SESSION_TTL_MS,
  sameOrigin,
  sessionCookie,
  sessionOf,
} from "../../tenants/dashboard-sessions";
import { pageResponse } from "../installs/pages";
import { CROSS_ORIGIN } from "../middleware/auth";
import { jsonBody } from "../middleware/body";
import { E429, errorResponse, json } from "../openapi";
import type { AppEnv } from "../types";

const tags = ["sessions"];
/**
 * Where a redeemed link lands: the dashboard, with a fragment (never sent to a server) that tells
 * the page to ask `/api/sessions/me`; without it (and without its own note of an earlier session)
 * the page does not ask, so a visit with an API key logs no 401.
 */
export const DASHBOARD_AFTER_SIGNIN = "/#session";
export const SESSION_SECURITY = "session";
const security = [{ [SESSION_SECURITY]: [] }];
const NOT_SIGNED_IN =
  "Not signed in: no dashboard session (run /foreman dashboard in chat for a sign-in link)";

const SessionSchema = z
  .object({
    tenant: z.string(),
    role: z.enum(["admin", "viewer"]),
    actor: z.string().openapi({ description: "Who signed in: `slack:U123` or `discord:1234…`" }),
    expiresAt: z.string().openapi({ description: "When the session ends (ISO 8601)" }),
  })
  .openapi("Session");

const me = createRoute({
  method: "get",
  path: "/api/sessions/me",
  tags,
  summary: "Who is signed in to the dashboard by the session cookie",
  security,
  responses: {
    200: { description: "The session's tenant, role and person", content: json(SessionSchema) },
    ...errorResponse(401, "No live session (none, ended or expired)"),
    ...E429,
  },
});

const logout = createRoute({
  method: "post",
  path: "/api/sessions/logout",
  tags,
  summary: "Sign out: end the session server-side and clear the cookie (same-origin requests only)",
  security,
  // No body is needed; one sent anyway is held to the REST limit like every route's.
  middleware: [jsonBody()],
  responses: {
    204: { description: "Signed out (also when there was no live session)" },
    ...errorResponse(403, "A cross-origin request: refused, the session stays"),
    ...E429,
  },
});

export function registerSessionRoutes(app: OpenAPIHono<AppEnv>): void {
  app.get(REDEEM_PATH, async (c) => {
    const redeemed = await redeemSignInLink(c.env, c.req.query("token"));
    if (typeof redeemed === "string") {
      const status = redeemed === "unknown" ? 400 : 410;
      return pageResponse({
        status,
        title: "This sign-in link cannot be used",
        lines: [LINK_PROBLEMS[redeemed]],
        next: { href: "/", label: "Open the dashboard (sign in with an API key)" },
      });
    }
    const cookie = sessionCookie(c.req.url, redeemed.token, SESSION_TTL_MS / 1000);
    return new Response(null, {
      status: 303,
      headers: { Location: DASHBOARD_AFTER_SIGNIN, "Set-Cookie": cookie, "Cache-Control": "no-store" },
    });
  });

  app.openapi(me, async (c) => {
    if (c.req.header("Authorization")) throw new UnauthorizedError(NOT_SIGNED_IN);
    const found = await sessionOf(c.req.raw, c.env);
    if (!found) throw new UnauthorizedError(NOT_SIGNED_IN);
    c.header("Cache-Control", "no-store");
    return c.json(found.session, 200);
  });

  app.openapi(logout, async (c) => {
    const found = await sessionOf(c.req.raw, c.env);
    if (found) {
      // Filed in the audit under the session's tenant and person (src/http/middleware/audit.ts).
      const { tenant, role, actor, expiresAt } = found.session;
      c.set("principal", { keyId: `session:${actor}`, role, tenant, session: { actor, expiresAt } });
      c.set("tenant", tenant);
      c.set("action", "sessions.logout");
      if (!sameOrigin(c.env, c.req.raw)) throw new ForbiddenError(CROSS_ORIGIN);
      await endSession(c.env, found.hash);
    }
    c.header("Set-Cookie", sessionCookie(c.req.url, "", 0));
    return c.body(null, 204);
  });
}
