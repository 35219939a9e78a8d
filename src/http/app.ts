/**
 * The HTTP API: one OpenAPIHono app. Global middleware: request metrics, correlation id, security
 * headers, request log line, CORS, body size (Content-Length, src/platform/limits.ts), audit of
 * mutations, rate limit of `/api/*` (not webhooks).
 * Per route: `guard(role)` (auth, tenant, role) and `jsonBody()` (size, media type, JSON syntax).
 * One `onError` / `notFound` produce the one error shape `{"error": {code, message, details?}}`.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { notFound, onError, validationHook } from "./errors";
import { audit } from "./middleware/audit";
import { bodyLimit } from "./middleware/body-limit";
import { correlation } from "./middleware/correlation";
import { corsPolicy } from "./middleware/cors";
import { securityHeaders } from "./middleware/headers";
import { requestMetrics } from "./middleware/metrics";
import { requestLog } from "./middleware/request-log";
import { BEARER } from "./openapi";
import { rateLimit } from "./rate-limit/middleware";
import { registerAgentRoutes } from "./routes/agents";
import { registerDeliveryRoutes } from "./routes/deliveries";
import { registerDiscordRoutes } from "./routes/discord";
import { registerExperimentRoutes } from "./routes/experiments";
import { registerInsightsRoutes } from "./routes/insights";
import { registerInstallRoutes } from "./routes/installs";
import { registerKeyRoutes } from "./routes/keys";
import { registerLiveRoutes } from "./routes/live";
import { registerMeNotifyRoute } from "./routes/me-notify";
import { registerRuntimeMetricsRoutes } from "./routes/metrics";
import { registerMetricsRoutes } from "./routes/metrics-reviews";
import { registerPeopleRoutes } from "./routes/people";
import { registerPolicyRoutes } from "./routes/policies";
import { registerPredictionRoutes } from "./routes/predictions";
import { registerReviewActionRoutes } from "./routes/review-actions";
import { registerReviewRoutes } from "./routes/reviews";
import { registerSessionRoutes, SESSION_SECURITY } from "./routes/sessions";
import { registerSimulateRoutes } from "./routes/simulate";
import { registerSlackRoutes } from "./routes/slack";
import { registerSystemRoutes, VERSION } from "./routes/system";
import { registerTenantRoutes } from "./routes/tenants";
import { registerWebhookSecretRoutes } from "./routes/webhook-secrets";
import { registerWebhookRoutes } from "./routes/webhooks";
import { registerWorkflowRoutes } from "./routes/workflows";
import type { AppEnv } from "./types";

export const OPENAPI_PATH = "/api/openapi.json";

export function createApp(): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.use("*", requestMetrics());
  app.use("*", correlation());
  app.use("*", securityHeaders());
  app.use("*", requestLog());
  app.use("*", corsPolicy());
  app.use("*", bodyLimit());
  app.use("/api/*", audit());
  app.use("/api/*", rateLimit());

  registerSystemRoutes(app);
  registerWorkflowRoutes(app);
  registerAgentRoutes(app);
  registerKeyRoutes(app);
  registerSessionRoutes(app);
  registerMeNotifyRoute(app);
  registerLiveRoutes(app);
  registerDeliveryRoutes(app);
  registerRuntimeMetricsRoutes(app);
  registerMetricsRoutes(app);
  registerInsightsRoutes(app);
  registerReviewRoutes(app);
  registerReviewActionRoutes(app);
  registerPredictionRoutes(app);
  registerPolicyRoutes(app);
  registerSimulateRoutes(app);
  registerExperimentRoutes(app);
  registerPeopleRoutes(app);
  registerTenantRoutes(app);
  registerInstallRoutes(app);
  registerSlackRoutes(app);
  registerDiscordRoutes(app);
  registerWebhookSecretRoutes(app);
  registerWebhookRoutes(app);

  app.openAPIRegistry.registerComponent("securitySchemes", BEARER, {
    type: "http",
    scheme: "bearer",
    description: "An API key (`fmn_...`) or the bootstrap key (ADMIN_API_KEY)",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", SESSION_SECURITY, {
    type: "apiKey",
    in: "cookie",
    name: "__Host-foreman_session",
    description:
      "A dashboard session opened from chat (`/foreman dashboard`); accepted by every route when there is no Authorization header, with its tenant and role. Changes must come from the same origin.",
  });
  app.doc31(OPENAPI_PATH, (c) => ({
    openapi: "3.1.0",
    info: {
      title: "Foreman API",
      version: VERSION,
      description: "Workflows, agents, API keys, audit and deliveries of a Foreman tenant. See docs/api.md.",
    },
    servers: [{ url: new URL(c.req.url).origin }],
  }));

  app.onError(onError);
  app.notFound(notFound);
  return app;
}
