/**
 * Request body limits, per route: the one table (docs/security.md, docs/api.md).
 *
 * - REST JSON (`/api/*`): 64 KiB. The largest valid request (a workflow with a 5,000-character
 *   description and 50 tags, an agent message) is a few KiB.
 * - Slack (`/slack/events`): 1 MiB. Interactivity payloads carry the whole message or view (up to
 *   50 / 100 blocks of 3,000 characters), so they can reach a few hundred KiB.
 * - Discord (`/discord/interactions`): 1 MiB. Component interactions carry the message they belong to
 *   (content, up to 10 embeds) and resolved users / channels.
 * - GitHub deliveries (`/api/webhooks/github`, `/api/webhooks/github/t/<hook id>`): 5 MiB. GitHub sends up to 25 MB, but the events Foreman uses
 *   (pull requests, reviews, checks, installations) are tens of KiB; 5 MiB leaves room for an
 *   installation event listing thousands of repositories. A refused delivery shows as failed in
 *   GitHub's delivery log and can be redelivered by hand.
 * - Linear deliveries (`/api/webhooks/linear`, `…/linear/t/<hook id>`): 1 MiB (issue and comment
 *   payloads are a few KiB). The admins' webhook routes (`/api/webhooks/<kind>/secret`, …) are REST.
 *
 * Every limit is enforced twice: against `Content-Length` before anything is read
 * (src/http/middleware/body-limit.ts, a global middleware) and against the bytes actually read, so a chunked
 * body without `Content-Length` is cut off at the same size (src/platform/raw-body.ts). Over the limit:
 * 413 `payload_too_large` naming the limit in bytes.
 */

const KiB = 1024;
const MiB = 1024 * KiB;

export const BODY_LIMITS = {
  api: 64 * KiB,
  slack: MiB,
  discord: MiB,
  github: 5 * MiB,
  linear: MiB,
} as const;

export type BodyRoute = keyof typeof BODY_LIMITS;

/** Path prefixes of the chat routes with their own limit; anything else under the Worker is `api`. */
const ROUTES: ReadonlyArray<[string, BodyRoute]> = [
  ["/slack/", "slack"],
  ["/discord/", "discord"],
];

const DELIVERY_PATH = /^\/api\/webhooks\/(github|linear)(?:\/t\/[^/]+)?$/;

/**
 * The platform of a webhook delivery path: the seed URL or a tenant's hook URL (signed, retried by
 * the platform: never rate limited). Null for anything else, the admins' webhook routes included.
 */
export function webhookDeliveryKind(path: string): "github" | "linear" | null {
  const kind = DELIVERY_PATH.exec(path)?.[1];
  return kind === "github" || kind === "linear" ? kind : null;
}

/** Which limit a path falls under. */
export function bodyRouteOf(path: string): BodyRoute {
  const delivery = webhookDeliveryKind(path);
  if (delivery) return delivery;
  for (const [prefix, route] of ROUTES) if (path.startsWith(prefix)) return route;
  return "api";
}

/** The body limit of a path, in bytes. */
export function bodyLimitFor(path: string): number {
  return BODY_LIMITS[bodyRouteOf(path)];
}
