/**
 * GitHub webhook signatures: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`.
 *
 * Verification accepts any of several secrets (the current one and the previous one while a
 * rotation is under way), rejects malformed headers, and compares digests in constant time.
 * The HMAC helpers are shared with the Linear verifier.
 */

import { timingSafeEqualBytes } from "../../platform/compare";

export type RawBody = ArrayBuffer | Uint8Array | string;

const encoder = new TextEncoder();
const HEX_SHA256 = /^[0-9a-f]{64}$/i;

function bytesOf(body: RawBody): Uint8Array {
  if (typeof body === "string") return encoder.encode(body);
  return body instanceof Uint8Array ? body : new Uint8Array(body);
}

export function toHex(bytes: Uint8Array): string {
  let hex = "";
  for (const b of bytes) hex += b.toString(16).padStart(2, "0");
  return hex;
}

/** Bytes of a 64-digit hex SHA-256 digest (either case), or null when it is not one. */
export function parseHexDigest(hex: string): Uint8Array | null {
  if (!HEX_SHA256.test(hex)) return null;
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** HMAC-SHA256 of `body` under `secret`. */
export async function hmacSha256(secret: string, body: RawBody): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, bytesOf(body)));
}

/** True when `expected` is the HMAC of `body` under any non-empty secret; every secret is tried. */
export async function matchesAnySecret(
  body: RawBody,
  expected: Uint8Array,
  secrets: readonly string[],
): Promise<boolean> {
  let matched = false;
  for (const secret of secrets) {
    if (!secret) continue;
    const digest = await hmacSha256(secret, body);
    // No early exit: the time taken does not reveal which secret matched.
    matched = timingSafeEqualBytes(digest, expected) || matched;
  }
  return matched;
}

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
