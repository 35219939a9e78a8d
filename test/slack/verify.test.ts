import { describe, expect, it } from "vitest";
import { signSlackBody, verifySignature } from "../../src/integrations/slack/verify";

// Slack's documented known-answer vector (docs/platform-facts.md).
const VECTOR = {
  secret: "8f742231b10e8888abcd99yyyzzz85a5",
  timestamp: "1531420618",
  body: "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c",
  signature: "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
};
const atVector = Number(VECTOR.timestamp) * 1000;

const check = (over: Partial<Parameters<typeof verifySignature>[0]> = {}) =>
  verifySignature({
    signingSecret: VECTOR.secret,
    body: VECTOR.body,
    signature: VECTOR.signature,
    timestamp: VECTOR.timestamp,
    nowMs: atVector,
    ...over,
  });

describe("Slack request signing", () => {
  it("reproduces Slack's documented signature", async () => {
    expect(await signSlackBody(VECTOR.secret, VECTOR.timestamp, VECTOR.body)).toBe(VECTOR.signature);
  });

  it("verifies the documented vector", () => {
    expect(check()).toEqual({ ok: true });
    // Still inside the 5-minute window, either side.
    expect(check({ nowMs: atVector + 299_000 })).toEqual({ ok: true });
    expect(check({ nowMs: atVector - 299_000 })).toEqual({ ok: true });
  });

  it("refuses a changed body, a wrong secret or a wrong version", () => {
    expect(check({ body: `${VECTOR.body}&x=1` })).toMatchObject({ ok: false, message: /signature mismatch/ });
    expect(check({ signingSecret: "another-secret" })).toMatchObject({ ok: false });
    expect(check({ signature: VECTOR.signature.replace("v0=", "v1=") })).toMatchObject({
      ok: false,
      message: /unknown signature version/,
    });
  });

  it("refuses stale and future timestamps (more than 5 minutes off)", () => {
    expect(check({ nowMs: atVector + 301_000 })).toMatchObject({ ok: false, message: /stale/ });
    expect(check({ nowMs: atVector - 301_000 })).toMatchObject({ ok: false, message: /future/ });
  });

  it("refuses missing or malformed headers", () => {
    expect(check({ signature: null })).toMatchObject({ ok: false, message: /Missing/ });
    expect(check({ timestamp: null })).toMatchObject({ ok: false, message: /Missing/ });
    expect(check({ timestamp: "soon" })).toMatchObject({ ok: false, message: /Malformed/ });
  });
});
