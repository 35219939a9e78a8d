/**
 * The Linear delivery client over `@linear/sdk`, against the fake platform server (the SDK calls the
 * global fetch, so the requests reach the fake for real): each action, how failures are classified,
 * how the two credentials are sent, and that tokens never reach error text.
 */
import { describe, expect, it, vi } from "vitest";
import {
  createLinearClient,
  type LinearClientOptions,
  LinearCredentialsError,
} from "../../../src/integrations/linear/client";
import { fakeApi } from "../../helpers/fake-api";

const API_KEY = "lin_api_clientTestKey0123456789";
const ACCESS_TOKEN = "lin_oauth_clientTestToken0123456789";
const NOW = Date.parse("2026-11-24T10:00:00.000Z");

function setup(namespace: string, credential: Pick<LinearClientOptions, "apiKey" | "accessToken">) {
  const api = fakeApi(`linear-client-${namespace}`);
  const client = createLinearClient({ ...credential, baseUrl: api.urls.LINEAR_API_URL, now: () => NOW });
  return { api, client };
}

describe("Linear client over the SDK: actions", () => {
  it("issueUpdate, commentCreate and attachmentLinkURL are one mutation each, the body their variables", async () => {
    const { api, client } = setup("actions", { apiKey: API_KEY });
    const update = { id: "ENG-1", input: { stateId: "s-done" } };
    const comment = { input: { issueId: "ENG-1", body: "Review requested" } };
    const link = { issueId: "ENG-1", url: "https://github.com/acme/api/pull/7", title: "acme/api#7" };
    expect(await client.send("issueUpdate", update)).toEqual({ kind: "delivered", status: 200 });
    expect(await client.send("commentCreate", comment)).toEqual({ kind: "delivered", status: 200 });
    expect(await client.send("attachmentLinkURL", link)).toEqual({ kind: "delivered", status: 200 });

    const requests = await api.requests("/linear/graphql");
    expect(requests.map((r) => r.method)).toEqual(["POST", "POST", "POST"]);
    expect(requests.map((r) => r.json)).toEqual([
      { query: expect.stringContaining("issueUpdate(id: $id, input: $input)"), variables: update },
      { query: expect.stringContaining("commentCreate(input: $input)"), variables: comment },
      { query: expect.stringContaining("attachmentLinkURL(issueId: $issueId"), variables: link },
    ]);
  });

  it("issueMoveToStateName looks the issue up, then updates it to the team's state of that name", async () => {
    const { api, client } = setup("move", { apiKey: API_KEY });
    await api.script("/linear/graphql", [
      {
        body: {
          data: {
            issue: {
              id: "uuid-1",
              identifier: "ENG-1",
              state: { id: "s-todo", name: "Todo", type: "unstarted" },
              team: {
                key: "ENG",
                states: { nodes: [{ id: "s-review", name: "In Review", type: "started" }] },
              },
            },
          },
        },
      },
    ]);
    const result = await client.send("issueMoveToStateName", { issueId: "ENG-1", stateName: "in review" });
    expect(result).toEqual({ kind: "delivered", status: 200 });
    const [lookup, update] = await api.requests("/linear/graphql");
    expect(lookup?.json).toMatchObject({ variables: { issueId: "ENG-1", stateName: "in review" } });
    expect(update?.json).toMatchObject({ variables: { id: "uuid-1", input: { stateId: "s-review" } } });
  });

  it("success=false is permanent; an unknown action is permanent without a request", async () => {
    const { api, client } = setup("success-false", { apiKey: API_KEY });
    await api.script("/linear/graphql", [{ body: { data: { issueUpdate: { success: false } } } }]);
    expect(await client.send("issueUpdate", { id: "1", input: {} })).toEqual({
      kind: "permanent",
      status: 200,
      error: "linear: issueUpdate returned success=false",
    });
    expect(await client.send("issueDelete", { id: "1" })).toMatchObject({ kind: "permanent", status: null });
    expect(await api.requests("/linear/graphql")).toHaveLength(1);
  });
});

