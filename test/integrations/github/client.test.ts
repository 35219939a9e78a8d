/** The GitHub delivery client on @octokit/rest, against the fake GitHub (test/helpers/fake-api-server.ts). */
import { describe, expect, it } from "vitest";
import { createGitHubClient, GITHUB_ACTIONS } from "../../../src/integrations/github/client";
import type { FetchFn } from "../../../src/platform/http-client";
import { fakeApi } from "../../helpers/fake-api";

const PR = { owner: "acme", repo: "web", pull_number: 42 };
const ISSUE = { owner: "acme", repo: "web", issue_number: 42 };
const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);

/** Every action with a body and the request GitHub should get for it. */
const CASES: Array<{
  action: string;
  body: Record<string, unknown>;
  method: string;
  path: string;
  json: unknown;
}> = [
  {
    action: "pulls.requestReviewers",
    body: { ...PR, reviewers: ["octocat"] },
    method: "POST",
    path: "/github/repos/acme/web/pulls/42/requested_reviewers",
    json: { reviewers: ["octocat"] },
  },
  {
    action: "pulls.removeRequestedReviewers",
    body: { ...PR, reviewers: ["octocat"] },
    method: "DELETE",
    path: "/github/repos/acme/web/pulls/42/requested_reviewers",
    json: { reviewers: ["octocat"] },
  },
  {
    action: "issues.createComment",
    body: { ...ISSUE, body: "hi" },
    method: "POST",
    path: "/github/repos/acme/web/issues/42/comments",
    json: { body: "hi" },
  },
  {
    action: "issues.updateComment",
    body: { owner: "acme", repo: "web", comment_id: 7, body: "edited" },
    method: "PATCH",
    path: "/github/repos/acme/web/issues/comments/7",
    json: { body: "edited" },
  },
  {
    action: "issues.addLabels",
    body: { ...ISSUE, labels: ["needs-review"] },
    method: "POST",
    path: "/github/repos/acme/web/issues/42/labels",
    json: { labels: ["needs-review"] },
  },
  {
    action: "repos.createCommitStatus",
    body: { owner: "acme", repo: "web", sha: "abc123", state: "pending", context: "foreman" },
    method: "POST",
    path: "/github/repos/acme/web/statuses/abc123",
    json: { state: "pending", context: "foreman" },
  },
  {
    action: "issues.removeLabel",
    body: { ...ISSUE, name: "needs review" },
    method: "DELETE",
    path: "/github/repos/acme/web/issues/42/labels/needs%20review",
    json: null,
  },
];

