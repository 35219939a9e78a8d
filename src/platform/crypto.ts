/**
 * Hashing and HMAC: the one SHA-256, the one HMAC-SHA256 signer and hex helpers (constant-time
 * comparison: compare.ts). Generic; Foreman's key formats live in tenants/keys.ts.
 */
import { timingSafeEqualBytes } from "./compare";

const encoder = new TextEncoder();

export async function sha256(value: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(value)));
}

export type RawBody = ArrayBuffer | Uint8Array | string;

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

/** Lower-case hex SHA-256 of `value`. */
export async function sha256Hex(value: string): Promise<string> {
  return toHex(await sha256(value));
}
