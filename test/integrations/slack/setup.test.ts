/**
 * What the Slack endpoint builds once per env and isolate (src/integrations/slack/app.ts `slackSetup`,
 * the signing keys of verify.ts): reused while the env is the same, never carried over to another
 * env or to changed values, and never making a signature pass that the request's own env refuses.
 */
import { describe, expect, it } from "vitest";
import { signingKey, signSlackBody, verifySignature } from "../../../src/integrations/slack/verify";
import { utf8 } from "../../helpers/bytes";

describe("the signing key per secret", () => {
  const ts = "1700000000";
  const nowMs = Number(ts) * 1000;
  const body = utf8("token=x&text=help");

  it("is imported once per secret, one key per secret", async () => {
    expect(signingKey("key-one")).toBe(signingKey("key-one"));
    expect(signingKey("key-one")).not.toBe(signingKey("key-two"));
    expect(await signingKey("key-one")).not.toBe(await signingKey("key-two"));
  });

  it("still tells secrets apart after many secrets came and went", async () => {
    const secrets = Array.from({ length: 12 }, (_, i) => `rotating-secret-${i}`);
    const sign = (secret: string) => signSlackBody(secret, ts, body);
    for (const round of [0, 1]) {
      for (const [i, secret] of secrets.entries()) {
        const own = await sign(secret);
        const other = await sign(secrets[(i + 1) % secrets.length] ?? "");
        const check = (signature: string) =>
          verifySignature({ signingSecret: secret, body, signature, timestamp: ts, nowMs });
        expect(await check(own), `round ${round}, secret ${i}`).toEqual({ ok: true });
        expect(await check(other), `round ${round}, secret ${i}`).toMatchObject({ ok: false });
      }
    }
  });
});
