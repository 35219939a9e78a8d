/**
 * Inbound request checks for the Discord interactions endpoint, in order: body size (read once),
 * configuration, headers, timestamp freshness, Ed25519 signature over `timestamp + rawBody`.
 * Nothing is parsed before the signature has been checked. The public key is imported once per
 * isolate and key (`publicKeyOf`), not per request; every signature is still verified in full.
 */
import { verifyKey } from "discord-interactions";
import { BODY_LIMITS } from "../../platform/limits";
import { readRawBody } from "../../platform/raw-body";

/** 1 MiB (the per-route table is src/platform/limits.ts). */
export const MAX_INTERACTION_BYTES = BODY_LIMITS.discord;
/** Signed requests older (or further in the future) than this are replays: 5 minutes. */
export const MAX_SKEW_SECONDS = 300;

const HEX_KEY = /^[0-9a-f]{64}$/i;
const HEX_SIGNATURE = /^[0-9a-f]{128}$/i;
const UNIX_SECONDS = /^\d{1,12}$/;

export type VerifyResult = { ok: true } | { ok: false; reason: string };

/** Public keys kept (a key rotation or a test run's handful); past this the oldest goes. */
const MAX_KEYS = 8;
const keys = new Map<string, Promise<CryptoKey>>();

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/**
 * The Ed25519 verifying key of `publicKey` (64 hex digits), imported once per isolate and kept by
 * the hex itself, so a changed DISCORD_PUBLIC_KEY gets its own. A failed import is not kept.
 */
function publicKeyOf(publicKey: string): Promise<CryptoKey> {
  const id = publicKey.toLowerCase();
  const known = keys.get(id);
  if (known) return known;
  const key = crypto.subtle.importKey("raw", hexBytes(id), { name: "Ed25519" }, false, ["verify"]);
  keys.set(id, key);
  if (keys.size > MAX_KEYS) keys.delete(keys.keys().next().value ?? id);
  key.catch(() => {
    if (keys.get(id) === key) keys.delete(id);
  });
  return key;
}

/** The raw body, read once; throws PayloadTooLargeError (413) past `maxBytes`. */
export function readInteractionBody(request: Request, maxBytes = MAX_INTERACTION_BYTES): Promise<Uint8Array> {
  return readRawBody(request, maxBytes);
}

export interface SignedRequest {
  headers: Headers;
  body: Uint8Array;
  /** `DISCORD_PUBLIC_KEY`: the application's Ed25519 public key, hex. */
  publicKey: string | undefined;
  nowMs: number;
}

export async function verifyInteraction(req: SignedRequest): Promise<VerifyResult> {
  const publicKey = req.publicKey?.trim() ?? "";
  if (publicKey === "") {
    return { ok: false, reason: "Discord is not configured: DISCORD_PUBLIC_KEY is not set" };
  }
  if (!HEX_KEY.test(publicKey)) {
    return { ok: false, reason: "Discord is not configured: DISCORD_PUBLIC_KEY is not a 32-byte hex key" };
  }
  const signature = req.headers.get("X-Signature-Ed25519")?.trim() ?? "";
  const timestamp = req.headers.get("X-Signature-Timestamp")?.trim() ?? "";
  if (signature === "" || timestamp === "") {
    return { ok: false, reason: "Missing X-Signature-Ed25519 or X-Signature-Timestamp" };
  }
  if (!HEX_SIGNATURE.test(signature) || !UNIX_SECONDS.test(timestamp)) {
    return { ok: false, reason: "Invalid request signature" };
  }
  const skew = Math.abs(req.nowMs / 1000 - Number(timestamp));
  if (skew > MAX_SKEW_SECONDS) {
    return { ok: false, reason: "Stale request: X-Signature-Timestamp is more than 5 minutes off" };
  }
  let valid = false;
  try {
    valid = await verifyKey(req.body, signature, timestamp, await publicKeyOf(publicKey));
  } catch {
    valid = false;
  }
  return valid ? { ok: true } : { ok: false, reason: "Invalid request signature" };
}
