/** POST /discord/interactions: size, signature, replay and validation checks; PING. */
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { BOM, concatBytes, utf8 } from "../../helpers/bytes";
import {
  call,
  discordApp,
  discordEnv,
  FIXTURES,
  generateKeyPair,
  type KeyPair,
  signedRequest,
  URL_PATH,
} from "./support";

let keys: KeyPair;
let other: KeyPair;
beforeAll(async () => {
  keys = await generateKeyPair();
  other = await generateKeyPair();
});

const app = discordApp();

async function errorOf(res: Response): Promise<{ code: string; message: string; details?: unknown }> {
  return ((await res.json()) as { error: { code: string; message: string } }).error;
}

describe("POST /discord/interactions", () => {
  it("answers a signed PING with PONG", async () => {
    const { res } = await call(app, await signedRequest(keys, FIXTURES.ping), discordEnv(keys));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    expect(await res.json()).toStrictEqual({ type: 1 });
  });

  it("rejects a signature made with another key (Discord's probe) with 401", async () => {
    const { res } = await call(app, await signedRequest(other, FIXTURES.ping), discordEnv(keys));
    expect(res.status).toBe(401);
    expect(await errorOf(res)).toMatchObject({ code: "unauthorized", message: "Invalid request signature" });
  });

  it("rejects a body that is not the one signed with 401", async () => {
    const forged = await signedRequest(keys, FIXTURES.commandHelp, {
      signedBody: JSON.stringify(FIXTURES.ping),
    });
    const { res } = await call(app, forged, discordEnv(keys));
    expect(res.status).toBe(401);
  });

  it("verifies the bytes that arrived: a BOM signed without it, or 0xFF signed as U+FFFD, is a 401", async () => {
    const ping = utf8(JSON.stringify(FIXTURES.ping));
    const bom = concatBytes(BOM, ping);
    expect((await call(app, await bytesRequest(bom, ping), discordEnv(keys))).res.status).toBe(401);
    // The same bytes, signed as sent: accepted (a leading BOM is dropped before JSON parsing).
    expect((await call(app, await bytesRequest(bom, bom), discordEnv(keys))).res.status).toBe(200);

    const raw = concatBytes(
      utf8(JSON.stringify(FIXTURES.ping).slice(0, -1)),
      utf8(',"x":"'),
      new Uint8Array([0xff]),
      utf8('"}'),
    );
    const asDecoded = utf8(`${JSON.stringify(FIXTURES.ping).slice(0, -1)},"x":"\uFFFD"}`);
    expect((await call(app, await bytesRequest(raw, asDecoded), discordEnv(keys))).res.status).toBe(401);
    // Signed over the raw bytes: the signature holds, and the body is refused as not UTF-8.
    expect((await call(app, await bytesRequest(raw, raw), discordEnv(keys))).res.status).toBe(400);
  });

  it("rejects missing signature headers with 401", async () => {
    const unsigned = new Request(URL_PATH, { method: "POST", body: JSON.stringify(FIXTURES.ping) });
    const { res } = await call(app, unsigned, discordEnv(keys));
    expect(res.status).toBe(401);
    expect((await errorOf(res)).message).toMatch(/Missing X-Signature-Ed25519/);

    const noTimestamp = await signedRequest(keys, FIXTURES.ping);
    noTimestamp.headers.delete("X-Signature-Timestamp");
    expect((await call(app, noTimestamp, discordEnv(keys))).res.status).toBe(401);
  });

  it("rejects malformed signature and timestamp headers with 401", async () => {
    const badHex = await signedRequest(keys, FIXTURES.ping, {
      headers: { "X-Signature-Ed25519": "zz".repeat(64) },
    });
    expect((await call(app, badHex, discordEnv(keys))).res.status).toBe(401);
    const short = await signedRequest(keys, FIXTURES.ping, { headers: { "X-Signature-Ed25519": "ab" } });
    expect((await call(app, short, discordEnv(keys))).res.status).toBe(401);
  });

  it("rejects a validly signed but stale request (replay) with 401", async () => {
    const stale = await signedRequest(keys, FIXTURES.ping, {
      timestamp: Math.floor(Date.now() / 1000) - 301,
    });
    const { res } = await call(app, stale, discordEnv(keys));
    expect(res.status).toBe(401);
    expect((await errorOf(res)).message).toMatch(/Stale request/);

    const future = await signedRequest(keys, FIXTURES.ping, {
      timestamp: Math.floor(Date.now() / 1000) + 600,
    });
    expect((await call(app, future, discordEnv(keys))).res.status).toBe(401);

    const recent = await signedRequest(keys, FIXTURES.ping, {
      timestamp: Math.floor(Date.now() / 1000) - 240,
    });
    expect((await call(app, recent, discordEnv(keys))).res.status).toBe(200);
  });

  it("answers 401 'not configured' without DISCORD_PUBLIC_KEY (through the Worker)", async () => {
    const res = await exports.default.fetch(await signedRequest(keys, FIXTURES.ping));
    expect(res.status).toBe(401);
    expect((await errorOf(res)).message).toMatch(/Discord is not configured/);

    const garbage = await call(
      app,
      await signedRequest(keys, FIXTURES.ping),
      discordEnv(keys, { DISCORD_PUBLIC_KEY: "nope" }),
    );
    expect(garbage.res.status).toBe(401);
  });

  it("rejects malformed JSON, signed, with 400 naming the body", async () => {
    const { res } = await call(app, await signedRequest(keys, "{not json"), discordEnv(keys));
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.message).toMatch(/Malformed JSON/);
    expect(error.details).toStrictEqual({ field: "body" });
  });

  it("rejects a malformed interaction with 400 naming the field", async () => {
    const { token: _, ...noToken } = FIXTURES.commandHelp;
    const missing = await call(app, await signedRequest(keys, noToken), discordEnv(keys));
    expect(missing.res.status).toBe(400);
    expect((await errorOf(missing.res)).message).toMatch(/^Invalid interaction: token: /);

    const longId = { ...FIXTURES.componentButton, data: { component_type: 2, custom_id: "x".repeat(101) } };
    const tooLong = await call(app, await signedRequest(keys, longId), discordEnv(keys));
    expect(tooLong.res.status).toBe(400);
    expect((await errorOf(tooLong.res)).message).toMatch(/data\.custom_id/);

    const unknownType = await call(
      app,
      await signedRequest(keys, { ...FIXTURES.ping, type: 42 }),
      discordEnv(keys),
    );
    expect(unknownType.res.status).toBe(400);
    expect((await errorOf(unknownType.res)).message).toMatch(/type/);

    const { member: __, ...nobody } = FIXTURES.commandHelp;
    const noUser = await call(app, await signedRequest(keys, nobody), discordEnv(keys));
    expect((await errorOf(noUser.res)).message).toMatch(/member: member or user is required/);
  });

  it("rejects a body over 1 MiB with 413 before checking anything else", async () => {
    const big = JSON.stringify({ ...FIXTURES.ping, padding: "x".repeat(1024 * 1024) });
    const { res } = await call(app, await signedRequest(keys, big), discordEnv(keys));
    expect(res.status).toBe(413);
  });

  it("is registered on the Worker's app", async () => {
    const res = await exports.default.fetch(new Request(URL_PATH, { method: "POST", body: "{}" }));
    expect(res.status).toBe(401);
  });
});

