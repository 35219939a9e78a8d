/** The full lifecycle over HTTP, through the Worker's fetch handler. */
import { beforeAll, describe, expect, it } from "vitest";
import type { AgentSnapshot, MessageReceipt, Workflow } from "../../src/agents/model";
import { errorOf, jsonOf, newKey, viaWorker } from "../http/helpers";

const TENANT = "it-lifecycle";

describe("workflow and agent lifecycle over HTTP", () => {
  let operator = "";
  let viewer = "";
  beforeAll(async () => {
    operator = (await newKey(TENANT, "operator")).key;
    viewer = (await newKey(TENANT, "viewer")).key;
  });

  it("create -> spawn review-manager -> pause -> resume -> terminate workflow -> agent terminated", async () => {
    const created = await viaWorker("/api/workflows/create", {
      key: operator,
      body: { name: "Release train", priority: "high", context: { userId: "u1", tags: ["release"] } },
    });
    expect(created.status).toBe(201);
    const wf = await jsonOf<Workflow>(created);
    expect(wf).toMatchObject({ status: "active", priority: "high", tenant: TENANT, name: "Release train" });
    expect(wf.workflowId).toMatch(/^wf_/);

    const spawned = await viaWorker("/api/agents/spawn", {
      key: operator,
      body: {
        type: "review-manager",
        workflowId: wf.workflowId,
        config: { timeoutMs: 5000, reviewersPerPr: 2 },
      },
    });
    expect(spawned.status).toBe(201);
    const agent = await jsonOf<AgentSnapshot>(spawned);
    expect(agent).toMatchObject({ type: "review-manager", status: "running", workflowId: wf.workflowId });
    expect(agent.config).toMatchObject({ timeoutMs: 5000, reviewersPerPr: 2, maxConcurrentTasks: 4 });
    const id = agent.agentId;

    const paused = await viaWorker(`/api/agents/pause/${id}`, { key: operator, method: "POST" });
    expect(paused.status).toBe(200);
    expect((await jsonOf<AgentSnapshot>(paused)).status).toBe("paused");

    const again = await viaWorker(`/api/agents/pause/${id}`, { key: operator, method: "POST" });
    expect(again.status).toBe(409);
    const conflict = await errorOf(again);
    expect(conflict.code).toBe("conflict");
    expect(conflict.message).toContain("paused");

    const resumed = await viaWorker(`/api/agents/resume/${id}`, { key: operator, method: "POST" });
    expect((await jsonOf<AgentSnapshot>(resumed)).status).toBe("running");

    const sent = await viaWorker(`/api/agents/message/${id}`, {
      key: operator,
      body: { type: "ping", payload: { note: "hello" } },
    });
    expect(sent.status).toBe(202);
    expect(await jsonOf<MessageReceipt>(sent)).toMatchObject({ agentId: id, status: "running" });

    const health = await viaWorker(`/api/agents/health/${id}`, { key: viewer });
    expect(health.status).toBe(200);
    expect(await jsonOf<{ agentId: string; recentEvents: unknown[] }>(health)).toMatchObject({ agentId: id });

    const status = await jsonOf<Workflow>(
      await viaWorker(`/api/workflows/status/${wf.workflowId}`, { key: viewer }),
    );
    expect(status.agents).toEqual([id]);

    const terminated = await viaWorker(`/api/workflows/terminate/${wf.workflowId}`, {
      key: operator,
      method: "POST",
    });
    expect(terminated.status).toBe(200);
    expect((await jsonOf<Workflow>(terminated)).status).toBe("terminated");

    const agentAfter = await viaWorker(`/api/agents/status/${id}`, { key: viewer });
    expect(agentAfter.status).toBe(200);
    expect((await jsonOf<AgentSnapshot>(agentAfter)).status).toBe("terminated");

    const twice = await viaWorker(`/api/workflows/terminate/${wf.workflowId}`, {
      key: operator,
      method: "POST",
    });
    expect(twice.status).toBe(409);
  });

  it("lists workflows and agents with filters", async () => {
    const wf = await jsonOf<Workflow>(
      await viaWorker("/api/workflows/create", { key: operator, body: { name: "Listed" } }),
    );
    await viaWorker("/api/agents/spawn", {
      key: operator,
      body: { type: "linear-state", workflowId: wf.workflowId },
    });

    const active = await jsonOf<{ workflows: Workflow[] }>(
      await viaWorker("/api/workflows?status=active", { key: viewer }),
    );
    expect(active.workflows.map((w) => w.workflowId)).toContain(wf.workflowId);
    expect(active.workflows.every((w) => w.status === "active" && w.tenant === TENANT)).toBe(true);

    const agents = await jsonOf<{ agents: AgentSnapshot[] }>(
      await viaWorker(`/api/agents?workflowId=${wf.workflowId}&type=linear-state&status=running`, {
        key: viewer,
      }),
    );
    expect(agents.agents).toHaveLength(1);
    expect(agents.agents[0]).toMatchObject({ type: "linear-state", workflowId: wf.workflowId });

    const none = await jsonOf<{ agents: AgentSnapshot[] }>(
      await viaWorker(`/api/agents?workflowId=${wf.workflowId}&type=pattern-bridge`, { key: viewer }),
    );
    expect(none.agents).toEqual([]);
  });

  it("unknown ids are 404", async () => {
    for (const path of ["/api/workflows/status/wf_missing", "/api/agents/status/agt_missing"]) {
      const res = await viaWorker(path, { key: viewer });
      expect(res.status).toBe(404);
      expect((await errorOf(res)).code).toBe("not_found");
    }
    const spawn = await viaWorker("/api/agents/spawn", {
      key: operator,
      body: { type: "review-manager", workflowId: "wf_missing" },
    });
    expect(spawn.status).toBe(404);
  });
});
