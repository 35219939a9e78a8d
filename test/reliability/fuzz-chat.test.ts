/**
 * Fuzzing the chat endpoints through the full app (every global middleware):
 * - `POST /slack/events` (slash commands form-encoded, interactivity `payload=`, Events API JSON):
 *   random bodies, content types, encodings and signature headers, and validly signed (HMAC v0 over
 *   the exact bytes) mutations of real Slack payloads;
 * - `POST /discord/interactions` with a real Ed25519 key pair: signatures missing, malformed, stale,
 *   by another key or over another body, and validly signed mutations of real interactions.
 * Never a 5xx; a refused request leaves no trace (TraceGuard in support.ts); each route's body limit
 * holds to the byte.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { Env } from "../../src/env";
import { bodyLimitFor } from "../../src/platform/limits";
import appMention from "../fixtures/slack/app_mention.json";
import blockActions from "../fixtures/slack/block_actions.json";
import viewSubmission from "../fixtures/slack/view_submission.json";
import { FIXTURES, generateKeyPair, type KeyPair } from "../integrations/discord/support";
import { contentType, extraHeaders, garbageHeader, type Json } from "./arbitraries";
import {
  DISCORD_MODES,
  discordBody,
  discordHeaders,
  FORM,
  SLACK_MODES,
  slackBody,
  slackHeaders,
} from "./requests-chat";
import { bytesOf, call, describeBody, fuzzEnv, post, TraceGuard } from "./support";

const SLACK = "/slack/events";
const DISCORD = "/discord/interactions";
const TENANT = "fz-chat";

let keys: { own: KeyPair; stranger: KeyPair };

beforeAll(async () => {
  keys = { own: await generateKeyPair(), stranger: await generateKeyPair() };
});

/** The fuzz env with the Discord key pair's public key. */
function chatEnv() {
  const { env: base, sent } = fuzzEnv(TENANT);
  const env: Env = {
    ...base,
    DISCORD_PUBLIC_KEY: keys.own.publicKeyHex,
    DISCORD_APPLICATION_ID: FIXTURES.ping.application_id,
  };
  return { env, sent };
}

describe("fuzz: /slack/events", () => {
  it("random and mutated bodies under every kind of signature: no 5xx, refusals leave no trace", async () => {
    const { env, sent } = chatEnv();
    const guard = new TraceGuard({ tenants: [TENANT], sent });
    await fc.assert(
      fc.asyncProperty(
        slackBody,
        fc.constantFrom(...SLACK_MODES, "valid", "valid"),
        fc.option(contentType, { freq: 3 }),
        garbageHeader,
        extraHeaders,
        async ({ body, type }, mode, typeOverride, junk, extra) => {
          await guard.ready();
          const headers = { ...extra, ...(await slackHeaders(mode, body, junk)) };
          const ct = typeOverride === null ? type : typeOverride;
          if (ct !== null) headers["content-type"] = ct;
          const res = await call(post(SLACK, body, headers), env);
          await guard.check(res, () => `${mode} ${ct} ${describeBody(body)}`);
          if (mode !== "valid") expect(res.status).toBe(401);
        },
      ),
      { numRuns: 70 },
    );
    // The generators reach both sides of the signature check.
    expect(guard.statuses.get(401)).toBeGreaterThan(10);
    expect(guard.other(401)).toBeGreaterThan(5);
  });

  it("validly signed junk and mutations: no 5xx, refusals leave no trace", async () => {
    const { env, sent } = chatEnv();
    const guard = new TraceGuard({ tenants: [TENANT], sent });
    await fc.assert(
      fc.asyncProperty(
        slackBody,
        fc.option(contentType, { freq: 2 }),
        async ({ body, type }, typeOverride) => {
          await guard.ready();
          const headers = await slackHeaders("valid", body);
          const ct = typeOverride ?? type;
          if (ct !== null) headers["content-type"] = ct;
          const res = await call(post(SLACK, body, headers), env);
          await guard.check(res, () => `${ct} ${describeBody(body)}`);
        },
      ),
      { numRuns: 50 },
    );
  });
});

/** Signed payloads without a part every Slack payload of their type has (Bolt cannot read them). */
const UNREADABLE: Array<[string, Json, string | null, unknown]> = [
  ["block_actions without user", blockActions, "user", undefined],
  ["block_actions with channel null", blockActions, "channel", null],
  ["block_actions with actions not a list", blockActions, "actions", {}],
  ["view_submission without view", viewSubmission, "view", undefined],
  ["view_submission with user null", viewSubmission, "user", null],
  ["view_submission with response_urls null", viewSubmission, "response_urls", null],
  ["event_callback with event null", appMention, "event", null],
  ["app_mention without channel", appMention, "event.channel", null],
];

