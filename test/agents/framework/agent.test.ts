import { abortAllDurableObjects, evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { agentNamespace, agentStub } from "../../../src/agents/registry";
import { deferred, message, meta, newAgent, setHandler } from "../../helpers/agents";
import { waitFor } from "../../helpers/wait";

describe("agent lifecycle in the Durable Object", () => {
  it("walks spawned -> running <-> paused -> terminated and refuses illegal moves with 409", async () => {
    const { agent } = await newAgent("review-manager");
    expect((await agent.status()).ok && (await agent.status())).toMatchObject({
      value: { status: "spawned" },
    });

    const pauseSpawned = await agent.transition("pause", meta);
    expect(pauseSpawned).toMatchObject({ ok: false, error: { status: 409 } });
    if (!pauseSpawned.ok) expect(pauseSpawned.error.message).toContain("spawned -> paused");

    expect(await agent.transition("start", meta)).toMatchObject({ ok: true, value: { status: "running" } });
    expect(await agent.transition("pause", meta)).toMatchObject({ ok: true, value: { status: "paused" } });
    const again = await agent.transition("pause", meta);
    expect(again).toMatchObject({ ok: false, error: { status: 409, code: "conflict" } });
    if (!again.ok) expect(again.error.message).toContain("paused -> paused");
    expect(await agent.transition("resume", meta)).toMatchObject({ ok: true, value: { status: "running" } });
    expect(await agent.transition("terminate", meta)).toMatchObject({
      ok: true,
      value: { status: "terminated" },
    });

    const revive = await agent.transition("resume", meta);
    expect(revive).toMatchObject({ ok: false, error: { status: 409 } });
    if (!revive.ok) expect(revive.error.message).toContain("terminated -> running");
  });

  it("a terminated agent refuses new messages", async () => {
    const { agent } = await newAgent("linear-state");
    await agent.transition("start", meta);
    await agent.transition("terminate", meta);
    const receipt = await agent.receive(message("ping"));
    expect(receipt).toMatchObject({ ok: false, error: { status: 409 } });
    if (!receipt.ok) expect(receipt.error.message).toContain("terminated");
  });

  it("validates config and messages, naming the field", async () => {
    const { agent } = await newAgent("review-manager", { maxConcurrentTasks: 2, algorithm: "load-balance" });
    const status = await agent.status();
    expect(status).toMatchObject({
      ok: true,
      value: { config: { maxConcurrentTasks: 2, algorithm: "load-balance" } },
    });

    const unknownType = await agent.receive(message("explode"));
    expect(unknownType).toMatchObject({ ok: false, error: { status: 400, code: "validation_failed" } });
    if (!unknownType.ok)
      expect(unknownType.error.message).toMatch(/type.*explode.*accepted: ping, pong, event/);

    const badPayload = await agent.receive(message("event", { name: 42, data: {} }));
    expect(badPayload).toMatchObject({ ok: false, error: { status: 400 } });
    if (!badPayload.ok) expect(badPayload.error.message).toContain("payload.name");
  });

  it("keeps its state across a restart", async () => {
    const { agent, stub } = await newAgent("integration-dashboard", { timeoutMs: 5000 });
    await agent.transition("start", meta);
    await agent.transition("pause", meta);
    await agent.schedule(Date.now() + 60_000, "message", { type: "ping" }, "later");
    await evictDurableObject(stub);
    expect(await agent.status()).toMatchObject({
      ok: true,
      value: { status: "paused", config: { timeoutMs: 5000, maxConcurrentTasks: 4 } },
    });
    expect(await agent.schedules()).toMatchObject([{ key: "later", kind: "message" }]);
  });
});

describe("inbox", () => {
  it("processes messages in arrival order, one at a time with maxConcurrentTasks 1", async () => {
    const { agent, stub } = await newAgent("pattern-bridge", { maxConcurrentTasks: 1 });
    const seen: string[] = [];
    await setHandler(stub, async (m) => {
      await new Promise((r) => setTimeout(r, 5));
      seen.push(String(m.payload.note));
    });
    await agent.transition("start", meta);
    for (const note of ["a", "b", "c", "d", "e"]) await agent.receive(message("ping", { note }));
    await waitFor(async () => {
      const health = await agent.health();
      expect(health).toMatchObject({ ok: true, value: { tasksDone: 5, inboxDepth: 0 } });
    });
    expect(seen).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("runs at most maxConcurrentTasks at once", async () => {
    const { agent, stub } = await newAgent("context-optimizer", { maxConcurrentTasks: 2 });
    let inFlight = 0;
    let peak = 0;
    const gate = deferred();
    await setHandler(stub, async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await gate.promise;
      inFlight--;
    });
    await agent.transition("start", meta);
    for (let i = 0; i < 5; i++) await agent.receive(message("ping", { note: String(i) }));
    await waitFor(async () => {
      expect(await agent.health()).toMatchObject({ ok: true, value: { runningTasks: 2, inboxDepth: 5 } });
    });
    gate.resolve();
    await waitFor(async () => {
      expect(await agent.health()).toMatchObject({ ok: true, value: { tasksDone: 5, inboxDepth: 0 } });
    });
    expect(peak).toBe(2);
  });

  it("marks a task that outlives timeoutMs failed without blocking the rest", async () => {
    const { agent, stub } = await newAgent("review-manager", { maxConcurrentTasks: 1, timeoutMs: 100 });
    const done: string[] = [];
    await setHandler(stub, async (m) => {
      if (m.payload.note === "hang") await new Promise(() => {});
      done.push(String(m.payload.note));
    });
    await agent.transition("start", meta);
    await agent.receive(message("ping", { note: "hang" }));
    await agent.receive(message("ping", { note: "next" }));
    await waitFor(async () => {
      expect(await agent.health()).toMatchObject({ ok: true, value: { tasksDone: 1, tasksFailed: 1 } });
    });
    expect(done).toEqual(["next"]);
    const health = await agent.health();
    if (!health.ok) throw new Error(health.error.message);
    expect(health.value.lastError?.message).toContain("timed out after 100 ms");
    expect(health.value.healthy).toBe(false);
    expect(health.value.recentEvents.some((e) => e.kind === "error")).toBe(true);
  });

  it("a paused agent keeps its inbox and processes it on resume", async () => {
    const { agent, stub } = await newAgent("linear-state", { maxConcurrentTasks: 1 });
    const seen: string[] = [];
    await setHandler(stub, async (m) => {
      seen.push(String(m.payload.note));
    });
    await agent.transition("start", meta);
    await agent.transition("pause", meta);
    for (const note of ["1", "2", "3"]) {
      expect(await agent.receive(message("ping", { note }))).toMatchObject({
        ok: true,
        value: { status: "paused" },
      });
    }
    expect(await agent.health()).toMatchObject({ ok: true, value: { inboxDepth: 3, tasksDone: 0 } });
    expect(seen).toEqual([]);
    await agent.transition("resume", meta);
    await waitFor(async () => {
      expect(await agent.health()).toMatchObject({ ok: true, value: { inboxDepth: 0, tasksDone: 3 } });
    });
    expect(seen).toEqual(["1", "2", "3"]);
  });

  it("ignores a duplicate message id", async () => {
    const { agent, stub } = await newAgent("pattern-bridge");
    let calls = 0;
    await setHandler(stub, async () => {
      calls++;
    });
    await agent.transition("start", meta);
    const m = message("ping");
    await agent.receive(m);
    await agent.receive(m);
    await waitFor(async () => {
      expect(await agent.health()).toMatchObject({ ok: true, value: { inboxDepth: 0, tasksDone: 1 } });
    });
    expect(calls).toBe(1);
  });

  it("picks up messages interrupted by a restart", async () => {
    const { agentId, agent, stub } = await newAgent("integration-dashboard", { maxConcurrentTasks: 1 });
    await setHandler(stub, () => new Promise(() => {}));
    await agent.transition("start", meta);
    await agent.receive(message("ping", { note: "survives" }));
    await waitFor(async () => {
      expect(await agent.health()).toMatchObject({ ok: true, value: { runningTasks: 1 } });
    });
    // A hard restart (the hung task never finishes); stubs made before it are void.
    await abortAllDurableObjects().catch(() => {});
    const fresh = agentStub(env, "integration-dashboard", agentId);
    // The new instance has the real handler again: the interrupted message runs to completion.
    await runDurableObjectAlarm(agentNamespace(env, "integration-dashboard").getByName(agentId));
    await waitFor(async () => {
      expect(await fresh.health()).toMatchObject({ ok: true, value: { inboxDepth: 0, tasksDone: 1 } });
    });
    const health = await fresh.health();
    if (health.ok) expect(health.value.recentEvents.some((e) => e.kind === "restart")).toBe(true);
  });
});
