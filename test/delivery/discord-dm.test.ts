/**
 * Discord direct messages (`users.dm`, src/integrations/discord/client.ts): open the DM channel, then
 * post in it; the channel id is remembered per bot and recipient; failures are classified like
 * every other Discord call; demo mode keeps the DM in the local outbox with a made-up place.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { discordDirectMessage, nonceOf } from "../../src/chat/post";
import type { Reply } from "../../src/chat/reply";
import { listDeadLetters, listOutbox } from "../../src/delivery/api";
import { localRefOf } from "../../src/integrations/clients";
import { createDiscordClient, DmChannelCache } from "../../src/integrations/discord/client";
import type { FetchFn } from "../../src/platform/http-client";
import { fakeApi, TEST_TOKENS } from "../helpers/fake-api";
import { dmChannelIdOf } from "../helpers/fake-api-server";
import { delivery, runQueue } from "./support";

const note: Reply = {
  ephemeral: true,
  text: "Please review acme/api#42",
  sections: [{ text: "Please review acme/api#42" }],
  buttons: [],
};

/** A Discord user id no other test (or earlier run in this isolate) has used. */
function freshUser(): string {
  return `9${crypto.getRandomValues(new Uint32Array(2)).join("").slice(0, 17).padEnd(17, "0")}`;
}

/** A fetch that answers from `answers` in turn (the last one repeats) and notes every call. */
function scripted(...answers: Array<() => Response>): {
  fetch: FetchFn;
  calls: Array<{ url: string; body: unknown }>;
} {
  const calls: Array<{ url: string; body: unknown }> = [];
  return {
    calls,
    fetch: async (url, init) => {
      calls.push({ url, body: typeof init?.body === "string" ? JSON.parse(init.body) : null });
      const answer = answers[Math.min(calls.length - 1, answers.length - 1)];
      if (!answer) throw new Error("no answer scripted");
      return answer();
    },
  };
}

const BASE = "https://discord.example/api/v10";
const dmChannel = (id: string) => () => Response.json({ id, type: 1, recipients: [] });
const posted = (id: string) => () => Response.json({ id, channel_id: "ignored" });

