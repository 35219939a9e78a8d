/**
 * Linear OAuth for installs (`actor=app`): the authorization URL, the code exchange and refresh at
 * the token endpoint, the organisation lookup through @linear/sdk and revocation — against the fake
 * platform server, whose token endpoint answers what each test scripts.
 */
import { describe, expect, it } from "vitest";
import { LinearRequestError } from "../../../src/integrations/linear/graphql";
import {
  exchangeLinearCode,
  type LinearOAuthConfig,
  LinearOAuthError,
  linearAuthorizeUrl,
  linearOAuthConfig,
  linearOrganization,
  refreshLinearToken,
  revokeLinearToken,
} from "../../../src/integrations/linear/oauth";
import { type FakeApi, fakeApi } from "../../helpers/fake-api";

const CLIENT_ID = "lin-client-id-0123";
const CLIENT_SECRET = "lin-client-s3cret-4567";
const CODE = "9a5190f637d8b1ad0ca92ab3ec4c0d033ad6c862";
const REDIRECT = "https://foreman.example.com/api/installs/linear/callback";
const ACCESS_TOKEN = "lin_oauth_accessToken0123456789";
const REFRESH_TOKEN = "lin_refresh_refreshToken0123456789";

function setup(namespace: string): { api: FakeApi; config: LinearOAuthConfig } {
  const api = fakeApi(`linear-oauth-${namespace}`);
  const config = linearOAuthConfig({
    LINEAR_CLIENT_ID: CLIENT_ID,
    LINEAR_CLIENT_SECRET: CLIENT_SECRET,
    LINEAR_API_URL: api.urls.LINEAR_API_URL,
  });
  if (!config) throw new Error("no config");
  return { api, config };
}

const GRANT = {
  access_token: ACCESS_TOKEN,
  token_type: "Bearer",
  expires_in: 86399,
  scope: "read write",
  refresh_token: REFRESH_TOKEN,
};

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}

describe("linearOAuthConfig", () => {
  it("needs both the client id and secret", () => {
    expect(linearOAuthConfig({ LINEAR_CLIENT_ID: CLIENT_ID })).toBeNull();
    expect(linearOAuthConfig({ LINEAR_CLIENT_SECRET: CLIENT_SECRET, LINEAR_CLIENT_ID: " " })).toBeNull();
  });

  it("derives the token endpoint from LINEAR_API_URL, Linear's by default", () => {
    const config = { LINEAR_CLIENT_ID: CLIENT_ID, LINEAR_CLIENT_SECRET: CLIENT_SECRET };
    expect(linearOAuthConfig(config)).toEqual({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      authorizeUrl: "https://linear.app/oauth/authorize",
      tokenUrl: "https://api.linear.app/oauth/token",
      apiUrl: "https://api.linear.app/graphql",
    });
    const local = linearOAuthConfig({
      ...config,
      LINEAR_API_URL: "http://127.0.0.1:9000/t/x/linear/graphql/",
    });
    expect(local?.tokenUrl).toBe("http://127.0.0.1:9000/t/x/linear/oauth/token");
    expect(local?.apiUrl).toBe("http://127.0.0.1:9000/t/x/linear/graphql/");
  });
});

describe("linearAuthorizeUrl", () => {
  it("asks for read,write as the app, with consent every time and the state", () => {
    const { config } = setup("authorize");
    const url = new URL(linearAuthorizeUrl(config, { redirectUri: REDIRECT, state: "st-123" }));
    expect(`${url.origin}${url.pathname}`).toBe("https://linear.app/oauth/authorize");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: CLIENT_ID,
      redirect_uri: REDIRECT,
      response_type: "code",
      scope: "read,write",
      state: "st-123",
      actor: "app",
      prompt: "consent",
    });
  });
});

