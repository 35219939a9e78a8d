import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getDelivery } from "../../src/delivery/api";
import { LEASE_MS } from "../../src/delivery/outbox";
import { outbox as outboxOf } from "../../src/delivery/stub";
import { fakeApi } from "../helpers/fake-api";
import { delivery, runQueue } from "./support";

const comment = (tenant: string, key: string) =>
  delivery({
    tenant,
    platform: "github",
    action: "issues.createComment",
    key,
    body: { owner: "acme", repo: "api", issue_number: 7, body: "LGTM" },
  });

describe("idempotency by delivery key", () => {
  it("two messages with one key in the same batch post once", async () => {
    const api = fakeApi("idem-batch");
    const testEnv = api.env(env);
    const a = comment("t-idem-batch", "review-7");
    const b = comment("t-idem-batch", "review-7");
    const run = await runQueue(testEnv, [
      { body: a, id: "a" },
      { body: b, id: "b" },
    ]);
    expect(run.acked.sort()).toEqual(["a", "b"]);
    expect(run.retried.size).toBe(0);
    expect(await api.requests("/github/")).toHaveLength(1);
  });

  it("a second message with the key in a later batch, and a redelivery, post nothing", async () => {
    const api = fakeApi("idem-across");
    const testEnv = api.env(env);
    const first = comment("t-idem-across", "k-1");
    expect((await runQueue(testEnv, [{ body: first, id: "m1" }])).acked).toEqual(["m1"]);
    // Redelivery of the same queue message (at-least-once) and a new message with the same key.
    const again = await runQueue(testEnv, [{ body: first, id: "m1", attempts: 2 }]);
    const dup = await runQueue(testEnv, [{ body: comment("t-idem-across", "k-1"), id: "m2" }]);
    expect(again.acked).toEqual(["m1"]);
    expect(dup.acked).toEqual(["m2"]);
    expect(await api.requests("/github/")).toHaveLength(1);

    const record = await getDelivery(testEnv, "t-idem-across", "k-1");
    expect(record).toMatchObject({ state: "delivered", attempts: 1, lastStatus: 201, deliveryId: first.id });
    expect(record?.history).toEqual([
      expect.objectContaining({ outcome: "delivered", status: 201, attempt: 1 }),
    ]);
  });

  it("distinct keys in one batch each post", async () => {
    const api = fakeApi("idem-distinct");
    const testEnv = api.env(env);
    const messages = ["k1", "k2", "k3"].map((k) => ({ body: comment("t-idem-distinct", k) }));
    const run = await runQueue(testEnv, messages);
    expect(run.acked).toHaveLength(3);
    expect(await api.requests("/github/")).toHaveLength(3);
  });

  it("a key in flight under an unexpired lease is not sent again; the message waits for the lease", async () => {
    const api = fakeApi("idem-lease");
    const testEnv = api.env(env);
    const tenant = "t-idem-lease";
    const holder = comment(tenant, "k-lease");
    const claim = await outboxOf(testEnv, tenant).claim({
      key: "k-lease",
      deliveryId: holder.id,
      platform: "github",
      action: "issues.createComment",
    });
    expect(claim.claimed).toBe(true);

    const other = comment(tenant, "k-lease");
    const run = await runQueue(testEnv, [{ body: other, id: "m-other" }]);
    const delay = run.retried.get("m-other") ?? 0;
    expect(delay).toBeGreaterThan(LEASE_MS / 1000 - 5);
    expect(delay).toBeLessThanOrEqual(LEASE_MS / 1000);
    // On its last attempt a duplicate of another holder's delivery is let go (the holder owns it).
    const last = await runQueue(testEnv, [{ body: other, id: "m-other", attempts: 6 }]);
    expect(last.acked).toEqual(["m-other"]);
    expect(await api.requests("/github/")).toHaveLength(0);
  });

  it("after a failed attempt the key can be claimed again", async () => {
    const api = fakeApi("idem-fail");
    const testEnv = api.env(env);
    await api.script("/github/", [{ status: 502 }]);
    const msg = comment("t-idem-fail", "k-fail");
    const first = await runQueue(testEnv, [{ body: msg, id: "m1" }]);
    expect(first.retried.has("m1")).toBe(true);
    const second = await runQueue(testEnv, [{ body: msg, id: "m1", attempts: 2 }]);
    expect(second.acked).toEqual(["m1"]);
    expect(await api.requests("/github/")).toHaveLength(2);
    const record = await getDelivery(testEnv, "t-idem-fail", "k-fail");
    expect(record?.attempts).toBe(2);
    expect(record?.history.map((h) => [h.outcome, h.status])).toEqual([
      ["retry", 502],
      ["delivered", 201],
    ]);
  });
});
