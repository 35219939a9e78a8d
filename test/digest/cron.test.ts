import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ChannelRef } from "../../src/chat/platform";
import { listOutbox } from "../../src/delivery/api";
import type { DeliveryMessage } from "../../src/delivery/types";
import { runDueDigests } from "../../src/digest/cron";
import { nextFireAt } from "../../src/domain/digest-schedule";
import { WEEKDAYS } from "../../src/domain/time";
import type { Env } from "../../src/env";
import worker from "../../src/index";
import { settings } from "../../src/settings/stub";
import { directory } from "../../src/tenants/stub";
import {
  CHANNEL,
  deliver,
  only,
  prEvent,
  reviewManager,
  setupTenant,
} from "../agents/review-manager/support";
import { recordingQueue, runQueue } from "../delivery/support";

const CRON = "*/5 * * * *";
const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const DAILY = [...WEEKDAYS];

async function runCron(testEnv: Env, atMs: number): Promise<void> {
  const controller = createScheduledController({ scheduledTime: atMs, cron: CRON });
  const ctx = createExecutionContext();
  await worker.scheduled(controller, testEnv, ctx);
  await waitOnExecutionContext(ctx);
}

/** "HH:MM" (UTC) of the minute `ms` falls in. */
const utcTime = (ms: number) => new Date(ms).toISOString().slice(11, 16);
/** Start of the minute after `ms`. */
const nextMinute = (ms: number) => Math.floor(ms / MIN) * MIN + MIN;

/** The tenant's due time in the cron index (undefined: no row; null: nothing due). */
async function indexedDigest(tenant: string): Promise<number | null | undefined> {
  const entries = await directory(env).cronEntries(tenant);
  return entries.find((e) => e.kind === "digest")?.dueMs;
}

/**
 * The digest slots posted for `tenant`. A cron run covers every tenant the index has due, and files
 * share it (isolate: false): other files' tenants may have digests due at the same minute.
 */
const slotKeys = (sent: DeliveryMessage[], tenant: string) =>
  sent.filter((d) => d.tenant === tenant && d.key.startsWith("digest:slot:")).map((d) => d.key);

describe("scheduled digests (Cron Trigger)", () => {
  it("posts a channel's digest once per slot, and nothing before it", async () => {
    const tenant = "t-digest-cron";
    await setupTenant(tenant, undefined, 8);
    await directory(env).ensureTenant(tenant);
    const h = await reviewManager(tenant);
    await deliver(h, prEvent("opened", { number: 1, title: "Add the widget cache" }, h.clock.t));
    const s = settings(env, tenant);
    // A daily slot a few minutes ahead of the real clock (the index is kept on it).
    const slotMs = nextMinute(Date.now()) + 10 * MIN;
    const set = await s.setDigest(CHANNEL, { time: utcTime(slotMs), tz: "UTC", days: DAILY }, "test");
    expect(set.ok).toBe(true);
    expect(await indexedDigest(tenant)).toBe(slotMs);

    const { queue, sent } = recordingQueue();
    const testEnv: Env = { ...env, OUTBOUND: queue, DEMO_MODE: "true", SLACK_BOT_TOKEN: "" };

    // Before the slot: nothing.
    await runCron(testEnv, slotMs - 5 * MIN);
    expect(slotKeys(sent, tenant)).toEqual([]);

    // Two minutes past it: the slot is due and posted.
    await runCron(testEnv, slotMs + 2 * MIN);
    expect(slotKeys(sent, tenant)).toEqual([`digest:slot:slack:${CHANNEL.channelId}:${slotMs}`]);
    expect((await s.digestSlots()).map((d) => d.lastPostedSlotMs)).toEqual([slotMs]);
    // The posted slot moved the tenant's next fire to tomorrow's slot.
    expect(await indexedDigest(tenant)).toBe(slotMs + DAY);

    // The next run posts nothing more.
    await runCron(testEnv, slotMs + 7 * MIN);
    expect(slotKeys(sent, tenant)).toHaveLength(1);

    await runQueue(
      testEnv,
      sent.filter((d) => d.tenant === tenant).map((body) => ({ body })),
    );
    const posted = only(await listOutbox(testEnv, tenant, { limit: 10 }));
    expect(posted).toMatchObject({ platform: "slack", action: "chat.postMessage" });
    expect(posted.body.channel).toBe(CHANNEL.channelId);
    const body = JSON.stringify(posted.body);
    expect(body).toContain("acme/widgets#1");
    expect(body).toContain("Add the widget cache");
  });
});

