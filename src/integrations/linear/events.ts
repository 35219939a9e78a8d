/**
 * Linear webhook payloads to domain events.
 *
 * Payload shape (data-change webhooks): `{ action, type, createdAt, data, url, updatedFrom?,
 * actor?, organizationId, webhookTimestamp, webhookId }`. Handled: `Issue` (create, update,
 * remove), `Comment` on issues, `IssueLabel` (label definitions). Other types and actions are
 * ignored before the data is checked. Schemas name only what Foreman uses; never throws.
 */

import { z } from "zod";
import { asRecord, eventsOutcome, ignored, invalid, parseWith } from "../../events/outcome";
import type { LinearAction, LinearEvent, LinearIssueSnapshot, ParseOutcome } from "../../events/types";
import { errorMessage } from "../../platform/errors";

const Str = z.string().min(1);
const IDENTIFIER = /^([A-Za-z][A-Za-z0-9]*)-(\d+)$/;

const Envelope = {
  createdAt: z.string().nullish(),
  url: z.string().nullish(),
  organizationId: z.string().nullish(),
  webhookId: z.string().nullish(),
  updatedFrom: z.record(z.string(), z.unknown()).nullish(),
  // Only the id is kept (no names or e-mail addresses); a malformed actor is dropped, not fatal.
  actor: z.looseObject({ id: Str }).nullish().catch(null),
};

const IssueData = z.looseObject({
  id: Str,
  identifier: z.string().regex(IDENTIFIER, "expected a key such as ENG-123").nullish(),
  number: z.number().int().positive().nullish(),
  title: z.string(),
  url: z.string().nullish(),
  updatedAt: z.string().nullish(),
  teamId: Str.nullish(),
  team: z.looseObject({ id: Str, key: Str.nullish() }).nullish(),
  stateId: Str.nullish(),
  state: z.looseObject({ id: Str, name: z.string(), type: z.string() }).nullish(),
  assigneeId: Str.nullish(),
  labelIds: z.array(z.string()).nullish(),
  labels: z.array(z.looseObject({ id: z.string(), name: z.string() })).nullish(),
});

const IssuePayload = z.looseObject({ ...Envelope, data: IssueData });

const CommentPayload = z.looseObject({
  ...Envelope,
  data: z.looseObject({
    id: Str,
    issueId: Str.nullish(),
    issue: z.looseObject({ id: Str, identifier: z.string().nullish() }).nullish(),
    userId: Str.nullish(),
    parentId: Str.nullish(),
    url: z.string().nullish(),
    updatedAt: z.string().nullish(),
  }),
});

const LabelPayload = z.looseObject({
  ...Envelope,
  data: z.looseObject({
    id: Str,
    name: z.string(),
    teamId: Str.nullish(),
    parentId: Str.nullish(),
    updatedAt: z.string().nullish(),
  }),
});

type EnvelopeIn = {
  createdAt?: string | null;
  organizationId?: string | null;
  webhookId?: string | null;
  actor?: { id: string } | null;
};

function base(p: EnvelopeIn, updatedAt: string | null | undefined, receivedAt: string) {
  return {
    organizationId: p.organizationId ?? null,
    webhookId: p.webhookId ?? null,
    actorId: p.actor?.id ?? null,
    at: updatedAt ?? p.createdAt ?? receivedAt,
  };
}

type Step = LinearEvent | ParseOutcome;

function issueSnapshot(p: z.infer<typeof IssuePayload>): LinearIssueSnapshot | ParseOutcome {
  const d = p.data;
  const teamId = d.teamId ?? d.team?.id;
  if (!teamId) return invalid([{ field: "data.teamId", message: "teamId or team.id is required" }]);
  const fromIdentifier = d.identifier?.match(IDENTIFIER)?.[1];
  const teamKey = (d.team?.key ?? fromIdentifier)?.toUpperCase();
  if (!teamKey) return invalid([{ field: "data.identifier", message: "identifier or team.key is required" }]);
  const identifier = d.identifier?.toUpperCase() ?? (d.number ? `${teamKey}-${d.number}` : undefined);
  if (!identifier)
    return invalid([{ field: "data.identifier", message: "identifier or number is required" }]);
  const url = d.url ?? p.url;
  if (!url) return invalid([{ field: "data.url", message: "url is required" }]);
  const labels = d.labels ?? [];
  return {
    id: d.id,
    identifier,
    teamId,
    teamKey,
    title: d.title,
    url,
    state: d.state ? { id: d.state.id, name: d.state.name, type: d.state.type } : null,
    assigneeId: d.assigneeId ?? null,
    labelIds: d.labelIds ?? labels.map((l) => l.id),
    labels: labels.map((l) => l.name),
  };
}