describe("Linear client over the SDK: failures", () => {
  it("RATELIMITED (HTTP 400 or 200) retries after the rate-limit reset", async () => {
    const { api, client } = setup("ratelimited", { apiKey: API_KEY });
    const limited = { errors: [{ message: "Rate limit exceeded", extensions: { code: "RATELIMITED" } }] };
    await api.script("/linear/graphql", [
      { status: 400, headers: { "x-ratelimit-requests-reset": String(NOW + 90_000) }, body: limited },
      { status: 200, body: { ...limited, data: null } },
      { status: 429, headers: { "retry-after": "30" }, body: "slow down" },
    ]);
    const body = { input: { issueId: "ENG-1", body: "hi" } };
    expect(await client.send("commentCreate", body)).toEqual({
      kind: "retry",
      status: 400,
      error: "linear: RATELIMITED",
      retryAfterSeconds: 90,
    });
    expect(await client.send("commentCreate", body)).toMatchObject({ kind: "retry", status: 200 });
    expect(await client.send("commentCreate", body)).toMatchObject({
      kind: "retry",
      status: 429,
      retryAfterSeconds: 30,
    });
  });

  it("5xx and a dropped connection retry", async () => {
    const { api, client } = setup("transient", { apiKey: API_KEY });
    await api.script("/linear/graphql", [
      { status: 503, body: "upstream unavailable" },
      { status: 500, body: { errors: [{ message: "Internal error" }] } },
      { destroy: true },
    ]);
    const body = { id: "ENG-1", input: {} };
    expect(await client.send("issueUpdate", body)).toMatchObject({ kind: "retry", status: 503 });
    expect(await client.send("issueUpdate", body)).toMatchObject({ kind: "retry", status: 500 });
    expect(await client.send("issueUpdate", body)).toMatchObject({ kind: "retry", status: null });
  });

  it("other GraphQL errors and a bad token are permanent", async () => {
    const { api, client } = setup("permanent", { apiKey: API_KEY });
    await api.script("/linear/graphql", [
      {
        status: 400,
        body: { errors: [{ message: "Entity not found", extensions: { code: "INVALID_INPUT" } }] },
      },
      {
        status: 400,
        body: {
          errors: [
            {
              message: "Authentication required, not authenticated",
              extensions: { type: "authentication error", code: "AUTHENTICATION_ERROR" },
            },
          ],
        },
      },
      { status: 401, body: "Unauthorized" },
    ]);
    const body = { id: "ENG-1", input: {} };
    expect(await client.send("issueUpdate", body)).toEqual({
      kind: "permanent",
      status: 400,
      error: "linear: INVALID_INPUT: Entity not found",
    });
    expect(await client.send("issueUpdate", body)).toEqual({
      kind: "permanent",
      status: 400,
      error: "linear: AUTHENTICATION_ERROR: Authentication required, not authenticated",
    });
    expect(await client.send("issueUpdate", body)).toMatchObject({ kind: "permanent", status: 401 });
  });

  it("the token never appears in error text, even when Linear echoes it", async () => {
    const { api, client } = setup("scrub", { accessToken: ACCESS_TOKEN });
    await api.script("/linear/graphql", [
      { status: 500, body: `upstream error for Bearer ${ACCESS_TOKEN}` },
      { status: 400, body: { errors: [{ message: `token ${ACCESS_TOKEN} is revoked` }] } },
      { status: 401, body: `bad token ${ACCESS_TOKEN}` },
    ]);
    const body = { id: "ENG-1", input: {} };
    for (let i = 0; i < 3; i++) {
      const result = await client.send("issueUpdate", body);
      expect(result.kind).not.toBe("delivered");
      if (result.kind === "delivered") return;
      expect(result.error).not.toContain(ACCESS_TOKEN);
      expect(result.error).toContain("[redacted]");
    }
  });
});

describe("Linear client over the SDK: credentials", () => {
  it("an API key is sent raw in Authorization, an access token as Bearer", async () => {
    const withKey = setup("auth-key", { apiKey: API_KEY });
    await withKey.client.send("issueUpdate", { id: "1", input: {} });
    const [keyed] = await withKey.api.requests("/linear/graphql");
    expect(keyed?.headers.authorization).toBe(API_KEY);
    expect(keyed?.headers["content-type"]).toMatch(/^application\/json/);

    const withToken = setup("auth-token", { accessToken: ACCESS_TOKEN });
    await withToken.client.send("issueUpdate", { id: "1", input: {} });
    const [bearer] = await withToken.api.requests("/linear/graphql");
    expect(bearer?.headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
  });

  it("exactly one of apiKey and accessToken", () => {
    expect(() => createLinearClient({})).toThrow(LinearCredentialsError);
    expect(() => createLinearClient({ apiKey: "", accessToken: "" })).toThrow(LinearCredentialsError);
    expect(() => createLinearClient({ apiKey: API_KEY, accessToken: ACCESS_TOKEN })).toThrow(
      LinearCredentialsError,
    );
  });

  it("a plain-HTTP API URL outside localhost is permanent, with no request made", async () => {
    const client = createLinearClient({ apiKey: API_KEY, baseUrl: "http://linear.example.com/graphql" });
    const result = await client.send("issueUpdate", { id: "1", input: {} });
    expect(result).toMatchObject({ kind: "permanent", status: null });
    if (result.kind === "delivered") return;
    expect(result.error).toContain("linear: client not configured");
    expect(result.error).not.toContain(API_KEY);
  });

  it("without a base URL it calls https://api.linear.app/graphql, through the global fetch", async () => {
    const original = globalThis.fetch;
    const seen: string[] = [];
    // Only Linear's production URL is answered here; every other request passes through untouched.
    const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (!url.startsWith("https://api.linear.app/")) return original(input, init);
      seen.push(url);
      return Response.json({ data: { commentCreate: { success: true } } });
    });
    try {
      const result = await createLinearClient({ apiKey: API_KEY }).send("commentCreate", { input: {} });
      expect(result).toEqual({ kind: "delivered", status: 200 });
    } finally {
      spy.mockRestore();
    }
    expect(seen).toEqual(["https://api.linear.app/graphql"]);
  });
});
