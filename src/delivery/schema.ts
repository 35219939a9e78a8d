/** Validation of delivery requests (producer side) and queue messages (consumer side). */
import { z } from "zod";
import { type FieldIssue, ValidationError } from "../platform/errors";
import { ORIGIN_BINDINGS, PLATFORMS } from "./types";

/** Queues take 128 KB per message; leave room for the envelope. */
export const MAX_BODY_BYTES = 120_000;

const tenant = z.string().min(1).max(128);
const key = z.string().min(1).max(256);

export const DeliveryRequestSchema = z.object({
  tenant,
  platform: z.enum(PLATFORMS),
  action: z.string().min(1).max(100),
  body: z.record(z.string(), z.unknown()),
  key: key.optional(),
  correlationId: z.string().min(1).max(128).optional(),
  /** A Slack user id (`U…`/`W…`): the DM waits while they are in Do Not Disturb. */
  holdWhileDnd: z.string().min(1).max(64).optional(),
});

export const DeliveryMessageSchema = DeliveryRequestSchema.extend({
  id: z.string().min(1).max(64),
  key,
  correlationId: z.string().min(1).max(128),
  enqueuedAt: z.string().min(1),
  origin: z.object({ binding: z.enum(ORIGIN_BINDINGS), name: z.string().min(1).max(128) }).optional(),
});

export function toFieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.join(".") : "(root)",
    message: issue.message,
  }));
}

export function validationError(error: z.ZodError, prefix: string): ValidationError {
  return new ValidationError(toFieldIssues(error), prefix);
}
