/**
 * Restarts and failures half-way: the Coordinator reset while it publishes a webhook delivery, the
 * Review Manager reset while it hands its effects to the queue, a queue consumer that fails for one
 * message of a batch or dies in the middle of one, and an agent alarm that throws. Each time the
 * state is intact afterwards and the work is resumed, once.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Coordinator } from "../../src/agents/coordinator/coordinator";
import { EVENT_TYPES } from "../../src/agents/coordinator/intake";
import { coordinator } from "../../src/agents/coordinator/stub";
import type { ReviewManagerAgent } from "../../src/agents/review-manager";
import { getDelivery, listOutbox } from "../../src/delivery/api";
import { handleQueue } from "../../src/delivery/consumer";
import type { Outbox } from "../../src/delivery/outbox";
import type { ClaimInput, DeliveryMessage } from "../../src/delivery/types";
import type { Env } from "../../src/env";
import { platformSenders } from "../../src/integrations/clients";
import type { FetchFn } from "../../src/platform/http-client";
import { remote } from "../../src/platform/rpc";
import { githubRequests, HOUR, MONDAY_9, settled, slackPosts } from "../agents/review-manager/support";
import { delivery } from "../delivery/support";
import { fakeApi } from "../helpers/fake-api";
import { stickySeam } from "../helpers/seams";
import { waitFor } from "../helpers/wait";
import { agentsOf, inboxRows } from "../webhooks/support";
import { runBatch } from "./queue-sim";
import { githubDelivery, prPayload, reviewTenant, tracked } from "./review-setup";
import { call, fuzzEnv } from "./support";

const takesEvents = (type: string) => (EVENT_TYPES as readonly string[]).includes(type);

const hang = <T>(): Promise<T> => new Promise<T>(() => {});

/** Resets an object the hard way (in-memory state and pending work gone; storage kept). */
async function abort(stub: DurableObjectStub): Promise<void> {
  await runInDurableObject(stub, (_instance, state) => state.abort("reliability: reset")).catch(() => {});
}

describe("a Durable Object reset in the middle of a workflow", () => {
  it("Coordinator reset while publishing a delivery: the alarm publishes it once; a resend is a duplicate", async () => {
    const t = await reviewTenant("rs-coordinator", "acme/restart");
    const { env: testEnv } = fuzzEnv(t.tenant);
    const stub = env.COORDINATOR.getByName(t.tenant);
    await runInDurableObject(stub, (instance: Coordinator) => {
      // Publishing hangs, in batches and delivery by delivery alike.
      instance.publish = () => hang();
      instance.publishBatch = () => hang();
    });
    const id = crypto.randomUUID();
    // The ack comes once the delivery is recorded; publishing goes on after it (and hangs here).
    const answer = await call(await githubDelivery(prPayload(t.repo, 1), id), testEnv);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ status: "accepted", deliveryId: id });
    expect(await coordinator(env, t.tenant).webhookDelivery("github", id)).toMatchObject({
      status: "pending",
    });
    await abort(stub);

    expect(await runDurableObjectAlarm(env.COORDINATOR.getByName(t.tenant))).toBe(true);
    expect(await coordinator(env, t.tenant).webhookDelivery("github", id)).toMatchObject({
      status: "published",
    });
    await settled(t);
    const resend = await call(await githubDelivery(prPayload(t.repo, 1), id), testEnv);
    expect(JSON.parse(resend.text)).toMatchObject({ status: "duplicate" });
    await settled(t);

    // Once in every standing agent that takes webhook events (the Context Optimizer and the Pattern
    // Bridge take none).
    for (const agent of await agentsOf(t.tenant)) {
      expect(await inboxRows(agent, id)).toHaveLength(takesEvents(agent.type) ? 1 : 0);
    }
    expect((await tracked(t, 1)).reviewers.map((r) => [r.login, r.status])).toEqual([["bob", "requested"]]);
    expect(githubRequests(t.sent)).toHaveLength(1);
    expect(slackPosts(t.sent, t.channel.channelId)).toHaveLength(1);
  });

  it("Review Manager reset while handing effects to the queue: after the restart each effect goes out once", async () => {
    const t = await reviewTenant("rs-agent", "acme/agent");
    // The agent's queue never answers: it dies with its state changed and its effects unsent.
    await stickySeam(t.stub, t.agentId, (instance) => {
      const seams = instance as { env: Env };
      const stuck: Queue<DeliveryMessage> = {
        ...seams.env.OUTBOUND,
        send: () => hang(),
        sendBatch: () => hang(),
      };
      seams.env = { ...seams.env, OUTBOUND: stuck };
    });
    const opened = await call(
      await githubDelivery(prPayload(t.repo, 2), crypto.randomUUID()),
      fuzzEnv(t.tenant).env,
    );
    expect(opened.status).toBe(200);
    // Stubs made before a reset are void: every read takes a fresh one.
    const pendingEffects = () =>
      runInDurableObject(
        env.REVIEW_MANAGER.getByName(t.agentId),
        (_i, state) =>
          state.storage.sql
            .exec<{ n: number }>("SELECT COUNT(*) AS n FROM delivery_ledger WHERE state != 'done'")
            .one().n,
      );
    // Review request, its metrics event (foreman.review.requested), channel card, DM.
    await waitFor(async () => expect(await pendingEffects()).toBe(4));
    const before = await tracked(t, 2);
    expect(before.reviewers.map((r) => [r.login, r.status])).toEqual([["bob", "requested"]]);

    // The restarted agent runs on the real clock and queue.
    t.detach();
    await abort(t.stub);
    const fresh = env.REVIEW_MANAGER.getByName(t.agentId);
    await runDurableObjectAlarm(fresh).catch(() => false);
    const agent = remote<ReviewManagerAgent>(fresh);
    await waitFor(
      async () => {
        const health = await agent.health();
        expect(health.ok && health.value).toMatchObject({ inboxDepth: 0, runningTasks: 0 });
        expect(await pendingEffects()).toBe(0);
      },
      { interval: 50 },
    );
    // State as it was; the Review Manager's two effects (review request, channel card) went to the
    // real queue and reached the tenant's outbox (no platform tokens in tests), each once. (The DM
    // left through the Context Optimizer, which was not reset.)
    const after = await agent.pullRequest({ repo: t.repo, number: 2 });
    expect(after.ok && after.value?.reviewers.map((r) => [r.login, r.status])).toEqual([
      ["bob", "requested"],
    ]);
    const reviewEntries = async () =>
      (await listOutbox(env, t.tenant, { limit: 50 })).filter((e) => !e.key.startsWith("rm:dm:"));
    await waitFor(async () => expect(await reviewEntries()).toHaveLength(2), { interval: 100 });
    const entries = await reviewEntries();
    expect(new Set(entries.map((e) => e.key)).size).toBe(2);
    expect(entries.map((e) => e.action).sort()).toEqual(["chat.postMessage", "pulls.requestReviewers"]);
    const health = await agent.health();
    expect(health.ok && health.value.recentEvents.some((e) => e.kind === "restart")).toBe(true);
  });
});

