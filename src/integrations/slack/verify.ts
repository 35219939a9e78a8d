/**
 * Slack request signing: `X-Slack-Signature = "v0=" + hex(HMAC-SHA256(secret, "v0:" + ts + ":" + body))`.
 * Verification is Bolt's `verifySlackRequest` (constant-time compare, stale past timestamps) plus a
 * check Bolt leaves out: timestamps more than 5 minutes in the future are refused too.
 */
import { verifySlackRequest } from "@slack/bolt";
import { hmacSha256, toHex } from "../github/verify";

export const MAX_SKEW_SECONDS = 300;

export type VerifyResult = { ok: true } | { ok: false; message: string };

export interface VerifyInput {
  signingSecret: string;
  body: string;
  signature: string | null;
  timestamp: string | null;
  nowMs?: number;
}

export function verifySignature(input: VerifyInput): VerifyResult {
  const { signature, timestamp } = input;
  if (!signature || !timestamp) {
    return { ok: false, message: "Missing X-Slack-Signature or X-Slack-Request-Timestamp header" };
  }
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, message: "Malformed X-Slack-Request-Timestamp" };
  const nowMs = input.nowMs ?? Date.now();
  const ts = Number(timestamp);
  if (ts - Math.floor(nowMs / 1000) > MAX_SKEW_SECONDS) {
    return { ok: false, message: "X-Slack-Request-Timestamp is in the future: request refused" };
  }
  try {
    verifySlackRequest({
      signingSecret: input.signingSecret,
      body: input.body,
      headers: { "x-slack-signature": signature, "x-slack-request-timestamp": ts },
      nowMilliseconds: nowMs,
    });
    return { ok: true };
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : "Invalid Slack signature" };
  }
}

/** The `X-Slack-Signature` value for a body (WebCrypto; used by tests and tooling). */
export async function signSlackBody(
  secret: string,
  timestamp: string | number,
  body: string,
): Promise<string> {
  return `v0=${toHex(await hmacSha256(secret, `v0:${timestamp}:${body}`))}`;
}
