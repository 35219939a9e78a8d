/** Tenant isolation and the bootstrap key's tenant resolution, through the Worker. */
import { beforeAll, describe, expect, it } from "vitest";
import type { AgentSnapshot, Workflow } from "../../src/agents/model";
import { errorOf, jsonOf, newKey, viaWorker } from "../http/helpers";

const A = "it-tenancy-a";
const B = "it-tenancy-b";

describe("tenants", () => {
  let opA = "";
  let opB = "";
  let workflow: Workflow;
  let agent: AgentSnapshot;

  beforeAll(async () => {
    opA = (await newKey(A, "operator")).key;
    opB = (await newKey(B, "operator")).key;
    workflow = await jsonOf<Workflow>(
      await viaWorker("/api/workflows/create", { key: opA, body: { name: "A's" } }),
    );
    agent = await jsonOf<AgentSnapshot>(
      await viaWorker("/api/agents/spawn", {
        key: opA,
        body: { type: "review-manager", workflowId: workflow.workflowId },
      }),
    );
  });

  it("another tenant's id is a 404 with the same body as an id that does not exist", async () => {
    const cases: Array<[string, string, string]> = [
      ["GET", "/api/workflows/status/", workflow.workflowId],
      ["POST", "/api/workflows/terminate/", workflow.workflowId],
      ["GET", "/api/agents/status/", agent.agentId],
      ["GET", "/api/agents/health/", agent.agentId],
      ["POST", "/api/agents/pause/", agent.agentId],
    ];
    for (const [method, prefix, id] of cases) {
      const foreign = await viaWorker(prefix + id, { key: opB, method });
      const missing = await viaWorker(`${prefix}${id.slice(0, 4)}doesnotexist`, { key: opB, method });
      expect(foreign.status, prefix).toBe(404);
      expect(missing.status, prefix).toBe(404);
      const missingBody = await errorOf(missing);
      expect(await errorOf(foreign)).toEqual({
        ...missingBody,
        message: missingBody.message.replace(`${id.slice(0, 4)}doesnotexist`, id),
      });
    }
    const spawn = await viaWorker("/api/agents/spawn", {
      key: opB,
      body: { type: "linear-state", workflowId: workflow.workflowId },
    });
    expect(spawn.status).toBe(404);
    const listed = await jsonOf<{ workflows: Workflow[] }>(await viaWorker("/api/workflows", { key: opB }));
    expect(listed.workflows.map((w) => w.workflowId)).not.toContain(workflow.workflowId);
  });

  it("a tenant key ignores a tenant named in the request", async () => {
    const res = await viaWorker(`/api/workflows?tenant=${A}`, {
      key: opB,
      headers: { "X-Foreman-Tenant": A },
    });
    const body = await jsonOf<{ workflows: Workflow[] }>(res);
    expect(body.workflows.every((w) => w.tenant === B)).toBe(true);
  });

  it("the bootstrap key resolves the owning tenant of an id, whatever tenant it names", async () => {
    const status = await viaWorker(`/api/workflows/status/${workflow.workflowId}`, {
      headers: { "X-Foreman-Tenant": B },
    });
    expect(status.status).toBe(200);
    expect((await jsonOf<Workflow>(status)).tenant).toBe(A);
    const agentStatus = await viaWorker(`/api/agents/status/${agent.agentId}`);
    expect((await jsonOf<AgentSnapshot>(agentStatus)).tenant).toBe(A);
    const spawned = await viaWorker("/api/agents/spawn", {
      body: { type: "context-optimizer", workflowId: workflow.workflowId },
    });
    expect(spawned.status).toBe(201);
    expect((await jsonOf<AgentSnapshot>(spawned)).tenant).toBe(A);
  });

  it("the bootstrap key picks a tenant with the header or ?tenant=, default demo", async () => {
    const inB = await jsonOf<Workflow>(
      await viaWorker("/api/workflows/create", {
        body: { name: "made by bootstrap" },
        headers: { "X-Foreman-Tenant": B },
      }),
    );
    expect(inB.tenant).toBe(B);
    const listB = await jsonOf<{ workflows: Workflow[] }>(await viaWorker(`/api/workflows?tenant=${B}`));
    expect(listB.workflows.map((w) => w.workflowId)).toContain(inB.workflowId);
    const listA = await jsonOf<{ workflows: Workflow[] }>(await viaWorker(`/api/workflows?tenant=${A}`));
    expect(listA.workflows.map((w) => w.workflowId)).not.toContain(inB.workflowId);
    const demo = await jsonOf<{ workflows: Workflow[] }>(await viaWorker("/api/workflows"));
    expect(demo.workflows.every((w) => w.tenant === "default")).toBe(true);
  });
});
