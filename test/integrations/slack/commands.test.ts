import { describe, expect, it } from "vitest";
import { link, userRef } from "../../../src/chat/markup";
import { type Reply, reply } from "../../../src/chat/reply";
import type { CommandContext } from "../../../src/commands/context";
import type { ParseResult } from "../../../src/commands/types";
import { WORKING_TEXT } from "../../../src/integrations/slack/listeners/command";
import { fakeApi } from "../../helpers/fake-api";
import { commandBody, fixture, payloadBody, send, signedRequest, testEnv } from "./support";

/** A promise plus its resolver, to hold a handler until the test lets it go. */
function gate<T>(): { promise: Promise<T>; open: (value: T) => void } {
  let open: (value: T) => void = () => {};
  const promise = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

const slash = fixture("slashCommand");

describe("/foreman slash command", () => {
  it("a signed command without a text field reads as /foreman alone: the help", async () => {
    const { env } = testEnv("t-slack-no-text");
    const params = new URLSearchParams(commandBody(""));
    params.delete("text");
    const { response, settled } = await send(await signedRequest({ body: params.toString() }), env);
    await settled;
    expect(response.status).toBe(200);
    const body = (await response.json()) as { text: string };
    expect(body.text).not.toContain("went wrong");
    expect(body.text).toMatch(/command/i);
  });

  it("acks first and posts the slow reply through response_url afterwards", async () => {
    const { env, sent } = testEnv("t-slack-slow");
    const order: string[] = [];
    const started = gate<void>();
    const release = gate<Reply>();
    const seen: { result?: ParseResult; ctx?: CommandContext } = {};
    const runParsed = async (result: ParseResult, ctx: CommandContext) => {
      seen.result = result;
      seen.ctx = ctx;
      started.open();
      const value = await release.promise;
      order.push("work finished");
      return value;
    };
    const { response, settled } = await send(await signedRequest({ body: commandBody("team list") }), env, {
      deps: { runParsed, budgetMs: 20 },
    });
    order.push("response returned");
    await started.promise;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ response_type: "ephemeral", text: WORKING_TEXT });
    expect(sent).toEqual([]);

    release.open(reply("Team: nobody yet", { ephemeral: false, title: "Team" }));
    await settled;
    expect(order).toEqual(["response returned", "work finished"]);
    expect(seen.result).toEqual({ ok: true, command: { name: "team.list" } });
    expect(seen.ctx).toMatchObject({
      tenant: "t-slack-slow",
      actor: { platform: "slack", id: slash.user_id, name: slash.user_name },
      place: { platform: "slack", workspaceId: slash.team_id, channelId: slash.channel_id },
    });
    expect(await seen.ctx?.platformAdmin()).toBe(false);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      tenant: "t-slack-slow",
      platform: "slack",
      action: "response_url",
      key: `slack:command:${slash.team_id}:${slash.trigger_id}`,
      body: {
        url: slash.response_url,
        text: "Team: nobody yet",
        response_type: "in_channel",
        blocks: [
          { type: "header", text: { type: "plain_text", text: "Team" } },
          { type: "section", text: { type: "mrkdwn", text: "Team: nobody yet" } },
        ],
      },
    });
  });

  it("answers in the HTTP response when the work is done within the budget", async () => {
    const { env, sent } = testEnv("t-slack-fast");
    const runParsed = async () =>
      reply(`All **good** ${userRef("U123ABC")} & ${link("docs", "https://example.com/a?b=1")}`);
    const { response, settled } = await send(await signedRequest({ body: commandBody("status") }), env, {
      deps: { runParsed },
    });
    await settled;
    const body = (await response.json()) as { blocks: { text?: { text: string } }[] };
    expect(body.blocks[0]?.text?.text).toBe("All *good* <@U123ABC> &amp; <https://example.com/a?b=1|docs>");
    expect(sent).toEqual([]);
  });

  it("with a bot token, platformAdmin asks users.info once (cached) and nothing calls auth.test", async () => {
    const api = fakeApi("slack-admin");
    await api.script("/slack/api/users.info", [
      { body: { ok: true, user: { id: "U0ADMIN01", is_admin: false, is_owner: true } } },
    ]);
    const { env } = testEnv("t-slack-admin", { ...api.urls, SLACK_BOT_TOKEN: "xoxb-test-token" });
    const answers: boolean[] = [];
    const runParsed = async (_result: ParseResult, ctx: CommandContext) => {
      answers.push(await ctx.platformAdmin(), await ctx.platformAdmin());
      return reply("ok");
    };
    const body = commandBody("status", { user_id: "U0ADMIN01" });
    const { response, settled } = await send(await signedRequest({ body }), env, { deps: { runParsed } });
    await settled;
    expect(response.status).toBe(200);
    expect(answers).toEqual([true, true]);
    const calls = await api.requests("/slack/api/");
    expect(calls.map((c) => c.path)).toEqual(["/slack/api/users.info"]);
    expect(calls[0]?.headers.authorization).toBe("Bearer xoxb-test-token");
    expect(new URLSearchParams(calls[0]?.body ?? "").get("user")).toBe("U0ADMIN01");
  });

  it("answers a failing command with an error reply naming the correlation id", async () => {
    const { env } = testEnv("t-slack-fail");
    const runParsed = async (): Promise<Reply> => {
      throw new Error("boom");
    };
    const { response } = await send(await signedRequest({ body: commandBody("status") }), env, {
      deps: { runParsed },
      correlationId: "corr-123",
    });
    expect(response.status).toBe(200);
    expect(JSON.stringify(await response.json())).toContain("corr-123");
  });

  it("`team add` without arguments: demo mode queues views.open and says so", async () => {
    const { env, sent } = testEnv("t-slack-modal-demo");
    const { response, settled } = await send(await signedRequest({ body: commandBody("team add") }), env);
    await settled;
    expect(((await response.json()) as { text: string }).text).toMatch(/demo mode/);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      action: "views.open",
      body: { trigger_id: slash.trigger_id, view: { type: "modal", callback_id: "fm_team_add" } },
    });
  });

  it("`team add` without arguments: with a bot token views.open is called directly", async () => {
    const api = fakeApi("slack-modal-token");
    const { env, sent } = testEnv("t-slack-modal-token", {
      ...api.urls,
      SLACK_BOT_TOKEN: "xoxb-test-token",
    });
    const { response, settled } = await send(await signedRequest({ body: commandBody("team add") }), env);
    await settled;
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("");
    expect(sent).toEqual([]);
    const calls = await api.requests("/slack/api/");
    expect(calls.map((c) => c.path)).toEqual(["/slack/api/views.open"]);
    expect(calls[0]?.headers.authorization).toBe("Bearer xoxb-test-token");
    const form = new URLSearchParams(calls[0]?.body ?? "");
    expect(form.get("trigger_id")).toBe(slash.trigger_id);
    expect(JSON.parse(form.get("view") ?? "{}")).toMatchObject({ callback_id: "fm_team_add" });
  });

  it("the form's submission runs `team add` and answers through the command's response_url", async () => {
    const { env, sent } = testEnv("t-slack-modal-submit");
    let ran: ParseResult | undefined;
    const runParsed = async (result: ParseResult) => {
      ran = result;
      return reply(`Added ${userRef("U0NEWPERS")} (octocat)`, { tone: "success" });
    };
    const submission = fixture("viewSubmission");
    const { response, settled } = await send(await signedRequest({ body: payloadBody(submission) }), env, {
      deps: { runParsed },
    });
    await settled;
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("");
    expect(ran).toEqual({
      ok: true,
      command: {
        name: "team.add",
        user: { platform: "slack", id: "U0NEWPERS" },
        github: "octocat",
        tz: "Europe/Berlin",
        lead: true,
      },
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      action: "response_url",
      key: `slack:view:${submission.view.id}`,
      body: { url: slash.response_url, text: "Added <@U0NEWPERS> (octocat)" },
    });
  });

  it("an invalid submission keeps the form open with the error on the field", async () => {
    const { env, sent } = testEnv("t-slack-modal-invalid");
    const submission = fixture("viewSubmission");
    const github = submission.view.state.values.github.value;
    github.value = "not a login!";
    const { response } = await send(await signedRequest({ body: payloadBody(submission) }), env);
    const body = (await response.json()) as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe("errors");
    expect(Object.keys(body.errors)).toEqual(["github"]);
    expect(sent).toEqual([]);
  });
});
