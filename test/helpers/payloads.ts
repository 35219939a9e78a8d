/** Shared helpers for the webhook tests: the octokit example payloads and payload surgery. */
import webhookExamples from "@octokit/webhooks-examples/api.github.com/index.json";
import { expect } from "vitest";
import type { DomainEvent, DomainEventKind, EventOfKind, ParseOutcome } from "../../src/events/types";

export type Payload = Record<string, unknown>;
type Definition = { name: string; actions: string[]; examples: Payload[] };

const DEFINITIONS = webhookExamples as unknown as Definition[];

/** Every example payload GitHub's octokit project ships for `eventName`. */
export function examplesOf(eventName: string): Payload[] {
  const def = DEFINITIONS.find((d) => d.name === eventName);
  if (!def) throw new Error(`no octokit examples for ${eventName}`);
  return def.examples;
}

/** The first example of `eventName` with `action` (a deep copy, safe to mutate). */
export function exampleOf(eventName: string, action?: string): Payload {
  const found = examplesOf(eventName).find((e) => action === undefined || e.action === action);
  if (!found) throw new Error(`no ${eventName}.${action} example`);
  return structuredClone(found);
}

/** Deletes `a.b.c` from `payload` (in place); returns the payload. */
export function deletePath(payload: Payload, path: string): Payload {
  const keys = path.split(".");
  let node: unknown = payload;
  for (const key of keys.slice(0, -1)) node = (node as Payload)[key];
  delete (node as Payload)[keys[keys.length - 1] ?? ""];
  return payload;
}

/** Sets `a.b.c` in `payload` (in place); returns the payload. */
export function setPath(payload: Payload, path: string, value: unknown): Payload {
  const keys = path.split(".");
  let node: unknown = payload;
  for (const key of keys.slice(0, -1)) node = (node as Payload)[key];
  (node as Payload)[keys[keys.length - 1] ?? ""] = value;
  return payload;
}

/** The single event of an `event` outcome (fails the test otherwise). */
export function onlyEvent(outcome: ParseOutcome): DomainEvent {
  if (outcome.status !== "event") throw new Error(`expected an event, got ${JSON.stringify(outcome)}`);
  expect(outcome.events).toHaveLength(1);
  const [event] = outcome.events;
  if (!event) throw new Error("no event");
  return event;
}

/** Narrows `event` to one kind (fails the test otherwise). */
export function ofKind<K extends DomainEventKind>(event: DomainEvent, kind: K): EventOfKind<K> {
  expect(event.kind).toBe(kind);
  return event as EventOfKind<K>;
}

/** The field names of an `invalid` outcome (fails the test otherwise). */
export function invalidFields(outcome: ParseOutcome): string[] {
  if (outcome.status !== "invalid")
    throw new Error(`expected invalid, got ${JSON.stringify(outcome).slice(0, 300)}`);
  return outcome.issues.map((i) => i.field);
}
