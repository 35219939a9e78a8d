/**
 * `POST /api/webhooks/linear`: raw body (limit -> 413), `Linear-Signature` with
 * LINEAR_WEBHOOK_SECRET (401), JSON (400), `webhookTimestamp` within 60 s of now (else 401: replayed
 * or stale), the delivery id (`Linear-Delivery`, else `webhookId:createdAt`), `parseLinearEvent`
 * (invalid 400, ignored 202), tenants by team key, and the durable hand-off (200).
 */

import type { Env } from "../env";
import { BadRequestError, ValidationError } from "../errors";
import { asRecord } from "../events/outcome";
import type { DomainEvent } from "../events/types";
import { parseJsonBody, readRawBody } from "../http/raw-body";
import { parseLinearEvent } from "../integrations/linear/events";
import {
  checkLinearTimestamp,
  LINEAR_TIMESTAMP_TOLERANCE_MS,
  verifyLinearSignature,
} from "../integrations/linear/verify";
import {
  handOff,
  ignoredAnswer,
  type Routable,
  routeToTenants,
  unauthorized,
  type WebhookAnswer,
} from "./handoff";
import { checkDeliveryId, type WebhookOptions } from "./options";

export const LINEAR_SIGNATURE_HEADER = "Linear-Signature";
const TEAM_KEY = /^([A-Za-z][A-Za-z0-9]*)-\d+$/;

export async function handleLinearWebhook(
  request: Request,
  env: Env,
  options: WebhookOptions,
  onDelivery: (deliveryId: string) => void = () => {},
): Promise<WebhookAnswer> {
  const secret = env.LINEAR_WEBHOOK_SECRET;
  if (!secret) return unauthorized("Linear webhooks are not configured (LINEAR_WEBHOOK_SECRET)");
  const raw = await readRawBody(request, options.maxBodyBytes);
  const signature = request.headers.get(LINEAR_SIGNATURE_HEADER);
  if (signature === null) return unauthorized(`Missing ${LINEAR_SIGNATURE_HEADER} header`);
  if (!(await verifyLinearSignature(raw, signature, secret))) {
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
  const routed = await routeToTenants(env, "linear", items);
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
