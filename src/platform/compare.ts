/**
 * Constant-time comparison: the one place Foreman compares secrets, signatures and keys.
 *
 * - `timingSafeEqualBytes`: byte arrays of equal length, in time independent of where they differ
 *   (workerd's `crypto.subtle.timingSafeEqual` when present, else an XOR-accumulate loop with no
 *   early exit). Different lengths answer false at once: a length is not a secret (digests and
 *   signatures have fixed lengths).
 * - `constantTimeEqual`: strings of any length (API keys, the bootstrap key): both sides are hashed
 *   with SHA-256 first, so neither the length nor the position of the first difference leaks.
 *
 * Used by src/tenants/authenticate.ts (bootstrap key), src/integrations/github/verify.ts (GitHub and
 * Linear HMACs) and src/integrations/slack/verify.ts (Slack HMACs, over the raw bytes). Discord
 * signatures are Ed25519 verifications, not comparisons. See docs/security.md.
 */

import { sha256 } from "./crypto";

type TimingSafe = { timingSafeEqual?: (a: ArrayBufferView, b: ArrayBufferView) => boolean };

/** Equal bytes, in time independent of where they differ (the length is not secret). */
export function timingSafeEqualBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  const subtle = crypto.subtle as unknown as TimingSafe;
  if (typeof subtle.timingSafeEqual === "function") return subtle.timingSafeEqual(a, b);
  return xorEqual(a, b);
}

/** The portable fallback: accumulates every byte difference, never exits early. Exported for tests. */
export function xorEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  let diff = 0;
  for (let i = 0; i < a.byteLength; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/** Equal strings, compared as SHA-256 digests in constant time (hides length and content). */
export async function constantTimeEqual(a: string, b: string): Promise<boolean> {
  const [da, db] = await Promise.all([sha256(a), sha256(b)]);
  return timingSafeEqualBytes(da, db);
}
