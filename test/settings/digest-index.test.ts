/**
 * TenantSettings' row in the cron index survives a Directory that is down: the change is kept with
 * the schedule and reported by the alarm once the Directory answers (src/settings/digest-settings.ts).
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ChannelRef } from "../../src/chat/platform";
import type { TenantSettings } from "../../src/settings/tenant-settings";
import { directory } from "../../src/tenants/stub";
import { withDirectoryDown } from "../helpers/directory-down";
import { waitFor } from "../helpers/wait";

const CHANNEL: ChannelRef = { platform: "slack", workspaceId: "T0DIGIDX", channelId: "C0DIGIDX" };

describe("the digest index report", () => {
  it("a schedule set while the Directory is down is kept and reported by the alarm", async () => {
    const tenant = "t-digest-index-down";
    const stub = env.TENANT_SETTINGS.getByName(tenant);
    // One callback: the instance with the failing Directory is the one that takes the change.
    const during = await runInDurableObject(stub, (instance: TenantSettings) =>
      withDirectoryDown(instance, async () => {
        const set = await instance.setDigest(CHANNEL, { time: "09:00", tz: "UTC", days: ["mon"] }, "t");
        return { ok: set.ok, state: await instance.digestIndexState() };
      }),
    );
    expect(during.ok).toBe(true);
    expect(during.state).toMatchObject({ delivered: false, attempts: 1 });
    const owed = during.state?.value;
    expect(typeof owed).toBe("number");
    expect(await directory(env).cronEntries(tenant)).toEqual([]);

    // The Directory is back: the alarm (it may also have run by itself by now) reports what is owed.
    await runDurableObjectAlarm(stub);
    await waitFor(async () => {
      expect(await directory(env).cronEntries(tenant)).toEqual([
        expect.objectContaining({ kind: "digest", dueMs: owed, gen: during.state?.gen }),
      ]);
    });
    expect(await stub.digestIndexState()).toMatchObject({ value: owed, delivered: true, attempts: 0 });
  });
});
