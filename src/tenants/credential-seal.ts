/**
 * Sealing of a tenant's platform tokens (kept in its Outbox, src/delivery/credentials.ts) under
 * TOKEN_ENCRYPTION_KEY (src/tenants/encryption.ts). An envelope is bound to
 * `credential:<platform>:<tenant>:<account>`: copied to another tenant or account, it does not open.
 */

import { z } from "zod";
import { outbox } from "../delivery/stub";
import type { Platform } from "../delivery/types";
import type { Env } from "../env";
import { EncryptionKeyError, errorMessage } from "../platform/errors";
import { keyringFor, open, seal } from "./encryption";
import { directory } from "./stub";

/** What is sealed: the token, and what renewing it needs when the platform rotates tokens. */
export interface SecretBundle {
  token: string;
  refreshToken: string | null;
  /** When the token stops working (ISO), or null when it does not expire. */
  expiresAt: string | null;
}

/** A bundle's `expiresAt` for a token the platform says lives `seconds` (null or 0: no expiry given). */
export const expiresAtAfter = (seconds: number | null, nowMs: number): string | null =>
  seconds ? new Date(nowMs + seconds * 1000).toISOString() : null;

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
 * The host a background job (the delivery consumer, a token renewal) seals and opens as: in demo mode
 * with no key, the dev-only key that sealed values on localhost works there too; else none.
 */
export const backgroundHost = (env: Env): string | null => (env.DEMO_MODE === "true" ? "localhost" : null);

/**
 * Opens a sealed bundle outside any request (the delivery consumer, a cron): in demo mode with no
 * key set, the dev-only key that sealed it on localhost opens it; anywhere else the configured keys.
 */
export async function openSecret(
  env: Env,
  where: { platform: Platform; tenant: string; account: string },
  sealed: string,
): Promise<SecretBundle> {
  const ring = await keyringFor(env, backgroundHost(env));
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

export interface TokenResealReport {
  tokens: number;
  resealed: number;
  failed: { tenant: string; platform: string; account: string; error: string }[];
}

/**
 * After TOKEN_ENCRYPTION_KEY was rotated: every live install's token still sealed under the previous
 * key is sealed again under the current one (POST /api/webhooks/reencrypt does hooks and tokens).
 * A token renewed meanwhile is left as it is (the renewal sealed it under the current key).
 */
export async function resealTokens(
  env: Env,
  hostname: string | null,
  tenant?: string,
): Promise<TokenResealReport> {
  const ring = await keyringFor(env, hostname);
  const report: TokenResealReport = { tokens: 0, resealed: 0, failed: [] };
  for (let after = ""; ; ) {
    const page = await directory(env).installationsPage(after, 100, tenant);
    if (page.length === 0) return report;
    for (const install of page) {
      after = `${install.platform}:${install.account}`;
      if ((install.platform !== "slack" && install.platform !== "linear") || install.revokedAt !== null)
        continue;
      const box = outbox(env, install.tenant);
      const kept = await box.credentialFor(install.platform, null);
      if (kept.state !== "active" || kept.account !== install.account || kept.sealed === null) continue;
      report.tokens++;
      try {
        const context = credentialContext(install.platform, install.tenant, install.account);
        const opened = await open(ring, kept.sealed, context);
        if (opened.current) continue;
        const sealed = await seal(ring, opened.plaintext, context);
        const where = { platform: install.platform, account: install.account };
        await box.putCredential({
          ...where,
          sealed,
          details: kept.details,
          renew: true,
          expected: kept.sealed,
        });
        report.resealed++;
      } catch (err) {
        const { platform, account } = install;
        report.failed.push({ tenant: install.tenant, platform, account, error: errorMessage(err) });
      }
    }
  }
}
