/**
 * Incoming webhooks. Each tenant has its own URL per platform, verified only with its own secret:
 * `POST /api/webhooks/github/t/{hookId}` and `POST /api/webhooks/linear/t/{hookId}`. The seed URLs
 * `POST /api/webhooks/github` / `…/linear` take the deployment-wide secrets and reach only the
 * default tenant. Authenticated by the platforms' signatures, not API keys (so not in the OpenAPI
 * document); the delivery id becomes the correlation id. The work is in src/webhooks; see
 * docs/webhooks.md. The admins' side (secrets, URLs) is src/http/routes/webhook-secrets.ts.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { NotFoundError } from "../../platform/errors";
import { BODY_LIMITS } from "../../platform/limits";
import { HOOK_ID, type HookKind } from "../../tenants/hooks";
import { deploymentReceiver, hookReceiver, type Receiver } from "../../tenants/receivers";
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

/** The tenant behind a hook URL; an id that is not a hook of `kind` is a 404 (read before the body). */
async function tenantReceiver(
  c: Context<AppEnv>,
  kind: HookKind,
  options: WebhookOptions,
): Promise<Receiver> {
  const hookId = c.req.param("hookId") ?? "";
  const found = HOOK_ID.test(hookId)
    ? await hookReceiver(c.env, kind, hookId, { hostname: new URL(c.req.url).hostname, now: options.now() })
    : null;
  if (!found)
    throw new NotFoundError("No Foreman webhook at this URL: the hook id is unknown or was deleted");
  return found;
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
  const github = async (c: Context<AppEnv>, receiver: Receiver) =>
    answer(c, await handleGitHubWebhook(c.req.raw, c.env, options, receiver, correlate(c)));
  const linear = async (c: Context<AppEnv>, receiver: Receiver) =>
    answer(c, await handleLinearWebhook(c.req.raw, c.env, linearOptions, receiver, correlate(c)));

  app.post(GITHUB_WEBHOOK_PATH, (c) => github(c, deploymentReceiver(c.env, "github")));
  app.post(LINEAR_WEBHOOK_PATH, (c) => linear(c, deploymentReceiver(c.env, "linear")));
  app.post(`${GITHUB_WEBHOOK_PATH}/t/:hookId`, async (c) =>
    github(c, await tenantReceiver(c, "github", options)),
  );
  app.post(`${LINEAR_WEBHOOK_PATH}/t/:hookId`, async (c) =>
    linear(c, await tenantReceiver(c, "linear", linearOptions)),
  );
}
