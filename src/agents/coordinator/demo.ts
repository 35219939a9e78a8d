/**
 * Demo mode (`DEMO_MODE = "true"`, the local default): the default tenant gets a seeded workflow,
 * so `npm run dev` shows something with no accounts or secrets. Deliveries to platforms with no
 * token land in the local outbox (see src/delivery).
 */
import type { Env } from "../../env";
import { logger } from "../../observability/logger";
import { defaultTenant } from "../../tenants/default-tenant";
import { directory } from "../../tenants/stub";
import { coordinator } from "./stub";

let seeded = false;

export function demoMode(env: Env): boolean {
  return env.DEMO_MODE === "true";
}

/** After the default tenant was deleted (src/http/tenant-purge.ts): the next request seeds it again. */
export function forgetDemoSeed(): void {
  seeded = false;
}

/** Seeds the demo tenant once per isolate (idempotent across isolates too). */
export async function ensureDemoSeed(env: Env): Promise<void> {
  if (seeded || !demoMode(env)) return;
  seeded = true;
  try {
    const tenant = defaultTenant(env);
    await directory(env).ensureTenant(tenant);
    const outcome = await coordinator(env, tenant).seedDemo(tenant);
    if (!outcome.ok) throw new Error(outcome.error.message);
  } catch (err) {
    seeded = false;
    logger("demo").error("demo seed failed", { error: String(err) });
  }
}
