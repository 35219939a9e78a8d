import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { listDeadLetters, replayDeadLetter } from "../../src/delivery/api";
import { fakeApi } from "../helpers/fake-api";
import { delivery, recordingQueue, runQueue } from "./support";

const post = (tenant: string, text = "hello") =>
  delivery({ tenant, platform: "slack", action: "chat.postMessage", body: { channel: "C1", text } });

describe("retries", () => {
  it("429 with Retry-After: retries with that delay, then posts exactly once", async () => {
    const api = fakeApi("retry-429");
    const testEnv = api.env(env);
    await api.script("/slack/api/chat.postMessage", [{ status: 429, headers: { "retry-after": "7" } }]);
    const msg = post("t-retry-429");

    const first = await runQueue(testEnv, [{ body: msg, attempts: 1, id: "m1" }]);
    expect(first.retried.get("m1")).toBe(7);
    expect(first.acked).toEqual([]);

    const second = await runQueue(testEnv, [{ body: msg, attempts: 2, id: "m1" }]);
    expect(second.acked).toEqual(["m1"]);
    expect(second.retried.size).toBe(0);

    const requests = await api.requests("/slack/api/chat.postMessage");
    expect(requests).toHaveLength(2);
    expect(requests[1]?.json).toEqual({ channel: "C1", text: "hello" });
    // A third (duplicate) run posts nothing more.
    const third = await runQueue(testEnv, [{ body: msg, attempts: 3, id: "m1" }]);
    expect(third.acked).toEqual(["m1"]);
    expect(await api.requests("/slack/api/chat.postMessage")).toHaveLength(2);
  });

  it("5xx and network errors retry with growing backoff", async () => {
    const api = fakeApi("retry-5xx");
    const testEnv = api.env(env);
    await api.script("/slack/api/chat.postMessage", [{ status: 503 }, { destroy: true }, { status: 500 }]);
    const delays: Array<number | undefined> = [];
    for (const attempts of [1, 2, 3]) {
      const run = await runQueue(testEnv, [{ body: post("t-retry-5xx"), attempts, id: `m${attempts}` }]);
      delays.push(run.retried.get(`m${attempts}`));
    }
    // 2 * 3^(n-1) s with 50-100 % jitter: [1,2], [3,6], [9,18].
    expect(delays[0]).toBeGreaterThanOrEqual(1);
    expect(delays[0]).toBeLessThanOrEqual(2);
    expect(delays[1]).toBeGreaterThanOrEqual(3);
    expect(delays[1]).toBeLessThanOrEqual(6);
    expect(delays[2]).toBeGreaterThanOrEqual(9);
    expect(delays[2]).toBeLessThanOrEqual(18);
  });

  it("repeated 500 ends as a dead letter after the last attempt; replay re-queues it", async () => {
    const api = fakeApi("retry-dead");
    const tenant = "t-retry-dead";
    const { queue, sent } = recordingQueue();
    const testEnv = api.env(env, { extra: { OUTBOUND: queue } });
    await api.script("/slack/api/chat.postMessage", [{ status: 500, body: { error: "boom" } }], {
      persist: true,
    });
    const msg = post(tenant, "doomed");

    for (let attempts = 1; attempts <= 5; attempts++) {
      const run = await runQueue(testEnv, [{ body: msg, attempts, id: "m1" }]);
      expect(run.retried.has("m1")).toBe(true);
      expect(await listDeadLetters(testEnv, tenant, { limit: 10 })).toEqual([]);
    }
    const last = await runQueue(testEnv, [{ body: msg, attempts: 6, id: "m1" }]);
    expect(last.acked).toEqual(["m1"]);
    expect(last.retried.size).toBe(0);
    expect(await api.requests("/slack/api/chat.postMessage")).toHaveLength(6);

    const letters = await listDeadLetters(testEnv, tenant, { limit: 10 });
    expect(letters).toHaveLength(1);
    const letter = letters[0];
    expect(letter).toMatchObject({
      deliveryId: msg.id,
      tenant,
      platform: "slack",
      action: "chat.postMessage",
      body: { channel: "C1", text: "doomed" },
      key: msg.key,
      attempts: 6,
      lastStatus: 500,
      reason: "exhausted",
      source: "consumer",
      replayedAt: null,
    });
    expect(letter?.lastError).toContain("HTTP 500");

    const replay = await replayDeadLetter(testEnv, tenant, letter?.id ?? "");
    expect(replay.ok).toBe(true);
    if (!replay.ok) return;
    expect(replay.value.id).toBe(letter?.id);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      id: replay.value.deliveryId,
      tenant,
      key: msg.key,
      correlationId: msg.correlationId,
      body: { channel: "C1", text: "doomed" },
    });
    expect(sent[0]?.id).not.toBe(msg.id);

    // Kept, marked replayed.
    const after = await listDeadLetters(testEnv, tenant, { limit: 10 });
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({
      replayedAt: replay.value.requeuedAt,
      replayDeliveryId: replay.value.deliveryId,
    });

    // The replayed delivery goes out once the platform recovers.
    await api.reset();
    const replayed = await runQueue(testEnv, [{ body: sent[0], attempts: 1 }]);
    expect(replayed.acked).toHaveLength(1);
    expect(await api.requests("/slack/api/chat.postMessage")).toHaveLength(1);
  });

  it("replaying an unknown dead letter is a 404 Outcome", async () => {
    const outcome = await replayDeadLetter(env, "t-replay-404", "dl_nope");
    expect(outcome).toMatchObject({ ok: false, error: { status: 404, code: "not_found" } });
  });

  it("a permanent 4xx goes straight to the dead letters", async () => {
    const api = fakeApi("retry-4xx");
    const tenant = "t-retry-4xx";
    const testEnv = api.env(env);
    await api.script("/discord/api/v10/channels/", [
      { status: 403, body: { message: "Missing Access", code: 50001 } },
    ]);
    const msg = delivery({
      tenant,
      platform: "discord",
      action: "channels.messages.create",
      body: { channel_id: "42", content: "hi" },
    });
    const run = await runQueue(testEnv, [{ body: msg, attempts: 1, id: "m1" }]);
    expect(run.acked).toEqual(["m1"]);
    expect(run.retried.size).toBe(0);
    const letters = await listDeadLetters(testEnv, tenant, { limit: 10 });
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ reason: "permanent", attempts: 1, lastStatus: 403 });
    expect(letters[0]?.lastError).toContain("Missing Access");
  });
});