/** A request carrying `sent` as its body, Ed25519-signed over `timestamp + signedOver`. */
async function bytesRequest(sent: Uint8Array, signedOver: Uint8Array): Promise<Request> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = await crypto.subtle.sign(
    { name: "Ed25519" },
    keys.privateKey,
    concatBytes(utf8(timestamp), signedOver),
  );
  const hex = [...new Uint8Array(signature)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return new Request(URL_PATH, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-Signature-Ed25519": hex,
      "X-Signature-Timestamp": timestamp,
    },
    body: sent,
  });
}

// The public key is imported once per isolate and key (src/integrations/discord/verify.ts): each
// request is still checked against its own env's key, a changed key takes effect at once, and a key
// given in upper case is the same key.
const statusOf = async (signer: KeyPair, configured: KeyPair, extra = {}) =>
  (await call(app, await signedRequest(signer, FIXTURES.ping), discordEnv(configured, extra))).res.status;

describe("Discord public keys kept per isolate", () => {
  it("checks each request against its own env's key, whichever came before", async () => {
    expect(await statusOf(keys, keys)).toBe(200);
    expect(await statusOf(keys, other)).toBe(401);
    expect(await statusOf(other, other)).toBe(200);
    expect(await statusOf(other, keys)).toBe(401);
    expect(await statusOf(keys, keys)).toBe(200);
  });

  it("takes a changed key at once on the same env", async () => {
    const env = discordEnv(keys);
    const send = async (signer: KeyPair) =>
      (await call(app, await signedRequest(signer, FIXTURES.ping), env)).res.status;
    expect(await send(keys)).toBe(200);
    env.DISCORD_PUBLIC_KEY = other.publicKeyHex;
    expect(await send(keys)).toBe(401);
    expect(await send(other)).toBe(200);
  });

  it("reads the key in either case", async () => {
    expect(await statusOf(keys, keys, { DISCORD_PUBLIC_KEY: keys.publicKeyHex.toUpperCase() })).toBe(200);
    expect(await statusOf(other, keys, { DISCORD_PUBLIC_KEY: keys.publicKeyHex.toUpperCase() })).toBe(401);
  });
});
