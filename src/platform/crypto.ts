/** Key material: generation and SHA-256 hashing (constant-time comparison: src/security/compare.ts). */
import { base64url } from "./base64";

const encoder = new TextEncoder();

/** Prefix of every tenant API key. */
export const KEY_PREFIX = "fmn_";

/** `prefix` + 32 random bytes, base64url (43 characters). */
function randomToken(prefix: string): string {
  return prefix + base64url(crypto.getRandomValues(new Uint8Array(32)));
}

/** A fresh plaintext API key: `fmn_` + 32 random bytes. */
export function generateApiKey(): string {
  return randomToken(KEY_PREFIX);
}

/** Prefix of every per-tenant webhook secret (recognisable, so logs can redact it by its shape). */
export const WEBHOOK_SECRET_PREFIX = "fmwh_";

/** A fresh webhook secret: `fmwh_` + 32 random bytes (48 characters in all). */
export function generateWebhookSecret(): string {
  return randomToken(WEBHOOK_SECRET_PREFIX);
}

export async function sha256(value: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(value)));
}

/** SHA-256 of the key as lower-case hex: the only form in which keys are stored. */
export async function hashApiKey(key: string): Promise<string> {
  let hex = "";
  for (const b of await sha256(key)) hex += b.toString(16).padStart(2, "0");
  return hex;
}
