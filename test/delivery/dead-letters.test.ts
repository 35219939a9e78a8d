import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { listDeadLetters, replayDeadLetter } from "../../src/delivery/api";
import { fakeApi } from "../helpers/fake-api";
import { DLQ, delivery, recordingQueue, runQueue } from "./support";

describe("dead-letter queue consumer", () => {
  it("records a message that reached the DLQ, once per delivery id", async () => {
    const api = fakeApi("dlq-record");
    const tenant = "t-dlq-record";
    const testEnv = api.env(env);
    await api.script("/slack/api/chat.postMessage", [{ status: 503, body: { error: "down" } }]);
    const msg = delivery({
      tenant,
      platform: "slack",
      action: "chat.postMessage",
      body: { channel: "C", text: "x" },
    });
    // One failed attempt on the outbound queue, then (say the worker crashed) the message lands on the DLQ.
    await runQueue(testEnv, [{ body: msg, id: "m" }]);
    const first = await runQueue(testEnv, [{ body: msg, id: "d1" }], DLQ);
    const again = await runQueue(testEnv, [{ body: msg, id: "d2" }], `${DLQ}-staging`);
    expect(first.acked).toEqual(["d1"]);
    expect(again.acked).toEqual(["d2"]);
    expect(await api.requests()).toHaveLength(1); // the DLQ consumer never sends

    const letters = await listDeadLetters(testEnv, tenant, { limit: 10 });
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ deliveryId: msg.id, reason: "dlq", source: "dlq", lastStatus: 503 });
    expect(letters[0]?.lastError).toContain("HTTP 503");
  });

  it("does not duplicate a dead letter the consumer already recorded", async () => {
    const api = fakeApi("dlq-dedup");
    const tenant = "t-dlq-dedup";
    const testEnv = api.env(env);
    await api.script("/github/", [{ status: 422, body: { message: "Validation Failed" } }]);
    const msg = delivery({
      tenant,
      platform: "github",
      action: "issues.createComment",
      body: { owner: "o", repo: "r", issue_number: 1, body: "" },
    });
    await runQueue(testEnv, [{ body: msg }]);
    await runQueue(testEnv, [{ body: msg }], DLQ);
    const letters = await listDeadLetters(testEnv, tenant, { limit: 10 });
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ source: "consumer", reason: "permanent", lastStatus: 422 });
  });

  it("ignores a DLQ message whose key was delivered meanwhile", async () => {
    const api = fakeApi("dlq-delivered");
    const tenant = "t-dlq-delivered";
    const testEnv = api.env(env);
    const msg = delivery({ tenant, platform: "slack", action: "chat.postMessage", body: { channel: "C" } });
    await runQueue(testEnv, [{ body: msg }]);
    const run = await runQueue(testEnv, [{ body: msg }], DLQ);
    expect(run.acked).toHaveLength(1);
    expect(await listDeadLetters(testEnv, tenant, { limit: 10 })).toEqual([]);
  });
});

describe("malformed messages", () => {
  it("are dead-lettered and acked, never retried", async () => {
    const api = fakeApi("malformed");
    const testEnv = api.env(env);
    const run = await runQueue(testEnv, [
      { body: { tenant: "t-malformed", platform: "myspace", action: "post", body: {} }, id: "bad1" },
      { body: "just a string", id: "bad2" },
      { body: null, id: "bad3" },
    ]);
    expect(run.acked.sort()).toEqual(["bad1", "bad2", "bad3"]);
    expect(run.retried.size).toBe(0);
    expect(await api.requests()).toEqual([]);

    const letters = await listDeadLetters(testEnv, "t-malformed", { limit: 10 });
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ reason: "malformed", platform: "unknown", deliveryId: "msg:bad1" });
    expect(letters[0]?.lastError).toContain("platform");
    const orphans = await listDeadLetters(testEnv, "_unknown", { limit: 10 });
    expect(orphans.map((d) => d.deliveryId)).toEqual(expect.arrayContaining(["msg:bad2", "msg:bad3"]));
    expect(orphans.find((d) => d.deliveryId === "msg:bad2")?.body).toEqual({
      message: { value: "just a string" },
    });

    // Replaying a malformed dead letter is refused (400), nothing is queued.
    const { queue, sent } = recordingQueue();
    const replay = await replayDeadLetter(
      { ...testEnv, OUTBOUND: queue },
      "t-malformed",
      letters[0]?.id ?? "",
    );
    expect(replay).toMatchObject({ ok: false, error: { status: 400 } });
    expect(sent).toEqual([]);
  });

  it("one bad message does not affect the rest of the batch", async () => {
    const api = fakeApi("malformed-mixed");
    const testEnv = api.env(env);
    const good = delivery({
      tenant: "t-malformed-mixed",
      platform: "slack",
      action: "chat.postMessage",
      body: { channel: "C", text: "ok" },
    });
    const run = await runQueue(testEnv, [
      { body: { nope: true }, id: "bad" },
      { body: good, id: "good" },
    ]);
    expect(run.acked.sort()).toEqual(["bad", "good"]);
    expect(await api.requests()).toHaveLength(1);
  });
});