const post = (tenant: string, i: number) =>
  delivery({
    tenant,
    platform: "slack",
    action: "chat.postMessage",
    body: { channel: "C9", text: `half-${i}` },
  });

/**
 * Makes the Outbox's `claim` throw once for `key`. Patched on the prototype (RPC only calls
 * prototype methods) and restored by the returned function.
 */
async function failClaimOnce(tenant: string, key: string): Promise<() => void> {
  return runInDurableObject(env.OUTBOX.getByName(tenant), (instance: Outbox) => {
    const proto = Object.getPrototypeOf(instance) as { claim: Outbox["claim"] };
    const original = proto.claim;
    let failed = false;
    proto.claim = function (this: Outbox, input: ClaimInput) {
      if (input.key === key && !failed) {
        failed = true;
        throw new Error("outbox overloaded");
      }
      return original.call(this, input);
    };
    return () => {
      proto.claim = original;
    };
  });
}
const postsOf = async (api: ReturnType<typeof fakeApi>, i: number) =>
  (await api.requests("/slack/api/chat.postMessage")).filter(
    (r) => r.body.includes(`"half-${i}"`) && r.answered === 200,
  );

describe("a queue consumer failing half-way through a batch", () => {
  it("one message fails unexpectedly: only it is retried, the others are acked, each posted once", async () => {
    const api = fakeApi("rs-consumer-throw");
    const testEnv = api.env(env, { extra: { LOG_LEVEL: "error" } });
    const messages = Array.from({ length: 8 }, (_, i) => post("rs-consumer-throw", i));
    const restore = await failClaimOnce("rs-consumer-throw", messages[4]?.key ?? "");
    const first = await runBatch(
      testEnv,
      messages.map((body, i) => ({ id: `m${i}`, body, attempts: 1 })),
    ).finally(restore);
    expect(first.acked.map((m) => m.id).sort()).toEqual(["m0", "m1", "m2", "m3", "m5", "m6", "m7"]);
    expect(first.retried.map((r) => r.message.id)).toEqual(["m4"]);
    const second = await runBatch(testEnv, [{ id: "m4", body: messages[4], attempts: 2 }]);
    expect(second.acked.map((m) => m.id)).toEqual(["m4"]);
    for (const i of messages.keys()) expect(await postsOf(api, i)).toHaveLength(1);
  });

  it("the invocation dies mid-batch: un-acked messages come back and are posted once each", async () => {
    const api = fakeApi("rs-consumer-crash");
    const testEnv = api.env(env, { extra: { LOG_LEVEL: "error" } });
    const tenant = "rs-consumer-crash";
    const messages = Array.from({ length: 10 }, (_, i) => post(tenant, 100 + i));
    // The first three sends go through; from the fourth on the invocation is stuck, then gone.
    let calls = 0;
    const dying: FetchFn = (input, init) => (++calls <= 3 ? fetch(input, init) : hang());
    const acked = new Set<string>();
    const batch: MessageBatch<unknown> = {
      queue: "foreman-outbound",
      metadata: { metrics: { backlogCount: 0, backlogBytes: 0, oldestMessageTimestamp: new Date() } },
      messages: messages.map((body, i) => ({
        id: `c${i}`,
        timestamp: new Date(),
        body,
        attempts: 1,
        ack: () => acked.add(`c${i}`),
        retry: () => {},
      })),
      ackAll: () => {},
      retryAll: () => {},
    } as unknown as MessageBatch<unknown>;
    void handleQueue(
      batch,
      testEnv,
      { waitUntil: () => {}, passThroughOnException: () => {} } as unknown as ExecutionContext,
      { senders: platformSenders, fetch: dying },
    );
    await waitFor(() => expect(calls).toBe(9));
    expect(acked.size).toBe(3);

    // The queue hands the un-acked seven out again. Six were mid-send: their leases hold them back.
    const redelivered = messages.flatMap((body, i) =>
      acked.has(`c${i}`) ? [] : [{ id: `c${i}`, body, attempts: 2 }],
    );
    const again = await runBatch(testEnv, redelivered);
    expect(again.acked).toHaveLength(1);
    expect(again.retried).toHaveLength(6);
    for (const r of again.retried) expect(r.delaySeconds).toBeGreaterThan(0);
    // A minute later (the 60 s lease, moved forward in storage) they go out.
    await runInDurableObject(env.OUTBOX.getByName(tenant), (_i, state) => {
      state.storage.sql.exec("UPDATE deliveries SET lease_until = 0 WHERE state = 'in_flight'");
    });
    const last = await runBatch(
      testEnv,
      again.retried.map((r) => ({ ...r.message, attempts: 3 })),
    );
    expect(last.acked).toHaveLength(6);
    for (const i of messages.keys()) expect(await postsOf(api, 100 + i)).toHaveLength(1);
    for (const m of messages) expect((await getDelivery(testEnv, tenant, m.key))?.state).toBe("delivered");
  });
});

