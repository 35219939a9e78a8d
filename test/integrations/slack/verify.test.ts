import { describe, expect, it } from "vitest";
import { signSlackBody, verifySignature } from "../../../src/integrations/slack/verify";
import { BOM, concatBytes, utf8 } from "../../helpers/bytes";

// Slack's documented known-answer vector (docs/platform-facts.md).
const VECTOR = {
  secret: "8f742231b10e8888abcd99yyyzzz85a5",
  timestamp: "1531420618",
  body: "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c",
  signature: "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
};
const atVector = Number(VECTOR.timestamp) * 1000;

const check = (
  over: Partial<Omit<Parameters<typeof verifySignature>[0], "body">> & { body?: string | Uint8Array } = {},
) =>
  verifySignature({
    signingSecret: VECTOR.secret,
    signature: VECTOR.signature,
    timestamp: VECTOR.timestamp,
    nowMs: atVector,
    ...over,
    body: typeof over.body === "string" ? utf8(over.body) : (over.body ?? utf8(VECTOR.body)),
  });

describe("Slack request signing", () => {
  it("reproduces Slack's documented signature", async () => {
    expect(await signSlackBody(VECTOR.secret, VECTOR.timestamp, VECTOR.body)).toBe(VECTOR.signature);
  });

  it("verifies the documented vector", async () => {
    expect(await check()).toEqual({ ok: true });
    // Still inside the 5-minute window, either side.
    expect(await check({ nowMs: atVector + 299_000 })).toEqual({ ok: true });
    expect(await check({ nowMs: atVector - 299_000 })).toEqual({ ok: true });
  });

  it("refuses a changed body, a wrong secret or a wrong version", async () => {
    expect(await check({ body: `${VECTOR.body}&x=1` })).toMatchObject({
      ok: false,
      message: /signature mismatch/,
    });
    expect(await check({ signingSecret: "another-secret" })).toMatchObject({ ok: false });
    expect(await check({ signature: VECTOR.signature.replace("v0=", "v1=") })).toMatchObject({
      ok: false,
      message: /unknown signature version/,
    });
    expect(await check({ signature: `${VECTOR.signature}=00` })).toMatchObject({ ok: false });
    expect(await check({ signature: "v0=zz" })).toMatchObject({ ok: false, message: /mismatch/ });
  });

  it("refuses stale and future timestamps (more than 5 minutes off)", async () => {
    expect(await check({ nowMs: atVector + 301_000 })).toMatchObject({ ok: false, message: /stale/ });
    expect(await check({ nowMs: atVector - 301_000 })).toMatchObject({ ok: false, message: /future/ });
  });

  it("refuses missing or malformed headers", async () => {
    expect(await check({ signature: null })).toMatchObject({ ok: false, message: /Missing/ });
    expect(await check({ timestamp: null })).toMatchObject({ ok: false, message: /Missing/ });
    expect(await check({ timestamp: "soon" })).toMatchObject({ ok: false, message: /Malformed/ });
  });
});

describe("Slack signatures cover the bytes that arrived, not a decoded string", () => {
  const secret = "bytes-secret";
  const ts = "1700000000";
  const nowMs = Number(ts) * 1000;
  const verify = async (sent: Uint8Array, signedOver: string | Uint8Array) =>
    verifySignature({
      signingSecret: secret,
      body: sent,
      signature: await signSlackBody(secret, ts, signedOver),
      timestamp: ts,
      nowMs,
    });

  it("refuses a body with a leading BOM signed without it", async () => {
    const body = "token=x&text=help";
    expect(await verify(concatBytes(BOM, utf8(body)), body)).toMatchObject({
      ok: false,
      message: /signature mismatch/,
    });
    // Signed over what was sent, BOM included: accepted.
    const withBom = concatBytes(BOM, utf8(body));
    expect(await verify(withBom, withBom)).toEqual({ ok: true });
  });

  it("refuses a raw 0xFF byte signed over U+FFFD", async () => {
    const sent = concatBytes(utf8("text=a"), new Uint8Array([0xff]), utf8("b"));
    expect(await verify(sent, "text=a\uFFFDb")).toMatchObject({ ok: false, message: /signature mismatch/ });
    expect(await verify(sent, sent)).toEqual({ ok: true });
  });
});
