/** Client-level checks with an injected fetch (no network). */
import { describe, expect, it } from "vitest";
import { backoffSeconds } from "../../src/delivery/policy";
import { createDiscordClient } from "../../src/integrations/discord/client";
import { createGitHubClient } from "../../src/integrations/github/client";
import { createSlackClient, isAllowedResponseUrl } from "../../src/integrations/slack/client";
import type { FetchFn } from "../../src/platform/http-client";

function answering(response: () => Response): {
  fetch: FetchFn;
  calls: Array<{ url: string; init?: RequestInit }>;
} {
  const calls: Array<{ url: string; init?: RequestInit }> = [];
  return {
    calls,
    fetch: async (url, init) => {
      calls.push({ url, init });
      return response();
    },
  };
}

describe("platform clients", () => {
  it("use the default base URLs when none is configured", async () => {
    const { fetch, calls } = answering(() => Response.json({ ok: true, data: {} }));
    await createSlackClient({ token: "t", fetch }).send("chat.postMessage", {});
    await createDiscordClient({ token: "t", fetch }).send("channels.messages.create", { channel_id: "1" });
    await createGitHubClient({ auth: "t", fetch }).send("issues.createComment", {
      owner: "o",
      repo: "r",
      issue_number: 1,
    });
    expect(calls.map((c) => c.url)).toEqual([
      "https://slack.com/api/chat.postMessage",
      "https://discord.com/api/v10/channels/1/messages",
      "https://api.github.com/repos/o/r/issues/1/comments",
    ]);
    // Linear goes through @linear/sdk, which calls the global fetch: test/integrations/linear/client.test.ts.
  });

  it("turn network errors into retries and scrub tokens from the error text", async () => {
    const fetch: FetchFn = async (url) => {
      throw new Error(`connect failed for ${url} with Bot bot-secret`);
    };
    const result = await createDiscordClient({ token: "bot-secret", fetch }).send("webhooks.followup", {
      application_id: "app",
      token: "interaction-secret",
      content: "x",
    });
    expect(result.kind).toBe("retry");
    if (result.kind !== "retry") return;
    expect(result.error).not.toContain("bot-secret");
    expect(result.error).not.toContain("interaction-secret");
    expect(result.error).toContain("[redacted]");
  });

  it("Slack: transient ok:false codes retry, a 200 without `ok` is permanent", async () => {
    const transient = answering(() => Response.json({ ok: false, error: "internal_error" }));
    expect(
      (await createSlackClient({ token: "t", fetch: transient.fetch }).send("chat.postMessage", {})).kind,
    ).toBe("retry");
    const odd = answering(() => new Response("<html>", { status: 200 }));
    expect(
      (await createSlackClient({ token: "t", fetch: odd.fetch }).send("chat.postMessage", {})).kind,
    ).toBe("permanent");
  });

  it("GitHub: secondary rate limit (403 + Retry-After) retries; a plain 403 is permanent", async () => {
    const secondary = answering(
      () =>
        new Response(JSON.stringify({ message: "secondary rate limit" }), {
          status: 403,
          headers: { "retry-after": "90" },
        }),
    );
    const body = { owner: "o", repo: "r", pull_number: 1, reviewers: ["a"] };
    expect(
      await createGitHubClient({ auth: "t", fetch: secondary.fetch }).send("pulls.requestReviewers", body),
    ).toMatchObject({
      kind: "retry",
      retryAfterSeconds: 90,
    });
    const forbidden = answering(() =>
      Response.json({ message: "Resource not accessible by integration" }, { status: 403 }),
    );
    expect(
      (await createGitHubClient({ auth: "t", fetch: forbidden.fetch }).send("pulls.requestReviewers", body))
        .kind,
    ).toBe("permanent");
  });

  it("GitHub: removeRequestedReviewers is a DELETE with a JSON body", async () => {
    const { fetch, calls } = answering(() => Response.json({}));
    await createGitHubClient({ auth: "t", fetch }).send("pulls.removeRequestedReviewers", {
      owner: "o",
      repo: "r",
      pull_number: 5,
      reviewers: ["a"],
    });
    expect(calls[0]?.init?.method).toBe("DELETE");
    expect(calls[0]?.init?.body).toBe(JSON.stringify({ reviewers: ["a"] }));
  });

  it("Slack response URLs: only hooks.slack.com (https) or the configured API origin", () => {
    const api = "http://127.0.0.1:9999/slack/api";
    expect(isAllowedResponseUrl("https://hooks.slack.com/commands/T/1/x", api)).toBe(true);
    expect(isAllowedResponseUrl("https://eu.hooks.slack.com/actions/T/1/x", api)).toBe(true);
    expect(isAllowedResponseUrl("http://hooks.slack.com/commands/T/1/x", api)).toBe(false);
    expect(isAllowedResponseUrl("https://hooks.slack.com.evil.com/x", api)).toBe(false);
    expect(isAllowedResponseUrl("https://user:pw@hooks.slack.com/x", api)).toBe(false);
    expect(isAllowedResponseUrl("http://127.0.0.1:9999/slack/hooks/x", api)).toBe(true);
    expect(isAllowedResponseUrl("http://127.0.0.1:9998/slack/hooks/x", api)).toBe(false);
    expect(isAllowedResponseUrl("not a url", api)).toBe(false);
  });
});

describe("backoff", () => {
  it("grows 2 * 3^(n-1) s with 50-100 % jitter and stays capped", () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffSeconds(n, () => 1))).toEqual([2, 6, 18, 54, 162]);
    expect([1, 2, 3, 4, 5].map((n) => backoffSeconds(n, () => 0))).toEqual([1, 3, 9, 27, 81]);
    expect(backoffSeconds(20, () => 1)).toBe(900);
  });
});
