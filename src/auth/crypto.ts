/** Key material: generation and SHA-256 hashing (constant-time comparison: src/security/compare.ts). */

const encoder = new TextEncoder();

/** Prefix of every tenant API key. */
export const KEY_PREFIX = "fmn_";

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** A fresh plaintext API key: `fmn_` + 32 random bytes, base64url (43 characters). */
export function generateApiKey(): string {
  return KEY_PREFIX + base64url(crypto.getRandomValues(new Uint8Array(32)));
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
