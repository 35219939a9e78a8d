import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getDelivery, listDeadLetters } from "../../src/delivery/api";
import { fakeApi, TEST_TOKENS } from "../helpers/fake-api";
import { delivery, runQueue } from "./support";

describe("platform failures", () => {
  it("Slack ok:false ratelimited retries (Retry-After); other errors are permanent", async () => {
    const slack = (tenant: string) =>
      delivery({
        tenant,
        platform: "slack",
        action: "chat.update",
        body: { channel: "C", ts: "1", text: "x" },
      });
    const api = fakeApi("slack-okfalse");
    await api.script("/slack/api/chat.update", [
      { status: 200, headers: { "retry-after": "30" }, body: { ok: false, error: "ratelimited" } },
      { status: 200, body: { ok: false, error: "channel_not_found" } },
    ]);
    const testEnv = api.env(env);
    const limited = await runQueue(testEnv, [{ body: slack("t-slack-okfalse"), id: "a" }]);
    expect(limited.retried.get("a")).toBe(30);
    const notFound = await runQueue(testEnv, [{ body: slack("t-slack-okfalse"), id: "b" }]);
    expect(notFound.acked).toEqual(["b"]);
    const letters = await listDeadLetters(testEnv, "t-slack-okfalse", { limit: 5 });
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({
      reason: "permanent",
      lastStatus: 200,
      lastError: "slack error: channel_not_found",
    });
  });

  it("Discord 429: body retry_after (float seconds) is rounded up", async () => {
    const api = fakeApi("discord-429");
    await api.script("/discord/api/v10/channels/1/messages", [
      {
        status: 429,
        headers: { "retry-after": "2" },
        body: { message: "rate limited", retry_after: 2.25, global: false },
      },
    ]);
    const msg = delivery({
      tenant: "t-discord-429",
      platform: "discord",
      action: "channels.messages.create",
      body: { channel_id: "1", content: "x" },
    });
    const run = await runQueue(api.env(env), [{ body: msg, id: "m" }]);
    expect(run.retried.get("m")).toBe(3);
  });

  it("GitHub primary rate limit waits until x-ratelimit-reset", async () => {
    const api = fakeApi("github-reset");
    const reset = Math.floor(Date.now() / 1000) + 120;
    await api.script("/github/", [
      {
        status: 403,
        headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) },
        body: { message: "API rate limit exceeded" },
      },
    ]);
    const msg = delivery({
      tenant: "t-github-reset",
      platform: "github",
      action: "issues.addLabels",
      body: { owner: "o", repo: "r", issue_number: 3, labels: ["ready"] },
    });
    const sentFrom = Date.now();
    const run = await runQueue(api.env(env), [{ body: msg, id: "m" }]);
    const sentUntil = Date.now();
    // The seconds from the consumer's clock to the reset, however long the run took.
    const delay = run.retried.get("m") ?? 0;
    expect(delay).toBeGreaterThanOrEqual(Math.ceil(reset - sentUntil / 1000));
    expect(delay).toBeLessThanOrEqual(Math.ceil(reset - sentFrom / 1000));
    expect(delay).toBeLessThanOrEqual(120);
  });

  it("rate-limit delays are capped at 12 hours", async () => {
    const api = fakeApi("cap-12h");
    await api.script("/slack/api/chat.postMessage", [{ status: 429, headers: { "retry-after": "999999" } }]);
    const msg = delivery({
      tenant: "t-cap",
      platform: "slack",
      action: "chat.postMessage",
      body: { channel: "C" },
    });
    const run = await runQueue(api.env(env), [{ body: msg, id: "m" }]);
    expect(run.retried.get("m")).toBe(43_200);
  });

  it("Linear RATELIMITED is retried; other GraphQL errors are permanent", async () => {
    const api = fakeApi("linear-errors");
    await api.script("/linear/graphql", [
      {
        status: 400,
        body: { errors: [{ message: "Rate limit exceeded", extensions: { code: "RATELIMITED" } }] },
      },
      {
        status: 200,
        body: { errors: [{ message: "Entity not found", extensions: { code: "INVALID_INPUT" } }] },
      },
    ]);
    const testEnv = api.env(env);
    const linear = () =>
      delivery({
        tenant: "t-linear-errors",
        platform: "linear",
        action: "commentCreate",
        body: { input: { issueId: "x", body: "hi" } },
      });
    const limited = await runQueue(testEnv, [{ body: linear(), id: "a" }]);
    expect(limited.retried.has("a")).toBe(true);
    const invalid = await runQueue(testEnv, [{ body: linear(), id: "b" }]);
    expect(invalid.acked).toEqual(["b"]);
    const letters = await listDeadLetters(testEnv, "t-linear-errors", { limit: 5 });
    expect(letters[0]?.lastError).toBe("linear: INVALID_INPUT: Entity not found");
  });

  it("an unknown action, a missing path parameter and a foreign response URL are permanent", async () => {
    const api = fakeApi("permanent-misc");
    const tenant = "t-permanent-misc";
    const testEnv = api.env(env);
    const unknown = delivery({
      tenant,
      platform: "github",
      action: "repos.delete",
      body: { owner: "o", repo: "r" },
    });
    const missing = delivery({
      tenant,
      platform: "discord",
      action: "channels.messages.create",
      body: { content: "x" },
    });
    const foreign = delivery({
      tenant,
      platform: "slack",
      action: "response_url",
      body: { url: "https://evil.example.com/hooks", text: "x" },
    });
    const run = await runQueue(testEnv, [{ body: unknown }, { body: missing }, { body: foreign }]);
    expect(run.acked).toHaveLength(3);
    expect(await api.requests()).toEqual([]);
    const errors = (await listDeadLetters(testEnv, tenant, { limit: 10 })).map((d) => d.lastError).sort();
    expect(errors).toEqual([
      'discord channels.messages.create: missing path parameter "channel_id" in body',
      "response_url: host not allowed",
      'unknown GitHub action "repos.delete"',
    ]);
  });

  it("never shows credentials in dead-letter listings, errors or attempt history", async () => {
    const api = fakeApi("no-secrets");
    const tenant = "t-no-secrets";
    await api.script("/discord/api/v10/webhooks/", [{ destroy: true }]);
    const msg = delivery({
      tenant,
      platform: "discord",
      action: "webhooks.followup",
      body: { application_id: "app", token: "interaction-token-xyz", content: "x" },
    });
    await runQueue(api.env(env), [{ body: msg, id: "m", attempts: 6 }]);
    const letters = await listDeadLetters(api.env(env), tenant, { limit: 5 });
    expect(letters).toHaveLength(1);
    const stored = JSON.stringify(letters);
    expect(stored).not.toContain("interaction-token-xyz");
    expect(stored).not.toContain(TEST_TOKENS.DISCORD_BOT_TOKEN);
    expect(letters[0]?.lastError).toContain("network error");
    const record = await getDelivery(api.env(env), tenant, msg.key);
    expect(record?.history).toHaveLength(1);
    expect(JSON.stringify(record)).not.toContain("interaction-token-xyz");
  });
});
