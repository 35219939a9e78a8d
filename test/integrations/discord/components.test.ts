/** MESSAGE_COMPONENT interactions: button clicks update the clicked message, or answer the clicker. */
import { beforeAll, describe, expect, it } from "vitest";
import { reply } from "../../../src/chat/reply";
import type { CommandContext } from "../../../src/commands/context";
import { createApp } from "../../../src/http/app";
import {
  call,
  discordApp,
  discordEnv,
  FIXTURES,
  generateKeyPair,
  type KeyPair,
  responseOf,
  signedRequest,
  variant,
} from "./support";

let keys: KeyPair;
beforeAll(async () => {
  keys = await generateKeyPair();
});

describe("MESSAGE_COMPONENT", () => {
  it("a click runs the action and updates the clicked message in place (type 7)", async () => {
    const calls: { actionId: string; ctx: CommandContext }[] = [];
    const app = discordApp({
      resolveTenant: async () => "t-discord-click",
      runAction: async (actionId, ctx) => {
        calls.push({ actionId, ctx });
        return reply("Agent paused", {
          ephemeral: false,
          replaceOriginal: true,
          title: "Agent agt_abc123",
          tone: "success",
          sections: [{ text: "review-manager `agt_abc123` is **paused**" }],
          buttons: [{ action: "fm1:agent.resume:agt_abc123", label: "Resume", style: "primary" }],
        });
      },
    });
    const { res } = await call(app, await signedRequest(keys, FIXTURES.componentButton), discordEnv(keys));
    expect(await res.json()).toStrictEqual({
      type: 7,
      data: {
        embeds: [
          {
            title: "Agent agt\\_abc123",
            color: 0x57f287,
            description: "review-manager `agt_abc123` is **paused**",
          },
        ],
        components: [
          {
            type: 1,
            components: [{ type: 2, style: 1, label: "Resume", custom_id: "fm1:agent.resume:agt_abc123" }],
          },
        ],
        allowed_mentions: { parse: [], users: [] },
      },
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.actionId).toBe("fm1:agent.pause:agt_abc123");
    expect(calls[0]?.ctx).toMatchObject({
      tenant: "t-discord-click",
      actor: { platform: "discord", id: "987654321098765432" },
      place: { workspaceId: "1190000000000000001", channelId: "1190000000000000002" },
    });
    expect(await calls[0]?.ctx.platformAdmin()).toBe(true);
  });

  it("a reply just for the clicker (ephemeral, no replaceOriginal) is a new ephemeral message", async () => {
    const app = discordApp({
      resolveTenant: async () => "t-discord-click",
      runAction: async () => reply("Only admins can pause agents", { tone: "warning" }),
    });
    const click = variant(FIXTURES.componentButton, { id: "1190000000000000401" });
    const body = await responseOf((await call(app, await signedRequest(keys, click), discordEnv(keys))).res);
    expect(body).toStrictEqual({
      type: 4,
      data: {
        content: "Only admins can pause agents",
        embeds: [],
        components: [],
        flags: 64,
        allowed_mentions: { parse: [], users: [] },
      },
    });
  });

  it("a button that needs confirmation asks first, ephemerally, without running the action", async () => {
    let ran = false;
    const app = discordApp({
      runAction: async () => {
        ran = true;
        return reply("ran");
      },
    });
    const click = variant(FIXTURES.componentButton, {
      id: "1190000000000000402",
      data: { component_type: 2, custom_id: "?fm1:agent.terminate:agt_abc123" },
    });
    const body = await responseOf((await call(app, await signedRequest(keys, click), discordEnv(keys))).res);
    if (body.type !== 4) throw new Error("expected type 4");
    expect(ran).toBe(false);
    expect(body.data.flags).toBe(64);
    expect(body.data.content).toBe("Terminate: are you sure?");
    expect(body.data.components).toStrictEqual([
      {
        type: 1,
        components: [
          { type: 2, style: 4, label: "Confirm: Terminate", custom_id: "fm1:agent.terminate:agt_abc123" },
        ],
      },
    ]);
  });

  it("through the Worker's app: a stale button gets a private 'no longer valid' answer", async () => {
    const click = variant(FIXTURES.componentButton, {
      id: "1190000000000000403",
      data: { component_type: 2, custom_id: "old-format-button" },
    });
    const { res } = await call(createApp(), await signedRequest(keys, click), discordEnv(keys));
    const body = await responseOf(res);
    if (body.type !== 4) throw new Error(`expected type 4, got ${JSON.stringify(body)}`);
    expect(body.data).toMatchObject({ flags: 64, content: expect.stringMatching(/no longer valid/) });
  });
});
