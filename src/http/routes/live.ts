/**
 * The dashboard's live channel (issue 19, ADR 19; the object: src/tenants/live.ts):
 *
 * - `GET /api/live`: a WebSocket upgrade to the caller's tenant's Live object. Authenticated like any
 *   /api call — the session cookie (and then the page's own origin, against cross-site WebSocket
 *   hijacking), or an `Authorization` header — or, for a browser signed in with an API key (which
 *   cannot set headers on a WebSocket), `?ticket=` from the route below. No key is ever put in a URL.
 * - `POST /api/live/ticket`: a single-use ticket good for 60 s, for the caller's tenant only.
 *
 * The socket only ever receives `{"type":"hello"}` and `{"type":"changed","topics":[…]}`: no data.
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { ForbiddenError, UnauthorizedError } from "../../platform/errors";
import { isOwnOrigin } from "../../tenants/dashboard-sessions";
import { LIVE_AUTHORIZED, live, ticketTenant } from "../../tenants/live";
import { currentTenant, guard } from "../middleware/auth";
import { jsonBody } from "../middleware/body";
import { errorResponse, json, READ_ERRORS, security } from "../openapi";
import type { AppEnv } from "../types";

export const LIVE_PATH = "/api/live";
const tags = ["live"];

const TicketSchema = z
  .object({
    ticket: z.string().openapi({ description: "`<tenant>.<secret>`: pass as `GET /api/live?ticket=…`" }),
    expiresAt: z.string().openapi({ description: "When it stops working unused (60 s; ISO 8601)" }),
  })
  .openapi("LiveTicket");

const ticket = createRoute({
  method: "post",
  path: "/api/live/ticket",
  tags,
  summary: "A single-use, 60-second ticket to open the live WebSocket with an API key",
  security,
  middleware: [guard("viewer", { action: "live.ticket" }), jsonBody()],
  responses: {
    200: { description: "The ticket, for the caller's tenant only", content: json(TicketSchema) },
    ...READ_ERRORS,
  },
});

const socket = createRoute({
  method: "get",
  path: LIVE_PATH,
  tags,
  summary: "The dashboard's live channel: a WebSocket that says which views changed",
  description:
    'Upgrade with the session cookie, an Authorization header, or `?ticket=` from `POST /api/live/ticket`. Messages: `{"type":"hello"}`, then `{"type":"changed","topics":["reviews","team","overview"]}` at most once a second (no data: refetch). Send `ping` to get `pong`.',
  security,
  request: { query: z.object({ ticket: z.string().optional() }) },
  responses: {
    101: { description: "Switching protocols: the WebSocket" },
    ...errorResponse(426, "Not a WebSocket upgrade"),
    ...READ_ERRORS,
  },
});

/** A browser's WebSocket carries the page's origin; a session is accepted only from our own. */
function ownOrigin(env: AppEnv["Bindings"], request: Request): boolean {
  const origin = request.headers.get("Origin");
  // No origin: not a browser, so no ambient cookie was sent by a third party's page.
  return origin === null || isOwnOrigin(env, request, origin);
}

export function registerLiveRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(ticket, async (c) => {
    const tenant = currentTenant(c);
    c.header("Cache-Control", "no-store");
    return c.json(await live(c.env, tenant).issueTicket(tenant), 200);
  });

  // Registered in the document above; served here because the answer is a raw 101 from the object.
  app.get(LIVE_PATH, async (c) => {
    const raw = c.req.raw;
    if (raw.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return c.json({ error: { code: "upgrade_required", message: "Connect with a WebSocket" } }, 426);
    }
    const forward = new Headers({ Upgrade: "websocket" });
    const url = new URL(LIVE_PATH, raw.url);
    const given = c.req.query("ticket");
    let tenant: string;
    if (given !== undefined && !raw.headers.get("Authorization")) {
      const named = ticketTenant(given);
      if (!named) throw new UnauthorizedError("Unknown, used or expired live ticket");
      tenant = named;
      url.searchParams.set("ticket", given);
    } else {
      await guard("viewer")(c, async () => {});
      if (c.get("principal")?.session && !ownOrigin(c.env, raw)) {
        throw new ForbiddenError("The live channel of a dashboard session opens only from the dashboard");
      }
      tenant = currentTenant(c);
      forward.set(LIVE_AUTHORIZED, "1");
    }
    const answer = await live(c.env, tenant).fetch(new Request(url, { headers: forward }));
    if (answer.status === 401) throw new UnauthorizedError("Unknown, used or expired live ticket");
    return answer;
  });
  app.openAPIRegistry.registerPath(socket);
}