describe("exchangeLinearCode", () => {
  it("posts the code form-encoded and reads the grant", async () => {
    const { api, config } = setup("exchange");
    await api.script("/linear/oauth/token", [{ body: GRANT }]);
    expect(await exchangeLinearCode(config, { code: CODE, redirectUri: REDIRECT })).toEqual({
      accessToken: ACCESS_TOKEN,
      tokenType: "Bearer",
      expiresIn: 86399,
      refreshToken: REFRESH_TOKEN,
      scope: ["read", "write"],
    });
    const [req] = await api.requests("/linear/oauth/token");
    expect(req?.method).toBe("POST");
    expect(req?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(new URLSearchParams(req?.body))).toEqual({
      grant_type: "authorization_code",
      code: CODE,
      redirect_uri: REDIRECT,
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
  });

  it("a grant without refresh token or expiry, with the scope as an array", async () => {
    const { api, config } = setup("exchange-minimal");
    await api.script("/linear/oauth/token", [
      { body: { access_token: ACCESS_TOKEN, scope: ["read", "write"] } },
    ]);
    expect(await exchangeLinearCode(config, { code: CODE, redirectUri: REDIRECT })).toEqual({
      accessToken: ACCESS_TOKEN,
      tokenType: "Bearer",
      expiresIn: null,
      refreshToken: null,
      scope: ["read", "write"],
    });
  });

  it("invalid_grant is a LinearOAuthError with Linear's error and description, the code scrubbed", async () => {
    const { api, config } = setup("invalid-grant");
    const description = `authorization code ${CODE} is invalid or expired`;
    await api.script("/linear/oauth/token", [
      { status: 400, body: { error: "invalid_grant", error_description: description } },
    ]);
    const err = await rejection(exchangeLinearCode(config, { code: CODE, redirectUri: REDIRECT }));
    expect(err).toBeInstanceOf(LinearOAuthError);
    if (!(err instanceof LinearOAuthError)) return;
    expect(err).toMatchObject({
      name: "LinearOAuthError",
      status: 400,
      error: "invalid_grant",
      retryable: false,
    });
    expect(err.errorDescription).toBe("authorization code [redacted] is invalid or expired");
    expect(err.message).not.toContain(CODE);
    expect(err.message).not.toContain(CLIENT_SECRET);
  });

  it("5xx and dropped connections are retryable; an answer without access_token is not", async () => {
    const { api, config } = setup("exchange-failures");
    await api.script("/linear/oauth/token", [
      { status: 503, body: "unavailable" },
      { destroy: true },
      { body: { token_type: "Bearer" } },
    ]);
    const params = { code: CODE, redirectUri: REDIRECT };
    expect(await rejection(exchangeLinearCode(config, params))).toMatchObject({
      status: 503,
      error: "http_503",
      retryable: true,
    });
    expect(await rejection(exchangeLinearCode(config, params))).toMatchObject({
      status: null,
      error: "network_error",
      retryable: true,
    });
    expect(await rejection(exchangeLinearCode(config, params))).toMatchObject({
      status: 200,
      error: "invalid_response",
      retryable: false,
    });
  });
});

describe("refreshLinearToken", () => {
  it("posts the refresh token and reads the rotated grant", async () => {
    const { api, config } = setup("refresh");
    const rotated = { ...GRANT, access_token: `${ACCESS_TOKEN}-2`, refresh_token: `${REFRESH_TOKEN}-2` };
    await api.script("/linear/oauth/token", [{ body: rotated }]);
    expect(await refreshLinearToken(config, REFRESH_TOKEN)).toMatchObject({
      accessToken: `${ACCESS_TOKEN}-2`,
      refreshToken: `${REFRESH_TOKEN}-2`,
      expiresIn: 86399,
    });
    const [req] = await api.requests("/linear/oauth/token");
    expect(Object.fromEntries(new URLSearchParams(req?.body))).toEqual({
      grant_type: "refresh_token",
      refresh_token: REFRESH_TOKEN,
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
  });

  it("a revoked refresh token is invalid_grant", async () => {
    const { api, config } = setup("refresh-invalid");
    await api.script("/linear/oauth/token", [{ status: 400, body: { error: "invalid_grant" } }]);
    const err = await rejection(refreshLinearToken(config, REFRESH_TOKEN));
    expect(err).toMatchObject({ name: "LinearOAuthError", error: "invalid_grant", errorDescription: null });
  });
});

describe("linearOrganization", () => {
  it("asks the SDK for the token's organization, with the token as Bearer", async () => {
    const { api, config } = setup("organization");
    const organization = { id: "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d", name: "Acme", urlKey: "acme" };
    // The SDK's Organization model maps `projectStatuses` (an array Linear always answers).
    await api.script("/linear/graphql", [
      { body: { data: { organization: { ...organization, projectStatuses: [] } } } },
    ]);
    expect(await linearOrganization(ACCESS_TOKEN, config.apiUrl)).toEqual(organization);
    const [req] = await api.requests("/linear/graphql");
    expect(req?.headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
    expect(req?.json).toMatchObject({ query: expect.stringContaining("organization") });
  });

  it("a bad token is a permanent LinearRequestError without the token; a 5xx is retryable", async () => {
    const { api, config } = setup("organization-errors");
    await api.script("/linear/graphql", [
      {
        status: 400,
        body: {
          errors: [
            {
              message: `Authentication failed for ${ACCESS_TOKEN}`,
              extensions: { type: "authentication error", code: "AUTHENTICATION_ERROR" },
            },
          ],
        },
      },
      { status: 502, body: "bad gateway" },
      { body: { data: { organization: { id: "org-1", projectStatuses: [] } } } },
    ]);
    const bad = await rejection(linearOrganization(ACCESS_TOKEN, config.apiUrl));
    expect(bad).toBeInstanceOf(LinearRequestError);
    expect(bad).toMatchObject({ name: "LinearRequestError", status: 400, retryable: false });
    if (bad instanceof Error) expect(bad.message).not.toContain(ACCESS_TOKEN);
    expect(await rejection(linearOrganization(ACCESS_TOKEN, config.apiUrl))).toMatchObject({
      status: 502,
      retryable: true,
    });
    expect(await rejection(linearOrganization(ACCESS_TOKEN, config.apiUrl))).toMatchObject({
      message: "linear: unexpected organization answer",
      retryable: false,
    });
  });
});

describe("revokeLinearToken", () => {
  it("posts the token to /oauth/revoke with it as Bearer; a refusal is a LinearOAuthError", async () => {
    const { api, config } = setup("revoke");
    await api.script("/linear/oauth/revoke", [
      { status: 200, body: "" },
      { status: 400, body: { error: "invalid_token" } },
    ]);
    await revokeLinearToken(config, ACCESS_TOKEN);
    const [req] = await api.requests("/linear/oauth/revoke");
    expect(req?.method).toBe("POST");
    expect(req?.headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
    expect(Object.fromEntries(new URLSearchParams(req?.body))).toEqual({
      token: ACCESS_TOKEN,
      token_type_hint: "access_token",
    });
    const err = await rejection(revokeLinearToken(config, ACCESS_TOKEN));
    expect(err).toMatchObject({ name: "LinearOAuthError", status: 400, error: "invalid_token" });
    if (err instanceof Error) expect(err.message).not.toContain(ACCESS_TOKEN);
  });
});
