/**
 * Nothing accepted is lost between a decision and its delivery: the queue loses what was handed to
 * it (a local queue dies with its process), a consumer dies between sending and confirming, a digest
 * acknowledged in chat is lost on its way. Each time the deciding object still holds the effect and
 * its alarm hands it over again once the confirm time has passed; the delivery-key claim keeps every
 * post to exactly one.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { getDelivery, listOutbox } from "../../src/delivery/api";
import type { DeliveryMessage } from "../../src/delivery/types";
import type { Env } from "../../src/env";
import {
  CHANNEL,
  deliver,
  MONDAY_9,
  prEvent,
  reviewManager,
  settled,
  setupTenant,
} from "../agents/review-manager/support";
import { chatContext, run, slack } from "../commands/helpers";
import { recordingQueue, runQueue } from "../delivery/support";
import { fakeApi } from "../helpers/fake-api";
import { stickySeam } from "../helpers/seams";
import { githubDelivery, prPayload, reviewTenant } from "./review-setup";
import { call, fuzzEnv } from "./support";

type LedgerRow = { key: string; state: string; ref: string | null };

/** The ledger of a Durable Object, as rows. */
const ledgerOf = (stub: DurableObjectStub) =>
  runInDurableObject(stub, (_i, state) =>
    state.storage.sql.exec<LedgerRow>("SELECT key, state, ref FROM delivery_ledger ORDER BY key").toArray(),
  );

/** The confirm time has passed for every open row (as if the alarm came minutes later). */
const expireChecks = (stub: DurableObjectStub) =>
  runInDurableObject(stub, (_i, state) => {
    state.storage.sql.exec("UPDATE delivery_ledger SET check_at = 0 WHERE state != 'done'");
  });

/** A queue that accepts everything and keeps nothing (a local queue that died with its process). */
function lostQueue(): { queue: Queue<DeliveryMessage>; lost: DeliveryMessage[] } {
  const { queue, sent } = recordingQueue();
  return { queue, lost: sent };
}

