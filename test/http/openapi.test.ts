import { describe, expect, it } from "vitest";
import { jsonOf, viaApp } from "./helpers";

interface Operation {
  security?: Array<Record<string, string[]>>;
  responses: Record<string, unknown>;
}
interface Doc {
  openapi: string;
  info: { version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, { type: string; scheme: string }> };
}

const ROUTES: Array<[string, string]> = [
  ["post", "/api/workflows/create"],
  ["get", "/api/workflows/status/{id}"],
  ["post", "/api/workflows/terminate/{id}"],
  ["get", "/api/workflows"],
  ["post", "/api/agents/spawn"],
  ["get", "/api/agents/status/{id}"],
  ["get", "/api/agents/health/{id}"],
  ["post", "/api/agents/pause/{id}"],
  ["post", "/api/agents/resume/{id}"],
  ["post", "/api/agents/terminate/{id}"],
  ["post", "/api/agents/message/{id}"],
  ["get", "/api/agents"],
  ["get", "/api/health"],
  ["post", "/api/keys"],
  ["get", "/api/keys"],
  ["delete", "/api/keys/{id}"],
  ["get", "/api/audit"],
  ["get", "/api/outbox"],
  ["get", "/api/deliveries/dead"],
  ["post", "/api/deliveries/dead/{id}/replay"],
  ["get", "/api/metrics"],
  ["get", "/api/metrics/reviews"],
  ["get", "/api/insights"],
  ["get", "/api/reviews"],
  ["get", "/api/predictions"],
  ["get", "/api/policies"],
  ["post", "/api/policies"],
  ["get", "/api/policies/{id}"],
  ["put", "/api/policies/{id}"],
  ["post", "/api/policies/{id}/activate"],
  ["post", "/api/policies/dry-run"],
  ["get", "/api/policies/{id}/effectiveness"],
  ["post", "/api/policies/simulate"],
  ["get", "/api/simulate/scenarios"],
  ["post", "/api/simulate"],
  ["get", "/api/patterns"],
  ["post", "/api/policies/{id}/patterns"],
  ["post", "/api/experiments"],
  ["get", "/api/experiments"],
  ["get", "/api/experiments/{id}"],
  ["post", "/api/experiments/{id}/promote"],
  ["post", "/api/experiments/{id}/stop"],
  ["get", "/api/digests"],
  ["get", "/api/digests/preview"],
  ["get", "/api/people"],
  ["get", "/api/people/{login}"],
  ["post", "/api/tenants/{id}/chat"],
  ["get", "/api/tenants/{id}/chat"],
  ["get", "/api/tenants/{id}/installations"],
  ["get", "/api/tenants/{id}/invites"],
  ["post", "/api/tenants/{id}/invites"],
  ["post", "/api/tenants/{id}/connect/{platform}"],
  ["delete", "/api/tenants/{id}"],
  ["get", "/api/tenants/deletions"],
  ["get", "/api/webhooks/{kind}/secret"],
  ["post", "/api/webhooks/{kind}/secret"],
  ["delete", "/api/webhooks/{kind}/secret/previous"],
  ["post", "/api/webhooks/reencrypt"],
  ["get", "/api/sessions/me"],
  ["post", "/api/sessions/logout"],
  ["post", "/api/sessions/me/notify"],
  ["post", "/api/reviews/{owner}/{repo}/{number}/reassign"],
  ["post", "/api/reviews/{owner}/{repo}/{number}/snooze"],
  ["post", "/api/reviews/{owner}/{repo}/{number}/nudge"],
  ["get", "/api/live"],
  ["post", "/api/live/ticket"],
];

describe("GET /api/openapi.json", () => {
  it("lists every route, with the bearer scheme on every route but health", async () => {
    const res = await viaApp("/api/openapi.json", { key: null });
    expect(res.status).toBe(200);
    const doc = await jsonOf<Doc>(res);
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.components.securitySchemes.session).toMatchObject({ type: "apiKey", in: "cookie" });
    for (const [method, path] of ROUTES) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method} ${path}`).toBeDefined();
      if (path === "/api/health") expect(op?.security).toBeUndefined();
      else if (path.startsWith("/api/sessions/")) expect(op?.security).toEqual([{ session: [] }]);
      else expect(op?.security, `${method} ${path}`).toEqual([{ bearer: [] }]);
    }
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m} ${p}`),
    );
    expect(documented.sort()).toEqual(ROUTES.map(([m, p]) => `${m} ${p}`).sort());
  });

  it("documents request schemas and error responses from the zod schemas", async () => {
    const doc = await jsonOf<Doc & { components: { schemas: Record<string, unknown> } }>(
      await viaApp("/api/openapi.json", { key: null }),
    );
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(["CreateWorkflow", "Workflow", "SpawnAgent", "Agent", "Error", "CreateKey"]),
    );
    const create = doc.paths["/api/workflows/create"]?.post;
    expect(Object.keys(create?.responses ?? {})).toEqual(
      expect.arrayContaining(["201", "400", "401", "403", "413", "415"]),
    );
  });

  it("documents the Deliveries lists' paging and filters", async () => {
    type Param = { name: string; in: string; schema?: { enum?: string[] } };
    type Listing = { parameters?: Param[]; responses: Record<string, unknown> };
    const doc = await jsonOf<{ paths: Record<string, Record<string, Listing>> }>(
      await viaApp("/api/openapi.json", { key: null }),
    );
    for (const path of ["/api/outbox", "/api/deliveries/dead"]) {
      const op = doc.paths[path]?.get;
      const query = (op?.parameters ?? []).filter((p) => p.in === "query");
      expect(query.map((p) => p.name).sort(), path).toEqual([
        "cursor",
        "limit",
        "platform",
        "since",
        "tenant",
      ]);
      expect(query.find((p) => p.name === "platform")?.schema?.enum).toEqual([
        "slack",
        "discord",
        "github",
        "linear",
      ]);
      expect(JSON.stringify(op?.responses["200"])).toContain("nextCursor");
    }
  });
});
