/**
 * The Discord public key is imported once per isolate and key (src/integrations/discord/verify.ts):
 * each request is still checked against its own env's key, a changed key takes effect at once, and a
 * key given in upper case is the same key.
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  call,
  discordApp,
  discordEnv,
  FIXTURES,
  generateKeyPair,
  type KeyPair,
  signedRequest,
} from "./support";

let a: KeyPair;
let b: KeyPair;
beforeAll(async () => {
  a = await generateKeyPair();
  b = await generateKeyPair();
});

const app = discordApp();
const statusOf = async (signer: KeyPair, configured: KeyPair, extra = {}) =>
  (await call(app, await signedRequest(signer, FIXTURES.ping), discordEnv(configured, extra))).res.status;

describe("Discord public keys kept per isolate", () => {
  it("checks each request against its own env's key, whichever came before", async () => {
    expect(await statusOf(a, a)).toBe(200);
    expect(await statusOf(a, b)).toBe(401);
    expect(await statusOf(b, b)).toBe(200);
    expect(await statusOf(b, a)).toBe(401);
    expect(await statusOf(a, a)).toBe(200);
  });

  it("takes a changed key at once on the same env", async () => {
    const env = discordEnv(a);
    const send = async (signer: KeyPair) =>
      (await call(app, await signedRequest(signer, FIXTURES.ping), env)).res.status;
    expect(await send(a)).toBe(200);
    env.DISCORD_PUBLIC_KEY = b.publicKeyHex;
    expect(await send(a)).toBe(401);
    expect(await send(b)).toBe(200);
  });

  it("reads the key in either case", async () => {
    expect(await statusOf(a, a, { DISCORD_PUBLIC_KEY: a.publicKeyHex.toUpperCase() })).toBe(200);
    expect(await statusOf(b, a, { DISCORD_PUBLIC_KEY: a.publicKeyHex.toUpperCase() })).toBe(401);
  });
});