describe("GitHub client over octokit", () => {
  it("sends each action as its REST request, with the token as Bearer, the API version and foreman-bot", async () => {
    const api = fakeApi("gh-client-actions");
    const client = createGitHubClient({ auth: "ghp_fixed_token", baseUrl: api.urls.GITHUB_API_URL });
    expect(CASES.map((c) => c.action).sort()).toEqual(Object.keys(GITHUB_ACTIONS).sort());
    for (const c of CASES) {
      const result = await client.send(c.action, c.body);
      expect(result, c.action).toMatchObject({ kind: "delivered" });
    }
    const requests = await api.requests();
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual(CASES.map((c) => `${c.method} ${c.path}`));
    CASES.forEach((c, i) => {
      expect(requests[i]?.json, c.action).toEqual(c.json);
      expect(requests[i]?.headers).toMatchObject({
        authorization: "Bearer ghp_fixed_token",
        accept: "application/vnd.github+json",
        "x-github-api-version": "2022-11-28",
      });
      expect(requests[i]?.headers["user-agent"]).toMatch(/^foreman-bot /);
    });
  });

  it("refuses unknown actions, missing path parameters and bodies that carry request options", async () => {
    const api = fakeApi("gh-client-refused");
    const client = createGitHubClient({ auth: "t0ken", baseUrl: api.urls.GITHUB_API_URL });
    expect(await client.send("repos.delete", PR)).toMatchObject({ kind: "permanent", status: null });
    expect(await client.send("issues.createComment", { owner: "acme", repo: "web" })).toMatchObject({
      kind: "permanent",
      error: expect.stringContaining('"issue_number"'),
    });
    const redirected = await client.send("issues.createComment", {
      ...ISSUE,
      baseUrl: "https://evil.example",
    });
    expect(redirected).toMatchObject({ kind: "permanent", error: expect.stringContaining('"baseUrl"') });
    expect(await api.requests()).toHaveLength(0);
  });

  it("calls the auth function once per send and sends the token it gives", async () => {
    const api = fakeApi("gh-client-auth-fn");
    let minted = 0;
    const client = createGitHubClient({
      auth: async () => `ghs_minted_${++minted}`,
      baseUrl: api.urls.GITHUB_API_URL,
    });
    await client.send("issues.createComment", { ...ISSUE, body: "one" });
    await client.send("issues.createComment", { ...ISSUE, body: "two" });
    expect(minted).toBe(2);
    const auth = (await api.requests()).map((r) => r.headers.authorization);
    expect(auth).toEqual(["Bearer ghs_minted_1", "Bearer ghs_minted_2"]);
  });

  it("a failing auth function: GitHub's refusal is permanent, no answer retries; nothing is sent", async () => {
    const api = fakeApi("gh-client-auth-fail");
    const refused = Object.assign(new Error("GitHub answered 404"), { status: 404 });
    const gone = createGitHubClient({
      auth: () => Promise.reject(refused),
      baseUrl: api.urls.GITHUB_API_URL,
    });
    expect(await gone.send("issues.createComment", ISSUE)).toMatchObject({ kind: "permanent", status: 404 });
    const down = createGitHubClient({
      auth: () => Promise.reject(new Error("network down")),
      baseUrl: api.urls.GITHUB_API_URL,
    });
    expect(await down.send("issues.createComment", ISSUE)).toMatchObject({ kind: "retry", status: null });
    expect(await api.requests()).toHaveLength(0);
  });

  it("primary rate limit: waits until x-ratelimit-reset", async () => {
    const api = fakeApi("gh-client-primary");
    const reset = NOW / 1000 + 600;
    await api.script("/github/repos/", [
      {
        status: 403,
        headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) },
        body: { message: "API rate limit exceeded for installation ID 1." },
      },
    ]);
    const client = createGitHubClient({ auth: "t0ken", baseUrl: api.urls.GITHUB_API_URL, now: () => NOW });
    expect(await client.send("pulls.requestReviewers", PR)).toMatchObject({
      kind: "retry",
      status: 403,
      retryAfterSeconds: 600,
    });
  });

  it("secondary rate limits: retry-after, or a minute when GitHub gives no hint", async () => {
    const api = fakeApi("gh-client-secondary");
    await api.script("/github/repos/", [
      {
        status: 403,
        headers: { "retry-after": "90" },
        body: { message: "You have exceeded a secondary rate limit" },
      },
      { status: 429, body: { message: "Too many requests" } },
      { status: 403, body: { message: "You have exceeded a secondary rate limit" } },
    ]);
    const client = createGitHubClient({ auth: "t0ken", baseUrl: api.urls.GITHUB_API_URL, now: () => NOW });
    const results = [];
    for (let i = 0; i < 3; i++)
      results.push(await client.send("issues.addLabels", { ...ISSUE, labels: ["x"] }));
    expect(results).toMatchObject([
      { kind: "retry", status: 403, retryAfterSeconds: 90 },
      { kind: "retry", status: 429, retryAfterSeconds: 60 },
      { kind: "retry", status: 403, retryAfterSeconds: 60 },
    ]);
  });

  it("5xx and a dropped connection retry; other 4xx are permanent with GitHub's message", async () => {
    const api = fakeApi("gh-client-failures");
    await api.script("/github/repos/", [
      { status: 502, body: "bad gateway" },
      { destroy: true },
      { status: 422, body: { message: "Reviews may only be requested from collaborators." } },
      { status: 403, body: { message: "Resource not accessible by integration" } },
    ]);
    const client = createGitHubClient({ auth: "t0ken", baseUrl: api.urls.GITHUB_API_URL });
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await client.send("pulls.requestReviewers", PR));
    expect(results).toMatchObject([
      { kind: "retry", status: 502 },
      { kind: "retry", status: null, error: expect.stringMatching(/^network error/) },
      {
        kind: "permanent",
        status: 422,
        error: "HTTP 422: Reviews may only be requested from collaborators.",
      },
      { kind: "permanent", status: 403 },
    ]);
  });

  it("never puts the token in an error text", async () => {
    const secret = "ghs_verySecretInstallationToken";
    const api = fakeApi("gh-client-redact");
    await api.script("/github/repos/", [
      { status: 400, body: { message: `token ${secret} is not valid here` } },
    ]);
    const echoing = createGitHubClient({ auth: async () => secret, baseUrl: api.urls.GITHUB_API_URL });
    const answered = await echoing.send("issues.createComment", ISSUE);
    expect(answered).toMatchObject({ kind: "permanent", status: 400 });
    const throwing: FetchFn = async (url, init) => {
      throw new Error(`connect ${url} failed with ${new Headers(init?.headers).get("authorization")}`);
    };
    const failed = await createGitHubClient({ auth: secret, fetch: throwing }).send(
      "issues.createComment",
      ISSUE,
    );
    expect(failed).toMatchObject({ kind: "retry", status: null });
    for (const result of [answered, failed]) {
      if (result.kind === "delivered") throw new Error("expected a failure");
      expect(result.error).not.toContain(secret);
      expect(result.error).toContain("[redacted]");
    }
  });
});