describe("the cron index of next digest fires", () => {
  const channel = (id: string): ChannelRef => ({
    platform: "slack",
    workspaceId: "T0CRONIDX",
    channelId: id,
  });

  it("follows schedule changes: the earliest channel's next slot, nothing once all are off", async () => {
    const tenant = "t-digest-index-changes";
    const s = settings(env, tenant);
    expect(await indexedDigest(tenant)).toBeUndefined();
    const now = Date.now();
    const late = nextMinute(now) + 3 * 60 * MIN;
    const soon = nextMinute(now) + 30 * MIN;

    expect(
      (await s.setDigest(channel("CLATE"), { time: utcTime(late), tz: "UTC", days: DAILY }, "t")).ok,
    ).toBe(true);
    expect(await indexedDigest(tenant)).toBe(late);
    expect(
      (await s.setDigest(channel("CSOON"), { time: utcTime(soon), tz: "UTC", days: DAILY }, "t")).ok,
    ).toBe(true);
    expect(await indexedDigest(tenant)).toBe(soon);

    // Moving a schedule moves its fire; clearing one leaves the other's.
    const later = late + 60 * MIN;
    await s.setDigest(channel("CLATE"), { time: utcTime(later), tz: "UTC", days: DAILY }, "t");
    expect(await indexedDigest(tenant)).toBe(soon);
    expect((await s.clearDigest(channel("CSOON"))).ok).toBe(true);
    expect(await indexedDigest(tenant)).toBe(later);
    expect((await s.clearDigest(channel("CLATE"))).ok).toBe(true);
    expect(await indexedDigest(tenant)).toBeNull();
    expect(await s.digestIndexState()).toMatchObject({ value: null, delivered: true });

    // What the index says is what the domain's schedule functions say.
    await s.setDigest(channel("CMON"), { time: "09:00", tz: "Europe/Berlin", days: ["mon"] }, "t");
    const [state] = await s.digestSlots();
    if (!state) throw new Error("no schedule stored");
    const expected = nextFireAt(state.schedule, null, Date.now());
    expect(await indexedDigest(tenant)).toBe(expected);
  });

  it("of 50 tenants with schedules, a run calls only the 3 that are due", async () => {
    const now = Date.now();
    const passed = utcTime(now - 10 * MIN); // today's slot 10 minutes ago: due (inside the catch-up hour)
    const ahead = utcTime(now + 3 * 60 * MIN); // three hours ahead: not due
    const tenants = Array.from({ length: 50 }, (_, i) => `t-digest-fanout-${String(i).padStart(2, "0")}`);
    const due = new Set(tenants.filter((_, i) => i === 4 || i === 17 || i === 42));
    await Promise.all(
      tenants.map(async (tenant) => {
        const time = due.has(tenant) ? passed : ahead;
        const set = await settings(env, tenant).setDigest(
          channel("CFAN"),
          { time, tz: "UTC", days: DAILY },
          "t",
        );
        expect(set.ok).toBe(true);
      }),
    );
    // The index has all 50: three due by now, 47 later.
    const fires = await Promise.all(tenants.map(indexedDigest));
    expect(fires.filter((f) => typeof f === "number" && f <= now)).toHaveLength(3);
    expect(fires.filter((f) => typeof f === "number" && f > now)).toHaveLength(47);

    // Every TenantSettings object the run reaches is noted.
    const called = new Set<string>();
    const observed: Env = {
      ...env,
      TENANT_SETTINGS: {
        getByName: (name: string) => {
          called.add(name);
          return env.TENANT_SETTINGS.getByName(name);
        },
      } as unknown as Env["TENANT_SETTINGS"],
    };
    const result = await runDueDigests(observed, now);
    const mine = [...called].filter((t) => t.startsWith("t-digest-fanout-"));
    expect(new Set(mine)).toEqual(due);
    expect(result.tenants).toBeGreaterThanOrEqual(3);

    // Each due tenant handled its slot (nothing linked: skipped, recorded) and now fires tomorrow.
    for (const tenant of due) {
      const fire = await indexedDigest(tenant);
      expect(fire).toBeGreaterThan(now);
      expect(fire).toBeLessThanOrEqual(now + DAY);
    }
  });

  it("a run with nothing due calls no tenant", async () => {
    const tenant = "t-digest-nothing-due";
    const now = Date.now();
    await settings(env, tenant).setDigest(
      channel("CNONE"),
      { time: utcTime(now + 2 * 60 * MIN), tz: "UTC", days: DAILY },
      "t",
    );
    const called: string[] = [];
    const observed: Env = {
      ...env,
      TENANT_SETTINGS: {
        getByName: (name: string) => {
          called.push(name);
          return env.TENANT_SETTINGS.getByName(name);
        },
      } as unknown as Env["TENANT_SETTINGS"],
    };
    await runDueDigests(observed, now);
    expect(called).not.toContain(tenant);
  });
});
