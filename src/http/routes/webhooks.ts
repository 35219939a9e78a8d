/**
 * Incoming webhooks: `POST /api/webhooks/github` and `POST /api/webhooks/linear`. Authenticated by
 * the platforms' signatures, not API keys (so not in the OpenAPI document); the delivery id becomes
 * the correlation id. The work is in src/webhooks; see docs/webhooks.md.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { BODY_LIMITS } from "../../security/limits";
import { handleGitHubWebhook } from "../../webhooks/github";
import type { WebhookAnswer } from "../../webhooks/handoff";
import { handleLinearWebhook } from "../../webhooks/linear";
import { DEFAULT_WEBHOOK_OPTIONS, type WebhookOptions } from "../../webhooks/options";
import type { AppEnv } from "../types";

export const GITHUB_WEBHOOK_PATH = "/api/webhooks/github";
export const LINEAR_WEBHOOK_PATH = "/api/webhooks/linear";

/** Signature failures are answered here (401 in the one error shape, no bearer challenge). */
function answer(c: Context<AppEnv>, result: WebhookAnswer): Response {
  return c.json(result.body, result.status as ContentfulStatusCode);
}

export function registerWebhookRoutes(
  app: OpenAPIHono<AppEnv>,
  overrides: Partial<WebhookOptions> = {},
): void {
  const options: WebhookOptions = { ...DEFAULT_WEBHOOK_OPTIONS, ...overrides };
  const linearOptions: WebhookOptions = {
    ...options,
    maxBodyBytes: overrides.maxBodyBytes ?? BODY_LIMITS.linear,
  };
  const correlate = (c: Context<AppEnv>) => (deliveryId: string) => c.set("correlationId", deliveryId);

  app.post(GITHUB_WEBHOOK_PATH, async (c) =>
    answer(c, await handleGitHubWebhook(c.req.raw, c.env, options, correlate(c))),
  );
  app.post(LINEAR_WEBHOOK_PATH, async (c) =>
    answer(c, await handleLinearWebhook(c.req.raw, c.env, linearOptions, correlate(c))),
  );
}
