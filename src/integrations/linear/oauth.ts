/**
 * Linear OAuth for installs: Foreman acts as the app (`actor=app`), and each Linear organisation that
 * installs it gives one access token (with a refresh token; Linear's access tokens expire).
 *
 * - `linearAuthorizeUrl`: where to send the installing admin (`https://linear.app/oauth/authorize`).
 * - `exchangeLinearCode` / `refreshLinearToken`: form-encoded POSTs to `{api}/oauth/token`.
 * - `linearOrganization`: which organisation a token belongs to (`@linear/sdk`, `client.organization`).
 * - `revokeLinearToken`: POST `{api}/oauth/revoke` on uninstall.
 *
 * The token endpoints live next to the GraphQL endpoint (`https://api.linear.app/graphql` ->
 * `https://api.linear.app/oauth/token`), so `LINEAR_API_URL` points them at the fake in tests. Token
 * endpoint failures are `LinearOAuthError`s; GraphQL failures `LinearRequestError`s (./graphql.ts).
 * Neither ever carries a token, code or the client secret in its text.
 */
import { z } from "zod";
import type { Env } from "../../env";
import type { FetchFn } from "../../platform/http-client";
import { defaultFetch, readBody, scrub, send, truncate } from "../../platform/http-client";
import {
  DEFAULT_LINEAR_API_URL,
  LinearRequestError,
  linearFailure,
  linearSdk,
  permanentFailure,
} from "./graphql";

export const LINEAR_AUTHORIZE_URL = "https://linear.app/oauth/authorize";
/** What Foreman asks for: read, and write for its moves, comments and attachments. */
export const LINEAR_OAUTH_SCOPES = ["read", "write"] as const;

export interface LinearOAuthConfig {
  clientId: string;
  clientSecret: string;
  authorizeUrl: string;
  tokenUrl: string;
  /** The GraphQL endpoint (`LINEAR_API_URL`, default https://api.linear.app/graphql). */
  apiUrl: string;
}

/** Linear's OAuth application from the env; null unless both its client id and secret are set. */
export function linearOAuthConfig(
  env: Pick<Env, "LINEAR_CLIENT_ID" | "LINEAR_CLIENT_SECRET" | "LINEAR_API_URL">,
): LinearOAuthConfig | null {
  const clientId = env.LINEAR_CLIENT_ID?.trim();
  const clientSecret = env.LINEAR_CLIENT_SECRET?.trim();
  if (!clientId || !clientSecret) return null;
  const apiUrl = env.LINEAR_API_URL?.trim() || DEFAULT_LINEAR_API_URL;
  return {
    clientId,
    clientSecret,
    authorizeUrl: LINEAR_AUTHORIZE_URL,
    tokenUrl: oauthUrl(apiUrl, "token"),
    apiUrl,
  };
}

/** `{api}/oauth/{endpoint}`: a trailing `/graphql` of the API URL replaced (else appended to). */
function oauthUrl(apiUrl: string, endpoint: "token" | "revoke"): string {
  return `${apiUrl.replace(/\/+$/, "").replace(/\/graphql$/, "")}/oauth/${endpoint}`;
}

/** The authorization URL an admin is sent to, to install Foreman as an app in their organisation. */
export function linearAuthorizeUrl(
  config: LinearOAuthConfig,
  params: { redirectUri: string; state: string },
): string {
  const url = new URL(config.authorizeUrl);
  url.search = new URLSearchParams({
    client_id: config.clientId,
    redirect_uri: params.redirectUri,
    response_type: "code",
    scope: LINEAR_OAUTH_SCOPES.join(","),
    state: params.state,
    actor: "app",
    prompt: "consent",
  }).toString();
  return url.toString();
}

/** What the token endpoint grants. */
export interface LinearTokenGrant {
  accessToken: string;
  tokenType: string;
  /** Seconds the access token lives; null when Linear did not say. */
  expiresIn: number | null;
  refreshToken: string | null;
  scope: string[];
}

/**
 * A failed call to Linear's token or revoke endpoint. `error` is Linear's OAuth error code
 * (`invalid_grant`, `invalid_client`, ...) for its 4xx answers, else `network_error`,
 * `invalid_response` or `http_<status>`; `retryable` for network errors, 429 and 5xx.
 */
export class LinearOAuthError extends Error {
  readonly status: number | null;
  readonly error: string;
  readonly errorDescription: string | null;
  readonly retryable: boolean;
  constructor(fields: {
    status: number | null;
    error: string;
    errorDescription: string | null;
    retryable: boolean;
  }) {
    const described = fields.errorDescription ? `: ${fields.errorDescription}` : "";
    const status = fields.status === null ? "" : ` (HTTP ${fields.status})`;
    super(`Linear OAuth: ${fields.error}${described}${status}`);
    this.name = "LinearOAuthError";
    this.status = fields.status;
    this.error = fields.error;
    this.errorDescription = fields.errorDescription;
    this.retryable = fields.retryable;
  }
}

const TokenAnswer = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().min(1).optional(),
  expires_in: z.number().nonnegative().nullish(),
  refresh_token: z.string().min(1).nullish(),
  /** Linear documents "read write"; a comma-separated string or an array is read too. */
  scope: z.union([z.string(), z.array(z.string())]).nullish(),
});

const ErrorAnswer = z.looseObject({
  error: z.string().min(1).max(200),
  error_description: z.string().max(1000).nullish(),
});