describe("an alarm handler that throws", () => {
  it("Review Manager alarm fails after claiming its due tasks: state intact, the retry reminds once", async () => {
    const t = await reviewTenant("rs-alarm", "acme/alarm", 8);
    expect(
      (await call(await githubDelivery(prPayload(t.repo, 3), crypto.randomUUID()), fuzzEnv(t.tenant).env))
        .status,
    ).toBe(200);
    await settled(t);
    const before = await tracked(t, 3);
    expect(before.reviewers.map((r) => [r.login, r.nextAtMs])).toEqual([["bob", MONDAY_9 + 4 * HOUR]]);

    t.clock.t = MONDAY_9 + 4 * HOUR;
    t.sent.length = 0;
    await runInDurableObject(t.stub, (instance) => {
      const scheduler = (
        instance as unknown as { scheduler: { claimDue: (now: number, limit?: number) => unknown[] } }
      ).scheduler;
      const claimDue = scheduler.claimDue.bind(scheduler);
      let failed = false;
      scheduler.claimDue = (now, limit) => {
        const due = claimDue(now, limit);
        if (!failed) {
          failed = true;
          throw new Error("storage hiccup after claiming");
        }
        return due;
      };
    });
    await expect(runDurableObjectAlarm(t.stub)).rejects.toThrow("storage hiccup");
    expect(t.sent).toEqual([]);
    expect(await tracked(t, 3)).toEqual(before);

    // The platform retries a failed alarm: the step is derived again from the reviewer's clock.
    await runInDurableObject(t.stub, (instance) => (instance as unknown as ReviewManagerAgent).alarm());
    await runDurableObjectAlarm(t.stub);
    expect(slackPosts(t.sent, "U0BOB")).toHaveLength(1);
    expect(JSON.stringify(slackPosts(t.sent, "U0BOB")[0]?.body)).toContain("Reminder");
    expect((await tracked(t, 3)).reviewers[0]?.fired).toBe(1);
  });
});
