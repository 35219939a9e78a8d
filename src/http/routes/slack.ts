/**
 * `POST /slack/events`: the one Slack Request URL (slash commands, interactivity, Events API).
 * Authenticated by Slack's request signature, not by API keys; see src/integrations/slack/receiver.ts.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import { auditChange } from "../../agents/coordinator/audit";
import { handleSlackEvents } from "../../integrations/slack/app";
import type { AppEnv } from "../types";

export const SLACK_EVENTS_PATH = "/slack/events";

export function registerSlackRoutes(app: OpenAPIHono<AppEnv>): void {
  app.post(SLACK_EVENTS_PATH, (c) =>
    handleSlackEvents(c.req.raw, c.env, c.executionCtx, {
      correlationId: c.get("correlationId"),
      deps: { audit: auditChange },
    }),
  );
}
