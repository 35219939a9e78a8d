import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getDelivery, listDeadLetters } from "../../src/delivery/api";
import { buildDelivery } from "../../src/delivery/enqueue";
import { MAX_ATTEMPTS } from "../../src/delivery/policy";
import type { DeliveryMessage, DeliveryReport } from "../../src/delivery/types";
import type { Env } from "../../src/env";
import { ValidationError } from "../../src/platform/errors";
import { type FakeApi, fakeApi } from "../helpers/fake-api";
import { delivery, runQueue } from "./support";

/** A fixed, not whole-second instant: delays are rounded up to whole seconds. */
const T = Date.UTC(2026, 0, 5, 22, 0, 0) + 400;
const seconds = (ms: number) => Math.floor(ms / 1000);
const HOUR = 3_600_000;

interface Requeued {
  body: DeliveryMessage;
  delaySeconds: number | undefined;
}

/** The test's world: a fake API namespace, the OUTBOUND queue recorded with its delays, the origin's reports. */
function world(name: string) {
  const api = fakeApi(name);
  const requeued: Requeued[] = [];
  const reports: DeliveryReport[] = [];
  const queue: Queue<DeliveryMessage> = {
    async send(body, options) {
      requeued.push({ body: structuredClone(body), delaySeconds: options?.delaySeconds });
      return { metadata: { metrics: { backlogCount: 0, backlogBytes: 0 } } };
    },
    async sendBatch() {
      throw new Error("not used");
    },
    async metrics() {
      return { backlogCount: 0, backlogBytes: 0 };
    },
  };
  // The origin (a Context Optimizer) stands in as a namespace whose object records its reports.
  const confirmer = {
    confirmDeliveries: async (r: DeliveryReport[]) => {
      reports.push(...r);
    },
  };
  const origin = { binding: "CONTEXT_OPTIMIZER" as const, name: `co-${name}` };
  const namespace = { getByName: () => confirmer } as unknown as Env["CONTEXT_OPTIMIZER"];
  const testEnv = api.env(env, {
    extra: { OUTBOUND: queue, CONTEXT_OPTIMIZER: namespace, LOG_LEVEL: "error" },
  });
  const tenant = `t-${name}`;
  const dm = (user: string, text: string, extra: Partial<DeliveryMessage> = {}) =>
    delivery({
      tenant,
      platform: "slack",
      action: "chat.postMessage",
      body: { channel: user, text },
      holdWhileDnd: user,
      origin,
      ...extra,
    });
  return { api, env: testEnv, tenant, requeued, reports, dm };
}

/** Runs the consumer over one batch at `nowMs`; the acked ids and retried id -> delay. */
async function runAt(e: Env, messages: { body: unknown; attempts?: number }[], nowMs: number) {
  const run = await runQueue(
    e,
    messages.map((m, i) => ({ ...m, id: `m${i + 1}` })),
    undefined,
    nowMs,
  );
  return { acked: run.acked, retried: run.retried };
}

const posts = (api: FakeApi) => api.requests("/slack/api/chat.postMessage");
const dndCalls = (api: FakeApi) => api.requests("/slack/api/dnd.info");

