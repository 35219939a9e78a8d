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

describe("a new reviewer only on Discord", () => {
  it("SLA handover: the channel names dina, who is told by Discord DM when her day starts", async () => {
    const h = await setup("t-scratch-sla");
    h.clock.t = MONDAY_9 + 32 * HOUR; // Tuesday 17:00: her working day is over
    h.sent.length = 0;
    await runDurableObjectAlarm(h.stub);
    const channel = h.sent.filter((d) => d.platform === "discord" && d.action !== "users.dm");
    expect(channel.map((d) => JSON.stringify(d.body)).join()).toContain("to **dina**");
    expect(channel.map((d) => JSON.stringify(d.body)).join()).not.toContain(`<@${DINA}>`);
    expect(h.sent.filter((d) => d.action === "users.dm")).toEqual([]);

    h.clock.t = MONDAY_9 + 48 * HOUR; // Wednesday 09:00
    h.sent.length = 0;
    await runDurableObjectAlarm(h.optimizer);
    const dm = h.sent.filter((d) => d.action === "users.dm");
    expect(dm).toHaveLength(1);
    expect(dm[0]?.body.recipient_id).toBe(DINA);
    expect(JSON.stringify(dm[0]?.body)).toContain("taking over from");
  });

  it("Reassign button in her working hours: dina gets a Discord DM at once", async () => {
    const h = await setup("t-scratch-btn");
    h.sent.length = 0;
    await click(
      encodeAction("review.reassign", `${REPO}#1`),
      chatContext("t-scratch-btn", { actor: slack("U0BOB", "bob"), channelId: CHANNEL.channelId }),
    );
    const dm = h.sent.filter((d) => d.action === "users.dm");
    expect(dm.map((d) => d.body.recipient_id)).toEqual([DINA]);
    expect(discordText(h).join()).toContain("to **dina**");
  });
});
