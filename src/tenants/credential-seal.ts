/**
 * Sealing of a tenant's platform tokens (kept in its Outbox, src/delivery/credentials.ts) under
 * TOKEN_ENCRYPTION_KEY (src/tenants/encryption.ts). An envelope is bound to
 * `credential:<platform>:<tenant>:<account>`: copied to another tenant or account, it does not open.
 */

import { z } from "zod";
import type { Platform } from "../delivery/types";
import type { Env } from "../env";
import { EncryptionKeyError } from "../platform/errors";
import { keyringFor, open, seal } from "./encryption";

/** What is sealed: the token, and what renewing it needs when the platform rotates tokens. */
export interface SecretBundle {
  token: string;
  refreshToken: string | null;
  /** When the token stops working (ISO), or null when it does not expire. */
  expiresAt: string | null;
}

const Bundle = z.object({
  token: z.string().min(1),
  refreshToken: z.string().nullable().default(null),
  expiresAt: z.string().nullable().default(null),
});

export function credentialContext(platform: Platform, tenant: string, account: string): string {
  return `credential:${platform}:${tenant}:${account}`;
}

/** Seals a bundle in a request addressed to `hostname` (the dev-only key is for localhost demos only). */
export async function sealSecret(
  env: Env,
  hostname: string | null,
  where: { platform: Platform; tenant: string; account: string },
  bundle: SecretBundle,
): Promise<string> {
  const ring = await keyringFor(env, hostname);
  return seal(ring, JSON.stringify(bundle), credentialContext(where.platform, where.tenant, where.account));
}

/**
 * Opens a sealed bundle outside any request (the delivery consumer, a cron): in demo mode with no
 * key set, the dev-only key that sealed it on localhost opens it; anywhere else the configured keys.
 */
export async function openSecret(
  env: Env,
  where: { platform: Platform; tenant: string; account: string },
  sealed: string,
): Promise<SecretBundle> {
  const ring = await keyringFor(env, env.DEMO_MODE === "true" ? "localhost" : null);
  const opened = await open(ring, sealed, credentialContext(where.platform, where.tenant, where.account));
  let value: unknown;
  try {
    value = JSON.parse(opened.plaintext);
  } catch {
    throw new EncryptionKeyError("A stored token is not in a format this version of Foreman reads");
  }
  const parsed = Bundle.safeParse(value);
  if (!parsed.success)
    throw new EncryptionKeyError("A stored token is not in a format this version of Foreman reads");
  return parsed.data;
}
