/**
 * Inbound request checks for the Discord interactions endpoint, in order: body size (read once),
 * configuration, headers, timestamp freshness, Ed25519 signature over `timestamp + rawBody`.
 * Nothing is parsed before the signature has been checked.
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
    valid = await verifyKey(req.body, signature, timestamp, publicKey);
  } catch {
    valid = false;
  }
  return valid ? { ok: true } : { ok: false, reason: "Invalid request signature" };
}
