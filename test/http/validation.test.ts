import { describe, expect, it } from "vitest";
import { MAX_BODY_BYTES } from "../../src/http/middleware/body";
import { BASE, buildRequest, errorOf, jsonOf, viaApp } from "./helpers";

const T = { "X-Foreman-Tenant": "hv-validation" };

async function createWorkflow(body: unknown) {
  return viaApp("/api/workflows/create", { body, headers: T });
}

describe("validation errors name the field", () => {
  it("priority", async () => {
    const res = await createWorkflow({ name: "x", priority: "urgent" });
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe("validation_failed");
    expect(error.message).toContain("priority");
    expect(error.details?.issues?.[0]?.field).toBe("priority");
  });

  it("context.tags.0, name, unknown fields", async () => {
    const tags = await errorOf(await createWorkflow({ name: "x", context: { tags: [""] } }));
    expect(tags.details?.issues?.map((i) => i.field)).toEqual(["context.tags.0"]);
    const name = await errorOf(await createWorkflow({ priority: "low" }));
    expect(name.details?.issues?.[0]?.field).toBe("name");
    const long = await errorOf(await createWorkflow({ name: "n".repeat(201) }));
    expect(long.message).toContain("name");
    const extra = await errorOf(await createWorkflow({ name: "x", bogus: true }));
    expect(extra.details?.issues?.[0]?.field).toBe("bogus");
  });

  it("accepts githubRepoId as a number and stores it as a string; priority defaults to medium", async () => {
    const res = await createWorkflow({ name: "repo", context: { githubRepoId: 123, tags: ["a"] } });
    expect(res.status).toBe(201);
    const wf = await jsonOf<{ priority: string; context: { githubRepoId: string }; tenant: string }>(res);
    expect(wf).toMatchObject({
      priority: "medium",
      context: { githubRepoId: "123" },
      tenant: "hv-validation",
    });
  });

  it("agent type and type-specific config (config.timeoutMs) from the Coordinator", async () => {
    const wf = await jsonOf<{ workflowId: string }>(await createWorkflow({ name: "cfg" }));
    const badType = await viaApp("/api/agents/spawn", { body: { type: "nope", workflowId: wf.workflowId } });
    expect((await errorOf(badType)).details?.issues?.[0]?.field).toBe("type");
    const badConfig = await viaApp("/api/agents/spawn", {
      body: { type: "review-manager", workflowId: wf.workflowId, config: { timeoutMs: "soon" } },
    });
    expect(badConfig.status).toBe(400);
    const error = await errorOf(badConfig);
    expect(error.code).toBe("validation_failed");
    expect(error.message).toContain("config.timeoutMs");
  });

  it("query parameters", async () => {
    const res = await viaApp("/api/workflows?status=bogus", { headers: T });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).details?.issues?.[0]?.field).toBe("status");
    const limit = await viaApp("/api/audit?limit=0", { headers: T });
    expect((await errorOf(limit)).details?.issues?.[0]?.field).toBe("limit");
  });
});

describe("bodies", () => {
  it("malformed JSON -> 400 naming the body", async () => {
    const res = await createWorkflow("{ not json");
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe("bad_request");
    expect(error.message).toMatch(/body/);
  });

  it("a body with another Content-Type -> 415, even on routes without a body schema", async () => {
    const res = await viaApp("/api/workflows/create", {
      body: "name=x",
      headers: { ...T, "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(res.status).toBe(415);
    expect((await errorOf(res)).code).toBe("unsupported_media_type");
    const noType = new Request(`${BASE}/api/workflows/terminate/wf_x`, {
      method: "POST",
      headers: { Authorization: "Bearer test-admin-key", "Content-Type": "text/plain" },
      body: "hello",
    });
    expect((await viaApp(noType)).status).toBe(415);
  });

  it("a POST with no body needs no Content-Type", async () => {
    const res = await viaApp("/api/workflows/terminate/wf_unknown", { method: "POST", headers: T });
    expect(res.status).toBe(404);
  });

  it("413 by Content-Length", async () => {
    const big = JSON.stringify({ name: "x", description: "d".repeat(MAX_BODY_BYTES) });
    const res = await createWorkflow(big);
    expect(res.status).toBe(413);
    expect((await errorOf(res)).code).toBe("payload_too_large");
  });

  it("413 by the bytes actually read (streamed body, no Content-Length)", async () => {
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > MAX_BODY_BYTES + chunk.length) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const req = buildRequest("/api/workflows/create", { method: "POST", headers: T });
    const streamed = new Request(req, { body: stream, headers: { ...Object.fromEntries(req.headers) } });
    streamed.headers.set("Content-Type", "application/json");
    expect(streamed.headers.get("Content-Length")).toBeNull();
    const res = await viaApp(streamed);
    expect(res.status).toBe(413);
  });
});