const ISSUE_KINDS = {
  create: "linear.issue.created",
  update: "linear.issue.updated",
  remove: "linear.issue.removed",
} as const;

function issue(action: LinearAction, payload: unknown, receivedAt: string): Step {
  const parsed = parseWith(IssuePayload, payload);
  if (!parsed.ok) return parsed.outcome;
  const p = parsed.value;
  const snapshot = issueSnapshot(p);
  if ("status" in snapshot) return snapshot;
  const from = p.updatedFrom ?? {};
  const previousStateId = typeof from.stateId === "string" ? from.stateId : null;
  return {
    kind: ISSUE_KINDS[action],
    ...base(p, p.data.updatedAt, receivedAt),
    issue: snapshot,
    updatedFrom: action === "update" ? Object.keys(from) : [],
    previousStateId,
  };
}

function comment(action: LinearAction, payload: unknown, receivedAt: string): Step {
  const parsed = parseWith(CommentPayload, payload);
  if (!parsed.ok) return parsed.outcome;
  const p = parsed.value;
  const d = p.data;
  const issueId = d.issueId ?? d.issue?.id;
  // Comments on project updates, documents and the like have no issue.
  if (!issueId) return ignored("Comment is not on an issue");
  return {
    kind: "linear.comment",
    action,
    ...base(p, d.updatedAt, receivedAt),
    commentId: d.id,
    issueId,
    issueIdentifier: d.issue?.identifier?.toUpperCase() ?? null,
    userId: d.userId ?? null,
    parentId: d.parentId ?? null,
    url: d.url ?? p.url ?? null,
  };
}

function label(action: LinearAction, payload: unknown, receivedAt: string): Step {
  const parsed = parseWith(LabelPayload, payload);
  if (!parsed.ok) return parsed.outcome;
  const { data: d, ...p } = parsed.value;
  return {
    kind: "linear.label",
    action,
    ...base(p, d.updatedAt, receivedAt),
    labelId: d.id,
    name: d.name,
    teamId: d.teamId ?? null,
    parentId: d.parentId ?? null,
  };
}

const HANDLERS: Readonly<Record<string, (action: LinearAction, body: unknown, receivedAt: string) => Step>> =
  {
    Issue: issue,
    Comment: comment,
    IssueLabel: label,
  };
const ACTIONS: readonly string[] = ["create", "update", "remove"] satisfies LinearAction[];

/** Maps one delivery (parsed JSON body; the `Linear-Delivery` id) to domain events. */
export function parseLinearEvent(payload: unknown, deliveryId: string, receivedAt: string): ParseOutcome {
  try {
    const body = asRecord(payload);
    if (!body) return invalid([{ field: "body", message: "expected a JSON object" }]);
    const { type, action } = body;
    if (typeof type !== "string") return invalid([{ field: "type", message: "expected a string" }]);
    const handler = Object.hasOwn(HANDLERS, type) ? HANDLERS[type] : undefined;
    if (!handler) return ignored(`type ${type} is not handled`);
    if (typeof action !== "string") return invalid([{ field: "action", message: "expected a string" }]);
    if (!ACTIONS.includes(action)) return ignored(`${type}.${action} is not handled`);
    const result = handler(action as LinearAction, body, receivedAt);
    return "status" in result ? result : eventsOutcome("linear", deliveryId, receivedAt, [result]);
  } catch (err) {
    // Defensive: the schemas make this unreachable short of hostile objects (throwing getters).
    return invalid([{ field: "body", message: errorMessage(err) }]);
  }
}
