import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Coordinator } from "../../src/agents/coordinator/coordinator";
import { EVENT_TYPES } from "../../src/agents/coordinator/intake";
import { STANDING_TAG, STANDING_WORKFLOW } from "../../src/agents/coordinator/standing";
import { coordinator } from "../../src/agents/coordinator/stub";
import type { PublishInput } from "../../src/agents/model";
import { unwrap } from "../../src/platform/errors";
import {
  adminPost,
  agentOfType,
  agentsOf,
  bodyOf,
  eventually,
  healthOf,
  inboxRows,
  linkQuietly,
  linkViaChat,
  prOpened,
  sendGitHub,
} from "./support";

const takesEvents = (type: string) => (EVENT_TYPES as readonly string[]).includes(type);

const meta = { correlationId: "test-standing" };

describe("linked repository: durable hand-off to the standing agents", () => {
  it("answers 200 accepted; the standing agents exist and the review manager processes the event", async () => {
    await linkViaChat("wh-happy", "github", "whhappy/widgets");
    const delivery = crypto.randomUUID();
    const res = await sendGitHub(prOpened("WhHappy/Widgets"), { to: "wh-happy", delivery });
    expect(res.status).toBe(200);
    expect(await bodyOf(res)).toEqual({ status: "accepted", deliveryId: delivery, events: 1, tenants: 1 });

    const workflows = unwrap(await coordinator(env, "wh-happy").listWorkflows({ status: "active" }));
    expect(workflows.map((w) => [w.name, w.context.tags])).toEqual([[STANDING_WORKFLOW, [STANDING_TAG]]]);
    const agents = await agentsOf("wh-happy");
    expect(agents.map((a) => a.type).sort()).toEqual([
      "context-optimizer",
      "integration-dashboard",
      "linear-state",
      "pattern-bridge",
      "review-manager",
    ]);
    const manager = await agentOfType("wh-happy", "review-manager");
    expect(manager.config.maxConcurrentTasks).toBe(1);
    expect(manager.workflowId).toBe(workflows[0]?.workflowId);

    const rows = await inboxRows(manager, delivery);
    expect(rows.map((r) => [r.messageId, r.correlationId])).toEqual([
      [`${delivery}:0:${manager.agentId}`, delivery],
    ]);
    await eventually(async () => (await inboxRows(manager, delivery))[0]?.status !== "pending");
    await eventually(async () => (await healthOf(manager)).inboxDepth === 0);
    const health = await healthOf(manager);
    expect(health.tasksDone + health.tasksFailed).toBeGreaterThanOrEqual(1);
    const record = await coordinator(env, "wh-happy").webhookDelivery("github", delivery);
    expect(record).toMatchObject({ status: "published", tenant: "wh-happy", attempts: 0 });
  });

  it("answers a repeated delivery id with 200 duplicate and delivers nothing twice", async () => {
    await linkViaChat("wh-dup", "github", "acme/dup");
    const delivery = crypto.randomUUID();
    expect((await sendGitHub(prOpened("acme/dup"), { to: "wh-dup", delivery })).status).toBe(200);
    const again = await sendGitHub(prOpened("acme/dup"), { to: "wh-dup", delivery });
    expect(again.status).toBe(200);
    expect(await bodyOf(again)).toEqual({ status: "duplicate", deliveryId: delivery });
    const manager = await agentOfType("wh-dup", "review-manager");
    expect(await inboxRows(manager, delivery)).toHaveLength(1);

    // Another delivery about the same pull request is not a duplicate.
    const other = crypto.randomUUID();
    expect(
      await bodyOf(await sendGitHub(prOpened("acme/dup"), { to: "wh-dup", delivery: other })),
    ).toMatchObject({
      status: "accepted",
    });
    expect(await inboxRows(manager, other)).toHaveLength(1);
    expect(await agentsOf("wh-dup")).toHaveLength(5);
  });

  it("publishes 50 concurrent identical deliveries exactly once", async () => {
    await linkViaChat("wh-burst", "github", "acme/burst");
    const delivery = crypto.randomUUID();
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => sendGitHub(prOpened("acme/burst"), { to: "wh-burst", delivery })),
    );
    const statuses = await Promise.all(responses.map(async (r) => [r.status, (await bodyOf(r)).status]));
    expect(statuses.filter(([, s]) => s === "accepted")).toHaveLength(1);
    expect(statuses.filter(([code, s]) => code === 200 && s === "duplicate")).toHaveLength(49);
    // Every standing agent that takes webhook events has it once (the Context Optimizer takes none).
    for (const agent of await agentsOf("wh-burst")) {
      const expected = takesEvents(agent.type) ? 1 : 0;
      expect(await inboxRows(agent, delivery), agent.type).toHaveLength(expected);
    }
  });

  it("keeps a paused review manager's events in its inbox and processes them in order on resume", async () => {
    await linkViaChat("wh-pause", "github", "acme/pause");
    const manager = await agentOfType("wh-pause", "review-manager");
    expect((await adminPost(`/api/agents/pause/${manager.agentId}`)).status).toBe(200);

    const first = crypto.randomUUID();
    const second = crypto.randomUUID();
    expect((await sendGitHub(prOpened("acme/pause", 1), { to: "wh-pause", delivery: first })).status).toBe(
      200,
    );
    expect((await sendGitHub(prOpened("acme/pause", 2), { to: "wh-pause", delivery: second })).status).toBe(
      200,
    );
    const paused = await healthOf(manager);
    expect(paused).toMatchObject({ status: "paused", inboxDepth: 2 });
    // Not respawned: the paused agent is still the standing review manager.
    expect((await agentsOf("wh-pause")).filter((a) => a.type === "review-manager")).toHaveLength(1);

    expect((await adminPost(`/api/agents/resume/${manager.agentId}`)).status).toBe(200);
    await eventually(async () => (await healthOf(manager)).inboxDepth === 0);
    const [a] = await inboxRows(manager, first);
    const [b] = await inboxRows(manager, second);
    expect(a && b && a.seq < b.seq).toBe(true);
    expect(a?.startedAt ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(b?.startedAt ?? 0);
    expect([a?.status, b?.status].every((s) => s === "done" || s === "failed")).toBe(true);
  });
});

