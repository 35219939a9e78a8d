import { evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { message, meta, newAgent, setHandler } from "../../helpers/agents";
import { waitFor } from "../../helpers/wait";

describe("scheduler on the agent's alarm", () => {
  it("fires a due task once, even when the alarm runs again", async () => {
    const { agent, stub } = await newAgent("review-manager");
    const seen: string[] = [];
    await setHandler(stub, async (m) => {
      seen.push(`${m.type}:${String(m.payload.note)}:${m.from}`);
    });
    await agent.transition("start", meta);
    const scheduled = await agent.schedule(Date.now() - 1, "message", {
      type: "ping",
      payload: { note: "tick" },
    });
    expect(scheduled.ok).toBe(true);
    await runDurableObjectAlarm(stub);
    await runDurableObjectAlarm(stub);
    await waitFor(async () => {
      expect(await agent.health()).toMatchObject({ ok: true, value: { tasksDone: 1, scheduledTasks: 0 } });
    });
    expect(seen).toEqual(["ping:tick:scheduler"]);
  });

  it("cancels a task by id", async () => {
    const { agent, stub } = await newAgent("review-manager");
    // Due at once, but held while the agent is paused: no alarm can run it before the cancel.
    await agent.transition("start", meta);
    await agent.transition("pause", meta);
    const scheduled = await agent.schedule(Date.now() - 1, "message", { type: "ping" });
    if (!scheduled.ok) throw new Error(scheduled.error.message);
    expect(await agent.cancel(scheduled.value.id)).toMatchObject({ ok: true, value: { cancelled: true } });
    expect(await agent.schedules()).toEqual([]);
    // Running again, with the alarm run: a task still scheduled would be delivered and processed now.
    await agent.transition("resume", meta);
    await runDurableObjectAlarm(stub);
    await waitFor(async () => {
      expect(await agent.health()).toMatchObject({ ok: true, value: { inboxDepth: 0, runningTasks: 0 } });
    });
    expect(await agent.health()).toMatchObject({ ok: true, value: { tasksDone: 0, scheduledTasks: 0 } });
  });

  it("replaces a task with the same key instead of adding another", async () => {
    const { agent } = await newAgent("review-manager");
    await agent.transition("start", meta);
    const first = await agent.schedule(Date.now() + 60_000, "message", { type: "ping" }, "sla:pr-1");
    const later = Date.now() + 120_000;
    const second = await agent.schedule(later, "message", { type: "pong" }, "sla:pr-1");
    if (!first.ok || !second.ok) throw new Error("schedule failed");
    expect(second.value.id).toBe(first.value.id);
    const list = await agent.schedules();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      key: "sla:pr-1",
      at: new Date(later).toISOString(),
      payload: { type: "pong" },
    });
    expect(await agent.cancel("sla:pr-1")).toMatchObject({ ok: true, value: { cancelled: true } });
  });

  it("keeps schedules across a restart and runs them after", async () => {
    const { agent, stub } = await newAgent("linear-state");
    // Paused, the due task waits for the test (no alarm runs it before the restart is checked).
    await agent.transition("start", meta);
    await agent.transition("pause", meta);
    await agent.schedule(
      Date.now() - 1,
      "message",
      { type: "ping", payload: { note: "after restart" } },
      "k",
    );
    await evictDurableObject(stub);
    expect(await agent.schedules()).toMatchObject([{ key: "k" }]);
    await agent.transition("resume", meta);
    await runDurableObjectAlarm(stub);
    await waitFor(async () => {
      expect(await agent.health()).toMatchObject({ ok: true, value: { tasksDone: 1, scheduledTasks: 0 } });
    });
  });

  it("holds due tasks while paused and runs them on resume", async () => {
    const { agent, stub } = await newAgent("linear-state");
    await agent.transition("start", meta);
    await agent.transition("pause", meta);
    await agent.schedule(Date.now() - 1, "message", { type: "ping" });
    await runDurableObjectAlarm(stub);
    expect(await agent.health()).toMatchObject({ ok: true, value: { tasksDone: 0, scheduledTasks: 1 } });
    await agent.transition("resume", meta);
    await runDurableObjectAlarm(stub);
    await waitFor(async () => {
      expect(await agent.health()).toMatchObject({ ok: true, value: { tasksDone: 1, scheduledTasks: 0 } });
    });
  });

  it("records a failing task kind without retrying it", async () => {
    const { agent, stub } = await newAgent("context-optimizer");
    await agent.transition("start", meta);
    await agent.schedule(Date.now() - 1, "no-such-kind", {});
    await runDurableObjectAlarm(stub);
    await runDurableObjectAlarm(stub);
    const health = await agent.health();
    expect(health).toMatchObject({ ok: true, value: { tasksFailed: 1, scheduledTasks: 0 } });
    if (health.ok)
      expect(health.value.lastError?.message).toContain("no handler for scheduled task kind no-such-kind");
  });

  it("termination drops schedules and queued messages", async () => {
    const { agent } = await newAgent("review-manager");
    await agent.transition("start", meta);
    await agent.transition("pause", meta);
    await agent.schedule(Date.now() + 60_000, "message", { type: "ping" });
    await agent.receive(message("ping"));
    await agent.transition("terminate", meta);
    expect(await agent.health()).toMatchObject({ ok: true, value: { inboxDepth: 0, scheduledTasks: 0 } });
  });
});