describe("Discord direct messages", () => {
  it("a DM delivery: recipient_id plus the rendered message, non-ephemeral, key as nonce", () => {
    const dm = discordDirectMessage("4242", note, { key: "rm:dm:1" });
    expect(dm.platform).toBe("discord");
    expect(dm.action).toBe("users.dm");
    expect(dm.body).toMatchObject({ recipient_id: "4242", nonce: nonceOf("rm:dm:1"), enforce_nonce: true });
    expect(dm.body.flags).toBeUndefined();
    expect(discordDirectMessage("4242", note).body.nonce).toBeUndefined();
  });

  it("opens the DM channel, then posts there with the bot token (through the queue)", async () => {
    const api = fakeApi("discord-dm-shape");
    const user = freshUser();
    const dm = discordDirectMessage(user, note, { key: `dm-shape:${user}` });
    const msg = delivery({ tenant: "t-discord-dm-shape", ...dm, key: `dm-shape:${user}` });
    const run = await runQueue(api.env(env), [{ body: msg, id: "m" }]);
    expect(run.acked).toEqual(["m"]);

    const requests = await api.requests("/discord/");
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /discord/api/v10/users/@me/channels",
      `POST /discord/api/v10/channels/${dmChannelIdOf(user)}/messages`,
    ]);
    const [open, post] = requests;
    expect(open?.json).toEqual({ recipient_id: user });
    for (const r of requests) {
      expect(r.headers.authorization).toBe(`Bot ${TEST_TOKENS.DISCORD_BOT_TOKEN}`);
      expect(r.headers["content-type"]).toContain("application/json");
    }
    const { recipient_id: _recipient, ...message } = dm.body;
    expect(post?.json).toEqual(message);
    expect(post?.json).toMatchObject({ nonce: nonceOf(`dm-shape:${user}`), enforce_nonce: true });
  });

  it("answers where the DM landed (DM channel id + message id), so it can be edited", async () => {
    const api = fakeApi("discord-dm-ref");
    const user = freshUser();
    const client = createDiscordClient({ token: "t", baseUrl: api.urls.DISCORD_API_URL });
    const result = await client.send("users.dm", discordDirectMessage(user, note).body);
    expect(result).toEqual({
      kind: "delivered",
      status: 200,
      ref: { channel_id: dmChannelIdOf(user), message_id: "1100000000000000001" },
    });
  });

  it("remembers the DM channel per recipient: a second DM skips the open", async () => {
    const api = fakeApi("discord-dm-cache");
    const [ann, bob] = [freshUser(), freshUser()];
    const client = () => createDiscordClient({ token: "t", baseUrl: api.urls.DISCORD_API_URL });
    // A fresh client each time, as the consumer makes one per delivery: the cache is the isolate's.
    for (const user of [ann, ann, bob, ann]) {
      expect((await client().send("users.dm", { recipient_id: user, content: "hi" })).kind).toBe("delivered");
    }
    const requests = await api.requests("/discord/");
    const opens = requests.filter((r) => r.path.endsWith("/users/@me/channels"));
    expect(opens.map((r) => r.json)).toEqual([{ recipient_id: ann }, { recipient_id: bob }]);
    const posts = requests.filter((r) => r.path.endsWith("/messages")).map((r) => r.path);
    expect(posts).toEqual(
      [ann, ann, bob, ann].map((u) => `/discord/api/v10/channels/${dmChannelIdOf(u)}/messages`),
    );
  });

  it("the cache is per bot, bounded, and a remembered channel Discord no longer knows is opened again", async () => {
    const cache = new DmChannelCache(2);
    const send = (fetch: FetchFn, user: string, token = "bot-a") =>
      createDiscordClient({ token, baseUrl: BASE, fetch, dmChannels: cache }).send("users.dm", {
        recipient_id: user,
        content: "hi",
      });
    const first = scripted(dmChannel("500"), posted("1"));
    await send(first.fetch, "1");
    const other = scripted(dmChannel("501"), posted("2"));
    await send(other.fetch, "1", "bot-b");
    expect(other.calls[0]?.url).toBe(`${BASE}/users/@me/channels`);
    await send(scripted(dmChannel("502"), posted("3")).fetch, "2");
    expect(cache.size).toBe(2);
    // User 1 of bot-a was the least recently used: forgotten.
    const again = scripted(dmChannel("500"), posted("4"));
    await send(again.fetch, "1");
    expect(again.calls.map((c) => c.url)).toEqual([
      `${BASE}/users/@me/channels`,
      `${BASE}/channels/500/messages`,
    ]);

    const gone = scripted(
      () => Response.json({ message: "Unknown Channel", code: 10003 }, { status: 404 }),
      dmChannel("600"),
      posted("5"),
    );
    const result = await send(gone.fetch, "1");
    expect(gone.calls.map((c) => c.url)).toEqual([
      `${BASE}/channels/500/messages`,
      `${BASE}/users/@me/channels`,
      `${BASE}/channels/600/messages`,
    ]);
    expect(result).toMatchObject({ kind: "delivered", ref: { channel_id: "600", message_id: "5" } });
  });

  it("50007 (the user accepts no DMs from the bot) is permanent and becomes a dead letter", async () => {
    const api = fakeApi("discord-dm-50007");
    const tenant = "t-discord-dm-50007";
    await api.script(
      "/discord/api/v10/channels/",
      [{ status: 403, body: { message: "Cannot send messages to this user", code: 50007 } }],
      { method: "POST" },
    );
    const msg = delivery({ tenant, ...discordDirectMessage(freshUser(), note) });
    const run = await runQueue(api.env(env), [{ body: msg, id: "m" }]);
    expect(run.acked).toEqual(["m"]);
    expect(run.retried.size).toBe(0);
    const letters = await listDeadLetters(api.env(env), tenant, { limit: 5 });
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({
      reason: "permanent",
      lastStatus: 403,
      lastError: "HTTP 403: Cannot send messages to this user / 50007",
    });
  });

  it("5xx and 429 retry, on the open and on the post; a failed open remembers nothing", async () => {
    const cache = new DmChannelCache();
    const send = (fetch: FetchFn) =>
      createDiscordClient({ token: "t", baseUrl: BASE, fetch, dmChannels: cache }).send("users.dm", {
        recipient_id: "7",
        content: "hi",
      });
    const openDown = scripted(() => new Response("upstream", { status: 502 }));
    expect(await send(openDown.fetch)).toMatchObject({ kind: "retry", status: 502 });
    expect(openDown.calls).toHaveLength(1);
    expect(cache.size).toBe(0);

    const limited = scripted(() =>
      Response.json(
        { message: "You are being rate limited.", retry_after: 1.5, global: false },
        { status: 429 },
      ),
    );
    expect(await send(limited.fetch)).toMatchObject({ kind: "retry", status: 429, retryAfterSeconds: 2 });

    const postDown = scripted(dmChannel("700"), () => new Response("", { status: 503 }));
    expect(await send(postDown.fetch)).toMatchObject({ kind: "retry", status: 503 });
    const postLimited = scripted(() =>
      Response.json(
        { message: "slow down", retry_after: 4 },
        { status: 429, headers: { "retry-after": "4" } },
      ),
    );
    // The channel is remembered now: the only call is the post.
    expect(await send(postLimited.fetch)).toMatchObject({ kind: "retry", retryAfterSeconds: 4 });
    expect(postLimited.calls.map((c) => c.url)).toEqual([`${BASE}/channels/700/messages`]);

    const network: FetchFn = async () => {
      throw new Error("connection reset");
    };
    const lost = await createDiscordClient({ token: "t", baseUrl: BASE, fetch: network }).send("users.dm", {
      recipient_id: freshUser(),
      content: "hi",
    });
    expect(lost.kind).toBe("retry");
    expect(
      await createDiscordClient({ token: "t", baseUrl: BASE }).send("users.dm", { content: "x" }),
    ).toMatchObject({
      kind: "permanent",
      error: 'discord users.dm: missing "recipient_id" in body',
    });
  });

  it("demo mode keeps the DM in the local outbox with a made-up place, and sends nothing", async () => {
    const api = fakeApi("discord-dm-demo");
    const tenant = "t-discord-dm-demo";
    const testEnv = { ...api.env(env, { tokens: false }), DEMO_MODE: "true" };
    const msg = delivery({ tenant, ...discordDirectMessage("31337", note) });
    expect((await runQueue(testEnv, [{ body: msg, id: "m" }])).acked).toEqual(["m"]);
    expect(await api.requests()).toEqual([]);
    const entries = await listOutbox(testEnv, tenant, { limit: 5 });
    expect(entries).toMatchObject([{ id: msg.id, platform: "discord", action: "users.dm" }]);
    expect(entries[0]?.body).toMatchObject({ recipient_id: "31337" });

    const ref = localRefOf(msg);
    expect(ref).toEqual({ channel_id: "dm-31337", message_id: expect.stringMatching(/^\d+$/) });
    expect(localRefOf({ ...msg, body: { content: "no recipient" } })).toBeUndefined();
  });
});
