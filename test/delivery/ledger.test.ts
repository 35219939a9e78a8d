/**
 * The delivery ledger on a real Durable Object's SQLite: recorded with the decision, handed over with
 * its origin, settled by the consumer's reports, handed over again when no word comes in time, given
 * up after too many hand-overs, kept pending when the queue refuses it, local effects run once.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DeliveryLedger, MAX_HANDOVERS } from "../../src/delivery/ledger";
import type { DeliveryMessage } from "../../src/delivery/types";
import { delivery, recordingQueue } from "./support";

const CONFIRM = 60_000;
const origin = { binding: "REVIEW_MANAGER" as const, name: "agt_ledger" };

/** Runs `fn` with a ledger over a fresh object's storage. */
function withLedger<T>(
  name: string,
  fn: (ledger: DeliveryLedger, sql: SqlStorage) => Promise<T> | T,
): Promise<T> {
  return runInDurableObject(env.OUTBOX.getByName(`ledger-${name}`), (_i, state) =>
    fn(new DeliveryLedger(state.storage.sql, CONFIRM), state.storage.sql),
  );
}

const post = (key: string): DeliveryMessage =>
  delivery({
    tenant: "t-ledger",
    platform: "slack",
    action: "chat.postMessage",
    body: { channel: "C1" },
    key,
  });

