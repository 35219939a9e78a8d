/** Outbox and dead-letter routes: roles and shapes (the delivery pipeline has its own tests). */
import { describe, expect, it } from "vitest";
import { errorOf, jsonOf, newKey, viaWorker } from "../http/helpers";

const TENANT = "it-deliveries";

describe("deliveries", () => {
  it("viewers read the outbox and dead letters", async () => {
    const viewer = await newKey(TENANT, "viewer");
    const outbox = await viaWorker("/api/outbox?limit=10", { key: viewer.key });
    expect(outbox.status).toBe(200);
    expect(await jsonOf<{ entries: unknown[] }>(outbox)).toEqual({ entries: [] });
    const dead = await viaWorker("/api/deliveries/dead", { key: viewer.key });
    expect(dead.status).toBe(200);
    expect(await jsonOf<{ deadLetters: unknown[] }>(dead)).toEqual({ deadLetters: [] });
    const replay = await viaWorker("/api/deliveries/dead/dl_x/replay", { key: viewer.key, method: "POST" });
    expect(replay.status).toBe(403);
    expect((await errorOf(replay)).message).toContain("operator");
  });

  it("replaying an unknown dead letter is a 404", async () => {
    const operator = await newKey(TENANT, "operator");
    const res = await viaWorker("/api/deliveries/dead/dl_unknown/replay", {
      key: operator.key,
      method: "POST",
    });
    expect(res.status).toBe(404);
    expect((await errorOf(res)).code).toBe("not_found");
  });

  it("the bootstrap key reads a tenant's outbox with ?tenant=", async () => {
    const res = await viaWorker(`/api/outbox?tenant=${TENANT}`);
    expect(res.status).toBe(200);
  });
});
