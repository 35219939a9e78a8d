import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Block } from "../../../src/chat/slack/render";
import { signSlackBody } from "../../../src/integrations/slack/verify";
import { BOM, concatBytes, utf8 } from "../../helpers/bytes";
import {
  commandBody,
  fixture,
  nowSeconds,
  SECRET,
  send,
  signedRequest,
  testEnv,
  URL_EVENTS,
} from "./support";

interface SlackBody {
  text: string;
  blocks: Block[];
  response_type?: string;
}

describe("POST /slack/events", () => {
  it("answers a signed `/foreman help` with Block Kit, through the Worker", async () => {
    const res = await exports.default.fetch(await signedRequest({ body: commandBody("help") }));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    const body = (await res.json()) as SlackBody;
    expect(body.response_type).toBe("ephemeral");
    expect(body.text).toBe("Foreman commands");
    expect(body.blocks[0]).toEqual({
      type: "header",
      text: { type: "plain_text", text: "Foreman commands", emoji: true },
    });
    expect(body.blocks.length).toBeGreaterThan(2);
    expect(body.blocks.length).toBeLessThanOrEqual(50);
    const all = JSON.stringify(body.blocks);
    expect(all).toContain("`/foreman team add");
  });

  it("answers url_verification with the challenge", async () => {
    const payload = fixture("urlVerification");
    const res = await exports.default.fetch(
      await signedRequest({ body: JSON.stringify(payload), json: true }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: payload.challenge });
  });

  it("refuses unsigned requests through the Worker with the one error shape", async () => {
    const unsigned = new Request(URL_EVENTS, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: commandBody("help"),
    });
    const res = await exports.default.fetch(unsigned);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: { code: "unauthorized", message: expect.stringMatching(/X-Slack-Signature/) },
    });
  });

  const rejected: [string, () => Promise<Request>, RegExp][] = [
    [
      "a bad signature",
      () => signedRequest({ body: commandBody("help"), secret: "wrong-secret" }),
      /mismatch/,
    ],
    [
      "a stale timestamp",
      () => signedRequest({ body: commandBody("help"), timestamp: nowSeconds() - 6 * 60 }),
      /stale/,
    ],
    [
      "a future timestamp",
      () => signedRequest({ body: commandBody("help"), timestamp: nowSeconds() + 6 * 60 }),
      /future/,
    ],
    [
      "no signature header",
      () => signedRequest({ body: commandBody("help"), omit: ["signature"] }),
      /Missing/,
    ],
    [
      "no timestamp header",
      () => signedRequest({ body: commandBody("help"), omit: ["timestamp"] }),
      /Missing/,
    ],
    [
      "a body with a leading BOM, signed without it",
      () => rawRequest(concatBytes(BOM, utf8(commandBody("help"))), commandBody("help")),
      /mismatch/,
    ],
    [
      "a raw 0xFF byte, signed over U+FFFD",
      () =>
        rawRequest(
          concatBytes(utf8(commandBody("help")), utf8("&x="), new Uint8Array([0xff])),
          `${commandBody("help")}&x=\uFFFD`,
        ),
      /mismatch/,
    ],
    [
      "a body changed after signing",
      async () => {
        const good = await signedRequest({ body: commandBody("help") });
        return new Request(good, { body: commandBody("team list") });
      },
      /mismatch/,
    ],
  ];

  for (const [what, make, message] of rejected) {
    it(`refuses ${what}: 401, nothing run or queued`, async () => {
      const { env, sent } = testEnv("t-slack-reject");
      let ran = 0;
      const runParsed = async () => {
        ran++;
        throw new Error("must not run");
      };
      const { response, settled } = await send(await make(), env, { deps: { runParsed } });
      await settled;
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        error: { code: "unauthorized", message: expect.stringMatching(message) },
      });
      expect(ran).toBe(0);
      expect(sent).toEqual([]);
    });
  }

  it("refuses everything while no signing secret is configured", async () => {
    const { env, sent } = testEnv("t-slack-unconfigured", { SLACK_SIGNING_SECRET: undefined });
    const { response } = await send(await signedRequest({ body: commandBody("help") }), env);
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("unauthorized");
    expect(body.error.message).toMatch(/Slack is not configured/);
    expect(sent).toEqual([]);
  });

  it("refuses a body over 1 MiB with 413", async () => {
    const { env, sent } = testEnv("t-slack-large");
    const big = commandBody("x".repeat(1024 * 1024 + 10));
    const { response } = await send(await signedRequest({ body: big }), env);
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("payload_too_large");
    expect(sent).toEqual([]);
  });

  it("answers 400 for a signed but malformed interactivity payload", async () => {
    const { env } = testEnv("t-slack-malformed");
    const { response } = await send(
      await signedRequest({ body: "payload=%7Bnot-json", secret: SECRET }),
      env,
    );
    expect(response.status).toBe(400);
  });

  it("answers a body signed over its exact bytes: BOM accepted, invalid UTF-8 a 400", async () => {
    const { env } = testEnv("t-slack-bytes");
    const withBom = concatBytes(BOM, utf8(commandBody("help")));
    const ok = await send(await rawRequest(withBom, withBom), env);
    expect(ok.response.status).toBe(200);
    const notUtf8 = concatBytes(utf8(commandBody("help")), utf8("&x="), new Uint8Array([0xff]));
    const bad = await send(await rawRequest(notUtf8, notUtf8), env);
    expect(bad.response.status).toBe(400);
    // The receiver keeps one decoder: a sequence cut off at the end leaves nothing for the next body.
    const cut = concatBytes(utf8(commandBody("help")), utf8("&x="), new Uint8Array([0xe2, 0x82]));
    expect((await send(await rawRequest(cut, cut), env)).response.status).toBe(400);
    const again = await send(await rawRequest(withBom, withBom), env);
    expect(again.response.status).toBe(200);
  });
});

/** A slash command request carrying `sent` as its body bytes, signed over `signedOver`. */
async function rawRequest(sent: Uint8Array, signedOver: string | Uint8Array): Promise<Request> {
  const ts = String(nowSeconds());
  return new Request(URL_EVENTS, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": ts,
      "x-slack-signature": await signSlackBody(SECRET, ts, signedOver),
    },
    body: sent,
  });
}
