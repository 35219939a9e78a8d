/**
 * Slow commands and clicks: the deferred response comes first (before the work finishes), then the
 * reply reaches the fake Discord API as an edit of @original through the outbound queue.
 */
import { waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { unmarked, userRef } from "../../../src/chat/markup";
import { type Reply, reply } from "../../../src/chat/reply";
import { runParsed } from "../../../src/commands/run";
import type { DeliveryMessage } from "../../../src/delivery/types";
import { recordingQueue, runQueue } from "../../delivery/support";
import { fakeApi } from "../../helpers/fake-api";
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

/** A gate the test opens after it has seen the HTTP response. */
function gate(): { wait: Promise<void>; open: () => void; opened: () => boolean } {
  let open = () => {};
  let done = false;
  const wait = new Promise<void>((resolve) => {
    open = () => {
      done = true;
      resolve();
    };
  });
  return { wait, open, opened: () => done };
}

const APP_ID = FIXTURES.commandHelp.application_id;
const WORKFLOW_CREATE = {
  name: "foreman",
  type: 1,
  options: [
    {
      name: "workflow",
      type: 2,
      options: [{ name: "create", type: 1, options: [{ name: "name", type: 3, value: "hotfix" }] }],
    },
  ],
};

describe("deferred answers", () => {
  it("a slow /foreman help: type 5 (ephemeral) first, then PATCH @original on the fake Discord API", async () => {
    const slow = gate();
    const order: string[] = [];
    const app = discordApp({
      budgetMs: 20,
      resolveTenant: async () => "t-discord-slow",
      runParsed: async (result, ctx) => {
        await slow.wait;
        order.push("work finished");
        return runParsed(result, ctx);
      },
    });
    const { queue, sent } = recordingQueue();
    const testEnv = discordEnv(keys, { OUTBOUND: queue });
    const { res, ctx } = await call(app, await signedRequest(keys, FIXTURES.commandHelp), testEnv);
    order.push("response");

    expect(await res.json()).toStrictEqual({ type: 5, data: { flags: 64 } });
    expect(slow.opened()).toBe(false);
    expect(sent).toHaveLength(0);

    slow.open();
    await waitOnExecutionContext(ctx);
    expect(order).toStrictEqual(["response", "work finished"]);
    expect(sent).toHaveLength(1);
    const [delivery] = sent as [DeliveryMessage];
    expect(delivery).toMatchObject({
      tenant: "t-discord-slow",
      platform: "discord",
      action: "webhooks.editOriginal",
      key: `discord:${FIXTURES.commandHelp.id}:original`,
      body: { application_id: APP_ID, token: FIXTURES.commandHelp.token },
    });
    expect(delivery.body).not.toHaveProperty("flags");

    // The queue consumer, with a bot token configured, sends it to the fake Discord API.
    const api = fakeApi("discord-deferral-help");
    const run = await runQueue(api.env(env), [{ body: delivery }]);
    expect(run.acked).toHaveLength(1);
    const requests = await api.requests();
    expect(requests).toHaveLength(1);
    const [patch] = requests;
    expect(patch?.method).toBe("PATCH");
    expect(patch?.path).toBe(
      `/discord/api/v10/webhooks/${APP_ID}/${FIXTURES.commandHelp.token}/messages/@original`,
    );
    expect(patch?.headers.authorization).toBeUndefined();
    const json = patch?.json as { embeds: { title?: string }[]; allowed_mentions: unknown; flags?: number };
    expect(json.embeds[0]?.title).toBe("Foreman commands");
    expect(json.allowed_mentions).toStrictEqual({ parse: [], users: [] });
    expect(json).not.toHaveProperty("application_id");
    expect(json).not.toHaveProperty("token");
  });

  it.each([
    {
      title: "announced command, private reply",
      interaction: variant(FIXTURES.commandHelp, { id: "1190000000000000301", data: WORKFLOW_CREATE }),
      answer: reply("Only admins can create workflows", { tone: "warning" }),
      deferred: {},
      note: "Foreman answered privately.",
      followupFlags: 64,
    },
    {
      title: "personal command, public reply",
      interaction: variant(FIXTURES.commandTeamAdd, { id: "1190000000000000304" }),
      answer: reply(`Added ${userRef("123456789012345678")} to the team`, { ephemeral: false }),
      deferred: { flags: 64 },
      note: "Foreman posted the answer in the channel.",
      followupFlags: undefined,
    },
  ])("$title: @original gets a note, the answer follows with its own visibility", async (c) => {
    const slow = gate();
    const app = discordApp({
      budgetMs: 10,
      resolveTenant: async () => "t-discord-visibility",
      runParsed: async () => {
        await slow.wait;
        return c.answer;
      },
    });
    const { queue, sent } = recordingQueue();
    const env2 = discordEnv(keys, { OUTBOUND: queue });
    const { res, ctx } = await call(app, await signedRequest(keys, c.interaction), env2);
    expect(await res.json()).toStrictEqual({ type: 5, data: c.deferred });
    slow.open();
    await waitOnExecutionContext(ctx);
    const id = c.interaction.id;
    expect(sent.map((d) => [d.action, d.key, d.body.content, d.body.flags])).toStrictEqual([
      ["webhooks.editOriginal", `discord:${id}:original`, c.note, undefined],
      ["webhooks.followup", `discord:${id}:followup`, unmarked(c.answer.text), c.followupFlags],
    ]);
  });

  it("a slow work that fails still edits @original, with the error", async () => {
    const slow = gate();
    const app = discordApp({
      budgetMs: 10,
      resolveTenant: async () => "t-discord-late-fail",
      runParsed: async () => {
        await slow.wait;
        throw new Error("late boom");
      },
    });
    const { queue, sent } = recordingQueue();
    const help = variant(FIXTURES.commandHelp, { id: "1190000000000000302" });
    const { res, ctx } = await call(
      app,
      await signedRequest(keys, help),
      discordEnv(keys, { OUTBOUND: queue }),
    );
    expect((await responseOf(res)).type).toBe(5);
    slow.open();
    await waitOnExecutionContext(ctx);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.body.content).toMatch(/Something went wrong/);
  });

  it("a slow button click: type 6 first, then the clicked message is edited", async () => {
    const slow = gate();
    let done: Reply | undefined;
    const app = discordApp({
      budgetMs: 10,
      resolveTenant: async () => "t-discord-slow-click",
      runAction: async (actionId) => {
        await slow.wait;
        done = reply(`Ran ${actionId}`, { ephemeral: false, replaceOriginal: true, tone: "success" });
        return done;
      },
    });
    const { queue, sent } = recordingQueue();
    const click = FIXTURES.componentButton;
    const { res, ctx } = await call(
      app,
      await signedRequest(keys, click),
      discordEnv(keys, { OUTBOUND: queue }),
    );
    expect(await res.json()).toStrictEqual({ type: 6 });
    expect(done).toBeUndefined();
    slow.open();
    await waitOnExecutionContext(ctx);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      action: "webhooks.editOriginal",
      key: `discord:${click.id}:original`,
      body: {
        application_id: click.application_id,
        token: click.token,
        content: "Ran fm1:agent.pause:agt\\_abc123",
      },
    });

    const api = fakeApi("discord-deferral-click");
    await runQueue(
      api.env(env),
      sent.map((body) => ({ body })),
    );
    const [patch] = await api.requests();
    expect(patch?.path).toBe(
      `/discord/api/v10/webhooks/${click.application_id}/${click.token}/messages/@original`,
    );
    expect(patch?.json).toMatchObject({ content: "Ran fm1:agent.pause:agt\\_abc123", components: [] });
  });

  it("a redelivered edit posts once (key from the interaction id)", async () => {
    const slow = gate();
    const app = discordApp({
      budgetMs: 10,
      resolveTenant: async () => "t-discord-once",
      runParsed: async () => {
        await slow.wait;
        return reply("Digest sent", { ephemeral: false });
      },
    });
    const { queue, sent } = recordingQueue();
    const cmd = variant(FIXTURES.commandTeamAdd, { id: "1190000000000000303" });
    const { ctx } = await call(app, await signedRequest(keys, cmd), discordEnv(keys, { OUTBOUND: queue }));
    slow.open();
    await waitOnExecutionContext(ctx);
    const api = fakeApi("discord-deferral-once");
    const [first] = sent;
    if (!first) throw new Error("nothing enqueued");
    await runQueue(api.env(env), [{ body: first }]);
    await runQueue(api.env(env), [{ body: { ...first, id: "dlv_redelivered000000000" } }]);
    expect(await api.requests()).toHaveLength(1);
  });
});
