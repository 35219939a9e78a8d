import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { listOutbox } from "../../src/delivery/api";
import type { DeliveryMessage } from "../../src/delivery/types";
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

async function runCron(testEnv: Env, iso: string): Promise<void> {
  const controller = createScheduledController({ scheduledTime: Date.parse(iso), cron: CRON });
  const ctx = createExecutionContext();
  await worker.scheduled(controller, testEnv, ctx);
  await waitOnExecutionContext(ctx);
}

/**
 * The digest slots posted for `tenant`. A cron run covers every tenant of the Directory, and files
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
    const set = await s.setDigest(
      CHANNEL,
      { time: "09:00", tz: "Europe/Berlin", days: ["mon", "tue", "wed", "thu", "fri"] },
      "test",
    );
    expect(set.ok).toBe(true);

    const { queue, sent } = recordingQueue();
    const testEnv: Env = { ...env, OUTBOUND: queue, DEMO_MODE: "true", SLACK_BOT_TOKEN: "" };

    // Tuesday 2026-11-24, 07:55Z = 08:55 Berlin: before the slot.
    await runCron(testEnv, "2026-11-24T07:55:00Z");
    expect(slotKeys(sent, tenant)).toEqual([]);

    // 08:02Z = 09:02 Berlin: the 09:00 slot is due.
    const slotMs = Date.parse("2026-11-24T08:00:00Z");
    await runCron(testEnv, "2026-11-24T08:02:00Z");
    expect(slotKeys(sent, tenant)).toEqual([`digest:slot:slack:${CHANNEL.channelId}:${slotMs}`]);
    expect((await s.digestSlots()).map((d) => d.lastPostedSlotMs)).toEqual([slotMs]);

    // The next run posts nothing more.
    await runCron(testEnv, "2026-11-24T08:07:00Z");
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
