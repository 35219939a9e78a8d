import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { coordinator } from "../../../src/agents/coordinator/stub";
import { unwrap } from "../../../src/platform/errors";
import { settings } from "../../../src/settings/stub";
import { directory } from "../../../src/tenants/stub";
import { meta } from "../../helpers/agents";
import { waitFor } from "../../helpers/wait";

async function workflowWith(
  tenant: string,
  types: Array<"review-manager" | "linear-state" | "integration-dashboard">,
) {
  const c = coordinator(env, tenant);
  const wf = unwrap(
    await c.createWorkflow(tenant, { name: "wf", priority: "high", context: { tags: ["x"] } }, meta),
  );
  const agents = [];
  for (const type of types)
    agents.push(unwrap(await c.spawnAgent(tenant, { type, workflowId: wf.workflowId }, meta)));
  return { c, wf, agents };
}

describe("Coordinator", () => {
  it("creates workflows, spawns running agents into them and indexes both", async () => {
    const { c, wf, agents } = await workflowWith("co-one", ["review-manager"]);
    expect(wf).toMatchObject({
      status: "active",
      priority: "high",
      context: { tags: ["x"] },
      tenant: "co-one",
    });
    const [agent] = agents;
    expect(agent).toMatchObject({ type: "review-manager", status: "running", workflowId: wf.workflowId });
    const again = unwrap(await c.getWorkflow(wf.workflowId));
    expect(again.agents).toEqual([agent?.agentId]);
    expect(again.history.map((h) => h.event)).toEqual(["created", "agent.spawned"]);
    expect(await directory(env).resolveResource(wf.workflowId)).toMatchObject({
      kind: "workflow",
      tenant: "co-one",
    });
    expect(await directory(env).resolveResource(agent?.agentId ?? "")).toMatchObject({
      kind: "agent",
      tenant: "co-one",
    });
  });

  it("refuses bad config naming the field, unknown workflows with 404, inactive ones with 409", async () => {
    const c = coordinator(env, "co-two");
    const wf = unwrap(await c.createWorkflow("co-two", { name: "wf" }, meta));
    const bad = await c.spawnAgent(
      "co-two",
      { type: "review-manager", workflowId: wf.workflowId, config: { timeoutMs: "x" } },
      meta,
    );
    expect(bad).toMatchObject({ ok: false, error: { status: 400 } });
    if (!bad.ok) expect(bad.error.message).toContain("config.timeoutMs");
    const extra = await c.spawnAgent(
      "co-two",
      { type: "linear-state", workflowId: wf.workflowId, config: { bogus: 1 } },
      meta,
    );
    expect(extra).toMatchObject({ ok: false, error: { status: 400 } });
    const missing = await c.spawnAgent("co-two", { type: "linear-state", workflowId: "wf_nope" }, meta);
    expect(missing).toMatchObject({ ok: false, error: { status: 404 } });
    unwrap(await c.terminateWorkflow(wf.workflowId, meta));
    const late = await c.spawnAgent("co-two", { type: "linear-state", workflowId: wf.workflowId }, meta);
    expect(late).toMatchObject({ ok: false, error: { status: 409 } });
    expect(await c.terminateWorkflow(wf.workflowId, meta)).toMatchObject({
      ok: false,
      error: { status: 409 },
    });
  });

  it("terminating a workflow terminates its agents", async () => {
    const { c, wf, agents } = await workflowWith("co-three", ["review-manager", "linear-state"]);
    unwrap(await c.transitionAgent(agents[1]?.agentId ?? "", "pause", meta));
    const done = unwrap(await c.terminateWorkflow(wf.workflowId, meta));
    expect(done.status).toBe("terminated");
    for (const agent of agents) {
      expect(unwrap(await c.getAgent(agent.agentId)).status).toBe("terminated");
    }
    expect(unwrap(await c.listAgents({ status: "terminated" }))).toHaveLength(2);
  });

  it("routes messages between agents: a ping is answered with a pong", async () => {
    const { c, agents } = await workflowWith("co-four", ["review-manager", "linear-state"]);
    const [a, b] = agents;
    if (!a || !b) throw new Error("agents missing");
    unwrap(
      await c.route({ from: a.agentId, to: b.agentId, type: "ping", payload: {}, correlationId: "corr-1" }),
    );
    await waitFor(async () => {
      const health = unwrap(await c.agentHealth(a.agentId));
      expect(
        health.recentEvents.some(
          (e) => e.message === `pong from ${b.agentId}` && e.correlationId === "corr-1",
        ),
      ).toBe(true);
    });
    const unknown = await c.route({
      from: a.agentId,
      to: "agt_missing",
      type: "ping",
      payload: {},
      correlationId: "c",
    });
    expect(unknown).toMatchObject({ ok: false, error: { status: 404 } });
  });

  it("fans events out to subscribing agents once per event id", async () => {
    const { c, agents } = await workflowWith("co-five", [
      "review-manager",
      "linear-state",
      "integration-dashboard",
    ]);
    const event = {
      name: "linear.Issue.update",
      data: { id: "LIN-1" },
      correlationId: "c5",
      eventId: "delivery-1",
    };
    const first = unwrap(await c.publish(event));
    const ids = agents.filter((a) => a.type !== "review-manager").map((a) => a.agentId);
    expect(first.delivered.sort()).toEqual(ids.sort());
    unwrap(await c.publish(event));
    await waitFor(async () => {
      for (const id of ids) expect(unwrap(await c.agentHealth(id)).tasksDone).toBe(1);
    });
  });

  it("sends API messages into an agent's inbox, kept while paused", async () => {
    const { c, agents } = await workflowWith("co-six", ["review-manager"]);
    const id = agents[0]?.agentId ?? "";
    unwrap(await c.transitionAgent(id, "pause", meta));
    const receipt = unwrap(await c.sendMessage(id, { type: "ping", payload: { note: "hi" } }, meta));
    expect(receipt).toMatchObject({ agentId: id, status: "paused", inboxDepth: 1 });
    unwrap(await c.transitionAgent(id, "resume", meta));
    await waitFor(async () => {
      expect(unwrap(await c.agentHealth(id))).toMatchObject({ inboxDepth: 0, tasksDone: 1 });
    });
  });

  it("keeps an audit log, newest first", async () => {
    const c = coordinator(env, "co-seven");
    for (const n of [1, 2, 3]) {
      await c.recordAudit({
        id: `aud_${n}`,
        at: new Date().toISOString(),
        tenant: "co-seven",
        keyId: "key_1",
        action: "workflows.create",
        target: `wf_${n}`,
        status: 201,
        correlationId: `c${n}`,
      });
    }
    expect((await c.listAudit(2)).map((e) => e.id)).toEqual(["aud_3", "aud_2"]);
  });

  it("seeds the demo tenant once", async () => {
    const c = coordinator(env, "co-demo");
    expect(unwrap(await c.seedDemo("co-demo"))).toEqual({ seeded: true });
    expect(unwrap(await c.seedDemo("co-demo"))).toEqual({ seeded: false });
    const [wf] = unwrap(await c.listWorkflows({}));
    expect(wf?.name).toBe("Standing agents");
    expect(wf?.agents).toHaveLength(5);
    // The simulated team joins a fresh demo tenant once, with the scenario's zones and hours.
    const team = await settings(env, "co-demo").team();
    expect(team.map((m) => m.github)).toEqual([
      "anna",
      "ben",
      "clara",
      "dmitri",
      "eva",
      "frank",
      "grace",
      "hiro",
      "ines",
      "jun",
      "kavya",
      "lee",
    ]);
    expect(team.find((m) => m.github === "kavya")).toMatchObject({
      tz: "Asia/Singapore",
      workingHours: { start: "10:00", end: "18:00" },
      addedBy: "demo seed",
    });
    // Nobody is a lead: the first-run rule (anyone may set up in chat) still holds.
    expect(team.some((m) => m.lead)).toBe(false);
    const links = await settings(env, "co-demo").links();
    expect(links.map((l) => `${l.kind}:${l.target}:${l.channel.channelId}`).sort()).toEqual([
      "github:acme/widgets:CDEMO",
      "github:demo/app:CDEMO",
    ]);
    // Someone removed stays removed: a seed that runs again adds nobody.
    const anna = team.find((m) => m.github === "anna");
    unwrap(await settings(env, "co-demo").removeMember(anna?.user ?? { platform: "slack", id: "" }));
    unwrap(await c.seedDemo("co-demo"));
    expect(await settings(env, "co-demo").team()).toHaveLength(11);
  });

  it("publishes only to the named agents when `to` is given", async () => {
    const { c, agents } = await workflowWith("co-to", ["linear-state", "integration-dashboard"]);
    const [first] = agents;
    const out = unwrap(
      await c.publish({
        name: "linear.issue.updated",
        data: {},
        correlationId: "c",
        to: [first?.agentId ?? ""],
      }),
    );
    expect(out.delivered).toEqual([first?.agentId]);
  });
});
