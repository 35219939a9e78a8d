/**
 * Demo mode (`DEMO_MODE = "true"`, the local default): a `demo` tenant with a seeded workflow,
 * so `npm run dev` shows something with no accounts or secrets. Deliveries to platforms with no
 * token land in the local outbox (see src/delivery).
 */
import type { Env } from "./env";
import { coordinator, directory } from "./rpc";

export const DEMO_TENANT = "demo";

let seeded = false;

export function demoMode(env: Env): boolean {
  return env.DEMO_MODE === "true";
}

/** Seeds the demo tenant once per isolate (idempotent across isolates too). */
export async function ensureDemoSeed(env: Env): Promise<void> {
  if (seeded || !demoMode(env)) return;
  seeded = true;
  try {
    await directory(env).ensureTenant(DEMO_TENANT);
    const outcome = await coordinator(env, DEMO_TENANT).seedDemo(DEMO_TENANT);
    if (!outcome.ok) throw new Error(outcome.error.message);
  } catch (err) {
    seeded = false;
    console.error(JSON.stringify({ level: "error", msg: "demo seed failed", error: String(err) }));
  }
}
