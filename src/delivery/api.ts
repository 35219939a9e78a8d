/** Read and replay operations on a tenant's deliveries, for the REST routes. */
import type { Env } from "../env";
import { redactShapes } from "../observability/redact";
import { attempt, type Outcome, ok, ValidationError } from "../platform/errors";
import { enqueueDelivery } from "./enqueue";
import type { Page, PageQuery } from "./outbox-pages";
import { outbox as outboxOf } from "./stub";
import type { DeadLetter, DeliveryRecord, OutboxEntry } from "./types";

export type { Page, PagePosition, PageQuery } from "./outbox-pages";
export type { DeadLetter, DeliveryAttempt, DeliveryRecord, OutboxEntry } from "./types";

/** The newest `limit` (or a page: filters, and `after` the previous page's `next`). */
export type ListOptions = PageQuery;

export interface ReplayResult {
  /** The dead letter's id. */
  id: string;
  /** The id of the new delivery put on the queue. */
  deliveryId: string;
  requeuedAt: string;
}

/** Deliveries kept in the tenant's local outbox (platform not configured), newest first. */
export async function listOutbox(env: Env, tenant: string, opts: ListOptions): Promise<OutboxEntry[]> {
  return (await pageOutbox(env, tenant, opts)).items;
}

/** The tenant's dead letters, newest first. */
export async function listDeadLetters(env: Env, tenant: string, opts: ListOptions): Promise<DeadLetter[]> {
  return (await pageDeadLetters(env, tenant, opts)).items;
}

/** A page of the local outbox, newest first (ties: the later recorded first), and where it ended. */
export async function pageOutbox(env: Env, tenant: string, query: PageQuery): Promise<Page<OutboxEntry>> {
  const page = await outboxOf(env, tenant).pageOutbox(query);
  return { items: page.items.map((e) => ({ ...e, body: redact(e.body) })), next: page.next };
}

/** A page of the dead letters, newest first (ties: the later recorded first), and where it ended. */
export async function pageDeadLetters(env: Env, tenant: string, query: PageQuery): Promise<Page<DeadLetter>> {
  const page = await outboxOf(env, tenant).pageDeadLetters(query);
  return { items: page.items.map((d) => ({ ...d, body: redact(d.body) })), next: page.next };
}

/** Send state and attempt history of one delivery key, or null if the tenant has no record of it. */
export async function getDelivery(env: Env, tenant: string, key: string): Promise<DeliveryRecord | null> {
  return outboxOf(env, tenant).getDelivery(key);
}

/**
 * Puts a dead letter back on the queue as a new delivery with the same key, body and correlation
 * id (so it still posts at most once), and marks the dead letter replayed (it is kept).
 * Failed Outcome: 404 unknown id, 400 for a malformed dead letter that cannot be sent.
 */
export async function replayDeadLetter(env: Env, tenant: string, id: string): Promise<Outcome<ReplayResult>> {
  const outbox = outboxOf(env, tenant);
  const found = await outbox.getDeadLetter(id);
  if (!found.ok) return found;
  const letter = found.value;
  const platform = letter.platform;
  if (platform === "unknown") {
    const issue = { field: "platform", message: "a malformed message cannot be replayed" };
    return { ok: false, error: { status: 400, ...new ValidationError([issue], "Cannot replay").toBody() } };
  }
  const queued = await attempt(() =>
    enqueueDelivery(env, {
      tenant,
      platform,
      action: letter.action,
      body: letter.body,
      key: letter.key,
      correlationId: letter.correlationId || undefined,
    }),
  );
  if (!queued.ok) return queued;
  const marked = await outbox.markReplayed(id, queued.value.id);
  if (!marked.ok) return marked;
  return ok({ id, deliveryId: queued.value.id, requeuedAt: marked.value.replayedAt });
}

const SENSITIVE_KEY = /token|secret|password|authorization|api_?key/i;

/**
 * Hides credential-like fields (e.g. a Discord interaction token) and credential-shaped text (e.g. a
 * tenant's webhook secret in the `link` reply an admin was shown once) from listings.
 */
function redact(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) out[k] = SENSITIVE_KEY.test(k) ? "[redacted]" : redactShapes(v);
  return out;
}
