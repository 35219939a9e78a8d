/** Foreman's key formats: tenant API keys (`fmn_…`, stored as SHA-256 hex) and per-tenant webhook secrets (`fmwh_…`). */
import { base64url } from "../platform/base64";
import { sha256Hex } from "../platform/crypto";

/** Prefix of every tenant API key. */
export const KEY_PREFIX = "fmn_";

/** `prefix` + 32 random bytes, base64url (43 characters): keys, secrets, states, links, sessions. */
export function randomToken(prefix = ""): string {
  return prefix + base64url(crypto.getRandomValues(new Uint8Array(32)));
}

/** A bare `randomToken()`: 43 base64url characters. Anything else is not one Foreman made. */
export const isRandomToken = (value: string): boolean => /^[A-Za-z0-9_-]{43}$/.test(value);

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

/** SHA-256 of the key as lower-case hex: the only form in which keys are stored. */
export function hashApiKey(key: string): Promise<string> {
  return sha256Hex(key);
}
