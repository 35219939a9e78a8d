/**
 * GitHub webhook signatures: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`.
 *
 * Verification accepts any of several secrets (the current one and the previous one while a
 * rotation is under way), rejects malformed headers, and compares digests in constant time.
 * The HMAC helpers are shared with the Linear verifier.
 */

import { hmacSha256, matchesAnySecret, parseHexDigest, type RawBody, toHex } from "../../platform/crypto";

/** The `X-Hub-Signature-256` value for `body`: `sha256=<hex>`. */
export async function signGitHub(body: RawBody, secret: string): Promise<string> {
  return `sha256=${toHex(await hmacSha256(secret, body))}`;
}

/**
 * Checks `X-Hub-Signature-256` against the raw body with each secret. False for a missing or
 * malformed header, an empty secret list, or no matching secret; never throws.
 */
export async function verifyGitHubSignature(
  rawBody: ArrayBuffer | Uint8Array,
  header: string | null,
  secrets: readonly string[],
): Promise<boolean> {
  if (header === null || !header.startsWith("sha256=")) return false;
  const expected = parseHexDigest(header.slice("sha256=".length));
  if (!expected) return false;
  return matchesAnySecret(rawBody, expected, secrets);
}
