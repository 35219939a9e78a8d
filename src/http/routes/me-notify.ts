/**
 * `POST /api/sessions/me/notify`: a person signed in from chat changes how Foreman messages them — what
 * `/foreman me notify immediate|batched|digest|default [--at …] [--cap N]` changes, through the same
 * TenantSettings RPC (`setNotifyPrefs`, validated by src/settings/notify-prefs.ts). Only for a dashboard
 * session (an API key is nobody's preferences), only their own, only from the dashboard's origin.
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { NOTIFY_MODES } from "../../domain/notify";
import { timeOfDaySchema } from "../../domain/values";
import { ForbiddenError, unwrap } from "../../platform/errors";
import { MAX_WINDOWS } from "../../settings/notify-prefs";
import { settings } from "../../settings/stub";
import { sessionUser } from "../../tenants/dashboard-sessions";
import { currentTenant, guard } from "../middleware/auth";
import { jsonBody } from "../middleware/body";
import { E404, json, jsonBodyOf, WRITE_ERRORS } from "../openapi";
import type { AppEnv } from "../types";
import { SESSION_SECURITY } from "./sessions";

const NotifyBody = z
  .strictObject({
    mode: z
      .enum([...NOTIFY_MODES, "default"])
      .openapi({ description: "`default`: back to the team's mode, windows and cap" }),
    windows: z
      .array(timeOfDaySchema)
      .min(1)
      .max(MAX_WINDOWS)
      .optional()
      .openapi({
        description: "Batched windows, local HH:MM (as `--at 09:30,13:30`)",
        example: ["09:30", "13:30"],
      }),
    dailyCap: z.number().int().min(1).max(100).optional().openapi({ description: "As `--cap N`" }),
  })
  .openapi("NotifyChange");

const NotifySchema = z
  .object({
    login: z.string(),
    notify: z.object({
      mode: z.enum(NOTIFY_MODES),
      windows: z.array(z.string()),
      dailyCap: z.number(),
      focus: z.array(z.object({ days: z.array(z.string()), start: z.string(), end: z.string() })),
      holidays: z.array(z.object({ from: z.string(), until: z.string() })),
    }),
  })
  .openapi("MyNotify");

const route = createRoute({
  method: "post",
  path: "/api/sessions/me/notify",
  tags: ["sessions"],
  summary: "Change how Foreman messages the signed-in person, as /foreman me notify (their own session only)",
  security: [{ [SESSION_SECURITY]: [] }],
  middleware: [guard("viewer", { action: "people.notify" }), jsonBody()],
  request: { body: jsonBodyOf(NotifyBody) },
  responses: {
    200: { description: "What applies to them now", content: json(NotifySchema) },
    ...WRITE_ERRORS,
    ...E404,
  },
});

export function registerMeNotifyRoute(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    const session = c.get("principal")?.session;
    if (!session) {
      throw new ForbiddenError(
        "Only a person signed in from chat (/foreman dashboard) changes their own notification settings",
      );
    }
    const user = sessionUser(session.actor);
    if (!user) throw new ForbiddenError("Not a chat user");
    const { mode, windows, dailyCap } = c.req.valid("json");
    const patch = mode === "default" ? { reset: true } : { mode, ...(windows ? { windows } : {}) };
    const full = dailyCap !== undefined && mode !== "default" ? { ...patch, dailyCap } : patch;
    c.set("target", session.actor);
    const done = unwrap(await settings(c.env, currentTenant(c)).setNotifyPrefs(user, full, session.actor));
    const { mode: m, windows: w, dailyCap: cap, focus, holidays } = done.effective;
    const login = done.member?.github ?? "";
    return c.json({ login, notify: { mode: m, windows: w, dailyCap: cap, focus, holidays } }, 200);
  });
}
