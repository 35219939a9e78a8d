import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { coordinator } from "../../src/agents/coordinator/stub";
import { forgetChatTenant, resolveChatTenant } from "../../src/tenants/chat-tenant";
import { directory } from "../../src/tenants/stub";
import { errorOf, jsonOf, newKey, viaApp, viaWorker } from "../http/helpers";

interface Binding {
  platform: string;
  workspaceId: string;
  tenant: string;
  createdAt: string;
  previousTenant: string | null;
}

describe("POST /api/tenants/:id/chat", () => {
  it("binds a Slack workspace (201) and chat in it resolves to the tenant", async () => {
    const res = await viaWorker("/api/tenants/ten-acme/chat", {
      body: { platform: "slack", workspaceId: "T0ACME01" },
    });
    expect(res.status).toBe(201);
    const body = await jsonOf<Binding>(res);
    expect(body).toMatchObject({
      platform: "slack",
      workspaceId: "T0ACME01",
      tenant: "ten-acme",
      previousTenant: null,
    });
    expect(await resolveChatTenant(env, "slack", "T0ACME01")).toBe("ten-acme");
    expect(await resolveChatTenant(env, "discord", "T0ACME01")).toBe("default");
    expect(await resolveChatTenant(env, "slack", "T0UNBOUND")).toBe("default");
    expect(
      await resolveChatTenant({ ...env, FOREMAN_DEFAULT_TENANT: "fallback-co" }, "slack", "T0UNBOUND"),
    ).toBe("fallback-co");

    const list = await viaWorker("/api/tenants/ten-acme/chat");
    expect(list.status).toBe(200);
    expect((await jsonOf<{ bindings: Binding[] }>(list)).bindings).toEqual([
      expect.objectContaining({ platform: "slack", workspaceId: "T0ACME01", tenant: "ten-acme" }),
    ]);
  });

  it("caches a workspace's tenant in the isolate for CHAT_TENANT_CACHE_MS; forgetting it reads afresh", async () => {
    const cached = { ...env, CHAT_TENANT_CACHE_MS: "60000" };
    const dir = directory(env);
    const t0 = Date.now();
    expect(await resolveChatTenant(cached, "slack", "T0CACHE1", t0)).toBe("default");
    await dir.bindChat("slack", "T0CACHE1", "ten-cache");
    expect(await resolveChatTenant(cached, "slack", "T0CACHE1", t0 + 1_000)).toBe("default");
    expect(await resolveChatTenant(env, "slack", "T0CACHE1", t0 + 1_000)).toBe("ten-cache"); // 0: no cache
    expect(await resolveChatTenant(cached, "slack", "T0CACHE1", t0 + 61_000)).toBe("ten-cache");
    await dir.bindChat("slack", "T0CACHE1", "ten-cache-2");
    expect(await resolveChatTenant(cached, "slack", "T0CACHE1", t0 + 62_000)).toBe("ten-cache");
    forgetChatTenant("slack", "T0CACHE1");
    expect(await resolveChatTenant(cached, "slack", "T0CACHE1", t0 + 62_000)).toBe("ten-cache-2");
  });

  it("400 naming the field: platform, workspaceId, an unknown field, the tenant id", async () => {
    const cases: Array<[string, unknown, string]> = [
      ["/api/tenants/ten-val/chat", { platform: "teams", workspaceId: "T0X1" }, "platform"],
      ["/api/tenants/ten-val/chat", { platform: "slack", workspaceId: "123456789012345678" }, "workspaceId"],
      ["/api/tenants/ten-val/chat", { platform: "discord", workspaceId: "T0X1" }, "workspaceId"],
      ["/api/tenants/ten-val/chat", { platform: "slack" }, "workspaceId"],
      ["/api/tenants/ten-val/chat", { platform: "slack", workspaceId: "T0X1", extra: 1 }, "extra"],
      ["/api/tenants/Not_A_Slug/chat", { platform: "slack", workspaceId: "T0X1" }, "id"],
    ];
    for (const [path, body, fieldName] of cases) {
      const res = await viaWorker(path, { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      const error = await errorOf(res);
      expect(error.code).toBe("validation_failed");
      expect(error.details?.issues?.map((i) => i.field)).toContain(fieldName);
      expect(error.message).toContain(fieldName);
    }
  });

  it("401 without a key, 403 for a weaker role or another tenant's key, 409 when taking a bound workspace", async () => {
    const unauth = await viaApp("/api/tenants/ten-auth/chat", {
      key: null,
      body: { platform: "slack", workspaceId: "T0AUTH1" },
    });
    expect(unauth.status).toBe(401);
    const operator = await newKey("ten-auth", "operator");
    const weak = await viaWorker("/api/tenants/ten-auth/chat", {
      key: operator.key,
      body: { platform: "slack", workspaceId: "T0AUTH1" },
    });
    expect(weak.status).toBe(403);
    expect((await errorOf(weak)).message).toContain("admin");

    const own = await newKey("ten-auth", "admin");
    const ok = await viaWorker("/api/tenants/ten-auth/chat", {
      key: own.key,
      body: { platform: "discord", workspaceId: "112233445566778800" },
    });
    expect(ok.status).toBe(201);
    const elsewhere = await viaWorker("/api/tenants/ten-other/chat", {
      key: own.key,
      body: { platform: "slack", workspaceId: "T0AUTH1" },
    });
    expect(elsewhere.status).toBe(403);
    expect((await viaWorker("/api/tenants/ten-other/chat", { key: own.key })).status).toBe(403);

    await viaWorker("/api/tenants/ten-other/chat", { body: { platform: "slack", workspaceId: "T0TAKEN" } });
    const steal = await viaWorker("/api/tenants/ten-auth/chat", {
      key: own.key,
      body: { platform: "slack", workspaceId: "T0TAKEN" },
    });
    expect(steal.status).toBe(409);
    expect(await resolveChatTenant(env, "slack", "T0TAKEN")).toBe("ten-other");
    // The bootstrap key may move it, and says where it was.
    const moved = await viaWorker("/api/tenants/ten-auth/chat", {
      body: { platform: "slack", workspaceId: "T0TAKEN" },
    });
    expect(moved.status).toBe(201);
    expect((await jsonOf<Binding>(moved)).previousTenant).toBe("ten-other");
    expect(await resolveChatTenant(env, "slack", "T0TAKEN")).toBe("ten-auth");
    expect((await directory(env).listChatBindings("ten-other")).length).toBe(0);
  });

  it("is audited as tenants.chat.bind under the bound tenant", async () => {
    await viaApp("/api/tenants/ten-audit/chat", { body: { platform: "slack", workspaceId: "T0AUDIT" } });
    const entries = await coordinator(env, "ten-audit").listAudit(10);
    expect(entries[0]).toMatchObject({ action: "tenants.chat.bind", target: "slack:T0AUDIT", status: 201 });
  });

  it("both routes are in /api/openapi.json with the bearer scheme", async () => {
    const doc = await jsonOf<{ paths: Record<string, Record<string, { security?: unknown }>> }>(
      await viaApp("/api/openapi.json", { key: null }),
    );
    const ops = doc.paths["/api/tenants/{id}/chat"];
    expect(ops?.post?.security).toEqual([{ bearer: [] }]);
    expect(ops?.get?.security).toEqual([{ bearer: [] }]);
  });
});
