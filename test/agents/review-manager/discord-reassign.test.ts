import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { encodeAction } from "../../../src/chat/actions";
import { settings } from "../../../src/settings/stub";
import { chatContext, click, slack } from "../../commands/helpers";
import { CHANNEL, deliver, HOUR, MONDAY_9, prEvent, REPO, reviewManager, setupTenant } from "./support";

const DISCORD = {
  platform: "discord" as const,
  workspaceId: "1190000000000000001",
  channelId: "1190000000000000077",
};
const DINA = "1190000000000000042";

async function setup(tenant: string) {
  await setupTenant(
    tenant,
    [
      { id: "U0BOB", login: "bob" },
      { id: "U0LENA", login: "lena", lead: true, ooo: true },
    ],
    8,
  );
  const s = settings(env, tenant);
  expect(
    (
      await s.addMember(
        { user: { platform: "discord", id: DINA, name: "dina" }, github: "dina", tz: "UTC" },
        "test",
      )
    ).ok,
  ).toBe(true);
  expect((await s.link("github", REPO, DISCORD, "test")).ok).toBe(true);
  const h = await reviewManager(tenant);
  await deliver(h, prEvent("opened", { number: 1 }, h.clock.t));
  return h;
}
const discordText = (h: { sent: { platform: string; body: unknown }[] }) =>
  h.sent.filter((d) => d.platform === "discord").map((d) => JSON.stringify(d.body));

describe("a new reviewer only on Discord (no Slack DM)", () => {
  it("SLA handover pings dina in the Discord channel", async () => {
    const h = await setup("t-scratch-sla");
    h.clock.t = MONDAY_9 + 32 * HOUR;
    h.sent.length = 0;
    await runDurableObjectAlarm(h.stub);
    const texts = discordText(h);
    expect(texts.join()).toContain(`<@${DINA}>`);
  });

  it("Reassign button pings dina in the Discord channel", async () => {
    const h = await setup("t-scratch-btn");
    h.sent.length = 0;
    await click(
      encodeAction("review.reassign", `${REPO}#1`),
      chatContext("t-scratch-btn", { actor: slack("U0BOB", "bob"), channelId: CHANNEL.channelId }),
    );
    const texts = discordText(h);
    expect(texts.join()).toContain(`<@${DINA}>`);
  });
});
