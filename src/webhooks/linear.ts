/**
 * A Linear delivery at the seed URL (`POST /api/webhooks/linear`: the default tenant,
 * LINEAR_WEBHOOK_SECRET) or a tenant URL (`POST /api/webhooks/linear/t/<hook id>`: that tenant, its
 * own secrets): raw body (limit -> 413), `Linear-Signature` with the receiver's secrets only (401),
 * JSON (400), `webhookTimestamp` within 60 s of now (else 401: replayed or stale), the delivery id
 * (`Linear-Delivery`, else `webhookId:createdAt`), `parseLinearEvent` (invalid 400, ignored 202), the
 * team keys the receiver's tenant links, its Linear organisation (bound by the first delivery handed
 * over; another one is refused with 403), and the durable hand-off to that tenant alone (200).
 */

import type { Env } from "../env";
import { asRecord } from "../events/outcome";
import type { DomainEvent } from "../events/types";
import { parseLinearEvent } from "../integrations/linear/events";
import {
  checkLinearTimestamp,
  LINEAR_TIMESTAMP_TOLERANCE_MS,
  verifyLinearSignature,
} from "../integrations/linear/verify";
import { BadRequestError, ValidationError } from "../platform/errors";
import { parseJsonBody, readRawBody } from "../platform/raw-body";
import { type Receiver, verifyWith } from "../tenants/receivers";
import {
  handOff,
  ignoredAnswer,
  type Routable,
  routeToTenant,
  unauthorized,
  type WebhookAnswer,
} from "./handoff";
import { appOrganizationOf, isAppRevoked, linearAppReceiver, revokeLinearApp } from "./linear-app";
import { checkDeliveryId, type WebhookOptions } from "./options";

export const LINEAR_SIGNATURE_HEADER = "Linear-Signature";
const TEAM_KEY = /^([A-Za-z][A-Za-z0-9]*)-\d+$/;

export async function handleLinearWebhook(
  request: Request,
  env: Env,
  options: WebhookOptions,
  receiver: Receiver,
  onDelivery: (deliveryId: string) => void = () => {},
): Promise<WebhookAnswer> {
  if (receiver.secrets.length === 0) {
    return unauthorized(
      "Linear webhooks are not configured (LINEAR_WEBHOOK_SECRET) at this URL: a tenant's own webhook URL comes from POST /api/webhooks/linear/secret",
    );
  }
  const raw = await readRawBody(request, options.maxBodyBytes);
  const signature = request.headers.get(LINEAR_SIGNATURE_HEADER);
  if (signature === null) return unauthorized(`Missing ${LINEAR_SIGNATURE_HEADER} header`);
  if (!(await verifyWith(receiver, (secrets) => verifyLinearSignature(raw, signature, secrets)))) {
    return unauthorized(`${LINEAR_SIGNATURE_HEADER} does not match the body`);
  }

  const payload = parseJsonBody(raw);
  const body = asRecord(payload) ?? {};
  const now = options.now();
  if (!checkLinearTimestamp(body.webhookTimestamp, now)) {
    return unauthorized(
      `webhookTimestamp is missing or more than ${LINEAR_TIMESTAMP_TOLERANCE_MS / 1000} s from now (stale or replayed delivery)`,
    );
  }
  const deliveryId = linearDeliveryId(request.headers, body);
  onDelivery(deliveryId);
  const receivedAt = new Date(now).toISOString();
  // A Linear OAuth application's delivery reaches the tenant its organisation installed it for.
  let target = receiver;
  const appOrganization = appOrganizationOf(env, receiver, body);
  if (appOrganization !== null) {
    if (isAppRevoked(body)) {
      await revokeLinearApp(env, appOrganization, deliveryId);
      return { status: 200, body: { ok: true, deliveryId, revoked: true } };
    }
    const found = await linearAppReceiver(env, receiver, appOrganization, now);
    if ("ignored" in found) return ignoredAnswer(found.ignored);
    target = found.receiver;
  }
  const outcome = parseLinearEvent(payload, deliveryId, receivedAt);
  switch (outcome.status) {
    case "invalid":
      throw new ValidationError(outcome.issues, "Invalid Linear payload");
    case "ignored":
      return ignoredAnswer(outcome.reason);
    case "ping":
      return { status: 200, body: { ok: true, deliveryId } };
  }
  const items: Routable[] = outcome.events.map((event, index) => ({
    index,
    event,
    targets: teamKeysOf(event),
  }));
  if (items.every((item) => item.targets.length === 0)) {
    return ignoredAnswer("the event names no team key to route by");
  }
  const organizationId = typeof body.organizationId === "string" ? body.organizationId : null;
  const routed = await routeToTenant(env, target, "linear", items, { organizationId });
  if (routed.size === 0) return ignoredAnswer("team not linked");
  return handOff(env, "linear", deliveryId, receivedAt, routed);
}

/** `Linear-Delivery`, else `webhookId:createdAt` (both stable across Linear's retries). */
function linearDeliveryId(headers: Headers, body: Record<string, unknown>): string {
  const header = headers.get("Linear-Delivery")?.trim();
  if (header) return checkDeliveryId(header, "Linear-Delivery");
  const { webhookId, createdAt } = body;
  if (typeof webhookId === "string" && webhookId && typeof createdAt === "string" && createdAt) {
    return checkDeliveryId(`${webhookId}:${createdAt}`, "webhookId");
  }
  throw new BadRequestError("Missing Linear-Delivery header (and no webhookId and createdAt in the body)", {
    field: "Linear-Delivery",
  });
}

/** Team keys (upper case) that route an event: the issue's team, or the commented issue's prefix. */
function teamKeysOf(event: DomainEvent): string[] {
  switch (event.kind) {
    case "linear.issue.created":
    case "linear.issue.updated":
    case "linear.issue.removed":
      return [event.issue.teamKey];
    case "linear.comment": {
      const key = event.issueIdentifier?.match(TEAM_KEY)?.[1];
      return key ? [key.toUpperCase()] : [];
    }
    default:
      // Label definitions (`linear.label`) carry a team id, not a key: nothing to route by.
      return [];
  }
}