describe("DMs held while the recipient is in Slack Do Not Disturb", () => {
  it("in DND: not sent, queued again for when it ends, reported retrying; sent when the copy comes back", async () => {
    const w = world("dnd-held");
    const user = "UDNDHELD01";
    const end = seconds(T) + 7200;
    await w.api.slackDnd(user, {
      dnd_enabled: true,
      next_dnd_start_ts: seconds(T - HOUR),
      next_dnd_end_ts: end,
    });
    const msg = w.dm(user, "psst");

    const run = await runAt(w.env, [{ body: msg }], T);
    expect(run.acked).toEqual(["m1"]);
    expect(run.retried.size).toBe(0);
    expect(await posts(w.api)).toHaveLength(0);
    const calls = await dndCalls(w.api);
    expect(calls.map((r) => [r.method, r.query])).toEqual([["GET", `?user=${user}`]]);
    expect(calls[0]?.headers.authorization).toBe("Bearer xoxb-test-token");
    // ceil((end - now) / 1000): the DND ends 7199.6 s after now.
    expect(w.requeued).toEqual([{ body: msg, delaySeconds: 7200 }]);
    expect(w.reports).toEqual([{ key: msg.key, outcome: "retrying", retryAtMs: T + 7200 * 1000 }]);
    const record = await getDelivery(w.env, w.tenant, msg.key);
    expect(record?.history.at(-1)).toMatchObject({
      outcome: "retry",
      status: null,
      error: expect.stringMatching(/Do Not Disturb/),
    });

    // The copy comes back when the DND has ended (the cached answer is too old by then): it is sent.
    await w.api.slackDnd(user, null);
    const later = T + 7200 * 1000;
    const again = await runAt(w.env, [{ body: w.requeued[0]?.body }], later);
    expect(again.acked).toEqual(["m1"]);
    expect((await posts(w.api)).map((r) => r.json)).toEqual([{ channel: user, text: "psst" }]);
    expect(await dndCalls(w.api)).toHaveLength(2);
    expect(w.reports.at(-1)).toMatchObject({ key: msg.key, outcome: "delivered" });
  });

  it("a snooze counts; the wait is capped at the 12 h a queue delay can be", async () => {
    const w = world("dnd-snooze");
    const user = "UDNDSNOOZE1";
    await w.api.slackDnd(user, {
      dnd_enabled: false,
      next_dnd_start_ts: 1,
      next_dnd_end_ts: 1,
      snooze_enabled: true,
      snooze_endtime: seconds(T) + 20 * 3600,
    });
    const run = await runAt(w.env, [{ body: w.dm(user, "later") }], T);
    expect(run.acked).toEqual(["m1"]);
    expect(w.requeued.map((r) => r.delaySeconds)).toEqual([43_200]);
    expect(w.reports).toEqual([expect.objectContaining({ outcome: "retrying", retryAtMs: T + 43_200_000 })]);
    expect(await posts(w.api)).toHaveLength(0);
  });

  it("holding does not spend attempts: on the queue's last attempt the DM is queued again, not dead-lettered", async () => {
    const w = world("dnd-last");
    const user = "UDNDLAST01";
    await w.api.slackDnd(user, {
      dnd_enabled: true,
      next_dnd_start_ts: seconds(T - HOUR),
      next_dnd_end_ts: seconds(T + HOUR),
    });
    const msg = w.dm(user, "late");
    const run = await runAt(w.env, [{ body: msg, attempts: MAX_ATTEMPTS }], T);
    expect(run.acked).toEqual(["m1"]);
    expect(run.retried.size).toBe(0);
    expect(w.requeued).toHaveLength(1);
    expect(await listDeadLetters(w.env, w.tenant, { limit: 10 })).toEqual([]);
  });

  it("not in DND: sent at once", async () => {
    const w = world("dnd-free");
    const user = "UDNDFREE01";
    const run = await runAt(w.env, [{ body: w.dm(user, "hi") }], T);
    expect(run.acked).toEqual(["m1"]);
    expect(await dndCalls(w.api)).toHaveLength(1);
    expect((await posts(w.api)).map((r) => r.json)).toEqual([{ channel: user, text: "hi" }]);
    expect(w.requeued).toEqual([]);
  });

  it("a DND window that has not begun yet does not hold", async () => {
    const w = world("dnd-ahead");
    const user = "UDNDAHEAD1";
    await w.api.slackDnd(user, {
      dnd_enabled: true,
      next_dnd_start_ts: seconds(T + HOUR),
      next_dnd_end_ts: seconds(T + 9 * HOUR),
    });
    await runAt(w.env, [{ body: w.dm(user, "now") }], T);
    expect(await posts(w.api)).toHaveLength(1);
    expect(w.requeued).toEqual([]);
  });

  it("without holdWhileDnd, Slack's dnd.info is never asked", async () => {
    const w = world("dnd-none");
    const user = "UDNDNONE01";
    await w.api.slackDnd(user, {
      dnd_enabled: true,
      next_dnd_start_ts: seconds(T - HOUR),
      next_dnd_end_ts: seconds(T + HOUR),
    });
    const { holdWhileDnd: _h, ...plain } = w.dm(user, "urgent");
    const run = await runAt(w.env, [{ body: plain }], T);
    expect(run.acked).toEqual(["m1"]);
    expect(await posts(w.api)).toHaveLength(1);
    expect(await dndCalls(w.api)).toEqual([]);
  });

  it("a failing dnd.info (HTTP error, Slack error, network error) sends anyway", async () => {
    const w = world("dnd-failing");
    await w.api.script("/slack/api/dnd.info", [
      { status: 500, body: { ok: false, error: "internal_error" } },
      { body: { ok: false, error: "missing_scope", needed: "dnd:read" } },
      { destroy: true },
    ]);
    for (const [i, user] of ["UDNDFAIL01", "UDNDFAIL02", "UDNDFAIL03"].entries()) {
      const run = await runAt(w.env, [{ body: w.dm(user, `n${i}`) }], T);
      expect(run.acked).toEqual(["m1"]);
    }
    expect(await dndCalls(w.api)).toHaveLength(3);
    expect(await posts(w.api)).toHaveLength(3);
    expect(w.requeued).toEqual([]);
  });

  it("an answer stands for 60 s: no second dnd.info call within it, one after", async () => {
    const w = world("dnd-cache");
    const user = "UDNDCACHE1";
    await runAt(w.env, [{ body: w.dm(user, "one") }], T);
    // Now in DND at Slack, but the answer of 59 s ago still stands: sent without asking.
    await w.api.slackDnd(user, {
      dnd_enabled: true,
      next_dnd_start_ts: seconds(T),
      next_dnd_end_ts: seconds(T + HOUR),
    });
    await runAt(w.env, [{ body: w.dm(user, "two") }], T + 59_000);
    expect(await dndCalls(w.api)).toHaveLength(1);
    expect(await posts(w.api)).toHaveLength(2);
    // 61 s later it is asked again, and the DM is held.
    await runAt(w.env, [{ body: w.dm(user, "three") }], T + 61_000);
    expect(await dndCalls(w.api)).toHaveLength(2);
    expect(await posts(w.api)).toHaveLength(2);
    expect(w.requeued).toHaveLength(1);
  });

  it("the field survives buildDelivery; a non-string one is refused there and dead-letters on the queue", async () => {
    const w = world("dnd-shape");
    const built = buildDelivery({
      tenant: w.tenant,
      platform: "slack",
      action: "chat.postMessage",
      body: { channel: "UDNDSHAPE1", text: "x" },
      holdWhileDnd: "UDNDSHAPE1",
    });
    expect(built.holdWhileDnd).toBe("UDNDSHAPE1");
    const bad = { ...built, holdWhileDnd: 42 };
    expect(() => buildDelivery(bad as unknown as DeliveryMessage)).toThrow(ValidationError);

    const run = await runAt(w.env, [{ body: bad }], T);
    expect(run.acked).toEqual(["m1"]);
    expect(await dndCalls(w.api)).toEqual([]);
    expect(await posts(w.api)).toEqual([]);
    const letters = await listDeadLetters(w.env, w.tenant, { limit: 10 });
    expect(letters.map((l) => [l.reason, l.lastError])).toEqual([
      ["malformed", expect.stringContaining("holdWhileDnd")],
    ]);
  });
});
