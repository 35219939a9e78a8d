/** Deliveries counted by platform and outcome, driven through the queue consumer and the fake APIs. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { SeriesSample } from "../../src/observability/metrics-model";
import { metrics } from "../../src/observability/stub";
import { DLQ, delivery, runQueue } from "../delivery/support";
import { fakeApi } from "../helpers/fake-api";

async function deliveryCounts(tenant: string): Promise<Record<string, number>> {
  const snap = await metrics(env, tenant).snapshot({});
  const counts: Record<string, number> = {};
  for (const s of snap.window.filter((x: SeriesSample) => x.kind === "delivery")) {
    counts[`${s.labels.platform}:${s.labels.outcome}`] = s.count;
  }
  return counts;
}

const slackPost = (tenant: string, text: string) =>
  delivery({ tenant, platform: "slack", action: "chat.postMessage", body: { channel: "C1", text } });

describe("delivery metrics", () => {
  it("500 then 200: one retried, one sent; a redelivery after success is dropped", async () => {
    const tenant = "metrics-dlv-retry";
    const api = fakeApi("metrics-dlv-retry");
    await api.script("/slack/api/chat.postMessage", [{ status: 500, body: { error: "boom" } }]);
    const testEnv = api.env(env);
    const msg = slackPost(tenant, "hello");

    const first = await runQueue(testEnv, [{ body: msg, attempts: 1, id: "m1" }]);
    expect(first.retried.has("m1")).toBe(true);
    expect(await deliveryCounts(tenant)).toEqual({ "slack:retried": 1 });

    const second = await runQueue(testEnv, [{ body: msg, attempts: 2, id: "m1" }]);
    expect(second.acked).toEqual(["m1"]);
    expect(await api.requests("/slack/api/chat.postMessage")).toHaveLength(2);
    expect(await deliveryCounts(tenant)).toEqual({ "slack:retried": 1, "slack:sent": 1 });

    await runQueue(testEnv, [{ body: msg, attempts: 3, id: "m1" }]);
    expect(await api.requests("/slack/api/chat.postMessage")).toHaveLength(2);
    expect(await deliveryCounts(tenant)).toEqual({ "slack:retried": 1, "slack:sent": 1, "slack:dropped": 1 });
  });

  it("a permanent failure is dead; the DLQ copy of it is dropped; token-less platforms count as local", async () => {
    const tenant = "metrics-dlv-dead";
    const api = fakeApi("metrics-dlv-dead");
    await api.script("/discord/api/v10/channels/9/messages", [
      { status: 403, body: { message: "Missing Access" } },
    ]);
    const testEnv = api.env(env);
    const msg = delivery({
      tenant,
      platform: "discord",
      action: "channels.messages.create",
      body: { channel_id: "9", content: "x" },
    });
    const run = await runQueue(testEnv, [{ body: msg, id: "d1" }]);
    expect(run.acked).toEqual(["d1"]);
    await runQueue(testEnv, [{ body: msg, id: "d1" }], DLQ);

    const local = api.env(env, { tokens: false });
    await runQueue(local, [{ body: slackPost(tenant, "demo"), id: "l1" }]);

    expect(await deliveryCounts(tenant)).toEqual({
      "discord:dead": 1,
      "discord:dropped": 1,
      "slack:local": 1,
    });
  });

  it("a malformed message is counted as dead under its tenant", async () => {
    await runQueue(env, [{ body: { tenant: "metrics-dlv-malformed", platform: "slack" }, id: "x1" }]);
    expect(await deliveryCounts("metrics-dlv-malformed")).toEqual({ "slack:dead": 1 });
  });
});
