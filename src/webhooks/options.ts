/** Settings of the webhook endpoints (injectable for tests) and small checks they share. */

import { BadRequestError } from "../platform/errors";
import { BODY_LIMITS } from "../platform/limits";

/**
 * GitHub sends up to 25 MB; Foreman takes 5 MiB (its events are tens of KiB). Linear has its own,
 * smaller limit (the route passes it). Per-route table and reasons: src/platform/limits.ts.
 */
export const WEBHOOK_BODY_LIMIT = BODY_LIMITS.github;

export interface WebhookOptions {
  maxBodyBytes: number;
  now: () => number;
}

export const DEFAULT_WEBHOOK_OPTIONS: WebhookOptions = {
  maxBodyBytes: WEBHOOK_BODY_LIMIT,
  now: () => Date.now(),
};

/** Delivery ids double as correlation ids: GUIDs in practice; anything odd is refused. */
const DELIVERY_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/;

/** The value of a required header, or a 400 naming it. */
export function requiredHeader(headers: Headers, name: string): string {
  const value = headers.get(name)?.trim();
  if (!value) throw new BadRequestError(`Missing ${name} header`, { field: name });
  return value;
}

export function checkDeliveryId(value: string, field: string): string {
  if (!DELIVERY_ID.test(value)) {
    throw new BadRequestError(`${field} must be 1-200 characters of A-Z, a-z, 0-9, '.', '_', ':', '-'`, {
      field,
    });
  }
  return value;
}