/** Exchanges the authorization code of the redirect for the organisation's token. */
export function exchangeLinearCode(
  config: LinearOAuthConfig,
  params: { code: string; redirectUri: string },
  fetchFn: FetchFn = defaultFetch,
): Promise<LinearTokenGrant> {
  const form = {
    grant_type: "authorization_code",
    code: params.code,
    redirect_uri: params.redirectUri,
    client_id: config.clientId,
    client_secret: config.clientSecret,
  };
  return tokenRequest(config, form, fetchFn, [params.code, config.clientSecret]);
}

/** A new access token (and, as Linear rotates them, a new refresh token) for a refresh token. */
export function refreshLinearToken(
  config: LinearOAuthConfig,
  refreshToken: string,
  fetchFn: FetchFn = defaultFetch,
): Promise<LinearTokenGrant> {
  const form = {
    grant_type: "refresh_token",
    refresh_token: refreshToken,
    client_id: config.clientId,
    client_secret: config.clientSecret,
  };
  return tokenRequest(config, form, fetchFn, [refreshToken, config.clientSecret]);
}

async function tokenRequest(
  config: LinearOAuthConfig,
  form: Record<string, string>,
  fetchFn: FetchFn,
  secrets: string[],
): Promise<LinearTokenGrant> {
  const res = await post(fetchFn, config.tokenUrl, form, {}, secrets);
  const body = await readBody(res);
  const parsed = TokenAnswer.safeParse(body.json);
  if (!parsed.success) {
    throw new LinearOAuthError({
      status: res.status,
      error: "invalid_response",
      errorDescription: "the token endpoint answered without a usable access_token",
      retryable: false,
    });
  }
  const answer = parsed.data;
  const scope = typeof answer.scope === "string" ? answer.scope.split(/[\s,]+/) : (answer.scope ?? []);
  return {
    accessToken: answer.access_token,
    tokenType: answer.token_type ?? "Bearer",
    expiresIn: answer.expires_in ?? null,
    refreshToken: answer.refresh_token ?? null,
    scope: scope.filter((s) => s !== ""),
  };
}

/** Revokes an access token (on uninstall). Resolves once Linear confirmed it (2xx). */
export async function revokeLinearToken(
  config: LinearOAuthConfig,
  accessToken: string,
  fetchFn: FetchFn = defaultFetch,
): Promise<void> {
  const form = { token: accessToken, token_type_hint: "access_token" };
  const headers = { Authorization: `Bearer ${accessToken}` };
  const res = await post(fetchFn, oauthUrl(config.apiUrl, "revoke"), form, headers, [accessToken]);
  await res.body?.cancel();
}

/** A form-encoded POST; a Response only when it is 2xx, else the `LinearOAuthError` it amounts to. */
async function post(
  fetchFn: FetchFn,
  url: string,
  form: Record<string, string>,
  headers: Record<string, string>,
  secrets: string[],
): Promise<Response> {
  const init: RequestInit = {
    method: "POST",
    headers: { ...headers, "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
    body: new URLSearchParams(form).toString(),
    redirect: "manual",
  };
  const res = await send(fetchFn, url, init, secrets);
  if (!(res instanceof Response)) {
    throw new LinearOAuthError({
      status: null,
      error: "network_error",
      errorDescription: res.kind === "delivered" ? null : res.error,
      retryable: true,
    });
  }
  if (res.status >= 200 && res.status < 300) return res;
  const body = await readBody(res);
  const answer = ErrorAnswer.safeParse(body.json);
  const clean = (text: string) => truncate(scrub(text, secrets), 300);
  throw new LinearOAuthError({
    status: res.status,
    error: answer.success ? clean(answer.data.error) : `http_${res.status}`,
    errorDescription:
      answer.success && answer.data.error_description ? clean(answer.data.error_description) : null,
    retryable: res.status === 429 || res.status >= 500,
  });
}

/** The organisation (workspace) an install's token belongs to. */
export interface LinearOrganization {
  id: string;
  name: string;
  urlKey: string;
}

const OrganizationAnswer = z.object({
  id: z.string().min(1).max(100),
  name: z.string().max(500),
  urlKey: z.string().min(1).max(200),
});

/**
 * The organisation of an access token, through `@linear/sdk` (`client.organization`). Throws a
 * `LinearRequestError` (`retryable` for rate limits, 5xx and network errors).
 */
export async function linearOrganization(
  accessToken: string,
  apiUrl: string = DEFAULT_LINEAR_API_URL,
): Promise<LinearOrganization> {
  const secrets = [accessToken];
  let sdk: ReturnType<typeof linearSdk>;
  try {
    sdk = linearSdk({ accessToken }, apiUrl);
  } catch (err) {
    throw new LinearRequestError(permanentFailure(`linear: client not configured`, err, secrets));
  }
  let organization: unknown;
  try {
    const org = await sdk.organization;
    organization = { id: org.id, name: org.name, urlKey: org.urlKey };
  } catch (err) {
    throw new LinearRequestError(linearFailure(err, Date.now(), secrets));
  }
  const parsed = OrganizationAnswer.safeParse(organization);
  if (!parsed.success) {
    throw new LinearRequestError({
      kind: "permanent",
      status: 200,
      error: "linear: unexpected organization answer",
    });
  }
  return parsed.data;
}
