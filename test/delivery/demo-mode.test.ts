import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getDelivery, listOutbox } from "../../src/delivery/api";
import { enqueueDelivery } from "../../src/delivery/enqueue";
import { AppError } from "../../src/platform/errors";
import { fakeApi } from "../helpers/fake-api";
import { delivery, recordingQueue, runQueue } from "./support";

describe("demo mode (platform token not configured)", () => {
  it("writes to the tenant's outbox instead of sending; listOutbox is newest first", async () => {
    const api = fakeApi("demo-outbox");
    const tenant = "t-demo-outbox";
    const testEnv = { ...api.env(env, { tokens: false }), DEMO_MODE: "true" };
    const first = delivery({
      tenant,
      platform: "slack",
      action: "chat.postMessage",
      body: { channel: "C1", text: "one" },
    });
    const second = delivery({
      tenant,
      platform: "discord",
      action: "webhooks.followup",
      body: { application_id: "app", token: "interaction-secret", content: "two" },
    });
    expect((await runQueue(testEnv, [{ body: first }])).acked).toHaveLength(1);
    expect((await runQueue(testEnv, [{ body: second }])).acked).toHaveLength(1);

    expect(await api.requests()).toEqual([]);
    const entries = await listOutbox(testEnv, tenant, { limit: 10 });
    expect(entries.map((e) => e.id)).toEqual([second.id, first.id]);
    expect(entries[1]).toMatchObject({
      id: first.id,
      tenant,
      platform: "slack",
      action: "chat.postMessage",
      body: { channel: "C1", text: "one" },
      key: first.key,
      correlationId: first.correlationId,
    });
    expect(Date.parse(entries[1]?.createdAt ?? "")).not.toBeNaN();
    // Credential-like fields are hidden from listings.
    expect(entries[0]?.body).toMatchObject({ token: "[redacted]", content: "two" });
    expect(await listOutbox(testEnv, tenant, { limit: 1 })).toHaveLength(1);
    expect(await listOutbox(testEnv, "t-demo-other", { limit: 10 })).toEqual([]);
  });

  it("is de-duplicated by key", async () => {
    const api = fakeApi("demo-dedup");
    const tenant = "t-demo-dedup";
    const testEnv = api.env(env, { tokens: false });
    const make = () =>
      delivery({
        tenant,
        platform: "linear",
        action: "commentCreate",
        key: "same",
        body: { input: { body: "x" } },
      });
    const run = await runQueue(testEnv, [{ body: make() }, { body: make() }]);
    expect(run.acked).toHaveLength(2);
    expect(await runQueue(testEnv, [{ body: make() }])).toMatchObject({ acked: [expect.any(String)] });
    expect(await listOutbox(testEnv, tenant, { limit: 10 })).toHaveLength(1);
    expect(await getDelivery(testEnv, tenant, "same")).toMatchObject({ state: "local" });
  });

  it("only the unconfigured platform is kept locally", async () => {
    const api = fakeApi("demo-mixed");
    const tenant = "t-demo-mixed";
    const testEnv = api.env(env, { extra: { GITHUB_TOKEN: undefined } });
    const gh = delivery({
      tenant,
      platform: "github",
      action: "issues.addLabels",
      body: { owner: "o", repo: "r", issue_number: 1, labels: ["x"] },
    });
    const slack = delivery({
      tenant,
      platform: "slack",
      action: "chat.postMessage",
      body: { channel: "C", text: "t" },
    });
    await runQueue(testEnv, [{ body: gh }, { body: slack }]);
    expect((await api.requests()).map((r) => r.path)).toEqual(["/slack/api/chat.postMessage"]);
    expect((await listOutbox(testEnv, tenant, { limit: 10 })).map((e) => e.id)).toEqual([gh.id]);
  });
});

describe("enqueueDelivery", () => {
  it("fills id, key, correlationId and enqueuedAt, records it in the Outbox and sends to OUTBOUND", async () => {
    const { queue, sent } = recordingQueue();
    const testEnv = { ...env, OUTBOUND: queue };
    const msg = await enqueueDelivery(testEnv, {
      tenant: "t-enqueue",
      platform: "slack",
      action: "chat.postMessage",
      body: { channel: "C1", text: "hi" },
    });
    expect(msg.id).toMatch(/^dlv_[a-z2-7]{20}$/);
    expect(msg.key).toBe(msg.id);
    expect(msg.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(msg.enqueuedAt)).not.toBeNaN();
    // Recorded in the tenant's Outbox ledger first, then queued naming it as the origin.
    expect(sent).toEqual([{ ...msg, origin: { binding: "OUTBOX", name: "t-enqueue" } }]);

    const keyed = await enqueueDelivery(testEnv, {
      tenant: "t-enqueue",
      platform: "github",
      action: "issues.createComment",
      body: {},
      key: "my-key",
      correlationId: "corr-1",
    });
    expect(keyed).toMatchObject({ key: "my-key", correlationId: "corr-1" });
  });

  it("rejects an invalid request with a ValidationError", async () => {
    const { queue, sent } = recordingQueue();
    const bad = { tenant: "", platform: "myspace", action: "x", body: {} } as unknown as Parameters<
      typeof enqueueDelivery
    >[1];
    const error = await enqueueDelivery({ ...env, OUTBOUND: queue }, bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ status: 400, code: "validation_failed" });
    expect(sent).toEqual([]);
  });

  it("sends through the real queue binding", async () => {
    const msg = await enqueueDelivery(env, {
      tenant: "t-enqueue-real",
      platform: "slack",
      action: "chat.postMessage",
      body: { channel: "C1", text: "hi" },
    });
    expect(msg.id).toMatch(/^dlv_/);
  });

  it("outside demo mode still sends token-less actions (interaction webhooks, response URLs)", async () => {
    const api = fakeApi("demo-tokenless");
    const tenant = "t-demo-tokenless";
    const testEnv = api.env(env, { tokens: false });
    expect(testEnv.DEMO_MODE).not.toBe("true");
    const followup = delivery({
      tenant,
      platform: "discord",
      action: "webhooks.editOriginal",
      body: { application_id: "app1", token: "itok", content: "late answer" },
    });
    const post = delivery({
      tenant,
      platform: "slack",
      action: "chat.postMessage",
      body: { channel: "C1", text: "x" },
    });
    await runQueue(testEnv, [{ body: followup }, { body: post }]);
    const sent = await api.requests();
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual([
      "PATCH /discord/api/v10/webhooks/app1/itok/messages/@original",
    ]);
    expect(sent[0]?.headers.authorization).toBeUndefined();
    expect((await listOutbox(testEnv, tenant, { limit: 10 })).map((e) => e.id)).toEqual([post.id]);
  });
});
