/**
 * Linear webhook signatures: `Linear-Signature: <hex HMAC-SHA256 of the raw body>`, and the
 * `webhookTimestamp` (ms) in the body, which must be within a minute of now (replay protection).
 */
import { hmacSha256, matchesAnySecret, parseHexDigest, type RawBody, toHex } from "../../platform/crypto";

export const LINEAR_TIMESTAMP_TOLERANCE_MS = 60_000;

/** The `Linear-Signature` value for `body`. */
export async function signLinear(body: RawBody, secret: string): Promise<string> {
  return toHex(await hmacSha256(secret, body));
}

/**
 * Checks `Linear-Signature` in constant time against a secret or several (current and previous during
 * a rotation; every one is tried). False for a missing or malformed header or no non-empty secret.
 */
export async function verifyLinearSignature(
  rawBody: ArrayBuffer | Uint8Array,
  header: string | null,
  secrets: string | readonly string[],
): Promise<boolean> {
  if (header === null) return false;
  const expected = parseHexDigest(header);
  if (!expected) return false;
  return matchesAnySecret(rawBody, expected, typeof secrets === "string" ? [secrets] : secrets);
}

/**
 * True when the body's `webhookTimestamp` is a finite number of milliseconds within `toleranceMs`
 * of `nowMs` (either side). Anything else (missing, a string, NaN) is false.
 */
export function checkLinearTimestamp(
  webhookTimestampMs: unknown,
  nowMs: number,
  toleranceMs = LINEAR_TIMESTAMP_TOLERANCE_MS,
): boolean {
  if (typeof webhookTimestampMs !== "number" || !Number.isFinite(webhookTimestampMs)) return false;
  return Math.abs(nowMs - webhookTimestampMs) <= toleranceMs;
}
