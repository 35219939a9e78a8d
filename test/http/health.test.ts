import { describe, expect, it } from "vitest";
import pkg from "../../package.json";
import { jsonOf, viaApp } from "./helpers";

interface Component {
  status: string;
  latencyMs: number;
  error?: string;
}
interface Health {
  status: string;
  timestamp: string;
  version: string;
  environment: string;
  components: { coordinator: Component; agents: Component; storage: { kv: Component; r2: Component } };
  failing?: string[];
}

const down = (what: string) => () => Promise.reject(new Error(`${what} is down`));
const brokenKv = { put: down("kv"), get: down("kv"), delete: down("kv") } as unknown as KVNamespace;
const brokenR2 = { put: down("r2"), get: down("r2"), delete: down("r2") } as unknown as R2Bucket;

describe("GET /api/health", () => {
  it("is healthy from real checks, with no auth", async () => {
    const res = await viaApp("/api/health", { key: null });
    expect(res.status).toBe(200);
    const body = await jsonOf<Health>(res);
    expect(body).toMatchObject({
      status: "healthy",
      version: pkg.version,
      environment: "test",
      components: {
        coordinator: { status: "healthy" },
        agents: { status: "healthy" },
        storage: { kv: { status: "healthy" }, r2: { status: "healthy" } },
      },
    });
    expect(typeof body.components.coordinator.latencyMs).toBe("number");
    expect(Number.isNaN(Date.parse(body.timestamp))).toBe(false);
    expect(body.failing).toBeUndefined();
  });

  it("is 503 degraded naming KV when KV fails", async () => {
    const res = await viaApp("/api/health", { key: null }, { CONFIG_KV: brokenKv });
    expect(res.status).toBe(503);
    const body = await jsonOf<Health>(res);
    expect(body.status).toBe("degraded");
    expect(body.components.storage.kv).toMatchObject({ status: "unhealthy", error: "kv is down" });
    expect(body.components.storage.r2.status).toBe("healthy");
    expect(body.failing).toEqual(["storage.kv"]);
  });

  it("is 503 degraded naming R2 when R2 fails", async () => {
    const res = await viaApp("/api/health", { key: null }, { LOGS: brokenR2 });
    expect(res.status).toBe(503);
    const body = await jsonOf<Health>(res);
    expect(body.components.storage.r2).toMatchObject({ status: "unhealthy", error: "r2 is down" });
    expect(body.failing).toEqual(["storage.r2"]);
  });
});
