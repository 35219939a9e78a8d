import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { DeliveryMessage } from "../../src/delivery/types";
import { fakeApi, TEST_TOKENS } from "../helpers/fake-api";
import { delivery, runQueue } from "./support";

/** Runs one delivery once; returns what the consumer did and what the fake saw. */
async function sendOnce(namespace: string, msg: DeliveryMessage, attempts = 1) {
  const api = fakeApi(namespace);
  const testEnv = api.env(env);
  const run = await runQueue(testEnv, [{ body: msg, id: "m", attempts }]);
  return {
    api,
    testEnv,
    acked: run.acked.includes("m"),
    delay: run.retried.has("m") ? (run.retried.get("m") ?? null) : undefined,
    requests: await api.requests(),
  };
}

describe("request shape per platform", () => {
  it("Slack chat.postMessage: POST {base}/chat.postMessage, Bearer token, JSON body", async () => {
    const msg = delivery({
      tenant: "t-shape-slack",
      platform: "slack",
      action: "chat.postMessage",
      body: { channel: "C123", text: "Review requested", blocks: [{ type: "divider" }] },
    });
    const { acked, requests } = await sendOnce("shape-slack", msg);
    expect(acked).toBe(true);
    expect(requests).toHaveLength(1);
    const [req] = requests;
    expect(req?.method).toBe("POST");
    expect(req?.path).toBe("/slack/api/chat.postMessage");
    expect(req?.headers.authorization).toBe(`Bearer ${TEST_TOKENS.SLACK_BOT_TOKEN}`);
    expect(req?.headers["content-type"]).toContain("application/json");
    expect(req?.json).toEqual(msg.body);
  });

  it("Discord channels.messages.create / edit: path from body, `Bot` token", async () => {
    const create = delivery({
      tenant: "t-shape-discord",
      platform: "discord",
      action: "channels.messages.create",
      body: { channel_id: "987", content: "hello", flags: 0 },
    });
    const edit = delivery({
      tenant: "t-shape-discord",
      platform: "discord",
      action: "channels.messages.edit",
      body: { channel_id: "987", message_id: "555", content: "edited" },
    });
    const api = fakeApi("shape-discord");
    const run = await runQueue(api.env(env), [{ body: create }, { body: edit }]);
    expect(run.acked).toHaveLength(2);
    const requests = await api.requests();
    const byPath = Object.fromEntries(requests.map((r) => [`${r.method} ${r.path}`, r]));
    const post = byPath["POST /discord/api/v10/channels/987/messages"];
    expect(post?.headers.authorization).toBe(`Bot ${TEST_TOKENS.DISCORD_BOT_TOKEN}`);
    expect(post?.json).toEqual({ content: "hello", flags: 0 });
    expect(byPath["PATCH /discord/api/v10/channels/987/messages/555"]?.json).toEqual({ content: "edited" });
  });

  it("Discord interaction webhooks carry no bot token", async () => {
    const followup = delivery({
      tenant: "t-shape-webhook",
      platform: "discord",
      action: "webhooks.editOriginal",
      body: { application_id: "app1", token: "itoken", content: "done" },
    });
    const { acked, requests } = await sendOnce("shape-webhook", followup);
    expect(acked).toBe(true);
    expect(requests[0]).toMatchObject({
      method: "PATCH",
      path: "/discord/api/v10/webhooks/app1/itoken/messages/@original",
      json: { content: "done" },
    });
    expect(requests[0]?.headers.authorization).toBeUndefined();
  });

  it("GitHub pulls.requestReviewers: REST path, Bearer, Accept, API version, User-Agent", async () => {
    const msg = delivery({
      tenant: "t-shape-github",
      platform: "github",
      action: "pulls.requestReviewers",
      body: { owner: "acme", repo: "web", pull_number: 42, reviewers: ["octocat"] },
    });
    const { acked, requests } = await sendOnce("shape-github", msg);
    expect(acked).toBe(true);
    const [req] = requests;
    expect(req?.method).toBe("POST");
    expect(req?.path).toBe("/github/repos/acme/web/pulls/42/requested_reviewers");
    expect(req?.headers).toMatchObject({
      authorization: `Bearer ${TEST_TOKENS.GITHUB_TOKEN}`,
      accept: "application/vnd.github+json",
      "x-github-api-version": "2022-11-28",
    });
    expect(req?.headers["user-agent"]).toBeTruthy();
    expect(req?.json).toEqual({ reviewers: ["octocat"] });
  });

  it("Linear issueUpdate: GraphQL mutation with the body as variables, raw API key", async () => {
    const msg = delivery({
      tenant: "t-shape-linear",
      platform: "linear",
      action: "issueUpdate",
      body: { id: "ISS-1", input: { stateId: "done" } },
    });
    const { acked, requests } = await sendOnce("shape-linear", msg);
    expect(acked).toBe(true);
    const [req] = requests;
    expect(req?.method).toBe("POST");
    expect(req?.path).toBe("/linear/graphql");
    expect(req?.headers.authorization).toBe(TEST_TOKENS.LINEAR_API_KEY);
    expect(req?.json).toMatchObject({
      query: expect.stringContaining("issueUpdate(id: $id, input: $input)"),
      variables: { id: "ISS-1", input: { stateId: "done" } },
    });
  });

  it("Slack response_url: posts to an allowed response URL without the bot token", async () => {
    const api = fakeApi("shape-response-url");
    const msg = delivery({
      tenant: "t-shape-response-url",
      platform: "slack",
      action: "response_url",
      body: { url: api.responseUrl("commands/T1/2/abc"), text: "Done", replace_original: true },
    });
    const { acked, requests } = await sendOnce("shape-response-url", msg);
    expect(acked).toBe(true);
    expect(requests[0]).toMatchObject({
      method: "POST",
      path: "/slack/hooks/commands/T1/2/abc",
      json: { text: "Done", replace_original: true },
    });
    expect(requests[0]?.headers.authorization).toBeUndefined();
  });
});
