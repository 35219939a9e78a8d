/**
 * `POST /discord/interactions`: Discord's Interactions Endpoint URL. The raw body is read once
 * (1 MiB cap -> 413) and its Ed25519 signature checked before anything is parsed (401 otherwise,
 * also for a missing key or a stale timestamp); then the interaction is validated (400 naming the
 * field) and answered (src/integrations/discord/interactions.ts).
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import { interactionSchema } from "../../chat/discord/types";
import {
  DEFAULT_DEPS,
  handleInteraction,
  type InteractionDeps,
} from "../../integrations/discord/interactions";
import { readInteractionBody, verifyInteraction } from "../../integrations/discord/verify";
import { ValidationError } from "../../platform/errors";
import { parseJsonBody } from "../../platform/raw-body";
import { fieldIssues } from "../errors";
import type { AppEnv } from "../types";

export const DISCORD_INTERACTIONS_PATH = "/discord/interactions";

export function registerDiscordRoutes(app: OpenAPIHono<AppEnv>, deps: InteractionDeps = DEFAULT_DEPS): void {
  app.post(DISCORD_INTERACTIONS_PATH, async (c) => {
    const body = await readInteractionBody(c.req.raw);
    const verified = await verifyInteraction({
      headers: c.req.raw.headers,
      body,
      publicKey: c.env.DISCORD_PUBLIC_KEY,
      nowMs: deps.now(),
    });
    if (!verified.ok) return c.json({ error: { code: "unauthorized", message: verified.reason } }, 401);

    const parsed = interactionSchema.safeParse(parseJsonBody(body));
    if (!parsed.success) throw new ValidationError(fieldIssues(parsed.error), "Invalid interaction");

    const response = await handleInteraction(
      {
        interaction: parsed.data,
        env: c.env,
        waitUntil: (p) => c.executionCtx.waitUntil(p),
        correlationId: c.get("correlationId"),
        requestUrl: c.req.url,
      },
      deps,
    );
    return c.json(response);
  });
}