describe("standing agents", () => {
  it("are spawned once by the first deliveries, even concurrent different ones", async () => {
    await linkQuietly("wh-first", "github", "acme/first");
    expect(await agentsOf("wh-first")).toEqual([]);
    const deliveries = Array.from({ length: 5 }, () => crypto.randomUUID());
    const responses = await Promise.all(
      deliveries.map((delivery, i) =>
        sendGitHub(prOpened("acme/first", i + 1), { to: "wh-first", delivery }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(await agentsOf("wh-first")).toHaveLength(5);
    const manager = await agentOfType("wh-first", "review-manager");
    for (const delivery of deliveries) expect(await inboxRows(manager, delivery)).toHaveLength(1);
  });

  it("are one set under concurrent calls, and only a terminated one is replaced", async () => {
    const c = coordinator(env, "wh-standing");
    const sets = await Promise.all(Array.from({ length: 5 }, () => c.standingAgents("wh-standing", meta)));
    const ids = sets.map((s) => unwrap(s));
    expect(new Set(ids.map((s) => JSON.stringify(s))).size).toBe(1);
    expect(await agentsOf("wh-standing")).toHaveLength(5);
    expect(unwrap(await c.listWorkflows())).toHaveLength(1);

    const first = ids[0];
    if (!first) throw new Error("no ids");
    unwrap(await c.transitionAgent(first["linear-state"], "pause", meta));
    expect(unwrap(await c.standingAgents("wh-standing", meta))).toEqual(first);
    unwrap(await c.transitionAgent(first["review-manager"], "terminate", meta));
    const after = unwrap(await c.standingAgents("wh-standing", meta));
    expect(after["review-manager"]).not.toBe(first["review-manager"]);
    expect({ ...after, "review-manager": "" }).toEqual({ ...first, "review-manager": "" });
    expect(unwrap(await c.standingWorkflow("wh-standing", meta)).agents).toHaveLength(6);
  });
});

describe("a failed hand-off is not lost", () => {
  it("answers 503 when a tenant's Coordinator cannot take the delivery", async () => {
    await linkQuietly("wh-down", "github", "acme/down");
    await runInDurableObject(env.COORDINATOR.getByName("wh-down"), (instance: Coordinator) => {
      instance.ingest = () => Promise.reject(new Error("storage unavailable"));
    });
    const res = await sendGitHub(prOpened("acme/down"), { to: "wh-down" });
    expect(res.status).toBe(503);
    expect(await bodyOf(res)).toMatchObject({ error: { code: "unavailable" } });
  });

  it("keeps the delivery pending when publishing fails, and the alarm delivers it", async () => {
    await linkViaChat("wh-retry", "github", "acme/retry");
    const stub = env.COORDINATOR.getByName("wh-retry");
    // Publishing fails until the test runs the alarm: a retry that the 5 s backoff starts on its
    // own on a slow machine fails too, and leaves the delivery pending for the alarm below.
    let overloaded = true;
    await runInDurableObject(stub, (instance: Coordinator) => {
      const original = instance.publish.bind(instance);
      instance.publish = (input: PublishInput) => {
        if (overloaded) return Promise.reject(new Error("agent object overloaded"));
        return original(input);
      };
      // The drain's batches fail the same way (then it tries delivery by delivery, which fails too).
      const batch = instance.publishBatch.bind(instance);
      instance.publishBatch = (...args: Parameters<typeof batch>) => {
        if (overloaded) return Promise.reject(new Error("agent object overloaded"));
        return batch(...args);
      };
    });
    const delivery = crypto.randomUUID();
    const res = await sendGitHub(prOpened("acme/retry"), { to: "wh-retry", delivery, unsettled: true });
    expect(res.status).toBe(200);
    expect(await bodyOf(res)).toMatchObject({ status: "accepted" });
    const c = coordinator(env, "wh-retry");
    await eventually(async () => (await c.webhookDelivery("github", delivery))?.attempts === 1);
    expect(await c.webhookDelivery("github", delivery)).toMatchObject({
      status: "pending",
      attempts: 1,
      lastError: "agent object overloaded",
    });
    const manager = await agentOfType("wh-retry", "review-manager");
    expect(await inboxRows(manager, delivery)).toHaveLength(0);

    // A redelivery meanwhile is a duplicate: the delivery is already held.
    expect(
      await bodyOf(await sendGitHub(prOpened("acme/retry"), { to: "wh-retry", delivery })),
    ).toMatchObject({
      status: "duplicate",
    });
    overloaded = false;
    await runInDurableObject(stub, (_instance, state) => {
      state.storage.sql.exec(
        "UPDATE webhook_deliveries SET next_attempt_at = 0 WHERE delivery_id = ?",
        delivery,
      );
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await c.webhookDelivery("github", delivery)).toMatchObject({ status: "published" });
    expect(await inboxRows(manager, delivery)).toHaveLength(1);
  });
});
