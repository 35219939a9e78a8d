/**
 * What the Slack endpoint builds once per env and isolate (src/integrations/slack/app.ts `slackSetup`,
 * the signing keys of verify.ts): reused while the env is the same, never carried over to another
 * env or to changed values, and never making a signature pass that the request's own env refuses.
 */
import { describe, expect, it } from "vitest";
import { slackSetup } from "../../../src/integrations/slack/app";
import { signingKey, signSlackBody, verifySignature } from "../../../src/integrations/slack/verify";
import { utf8 } from "../../helpers/bytes";
import { commandBody, send, signedRequest, testEnv } from "./support";

const statusOf = async (secret: string, env: Parameters<typeof send>[1]) => {
  const { response } = await send(await signedRequest({ body: commandBody("help"), secret }), env);
  return response.status;
};

describe("the Slack setup per env", () => {
  it("checks each request against its own env's secret, whichever env came before", async () => {
    const a = testEnv("t-setup-a", { SLACK_SIGNING_SECRET: "secret-of-a" }).env;
    const b = testEnv("t-setup-b", { SLACK_SIGNING_SECRET: "secret-of-b" }).env;
    expect(await statusOf("secret-of-a", a)).toBe(200);
    expect(await statusOf("secret-of-a", b)).toBe(401);
    expect(await statusOf("secret-of-b", b)).toBe(200);
    expect(await statusOf("secret-of-b", a)).toBe(401);
    expect(await statusOf("secret-of-a", a)).toBe(200);
  });

  it("takes a changed secret at once, and the old one no longer passes", async () => {
    const { env } = testEnv("t-setup-rotate", { SLACK_SIGNING_SECRET: "before-rotation" });
    expect(await statusOf("before-rotation", env)).toBe(200);
    env.SLACK_SIGNING_SECRET = "after-rotation";
    expect(await statusOf("before-rotation", env)).toBe(401);
    expect(await statusOf("after-rotation", env)).toBe(200);
    env.SLACK_SIGNING_SECRET = "";
    expect(await statusOf("after-rotation", env)).toBe(401);
  });

  it("trims the configured secret once, as before", async () => {
    const { env } = testEnv("t-setup-trim", { SLACK_SIGNING_SECRET: "  padded-secret \n" });
    expect(slackSetup(env).signingSecret).toBe("padded-secret");
    expect(await statusOf("padded-secret", env)).toBe(200);
  });

  it("is reused while the env's values stay the same, and rebuilt when one changes", () => {
    const { env } = testEnv("t-setup-reuse", { LOG_LEVEL: "info" });
    const first = slackSetup(env);
    expect(slackSetup(env)).toBe(first);
    // Another env object with the same Slack configuration shares the App (one per configuration).
    const twin = slackSetup({ ...env });
    expect(twin).not.toBe(first);
    expect(twin.receiver).toBe(first.receiver);
    env.LOG_LEVEL = "debug";
    const relogged = slackSetup(env);
    expect(relogged).not.toBe(first);
    env.SLACK_BOT_ID = "B0OTHER01";
    const rebuilt = slackSetup(env);
    expect(rebuilt).not.toBe(relogged);
    expect(rebuilt.receiver).not.toBe(first.receiver);
  });
});

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
