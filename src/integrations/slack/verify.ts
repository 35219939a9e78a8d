/**
 * Slack request signing: `X-Slack-Signature = "v0=" + hex(HMAC-SHA256(secret, "v0:" + ts + ":" + body))`,
 * where `body` is the bytes that arrived. Bolt's `verifySlackRequest` takes the body as a string, so a
 * body is decoded before it is checked there: a leading BOM is dropped and invalid UTF-8 becomes U+FFFD,
 * and a request signed over other bytes than those sent passes. Foreman therefore checks the HMAC itself,
 * over the raw bytes, with the HMAC helper GitHub and Linear use (src/integrations/github/verify.ts) and a
 * constant-time compare. Bolt's timestamp rule is kept (more than 5 minutes old: stale), plus the check
 * Bolt leaves out: more than 5 minutes in the future is refused too.
 *
 * The signing secret's HMAC key is imported once per isolate and secret (`signingKey`), not per
 * request: importing it was most of the signature check's cost. The key is the same HMAC-SHA256 key
 * `hmacSha256` would import, so every signature is still computed in full over the bytes that arrived.
 */
import { timingSafeEqualBytes } from "../../platform/compare";
import { hmacSha256, parseHexDigest, toHex } from "../../platform/crypto";

export const MAX_SKEW_SECONDS = 300;

export type VerifyResult = { ok: true } | { ok: false; message: string };

export interface VerifyInput {
  signingSecret: string;
  /** The request body exactly as it arrived. */
  body: Uint8Array;
  signature: string | null;
  timestamp: string | null;
  nowMs?: number;
}

const encoder = new TextEncoder();

/** Secrets whose keys are kept; more than a rotation or a test run's handful drops the oldest. */
const MAX_KEYS = 8;
const keys = new Map<string, Promise<CryptoKey>>();

/**
 * The HMAC-SHA256 signing key of `secret`, imported once per isolate (keyed by the secret itself, so
 * a changed secret gets its own key and no two secrets share one). A failed import is not kept.
 */
export function signingKey(secret: string): Promise<CryptoKey> {
  const known = keys.get(secret);
  if (known) return known;
  const key = crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  keys.set(secret, key);
  if (keys.size > MAX_KEYS) keys.delete(keys.keys().next().value ?? secret);
  key.catch(() => {
    if (keys.get(secret) === key) keys.delete(secret);
  });
  return key;
}

async function hmac(secret: string, message: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign("HMAC", await signingKey(secret), message));
}

/** The signed message: `v0:{timestamp}:` followed by the body's bytes, unchanged. */
function baseString(timestamp: string, body: Uint8Array): Uint8Array {
  const prefix = encoder.encode(`v0:${timestamp}:`);
  const out = new Uint8Array(prefix.byteLength + body.byteLength);
  out.set(prefix);
  out.set(body, prefix.byteLength);
  return out;
}

export async function verifySignature(input: VerifyInput): Promise<VerifyResult> {
  const { signature, timestamp } = input;
  if (!signature || !timestamp) {
    return { ok: false, message: "Missing X-Slack-Signature or X-Slack-Request-Timestamp header" };
  }
  if (!input.signingSecret) return { ok: false, message: "Slack signing secret is not configured" };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, message: "Malformed X-Slack-Request-Timestamp" };
  const nowSeconds = Math.floor((input.nowMs ?? Date.now()) / 1000);
  const ts = Number(timestamp);
  if (ts - nowSeconds > MAX_SKEW_SECONDS) {
    return { ok: false, message: "X-Slack-Request-Timestamp is in the future: request refused" };
  }
  if (ts < nowSeconds - MAX_SKEW_SECONDS) {
    return {
      ok: false,
      message:
        "x-slack-request-timestamp must differ from system time by no more than 5 minutes or request is stale",
    };
  }
  const eq = signature.indexOf("=");
  const version = eq < 0 ? signature : signature.slice(0, eq);
  const hex = eq < 0 ? "" : signature.slice(eq + 1);
  if (version !== "v0")
    return { ok: false, message: "Slack request signing failed: unknown signature version" };
  const expected = parseHexDigest(hex);
  const actual = await hmac(input.signingSecret, baseString(timestamp, input.body));
  // A malformed digest is compared too (against a zero digest), so both paths do the same work.
  const matches = timingSafeEqualBytes(actual, expected ?? new Uint8Array(actual.byteLength));
  if (!expected || !matches)
    return { ok: false, message: "Slack request signing failed: signature mismatch" };
  return { ok: true };
}

/** The `X-Slack-Signature` value for a body (WebCrypto; used by tests and tooling). */
export async function signSlackBody(
  secret: string,
  timestamp: string | number,
  body: string | Uint8Array,
): Promise<string> {
  const bytes = typeof body === "string" ? encoder.encode(body) : body;
  return `v0=${toHex(await hmacSha256(secret, baseString(String(timestamp), bytes)))}`;
}
