/**
 * Per-tenant webhook hooks: each tenant has, per platform (GitHub, Linear), its own URL
 * (`/api/webhooks/<kind>/t/<hook id>`, the hook id random, never the tenant's name) and its own secret,
 * generated here, sealed under TOKEN_ENCRYPTION_KEY (src/tenants/encryption.ts) and stored in the
 * Directory (src/tenants/webhook-hooks.ts). The plaintext is answered once, to the admin who made it
 * (REST `POST /api/webhooks/<kind>/secret`, or the first `/foreman link` in chat), and never again.
 *
 * Rotation: a new secret becomes current and the old one stays accepted as "previous" for
 * PREVIOUS_SECRET_TTL_MS (72 h) or until an admin ends the rotation (`DELETE …/secret/previous`),
 * whichever is first; rotating again drops an older previous secret. docs/webhooks.md.
 */

import type { Env } from "../env";
import { ConflictError, errorMessage, NotFoundError, ValidationError } from "../platform/errors";
import { randomId } from "../platform/ids";
import { type Keyring, keyringFor, open, seal } from "./encryption";
import { generateWebhookSecret } from "./keys";
import { forgetHook, sealContext } from "./receivers";
import { directory } from "./stub";
import type { HookKind, HookRecord } from "./webhook-hooks";

export type { HookKind, HookRecord };
export const HOOK_KINDS = ["github", "linear"] as const satisfies readonly HookKind[];

/** How long the previous secret stays accepted after a rotation, unless the rotation is ended sooner. */
export const PREVIOUS_SECRET_TTL_MS = 72 * 60 * 60_000;
/** Hook ids: `hk_` and 20 base32 characters (100 random bits). */
export const HOOK_ID = /^hk_[a-z2-7]{20}$/;
/** A secret brought from elsewhere (Linear's UI makes its own): printable, no spaces, 24-200 chars. */
const ADOPTED_SECRET = /^[\x21-\x7e]{24,200}$/;

export const hookPath = (kind: HookKind, hookId: string): string => `/api/webhooks/${kind}/t/${hookId}`;

/** Where platforms reach this deployment: FOREMAN_PUBLIC_URL when set (a proxy in front), else the request's origin. */
export function publicOrigin(env: Env, requestOrigin: string | null): string | null {
  const configured = env.FOREMAN_PUBLIC_URL?.trim();
  if (configured && /^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(configured)) return configured.replace(/\/+$/, "");
  return requestOrigin;
}

/** Who asks, for URLs and the keyring: the public origin, and the host the request was addressed to. */
export interface Asker {
  origin: string | null;
  hostname: string | null;
}

export function askerOf(env: Env, requestUrl: string | null | undefined): Asker {
  if (!requestUrl) return { origin: publicOrigin(env, null), hostname: null };
  const url = new URL(requestUrl);
  return { origin: publicOrigin(env, url.origin), hostname: url.hostname };
}

/** A hook as admins see it: never a secret. */
export interface HookStatus {
  kind: HookKind;
  configured: boolean;
  hookId: string | null;
  /** The Payload URL to give the platform; null when the origin is unknown (then `path`). */
  url: string | null;
  path: string | null;
  createdAt: string | null;
  rotatedAt: string | null;
  /** During a rotation: until when the previous secret is still accepted. */
  previousAcceptedUntil: string | null;
}

export function statusOf(
  kind: HookKind,
  hook: HookRecord | null,
  origin: string | null,
  now: number,
): HookStatus {
  if (!hook) {
    return {
      kind,
      configured: false,
      hookId: null,
      url: null,
      path: null,
      createdAt: null,
      rotatedAt: null,
      previousAcceptedUntil: null,
    };
  }
  const path = hookPath(kind, hook.hookId);
  const rotating = hook.previous !== null && hook.previousUntil !== null && hook.previousUntil > now;
  return {
    kind,
    configured: true,
    hookId: hook.hookId,
    url: origin ? `${origin}${path}` : null,
    path,
    createdAt: hook.createdAt,
    rotatedAt: hook.rotatedAt,
    previousAcceptedUntil: rotating ? new Date(hook.previousUntil ?? now).toISOString() : null,
  };
}

/** A secret just made: answered once, with where to use it. */
export interface IssuedSecret {
  status: HookStatus;
  secret: string;
  /** The hook was created (false: its secret was rotated). */
  created: boolean;
}

/**
 * The tenant's hook, created with a fresh secret if it has none. `secret` is the plaintext only when
 * this call created the hook (a concurrent creation that won answers its hook without a secret).
 */
export async function ensureHook(
  env: Env,
  tenant: string,
  kind: HookKind,
  asker: Asker,
): Promise<{ status: HookStatus; secret: string | null }> {
  const existing = await directory(env).webhookHookOf(tenant, kind);
  if (existing) return { status: statusOf(kind, existing, asker.origin, Date.now()), secret: null };
  const ring = await keyringFor(env, asker.hostname);
  const made = await create(env, ring, tenant, kind, generateWebhookSecret());
  return {
    status: statusOf(kind, made.hook, asker.origin, Date.now()),
    secret: made.created ? made.secret : null,
  };
}

