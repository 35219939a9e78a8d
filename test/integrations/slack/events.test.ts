import { describe, expect, it } from "vitest";
import { reply } from "../../../src/chat/reply";
import type { CommandContext } from "../../../src/commands/context";
import type { ParseResult } from "../../../src/commands/types";
import { getDelivery, listOutbox } from "../../../src/delivery/api";
import { mentionText } from "../../../src/integrations/slack/listeners/events";
import { runQueue } from "../../delivery/support";
import { fixture, payloadBody, send, signedRequest, testEnv } from "./support";

describe("Events API", () => {
  it("a retried app_mention is answered 200 each time and posts once", async () => {
    const tenant = "t-slack-retry";
    const { env, sent } = testEnv(tenant);
    let runs = 0;
    const runParsed = async (result: ParseResult) => {
      runs++;
      expect(result).toEqual({ ok: true, command: { name: "help", topic: "team" } });
      return reply("Team help", { ephemeral: false });
    };
    const body = JSON.stringify(fixture("appMention"));
    const first = await send(await signedRequest({ body, json: true }), env, { deps: { runParsed } });
    expect(first.response.status).toBe(200);
    await first.settled;

    const retry = await send(
      await signedRequest({
        body,
        json: true,
        headers: { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" },
      }),
      env,
      { deps: { runParsed } },
    );
    expect(retry.response.status).toBe(200);
    await retry.settled;

    // Not yet sent when the retry came: both submit the same key, which the tenant's Outbox
    // records once, so it is queued once ...
    expect(sent).toHaveLength(1);
    expect(new Set(sent.map((m) => m.key))).toEqual(new Set(["slack:event:Ev0MENTION01"]));
    expect(sent[0]).toMatchObject({
      action: "chat.postMessage",
      body: { channel: "C123ABC456", thread_ts: "1515449522.000016", text: "Team help" },
    });
    expect(sent[0]?.body).not.toHaveProperty("response_type");

    // ... and the consumer posts it once (demo mode: one outbox entry).
    const run = await runQueue(
      env,
      sent.map((m) => ({ body: m })),
    );
    expect(run.acked).toHaveLength(1);
    const outbox = await listOutbox(env, tenant, { limit: 10 });
    expect(outbox).toHaveLength(1);
    expect(await getDelivery(env, tenant, "slack:event:Ev0MENTION01")).toMatchObject({ state: "local" });

    // A later retry of an event the ledger knows is not run again at all.
    const late = await send(
      await signedRequest({ body, json: true, headers: { "x-slack-retry-num": "2" } }),
      env,
      { deps: { runParsed } },
    );
    await late.settled;
    expect(late.response.status).toBe(200);
    expect(runs).toBe(2);
    expect(sent).toHaveLength(1);
  });

  it("app_home_opened publishes the Home tab with the user's settings", async () => {
    const { env, sent } = testEnv("t-slack-home");
    const { response, settled } = await send(
      await signedRequest({ body: JSON.stringify(fixture("appHomeOpened")), json: true }),
      env,
    );
    expect(response.status).toBe(200);
    await settled;
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      action: "views.publish",
      key: "slack:event:Ev0HOME0001",
      body: { user_id: "U061F7AUR", view: { type: "home" } },
    });
    const text = JSON.stringify(sent[0]?.body);
    expect(text).toContain("Your settings");
    expect(text).toContain("You are not on the team yet");
    expect(text).toContain("Links in this workspace");
    expect(text).toContain("Your review queue");
    expect(text).toContain("You are not on the team yet, so no review is matched to you.");
  });

  it("takes the command after the bot's mention", () => {
    expect(mentionText("<@U0BOT> team list", "U0BOT")).toBe("team list");
    expect(mentionText("hey <@U0BOT|foreman> status", "U0BOT")).toBe("status");
    expect(mentionText("<@U0OTHER> <@U0BOT> links", "U0BOT")).toBe("links");
    expect(mentionText("<@U0BOT>")).toBe("");
  });
});

describe("buttons", () => {
  it("acks at once and replaces the clicked message through response_url", async () => {
    const { env, sent } = testEnv("t-slack-button");
    const clicked: { id?: string; ctx?: CommandContext } = {};
    const runAction = async (id: string, ctx: CommandContext) => {
      clicked.id = id;
      clicked.ctx = ctx;
      return reply("Paused agt_abc123", { title: "Agent paused", tone: "success", replaceOriginal: true });
    };
    const payload = fixture("blockActions");
    const { response, settled } = await send(await signedRequest({ body: payloadBody(payload) }), env, {
      deps: { runAction },
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("");
    await settled;
    expect(clicked.id).toBe("fm1:agent.pause:agt_abc123");
    expect(clicked.ctx).toMatchObject({
      actor: { platform: "slack", id: "U0CA5AMY1", name: "amy" },
      place: { platform: "slack", workspaceId: "T0FMSLACK", channelId: "C0CA5GEN1" },
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      action: "response_url",
      key: `slack:action:T0FMSLACK:${payload.trigger_id}`,
      body: {
        url: payload.response_url,
        replace_original: true,
        text: "Paused agt_abc123",
        blocks: [
          { type: "header", text: { text: ":white_check_mark: Agent paused" } },
          { type: "section", text: { text: "Paused agt_abc123" } },
        ],
      },
    });
    expect(sent[0]?.body).not.toHaveProperty("response_type");
  });

  it("a refused or failed action answers privately and leaves the message alone (real runAction)", async () => {
    const { env, sent } = testEnv("t-slack-button-missing");
    const payload = fixture("blockActions");
    const { response, settled } = await send(await signedRequest({ body: payloadBody(payload) }), env);
    expect(response.status).toBe(200);
    await settled;
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      action: "response_url",
      body: { url: payload.response_url, replace_original: false, response_type: "ephemeral" },
    });
  });

  it("ignores buttons that are not Foreman's", async () => {
    const { env, sent } = testEnv("t-slack-button-other");
    const payload = fixture("blockActions");
    const [first] = payload.actions;
    if (first) first.action_id = "someone-else";
    const { response, settled } = await send(await signedRequest({ body: payloadBody(payload) }), env);
    await settled;
    expect(response.status).toBe(200);
    expect(sent).toEqual([]);
  });
});