describe("delivery ledger", () => {
  it("records once per key, hands over with the origin, and is settled by a delivered report", async () => {
    await withLedger("basic", async (ledger) => {
      const { queue, sent } = recordingQueue();
      const now = Date.now();
      expect(ledger.add(post("k1"), now)).toBe(true);
      expect(ledger.add(post("k1"), now)).toBe(false);
      expect(ledger.open()).toEqual({ pending: 1, handed: 0 });

      const report = await ledger.handOver(queue, origin, () => now);
      expect(report).toMatchObject({ handed: 1, queueError: null, givenUp: [] });
      expect(sent.map((m) => [m.key, m.origin])).toEqual([["k1", origin]]);
      expect(ledger.open()).toEqual({ pending: 0, handed: 1 });
      expect(ledger.nextCheckAt()).toBe(now + CONFIRM);

      const settled = ledger.confirm(
        [
          { key: "k1", outcome: "delivered", ref: { channel: "C1", ts: "1.000100" } },
          { key: "unknown", outcome: "delivered" },
        ],
        now,
      );
      expect(settled.map((s) => [s.key, s.outcome, s.ref])).toEqual([
        ["k1", "delivered", { channel: "C1", ts: "1.000100" }],
      ]);
      expect(settled[0]?.message?.body).toEqual({ channel: "C1" });
      expect(ledger.state("k1")).toEqual({
        state: "done",
        outcome: "delivered",
        ref: { channel: "C1", ts: "1.000100" },
      });
      expect(ledger.nextCheckAt()).toBeNull();
      // A second report of the same key changes nothing.
      expect(ledger.confirm([{ key: "k1", outcome: "dead", error: "late" }], now)).toEqual([]);
    });
  });

  it("hands over again what was not confirmed in time, with the same message, and gives up at last", async () => {
    await withLedger("reconcile", async (ledger) => {
      const { queue, sent } = recordingQueue();
      let now = Date.now();
      ledger.add(post("lost"), now);
      await ledger.handOver(queue, origin, () => now);
      // Not yet due: nothing moves.
      now += CONFIRM - 1;
      expect(ledger.reconcile(now)).toBe(0);
      await ledger.handOver(queue, origin, () => now);
      expect(sent).toHaveLength(1);
      // Overdue: the same message (same id, so the consumer's claim knows it) goes out again.
      now += 2;
      await ledger.handOver(queue, origin, () => now);
      expect(sent).toHaveLength(2);
      expect(sent[1]?.id).toBe(sent[0]?.id);

      const givenUp: string[] = [];
      for (let i = 0; i < MAX_HANDOVERS + 1; i++) {
        now += CONFIRM + 1;
        const report = await ledger.handOver(queue, origin, () => now);
        givenUp.push(...report.givenUp);
      }
      expect(sent).toHaveLength(MAX_HANDOVERS);
      expect(givenUp).toHaveLength(1);
      expect(givenUp[0]).toContain("lost: no word from the delivery consumer");
      expect(ledger.state("lost")?.outcome).toBe("dead");
    });
  });

  it("a retrying report moves the check past the queue's next attempt", async () => {
    await withLedger("retrying", async (ledger) => {
      const { queue, sent } = recordingQueue();
      const now = Date.now();
      ledger.add(post("slow"), now);
      await ledger.handOver(queue, origin, () => now);
      const retryAt = now + 10 * 60_000;
      ledger.confirm([{ key: "slow", outcome: "retrying", retryAtMs: retryAt }], now);
      expect(ledger.nextCheckAt()).toBe(retryAt + CONFIRM);
      await ledger.handOver(queue, origin, () => now + CONFIRM + 1);
      expect(sent).toHaveLength(1);
      expect(ledger.state("slow")?.state).toBe("handed");
    });
  });

  it("keeps rows pending when the queue refuses them, and sends them later", async () => {
    await withLedger("refused", async (ledger) => {
      const { queue, sent } = recordingQueue();
      const broken: Queue<DeliveryMessage> = {
        ...queue,
        sendBatch: () => Promise.reject(new Error("queue down")),
      };
      const now = Date.now();
      ledger.add(post("a"), now);
      ledger.add(post("b"), now);
      const report = await ledger.handOver(broken, origin, () => now);
      expect(report).toMatchObject({ handed: 0, queueError: "queue down" });
      expect(ledger.open()).toEqual({ pending: 2, handed: 0 });
      const later = ledger.nextCheckAt() ?? 0;
      expect(later).toBeGreaterThan(now);
      await ledger.handOver(queue, origin, () => later);
      expect(sent.map((m) => m.key).sort()).toEqual(["a", "b"]);
    });
  });

  it("runs local effects until they succeed, once each", async () => {
    await withLedger("local", async (ledger) => {
      const { queue } = recordingQueue();
      let now = Date.now();
      const runs: string[] = [];
      let fail = true;
      const runner = async (key: string, payload: Record<string, unknown>) => {
        runs.push(`${key}:${String(payload.name)}`);
        if (fail) throw new Error("coordinator busy");
      };
      expect(ledger.addLocal("ev1", { name: "foreman.sla.breach" }, now)).toBe(true);
      expect(ledger.addLocal("ev1", { name: "foreman.sla.breach" }, now)).toBe(false);
      const first = await ledger.handOver(queue, origin, () => now, runner);
      expect(first.ranLocal).toBe(0);
      expect(ledger.open()).toEqual({ pending: 1, handed: 0 });
      fail = false;
      now = ledger.nextCheckAt() ?? now;
      const second = await ledger.handOver(queue, origin, () => now, runner);
      expect(second.ranLocal).toBe(1);
      await ledger.handOver(queue, origin, () => now + CONFIRM * 10, runner);
      expect(runs).toEqual(["ev1:foreman.sla.breach", "ev1:foreman.sla.breach"]);
      expect(ledger.state("ev1")?.outcome).toBe("delivered");
    });
  });

  it("a dead delivery can be sent again (replay); a delivered one cannot", async () => {
    await withLedger("reopen", async (ledger) => {
      const now = Date.now();
      ledger.add(post("d"), now);
      ledger.add(post("ok"), now);
      ledger.confirm(
        [
          { key: "d", outcome: "dead", error: "HTTP 404" },
          { key: "ok", outcome: "delivered" },
        ],
        now,
      );
      expect(ledger.reopen(post("d"), now)).toBe(true);
      expect(ledger.state("d")?.state).toBe("handed");
      expect(ledger.reopen(post("ok"), now)).toBe(false);
    });
  });
});
