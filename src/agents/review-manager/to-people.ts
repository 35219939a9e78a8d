/**
 * Messages to people leave the Review Manager through the tenant's Context Optimizer, which sends
 * them now or when they help (batched, outside focus time, never while away). The item stays in the
 * Review Manager's delivery ledger until the optimizer has taken it (a repeat is routed once). When
 * the tenant's optimizer is paused (the team switched routing off), the message is sent directly —
 * except the extras only routing makes worth sending (`sentWithoutRouting`).
 */
import { directMessage } from "../../chat/post";
import { buildDelivery } from "../../delivery/enqueue";
import type { DeliveryMessage } from "../../delivery/types";
import type { Env } from "../../env";
import { unwrap } from "../../platform/errors";
import { contextOptimizerAgent } from "../context-optimizer";
import { type PersonItem, sentWithoutRouting } from "../context-optimizer/model";
import { coordinator } from "../coordinator/stub";

/** What a local `person` effect holds (effects.ts `recordEffect`). */
export function personItemOf(payload: Record<string, unknown>): PersonItem | null {
  if (payload.kind !== "person" || typeof payload.item !== "object" || payload.item === null) return null;
  return payload.item as PersonItem;
}

/**
 * Hands `item` to the tenant's standing Context Optimizer. Answers the direct message to record
 * instead when the optimizer is not running (null: none, or an extra left out); throws when it could
 * not be asked (tried again later).
 */
export async function routeToOptimizer(
  env: Env,
  tenant: string,
  item: PersonItem,
  correlationId: string,
  cache: { optimizerId?: string },
): Promise<DeliveryMessage | null> {
  if (!cache.optimizerId) {
    const meta = { correlationId, actor: "review-manager" };
    cache.optimizerId = unwrap(await coordinator(env, tenant).standingAgents(tenant, meta))[
      "context-optimizer"
    ];
  }
  const routed = await contextOptimizerAgent(env, cache.optimizerId).route([item], correlationId);
  if (routed.ok) return null;
  // Looked up again next time: a terminated optimizer is replaced by the Coordinator.
  cache.optimizerId = undefined;
  if (routed.error.code !== "conflict") {
    throw new Error(`the Context Optimizer did not take ${item.key}: ${routed.error.message}`);
  }
  if (!sentWithoutRouting(item)) return null;
  const dm = directMessage(item.user, { ...item.reply, ephemeral: false }, { key: item.key });
  return buildDelivery({ ...dm, key: item.key, tenant, correlationId });
}
