/**
 * From a verified, parsed delivery to its one tenant (the receiver: src/tenants/receivers.ts): the
 * tenant's settings say which of the events' repositories / teams it links (and mark them active,
 * `TenantSettings.admitDelivery`), the events about those are handed over with one
 * `Coordinator.ingest` call. No other tenant is asked or reached, whatever it links. The answer is
 * only "accepted" once the tenant has the delivery durably; its events reach the agents' inboxes
 * right after the answer (the Coordinator's drain, retried by its alarm).
 */

import type { IndexedEvent, IngestResult } from "../agents/coordinator/intake";
import { coordinator } from "../agents/coordinator/stub";
import type { Env } from "../env";
import type { DomainEvent, EventSource } from "../events/types";
import { logger } from "../observability/logger";
import { ServiceUnavailableError, unwrap } from "../platform/errors";
import { settings } from "../settings/stub";
import { liveChanged } from "../tenants/live";
import type { Receiver } from "../tenants/receivers";

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

export interface RouteOptions {
  narrow?: Narrow;
  /** Linear: the delivery's organisation, checked against (or bound to) the tenant. */
  organizationId?: string | null;
}

/** The receiver's tenant -> its events of the delivery, in delivery order (empty: it links none). */
export async function routeToTenant(
  env: Env,
  receiver: Receiver,
  kind: EventSource,
  items: Routable[],
  options: RouteOptions = {},
): Promise<Map<string, IndexedEvent[]>> {
  const narrow = options.narrow ?? ((event) => event);
  const targets = [...new Set(items.flatMap((item) => item.targets))];
  const routed = new Map<string, IndexedEvent[]>();
  if (targets.length === 0) return routed;
  const admitted = unwrap(
    await settings(env, receiver.tenant).admitDelivery({
      kind,
      targets,
      via: receiver.via,
      organizationId: options.organizationId ?? null,
    }),
  );
  const linkedByTenant = new Set(admitted.linked);
  const events: IndexedEvent[] = [];
  for (const item of items) {
    const linked = new Set(item.targets.filter((t) => linkedByTenant.has(t)));
    if (linked.size > 0) events.push({ index: item.index, event: narrow(item.event, linked) });
  }
  if (events.length > 0) routed.set(receiver.tenant, events);
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
  const freshTenants: string[] = [];
  settled.forEach((s, i) => {
    const tenant = entries[i]?.[0] ?? "?";
    if (s.status === "rejected") failures.push(`${tenant}: ${String(s.reason)}`);
    else if (!s.value.ok) failures.push(`${tenant}: ${s.value.error.message}`);
    else {
      results.push(s.value.value);
      if (!s.value.value.duplicate) freshTenants.push(tenant);
    }
  });
  // The tenant's open dashboards refetch (one small call; nothing is sent when none is open).
  await Promise.all(freshTenants.map((tenant) => liveChanged(env, tenant, ["reviews", "overview"])));
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
  const duplicates = results.length - fresh.length;
  return {
    status: 200,
    body: {
      status: "accepted",
      deliveryId,
      events,
      tenants: fresh.length,
      ...(duplicates ? { duplicates } : {}),
    },
  };
}
