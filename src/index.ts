/**
 * The Worker: HTTP (Hono app), Cron Triggers, and the outbound delivery queues.
 * Durable Object classes are exported from here so wrangler can bind them.
 * `withLogging` gives each invocation a log scope: one correlation id, lines archived to R2 in
 * per-isolate batches (src/observability/archive-buffer.ts).
 */

import { ensureDemoSeed } from "./agents/coordinator/demo";
import { runAlertChecks } from "./alerts/alerts";
import { handleQueue } from "./delivery/consumer";
import { runDueDigests } from "./digest/cron";
import type { Env } from "./env";
import { createApp } from "./http/app";
import { withHtmlSecurityHeaders } from "./http/middleware/headers";
import { platformSenders } from "./integrations/clients";
import { withLogging } from "./observability/handler";
import { runLogSweep } from "./observability/sweep";

export { Coordinator } from "./agents/coordinator/coordinator";
export {
  ContextOptimizerAgent,
  IntegrationDashboardAgent,
  LinearStateAgent,
  PatternBridgeAgent,
  ReviewManagerAgent,
} from "./agents/index";
export { Outbox } from "./delivery/outbox";
export { RateLimiter } from "./http/rate-limit/rate-limiter";
export { Metrics } from "./observability/metrics-do";
export { TenantSettings } from "./settings/tenant-settings";
export { SimulationRunner } from "./simulation/runner";
export { Directory } from "./tenants/directory";
export { Live } from "./tenants/live";

const app = createApp();

/** Paths the Worker answers; everything else is the dashboard (public/). Mirrors `run_worker_first`. */
const WORKER_PATHS = /^\/(?:api|slack|discord|github|linear)\//;

export default withLogging({
  async fetch(request, env, ctx): Promise<Response> {
    // The assets router serves the dashboard before the Worker runs; this covers requests that reach
    // the Worker directly (service bindings, tests). Headers come from public/_headers either way;
    // HTML that somehow lacks them gets them here (src/http/middleware/headers.ts).
    if (!WORKER_PATHS.test(new URL(request.url).pathname)) {
      return withHtmlSecurityHeaders(await env.ASSETS.fetch(request));
    }
    ctx.waitUntil(ensureDemoSeed(env));
    return app.fetch(request, env, ctx);
  },

  async scheduled(controller, env, ctx): Promise<void> {
    ctx.waitUntil(ensureDemoSeed(env));
    ctx.waitUntil(runDueDigests(env, controller.scheduledTime));
    ctx.waitUntil(runAlertChecks(env, controller.scheduledTime));
    ctx.waitUntil(runLogSweep(env, controller.scheduledTime));
  },

  async queue(batch, env, ctx): Promise<void> {
    await handleQueue(batch, env, ctx, { senders: platformSenders });
  },
} satisfies ExportedHandler<Env>);
