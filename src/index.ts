/**
 * The Worker: HTTP (Hono app), Cron Triggers, and the outbound delivery queues.
 * Durable Object classes are exported from here so wrangler can bind them.
 */

import { handleQueue } from "./delivery/consumer";
import { ensureDemoSeed } from "./demo";
import { runDueDigests } from "./digest/cron";
import type { Env } from "./env";
import { createApp } from "./http/app";

export { Coordinator } from "./agents/coordinator";
export {
  ContextOptimizerAgent,
  IntegrationDashboardAgent,
  LinearStateAgent,
  PatternBridgeAgent,
  ReviewManagerAgent,
} from "./agents/types/index";
export { Outbox } from "./delivery/outbox";
export { TenantSettings } from "./settings/tenant-settings";
export { Directory } from "./storage/directory";

const app = createApp();

/** Paths the Worker answers; everything else is the dashboard (public/). Mirrors `run_worker_first`. */
const WORKER_PATHS = /^\/(?:api|slack|discord)\//;

export default {
  async fetch(request, env, ctx): Promise<Response> {
    // The assets router serves the dashboard before the Worker runs; this covers requests that reach
    // the Worker directly (service bindings, tests). Headers come from public/_headers either way.
    if (!WORKER_PATHS.test(new URL(request.url).pathname)) return env.ASSETS.fetch(request);
    ctx.waitUntil(ensureDemoSeed(env));
    return app.fetch(request, env, ctx);
  },

  async scheduled(controller, env, ctx): Promise<void> {
    ctx.waitUntil(ensureDemoSeed(env));
    ctx.waitUntil(runDueDigests(env, controller.scheduledTime));
  },

  async queue(batch, env, ctx): Promise<void> {
    await handleQueue(batch, env, ctx);
  },
} satisfies ExportedHandler<Env>;