/**
 * Creates the tenant's hook, or rotates its secret: `adopt` is a secret made elsewhere (Linear's UI
 * generates its own), else a fresh one is generated. 409 when another rotation won meanwhile.
 */
export async function issueSecret(
  env: Env,
  tenant: string,
  kind: HookKind,
  asker: Asker,
  adopt?: string,
): Promise<IssuedSecret> {
  if (adopt !== undefined && !ADOPTED_SECRET.test(adopt)) {
    throw new ValidationError([{ field: "secret", message: "24-200 printable characters, no spaces" }]);
  }
  const secret = adopt ?? generateWebhookSecret();
  const ring = await keyringFor(env, asker.hostname);
  const dir = directory(env);
  const existing = await dir.webhookHookOf(tenant, kind);
  if (!existing) {
    const made = await create(env, ring, tenant, kind, secret);
    if (made.created)
      return { status: statusOf(kind, made.hook, asker.origin, Date.now()), secret, created: true };
    return rotate(env, ring, made.hook, secret, asker);
  }
  return rotate(env, ring, existing, secret, asker);
}

/** Ends a rotation now: only the current secret is accepted from here on. 404 without a hook. */
export async function finishRotation(
  env: Env,
  tenant: string,
  kind: HookKind,
  asker: Asker,
): Promise<HookStatus> {
  const hook = await directory(env).endWebhookRotation(tenant, kind);
  if (!hook)
    throw new NotFoundError(`This tenant has no ${kind === "github" ? "GitHub" : "Linear"} webhook yet`);
  forgetHook(hook.hookId);
  return statusOf(kind, hook, asker.origin, Date.now());
}

async function create(
  env: Env,
  ring: Keyring,
  tenant: string,
  kind: HookKind,
  secret: string,
): Promise<{ created: boolean; hook: HookRecord; secret: string }> {
  const hookId = randomId("hk");
  const sealed = await seal(ring, secret, sealContext({ kind, tenant, hookId }));
  const made = await directory(env).createWebhookHook({ hookId, tenant, kind, secret: sealed });
  forgetHook(made.hook.hookId);
  return { ...made, secret };
}

async function rotate(
  env: Env,
  ring: Keyring,
  hook: HookRecord,
  secret: string,
  asker: Asker,
): Promise<IssuedSecret> {
  const now = Date.now();
  const rotated = await directory(env).rotateWebhookSecret({
    tenant: hook.tenant,
    kind: hook.kind,
    expected: hook.secret,
    secret: await seal(ring, secret, sealContext(hook)),
    previousUntil: now + PREVIOUS_SECRET_TTL_MS,
  });
  if (!rotated)
    throw new ConflictError("The webhook secret was rotated at the same time by another request: try again");
  forgetHook(hook.hookId);
  return { status: statusOf(hook.kind, rotated, asker.origin, now), secret, created: false };
}

export interface ResealReport {
  hooks: number;
  resealed: number;
  failed: Array<{ hookId: string; tenant: string; kind: HookKind; error: string }>;
}

/**
 * Operator: re-seals the hooks' secrets (every tenant's, or one tenant's) under the current
 * TOKEN_ENCRYPTION_KEY after a key rotation, so TOKEN_ENCRYPTION_KEY_PREVIOUS can be removed once a
 * run over every tenant reports no failure.
 */
export async function resealAll(env: Env, hostname: string | null, tenant?: string): Promise<ResealReport> {
  const ring = await keyringFor(env, hostname);
  const report: ResealReport = { hooks: 0, resealed: 0, failed: [] };
  const dir = directory(env);
  for (let after = ""; ; ) {
    const page = await dir.webhookHooksPage(after, 100, tenant);
    if (page.length === 0) return report;
    for (const hook of page) {
      report.hooks++;
      try {
        if (await resealOne(env, ring, hook)) report.resealed++;
      } catch (err) {
        const error = errorMessage(err);
        report.failed.push({ hookId: hook.hookId, tenant: hook.tenant, kind: hook.kind, error });
      }
    }
    after = page[page.length - 1]?.hookId ?? after;
  }
}

async function resealOne(env: Env, ring: Keyring, hook: HookRecord): Promise<boolean> {
  const context = sealContext(hook);
  const current = await open(ring, hook.secret, context);
  const previous = hook.previous ? await open(ring, hook.previous, context) : null;
  if (current.current && (previous === null || previous.current)) return false;
  const resealed = await directory(env).resealWebhookHook({
    hookId: hook.hookId,
    expected: { secret: hook.secret, previous: hook.previous },
    secret: current.current ? hook.secret : await seal(ring, current.plaintext, context),
    previous:
      previous === null || previous.current ? hook.previous : await seal(ring, previous.plaintext, context),
  });
  forgetHook(hook.hookId);
  return resealed;
}
