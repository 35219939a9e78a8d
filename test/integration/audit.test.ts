/** Audit entries of mutating calls (refusals included), read back over HTTP. */
import { beforeAll, describe, expect, it } from "vitest";
import type { AuditEntry, Workflow } from "../../src/agents/model";
import { waitFor } from "../helpers/wait";
import { jsonOf, newKey, viaWorker } from "../http/helpers";

const TENANT = "it-audit";

describe("audit", () => {
  let admin = { key: "", id: "" };
  let operator = { key: "", id: "" };
  let viewer = { key: "", id: "" };
  beforeAll(async () => {
    admin = await newKey(TENANT, "admin");
    operator = await newKey(TENANT, "operator");
    viewer = await newKey(TENANT, "viewer");
  });

  async function entries(): Promise<AuditEntry[]> {
    const res = await viaWorker("/api/audit?limit=50", { key: admin.key });
    expect(res.status).toBe(200);
    return (await jsonOf<{ entries: AuditEntry[] }>(res)).entries;
  }

  it("records mutations with key id, action, target, status and correlation id", async () => {
    const created = await viaWorker("/api/workflows/create", {
      key: operator.key,
      body: { name: "audited" },
      headers: { "X-Correlation-Id": "audit-create-1" },
    });
    expect(created.headers.get("X-Correlation-Id")).toBe("audit-create-1");
    const wf = await jsonOf<Workflow>(created);
    const refused = await viaWorker("/api/workflows/create", {
      key: viewer.key,
      body: { name: "not allowed" },
      headers: { "X-Request-Id": "audit-refused-1" },
    });
    expect(refused.status).toBe(403);
    const invalid = await viaWorker("/api/workflows/create", {
      key: operator.key,
      body: { name: "" },
      headers: { "X-Correlation-Id": "audit-invalid-1" },
    });
    expect(invalid.status).toBe(400);
    await viaWorker(`/api/workflows/status/${wf.workflowId}`, { key: viewer.key });

    await waitFor(
      async () => {
        const log = await entries();
        expect(log.find((e) => e.correlationId === "audit-create-1")).toMatchObject({
          tenant: TENANT,
          keyId: operator.id,
          action: "workflows.create",
          target: wf.workflowId,
          status: 201,
        });
        expect(log.find((e) => e.correlationId === "audit-refused-1")).toMatchObject({
          keyId: viewer.id,
          action: "workflows.create",
          status: 403,
        });
        expect(log.find((e) => e.correlationId === "audit-invalid-1")).toMatchObject({ status: 400 });
      },
      { interval: 100 },
    );
    expect((await entries()).some((e) => e.action.includes("status"))).toBe(false);
  });

  it("records key creation under the new key's tenant for the bootstrap key", async () => {
    const res = await viaWorker("/api/keys", {
      body: { tenant: TENANT, role: "viewer", name: "by bootstrap" },
      headers: { "X-Correlation-Id": "audit-key-1" },
    });
    const created = await jsonOf<{ id: string }>(res);
    await waitFor(
      async () => {
        const entry = (await entries()).find((e) => e.correlationId === "audit-key-1");
        expect(entry).toMatchObject({
          keyId: "bootstrap",
          action: "keys.create",
          target: created.id,
          status: 201,
        });
      },
      { interval: 100 },
    );
  });

  it("is admin only, per tenant", async () => {
    expect((await viaWorker("/api/audit", { key: operator.key })).status).toBe(403);
    const other = await newKey("it-audit-other", "admin");
    const log = await jsonOf<{ entries: AuditEntry[] }>(await viaWorker("/api/audit", { key: other.key }));
    expect(log.entries.every((e) => e.tenant === "it-audit-other")).toBe(true);
  });
});
