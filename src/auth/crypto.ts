/** Key material: generation, SHA-256 hashing, constant-time comparison. */

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

type TimingSafe = { timingSafeEqual?: (a: ArrayBufferView, b: ArrayBufferView) => boolean };

/** Compares two strings in time independent of where they differ (both are hashed first). */
export async function constantTimeEqual(a: string, b: string): Promise<boolean> {
  const [da, db] = await Promise.all([sha256(a), sha256(b)]);
  const subtle = crypto.subtle as unknown as TimingSafe;
  if (typeof subtle.timingSafeEqual === "function") return subtle.timingSafeEqual(da, db);
  let diff = 0;
  for (let i = 0; i < da.length; i++) diff |= (da[i] ?? 0) ^ (db[i] ?? 0);
  return diff === 0;
}
