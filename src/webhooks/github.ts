/**
 * A GitHub delivery at the seed URL (`POST /api/webhooks/github`: the default tenant, deployment
 * secrets) or a tenant URL (`POST /api/webhooks/github/t/<hook id>`: that tenant, its own secrets) —
 * the receiver (src/tenants/receivers.ts) says which. Raw body (limit -> 413),
 * `X-Hub-Signature-256` checked against the receiver's secrets only, before anything is parsed
 * (401), then headers (400), `ping` (which also activates the repository it names), the payload
 * (`parseGitHubEvent`: invalid 400, ignored 202), the repositories the receiver's tenant links, and
 * the durable hand-off to that tenant alone (200 accepted / duplicate).
 */

import type { Env } from "../env";
import { asRecord } from "../events/outcome";
import type { DomainEvent, InstallationChangedEvent } from "../events/types";
import { parseGitHubEvent } from "../integrations/github/events";
import { verifyGitHubSignature } from "../integrations/github/verify";
import { UnsupportedMediaTypeError, unwrap, ValidationError } from "../platform/errors";
import { parseJsonBody, readRawBody } from "../platform/raw-body";
import { settings } from "../settings/stub";
import { type Receiver, verifyWith } from "../tenants/receivers";
import { applyInstallationChange, appReceiver, installationIdOf } from "./github-app";
import {
  handOff,
  ignoredAnswer,
  type Routable,
  routeToTenant,
  unauthorized,
  type WebhookAnswer,
} from "./handoff";
import { checkDeliveryId, requiredHeader, type WebhookOptions } from "./options";

export const GITHUB_SIGNATURE_HEADER = "X-Hub-Signature-256";

/** The delivery id once the signature is good (the route makes it the correlation id). */
export function githubDeliveryId(headers: Headers): string {
  return checkDeliveryId(requiredHeader(headers, "X-GitHub-Delivery"), "X-GitHub-Delivery");
}

export async function handleGitHubWebhook(
  request: Request,
  env: Env,
  options: WebhookOptions,
  receiver: Receiver,
  onDelivery: (deliveryId: string) => void = () => {},
): Promise<WebhookAnswer> {
  if (receiver.secrets.length === 0) {
    return unauthorized(
      "GitHub webhooks are not configured (GITHUB_WEBHOOK_SECRET) at this URL: a tenant's own webhook URL comes from POST /api/webhooks/github/secret",
    );
  }
  const raw = await readRawBody(request, options.maxBodyBytes);
  const signature = request.headers.get(GITHUB_SIGNATURE_HEADER);
  if (signature === null) return unauthorized(`Missing ${GITHUB_SIGNATURE_HEADER} header`);
  if (!(await verifyWith(receiver, (secrets) => verifyGitHubSignature(raw, signature, secrets)))) {
    return unauthorized(`${GITHUB_SIGNATURE_HEADER} does not match the body`);
  }

  const eventName = requiredHeader(request.headers, "X-GitHub-Event");
  const deliveryId = githubDeliveryId(request.headers);
  onDelivery(deliveryId);
  const type = request.headers.get("Content-Type") ?? "";
  if (/^application\/x-www-form-urlencoded/i.test(type)) {
    throw new UnsupportedMediaTypeError("application/json (set the webhook's content type to JSON)", type);
  }
  const payload = parseJsonBody(raw);
  const receivedAt = new Date(options.now()).toISOString();
  const outcome = parseGitHubEvent(eventName, payload, deliveryId, receivedAt);
  switch (outcome.status) {
    case "ping":
      await activateFromPing(env, receiver, payload);
      return { status: 200, body: { ok: true, zen: zenOf(payload), deliveryId } };
    case "invalid":
      throw new ValidationError(outcome.issues, `Invalid ${eventName} payload`);
    case "ignored":
      return ignoredAnswer(outcome.reason);
  }
  // A GitHub App delivery reaches the tenant its installation is connected to, and no other.
  let target = receiver;
  const installationId = installationIdOf(env, receiver, payload);
  if (installationId !== null) {
    for (const event of outcome.events) {
      if (event.kind === "installation.changed") await applyInstallationChange(env, event, deliveryId);
    }
    const found = await appReceiver(env, receiver, installationId, options.now());
    if ("ignored" in found) return ignoredAnswer(found.ignored);
    target = found.receiver;
  }
  const items: Routable[] = outcome.events.map((event, index) => ({ index, event, targets: reposOf(event) }));
  const routed = await routeToTenant(env, target, "github", items, { narrow: narrowInstallation });
  if (routed.size === 0) return ignoredAnswer("repository not linked");
  return handOff(env, "github", deliveryId, receivedAt, routed);
}

/** The repositories an event is about (`owner/repo`, lower case). */
function reposOf(event: DomainEvent): string[] {
  if (event.kind === "installation.changed") return [...event.added, ...event.removed].map((r) => r.fullName);
  return "repo" in event ? [event.repo.fullName] : [];
}

/** A tenant sees only the repositories it links in an installation change. */
export function narrowInstallation(event: DomainEvent, linked: ReadonlySet<string>): DomainEvent {
  if (event.kind !== "installation.changed") return event;
  const narrowed: InstallationChangedEvent = {
    ...event,
    added: event.added.filter((r) => linked.has(r.fullName)),
    removed: event.removed.filter((r) => linked.has(r.fullName)),
  };
  return narrowed;
}

/** A repository webhook's `ping` names its repository: a signed ping is its first signed delivery. */
async function activateFromPing(env: Env, receiver: Receiver, payload: unknown): Promise<void> {
  const name = asRecord(asRecord(payload)?.repository)?.full_name;
  if (typeof name !== "string" || !/^[\w.-]+\/[\w.-]+$/.test(name)) return;
  const kind = "github";
  unwrap(await settings(env, receiver.tenant).admitDelivery({ kind, targets: [name], via: receiver.via }));
}

function zenOf(payload: unknown): string | null {
  if (typeof payload !== "object" || payload === null || !("zen" in payload)) return null;
  return typeof payload.zen === "string" ? payload.zen : null;
}
