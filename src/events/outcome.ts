/** Building blocks shared by the webhook payload parsers: outcomes, zod issues, truncation. */
import type { z } from "zod";
import type { FieldIssue } from "../platform/errors";
import type { DomainEvent, EventSource, ParseOutcome } from "./types";

export function eventsOutcome(
  source: EventSource,
  deliveryId: string,
  receivedAt: string,
  events: DomainEvent[],
): ParseOutcome {
  const envelopes = events.map((event) => ({ source, deliveryId, receivedAt, event }));
  return { status: "event", events, envelopes };
}

export function ignored(reason: string): ParseOutcome {
  return { status: "ignored", reason };
}

export function invalid(issues: FieldIssue[]): ParseOutcome {
  return { status: "invalid", issues };
}

/** Zod issues as field paths (`pull_request.number`); the payload itself is `body`. */
export function zodIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    field: issue.path.map(String).join(".") || "body",
    message: issue.message,
  }));
}

/** Parses with `schema`; a failure becomes an `invalid` outcome. */
export function parseWith<T>(
  schema: z.ZodType<T>,
  payload: unknown,
): { ok: true; value: T } | { ok: false; outcome: ParseOutcome } {
  const result = schema.safeParse(payload);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, outcome: invalid(zodIssues(result.error)) };
}

const encoder = new TextEncoder();

/** The longest prefix of `text` whose UTF-8 encoding fits in `maxBytes`; never splits a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (text.length * 3 <= maxBytes) return text;
  const { read } = encoder.encodeInto(text, new Uint8Array(maxBytes));
  return text.slice(0, read);
}

/** A plain (non-array) object, or undefined. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