describe("effects survive a lost queue and a dying consumer", () => {
  it("the queue loses what the Review Manager handed over: the alarm hands it over again, each effect posts once", async () => {
    const t = await reviewTenant("cf-lost-queue", "acme/lost");
    const { queue, lost } = lostQueue();
    await stickySeam(t.stub, t.agentId, (instance) => {
      const seams = instance as unknown as { env: Env };
      seams.env = { ...seams.env, OUTBOUND: queue };
    });
    const opened = await call(
      await githubDelivery(prPayload(t.repo, 1), crypto.randomUUID()),
      fuzzEnv(t.tenant).env,
    );
    expect(opened.status).toBe(200);
    await settled(t);
    // Review request and card went into the void; the metrics event ran locally, and the DM went to
    // the Context Optimizer (its own ledger and queue).
    expect(lost.map((m) => m.action).sort()).toEqual(["chat.postMessage", "pulls.requestReviewers"]);
    expect((await ledgerOf(t.stub)).filter((r) => r.state === "handed")).toHaveLength(2);
    const fromReviews = async () =>
      (await listOutbox(env, t.tenant, { limit: 10 })).filter((e) => !e.key.startsWith("rm:dm:"));
    expect(await fromReviews()).toEqual([]);

    // The process is back with a working queue; minutes later the alarm runs.
    t.detach();
    await runInDurableObject(t.stub, (instance) => {
      const seams = instance as unknown as { env: Env };
      seams.env = { ...seams.env, OUTBOUND: env.OUTBOUND };
    });
    await expireChecks(t.stub);
    await runDurableObjectAlarm(t.stub);
    await vi.waitFor(
      async () => {
        const rows = await ledgerOf(t.stub);
        expect(rows.every((r) => r.state === "done")).toBe(true);
      },
      { timeout: 10_000, interval: 50 },
    );
    const entries = await fromReviews();
    expect(entries.map((e) => e.key).sort()).toEqual(lost.map((m) => m.key).sort());
    // The card's place came back to the agent (for editing it later).
    const card = (await ledgerOf(t.stub)).find((r) => r.key.startsWith("rm:") && !r.key.startsWith("rm:dm"));
    expect(JSON.parse(card?.ref ?? "{}")).toMatchObject({
      channel: t.channel.channelId,
      ts: expect.any(String),
    });
  });

  it("a consumer that dies between sending and confirming: the re-sent copy is recognised, nothing posts twice", async () => {
    const tenant = "cf-dying-consumer";
    const api = fakeApi(tenant);
    await setupTenant(tenant);
    const h = await reviewManager(tenant);
    await deliver(h, prEvent("opened", { number: 7 }, h.clock.t));
    // The Review Manager's own deliveries (the DM is the Context Optimizer's: its ledger, its reports).
    const first = h.sent.filter((m) => m.origin?.binding === "REVIEW_MANAGER");
    expect(first.length).toBeGreaterThanOrEqual(2);
    expect(first.every((m) => m.origin?.name === h.agentId)).toBe(true);

    // The consumer sends everything, then dies before its report reaches the agent. Patched on
    // BaseAgent's prototype (RPC calls prototype methods) and restored below.
    type Confirm = { confirmDeliveries: (...args: unknown[]) => Promise<void> };
    const baseOf = (instance: object) => Object.getPrototypeOf(Object.getPrototypeOf(instance)) as Confirm;
    const withTokens = api.env(env, { extra: { LOG_LEVEL: "error" } });
    const original = await runInDurableObject(h.stub, (instance) => {
      const saved = baseOf(instance).confirmDeliveries;
      baseOf(instance).confirmDeliveries = async () => {
        throw new Error("consumer died before confirming");
      };
      return saved;
    });
    try {
      await runQueue(
        withTokens,
        first.map((body) => ({ body })),
      );
    } finally {
      await runInDurableObject(h.stub, (instance) => {
        baseOf(instance).confirmDeliveries = original;
      });
    }
    const posted = await api.requests();
    expect(posted.length).toBe(first.length);
    expect((await ledgerOf(h.stub)).filter((r) => r.state === "handed").length).toBe(first.length);

    // Minutes later: handed over again (same messages), recognised by the claim, confirmed now.
    h.sent.length = 0;
    await expireChecks(h.stub);
    await runDurableObjectAlarm(h.stub);
    await h.attach();
    expect(
      h.sent
        .filter((m) => m.origin?.binding === "REVIEW_MANAGER")
        .map((m) => m.id)
        .sort(),
    ).toEqual(first.map((m) => m.id).sort());
    await runQueue(
      withTokens,
      h.sent.filter((m) => m.origin?.binding === "REVIEW_MANAGER").map((body) => ({ body })),
    );
    expect(await api.requests()).toHaveLength(first.length);
    const rows = await ledgerOf(h.stub);
    expect(rows.filter((r) => r.state !== "done")).toEqual([]);
    const card = first.find((m) => m.body.channel === CHANNEL.channelId);
    const cardRow = rows.find((r) => r.key === card?.key);
    // Where Slack (the fake) said the card landed.
    expect(JSON.parse(cardRow?.ref ?? "{}")).toMatchObject({
      channel: expect.any(String),
      ts: expect.any(String),
    });
  });

  it("`digest now` acknowledged, then the queue loses it: the Outbox's alarm sends it, once", async () => {
    const tenant = "cf-digest-lost";
    await setupTenant(tenant, undefined, 8);
    const h = await reviewManager(tenant);
    await deliver(h, prEvent("opened", { number: 3, title: "Cache the widgets" }, h.clock.t));
    const { queue, lost } = lostQueue();
    const ctx = chatContext(tenant, {
      actor: slack("U0CAROL", "carol"),
      channelId: CHANNEL.channelId,
      env: { ...env, OUTBOUND: queue, DEMO_MODE: "true", SLACK_BOT_TOKEN: "" },
      now: new Date(MONDAY_9 + 3_600_000),
    });
    expect((await run("digest now", ctx)).text).toMatch(/^The digest is on its way/);
    expect(lost).toHaveLength(1);
    const key = lost[0]?.key ?? "";
    const outbox = env.OUTBOX.getByName(tenant);
    expect((await ledgerOf(outbox)).find((r) => r.key === key)?.state).toBe("handed");

    await expireChecks(outbox);
    await runDurableObjectAlarm(outbox);
    await vi.waitFor(
      async () => expect(await getDelivery(env, tenant, key)).toMatchObject({ state: "local" }),
      {
        timeout: 10_000,
        interval: 50,
      },
    );
    const digests = (await listOutbox(env, tenant, { limit: 20 })).filter((e) => e.key === key);
    expect(digests).toHaveLength(1);
    expect(JSON.stringify(digests[0]?.body)).toContain("Cache the widgets");
    await vi.waitFor(async () =>
      expect((await ledgerOf(outbox)).find((r) => r.key === key)?.state).toBe("done"),
    );
    // Asked again in the same minute: nothing new, and the answer says so.
    expect((await run("digest now", ctx)).text).toMatch(/already posted in this channel this minute/);
    expect(lost).toHaveLength(1);
  });
});
