/**
 * From verified, parsed deliveries to tenants: find the tenants linking each event's repository or
 * team (`Directory.tenantsForLink`), then hand each tenant its events with one `Coordinator.ingest`
 * call. The answer is only "accepted" once every tenant has the delivery durably.
 */

import type { Env } from "../env";
import { ServiceUnavailableError } from "../errors";
import type { DomainEvent, EventSource } from "../events/types";
import { logger } from "../observability/logger";
import { coordinator, directory } from "../rpc";
import type { IndexedEvent, IngestResult } from "./types";

/** What a webhook route answers when it does not throw (errors use the one error shape). */
export interface WebhookAnswer {
  status: 200 | 202 | 401;
  body: Record<string, unknown>;
}

/** An event and the link targets (repositories, team keys) that route it. */
export interface Routable {
  index: number;
  event: DomainEvent;
  targets: string[];
}

/** Rewrites an event for one tenant, given which of its targets that tenant links. */
export type Narrow = (event: DomainEvent, linked: ReadonlySet<string>) => DomainEvent;

export const ignoredAnswer = (reason: string): WebhookAnswer => ({
  status: 202,
  body: { status: "ignored", reason },
});

export const unauthorized = (message: string): WebhookAnswer => ({
  status: 401,
  body: { error: { code: "unauthorized", message } },
});

/** Tenant -> its events of the delivery, in delivery order. */
export async function routeToTenants(
  env: Env,
  kind: EventSource,
  items: Routable[],
  narrow: Narrow = (event) => event,
): Promise<Map<string, IndexedEvent[]>> {
  const targets = [...new Set(items.flatMap((item) => item.targets))];
  const found = await Promise.all(targets.map((t) => directory(env).tenantsForLink(kind, t)));
  const tenantsOf = new Map(targets.map((t, i) => [t, found[i] ?? []]));
  const routed = new Map<string, IndexedEvent[]>();
  for (const item of items) {
    const linkedBy = new Map<string, Set<string>>();
    for (const target of item.targets) {
      for (const tenant of tenantsOf.get(target) ?? []) {
        linkedBy.set(tenant, (linkedBy.get(tenant) ?? new Set()).add(target));
      }
    }
    for (const [tenant, linked] of linkedBy) {
      const list = routed.get(tenant) ?? [];
      list.push({ index: item.index, event: narrow(item.event, linked) });
      routed.set(tenant, list);
    }
  }
  return routed;
}

/** One `ingest` per tenant; 503 if any tenant could not take it (those that did ignore a resend). */
export async function handOff(
  env: Env,
  source: EventSource,
  deliveryId: string,
  receivedAt: string,
  routed: Map<string, IndexedEvent[]>,
): Promise<WebhookAnswer> {
  const entries = [...routed];
  const settled = await Promise.allSettled(
    entries.map(([tenant, events]) =>
      coordinator(env, tenant).ingest(tenant, { source, deliveryId, receivedAt, events }),
    ),
  );
  const results: IngestResult[] = [];
  const failures: string[] = [];
  settled.forEach((s, i) => {
    const tenant = entries[i]?.[0] ?? "?";
    if (s.status === "rejected") failures.push(`${tenant}: ${String(s.reason)}`);
    else if (!s.value.ok) failures.push(`${tenant}: ${s.value.error.message}`);
    else results.push(s.value.value);
  });
  if (failures.length) {
    logger("webhooks").error("webhook hand-off failed", { source, correlationId: deliveryId, failures });
    throw new ServiceUnavailableError(
      `Delivery ${deliveryId} could not be handed to ${failures.length} of ${entries.length} tenants; ` +
        "send it again (tenants that have it ignore the repeat)",
    );
  }
  const fresh = results.filter((r) => !r.duplicate);
  if (fresh.length === 0) return { status: 200, body: { status: "duplicate", deliveryId } };
  const events = new Set(entries.flatMap(([, list]) => list.map((e) => e.index))).size;
  const pending = fresh.filter((r) => r.status !== "published").length;
  const duplicates = results.length - fresh.length;
  return {
    status: 200,
    body: {
      status: "accepted",
      deliveryId,
      events,
      tenants: fresh.length,
      ...(duplicates ? { duplicates } : {}),
      ...(pending ? { pending } : {}),
    },
  };
}
