/** `/foreman link ops` makes a channel the tenant's ops channel; alerts go there before OPS_CHANNEL. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runAlertChecks } from "../../src/alerts/alerts";
import { unmarked } from "../../src/chat/markup";
import type { Env } from "../../src/env";
import { metrics } from "../../src/observability/stub";
import { settings } from "../../src/settings/stub";
import { directory } from "../../src/tenants/stub";
import { chatContext, run, shown } from "../commands/helpers";
import { recordingQueue } from "../delivery/support";

/** Files share the Directory (isolate: false): check every tenant, not one rotation slice. */
const EVERY_TENANT = Number.MAX_SAFE_INTEGER;

describe("link ops", () => {
  it("sets, moves and clears the ops channel", async () => {
    const tenant = "ops-link";
    const ops = chatContext(tenant, { channelId: "C0OPS" });
    const linked = await run("link ops", ops);
    expect(linked).toMatchObject({
      text: "Alerts go to this channel now.",
      ephemeral: false,
      tone: "success",
    });
    expect(unmarked((await run("link ops", ops)).text)).toBe("This channel already is the ops channel.");
    expect(await settings(env, tenant).opsChannel()).toEqual({
      platform: "slack",
      workspaceId: "T0FOREMAN",
      channelId: "C0OPS",
    });

    const moved = await run("link ops", chatContext(tenant, { channelId: "C0ONCALL" }));
    expect(shown(moved)).toContain("Moved from <#C0OPS>.");
    const wrong = await run("unlink ops", ops);
    expect(unmarked(wrong.text)).toBe("This channel is not the ops channel.");
    expect(shown(wrong)).toContain("Alerts go to <#C0ONCALL>.");

    const cleared = await run("unlink ops", chatContext(tenant, { channelId: "C0ONCALL" }));
    expect(unmarked(cleared.text)).toBe("Alerts no longer go to this channel.");
    expect(await settings(env, tenant).opsChannel()).toBeNull();
  });

  it("alerts go to the linked channel, ahead of OPS_CHANNEL", async () => {
    const tenant = "ops-routed";
    await directory(env).ensureTenant(tenant);
    await run("link ops", chatContext(tenant, { channelId: "C0LINKED" }));
    const { queue, sent } = recordingQueue();
    const testEnv: Env = { ...env, OUTBOUND: queue, OPS_CHANNEL: "slack:C0CONFIG" };
    const now = Date.now();
    await metrics(env, tenant).record([{ kind: "delivery", at: now, platform: "github", outcome: "dead" }]);
    await runAlertChecks(testEnv, now, EVERY_TENANT);
    const mine = sent.filter((d) => d.tenant === tenant);
    expect(mine.map((d) => [d.key, d.body.channel])).toEqual([
      [`alert:${tenant}:dead_letters:1`, "C0LINKED"],
    ]);
  });
});