describe("regressions found by the fuzzer", () => {
  it("validly signed payloads Bolt cannot read: a 400 (was a 500), no trace", async () => {
    const { env, sent } = chatEnv();
    const guard = new TraceGuard({ tenants: [TENANT], sent });
    for (const [name, fixture, path, value] of UNREADABLE) {
      const payload = structuredClone(fixture);
      const keys = (path ?? "").split(".");
      const last = keys.pop() ?? "";
      const parent = keys.reduce<Json>((node, k) => node[k] as Json, payload);
      if (value === undefined) delete parent[last];
      else parent[last] = value;
      const json = payload.type === "event_callback";
      const body = bytesOf(
        json ? JSON.stringify(payload) : new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
      );
      const headers = {
        "content-type": json ? "application/json" : FORM,
        ...(await slackHeaders("valid", body)),
      };
      await guard.ready();
      const res = await call(post(SLACK, body, headers), env);
      await guard.check(res, () => name);
      expect(res.status, name).toBe(400);
    }
  });
});

describe("fuzz: /discord/interactions", () => {
  it("random and mutated interactions under every kind of signature: no 5xx, refusals leave no trace", async () => {
    const { env, sent } = chatEnv();
    const guard = new TraceGuard({ tenants: [TENANT], sent });
    await fc.assert(
      fc.asyncProperty(
        discordBody,
        fc.constantFrom(...DISCORD_MODES, "valid", "valid"),
        fc.option(contentType, { freq: 3 }),
        garbageHeader,
        extraHeaders,
        async (body, mode, ct, junk, extra) => {
          await guard.ready();
          const headers: Record<string, string> = {
            ...extra,
            ...(await discordHeaders(mode, body, keys, junk)),
          };
          headers["content-type"] = ct ?? "application/json";
          const res = await call(post(DISCORD, body, headers), env);
          await guard.check(res, () => `${mode} ${describeBody(body)}`);
          // Upper-case hex is still the right signature; anything else that is not valid is a 401.
          if (mode !== "valid" && mode !== "upper") expect(res.status).toBe(401);
        },
      ),
      { numRuns: 70 },
    );
    // The generators reach both sides of the signature check.
    expect(guard.statuses.get(401)).toBeGreaterThan(10);
    expect(guard.other(401)).toBeGreaterThan(5);
  });

  it("validly signed junk and mutations: no 5xx, refusals leave no trace", async () => {
    const { env, sent } = chatEnv();
    const guard = new TraceGuard({ tenants: [TENANT], sent });
    await fc.assert(
      fc.asyncProperty(discordBody, async (body) => {
        await guard.ready();
        const headers = {
          "content-type": "application/json",
          ...(await discordHeaders("valid", body, keys)),
        };
        const res = await call(post(DISCORD, body, headers), env);
        await guard.check(res, () => describeBody(body));
      }),
      { numRuns: 50 },
    );
  });
});

describe("chat body limits", () => {
  const sign = {
    [SLACK]: async (b: Uint8Array) => ({ "content-type": FORM, ...(await slackHeaders("valid", b)) }),
    [DISCORD]: async (b: Uint8Array) => ({
      "content-type": "application/json",
      ...(await discordHeaders("valid", b, keys)),
    }),
  };
  for (const path of [SLACK, DISCORD] as const) {
    it(`${path}: a signed body at the limit is read and verified, one byte more is a 413`, async () => {
      const { env } = chatEnv();
      const limit = bodyLimitFor(path);
      // Signed blanks: form-encoded (Slack) or malformed JSON (Discord), never too large.
      const at = new Uint8Array(limit).fill(0x20);
      const atLimit = await call(post(path, at, await sign[path](at)), env);
      expect(atLimit.status).toBeLessThan(500);
      expect(atLimit.status).not.toBe(413);
      const over = new Uint8Array(limit + 1).fill(0x20);
      const headers = await sign[path](over);
      expect((await call(post(path, over, headers), env)).status).toBe(413);
      const streamed = new Request(`http://foreman.test${path}`, {
        method: "POST",
        headers,
        body: new Blob([over]).stream(),
      });
      expect((await call(streamed, env)).status).toBe(413);
      const empty = new Uint8Array(0);
      expect((await call(post(path, empty, await sign[path](empty)), env)).status).toBeLessThan(500);
    });
  }
});
