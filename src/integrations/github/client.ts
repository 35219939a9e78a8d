/**
 * GitHub REST client for outbound deliveries (review requests, comments, labels, statuses), on
 * `@octokit/rest`. Octokit runs bare: no retry or throttling plugins — the delivery queue retries,
 * and the failure classification below tells it when. Every request goes through the injected
 * fetch, with a timeout, and with `Authorization: Bearer <token>` where the token is either fixed
 * (`GITHUB_TOKEN`) or minted per send (a GitHub App installation token, `app-auth.ts`).
 */

import { Octokit } from "@octokit/rest";
import { errorText } from "../../platform/errors";
import {
  clampDelay,
  defaultFetch,
  describe,
  type FetchFn,
  isRecord,
  type PlatformClient,
  parseRetryAfter,
  REQUEST_TIMEOUT_MS,
  rateLimited,
  type SendResult,
  scrub,
  truncate,
} from "../../platform/http-client";

export const DEFAULT_GITHUB_API_URL = "https://api.github.com";
export const GITHUB_API_VERSION = "2022-11-28";
export const GITHUB_USER_AGENT = "foreman-bot";
const GITHUB_JSON = "application/vnd.github+json";
const OCTOKIT_DEFAULT_ACCEPT = "application/vnd.github.v3+json";

type Params = Record<string, unknown>;

/**
 * Action name (as octokit's REST method, `octokit.rest.<scope>.<method>`) -> its route, sent with
 * `octokit.request` as that method would. Path parameters come from the body and are checked before
 * the call (`missingPathParam`); the rest goes to GitHub as it was decided.
 */
export const GITHUB_ACTIONS: Readonly<Record<string, string>> = {
  "pulls.requestReviewers": "POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers",
  "pulls.removeRequestedReviewers": "DELETE /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers",
  "issues.createComment": "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
  "issues.updateComment": "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}",
  "issues.addLabels": "POST /repos/{owner}/{repo}/issues/{issue_number}/labels",
  "repos.createCommitStatus": "POST /repos/{owner}/{repo}/statuses/{sha}",
  "issues.removeLabel": "DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}",
};

/** Keys octokit reads as request options, not parameters: a body must not redirect or re-head the request. */
const RESERVED_KEYS = ["baseUrl", "headers", "mediaType", "method", "request", "url", "data"];

/** A fixed token, or a function minting one (called once per send: an installation token). */
export type GitHubAuth = string | (() => Promise<string>);

export interface GitHubClientOptions {
  auth: GitHubAuth;
  /** `GITHUB_API_URL`; default https://api.github.com. */
  baseUrl?: string;
  fetch?: FetchFn;
  now?: () => number;
}

export interface GitHubOctokitOptions {
  /** Sent as `Authorization: Bearer <token>`; none: anonymous. */
  token?: string | undefined;
  baseUrl?: string | undefined;
  fetch?: FetchFn | undefined;
  /** Per request (each page of a paginated read gets its own); default REQUEST_TIMEOUT_MS. */
  timeoutMs?: number;
}

/**
 * A bare Octokit (no retry or throttling): the injected fetch, `baseUrl`, user agent `foreman-bot`, a
 * timeout per request, the API version header, and the token as a Bearer header when one is given.
 */
export function githubOctokit(options: GitHubOctokitOptions): Octokit {
  const fetchFn = options.fetch ?? defaultFetch;
  const octokit = new Octokit({
    baseUrl: (options.baseUrl || DEFAULT_GITHUB_API_URL).replace(/\/+$/, ""),
    userAgent: GITHUB_USER_AGENT,
    request: { fetch: (url: string, init?: RequestInit) => fetchFn(url, init), redirect: "manual" },
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });
  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  const token = options.token;
  octokit.hook.before("request", (req) => {
    // Fresh objects: the nested ones may be shared with octokit's defaults.
    const auth = token ? { authorization: `Bearer ${token}` } : {};
    // GitHub's current default media type instead of octokit's legacy `v3` one (others, e.g. raw, stay).
    const accept = req.headers.accept === OCTOKIT_DEFAULT_ACCEPT ? GITHUB_JSON : req.headers.accept;
    req.headers = { ...req.headers, accept, "x-github-api-version": GITHUB_API_VERSION, ...auth };
    req.request = { ...req.request, signal: AbortSignal.timeout(timeoutMs) };
  });
  return octokit;
}

export function createGitHubClient(options: GitHubClientOptions): PlatformClient {
  const auth = options.auth;
  const now = options.now ?? Date.now;
  const mint = typeof auth === "string" ? async () => auth : auth;

  return {
    async send(action, body) {
      const route = Object.hasOwn(GITHUB_ACTIONS, action) ? GITHUB_ACTIONS[action] : undefined;
      if (route === undefined) return permanent(`unknown GitHub action "${action}"`);
      const reserved = RESERVED_KEYS.find((k) => Object.hasOwn(body, k));
      if (reserved !== undefined) return permanent(`github ${action}: "${reserved}" is not a parameter`);
      const missing = missingPathParam(route, body);
      if (missing !== null) return permanent(`github ${action}: missing path parameter "${missing}" in body`);
      let token: string;
      try {
        token = await mint();
      } catch (err) {
        return authFailure(err);
      }
      try {
        const octokit = githubOctokit({ token, baseUrl: options.baseUrl, fetch: options.fetch });
        const res = await octokit.request(route, body);
        return { kind: "delivered", status: res.status };
      } catch (err) {
        return classifyGitHubError(err, now(), [token, typeof auth === "string" ? auth : undefined]);
      }
    },
  };
}

/** The first `{param}` of `route` that `body` lacks (or has empty), or null. */
function missingPathParam(route: string, body: Params): string | null {
  for (const [, name] of route.matchAll(/\{(\w+)\}/g)) {
    const value = name === undefined ? undefined : body[name];
    if ((typeof value !== "string" || value === "") && typeof value !== "number") return name ?? "?";
  }
  return null;
}

/** What octokit throws for an answered request (`RequestError`) or a failed one (no `response`). */
export interface OctokitFailure {
  status: number;
  message: string;
  response?: { status: number; headers: Record<string, string | number | undefined>; data: unknown };
}

export function isOctokitFailure(err: unknown): err is OctokitFailure {
  return err instanceof Error && "status" in err && typeof err.status === "number";
}

/**
 * Octokit's failures as a send result. No response: a network failure or timeout (retry). Primary rate
 * limit: 403/429 with `x-ratelimit-remaining: 0` -> wait until `x-ratelimit-reset`. Secondary: 403/429
 * with `retry-after`, or a 429 (or "rate limit" text) without hints (wait a minute). Other 5xx / 408
 * retry; other 4xx are permanent. `secrets` never reach the error text.
 */
function classifyGitHubError(err: unknown, nowMs: number, secrets: Array<string | undefined>): SendResult {
  const response = isOctokitFailure(err) ? err.response : undefined;
  if (response === undefined) {
    const error = truncate(scrub(`network error: ${errorText(err)}`, secrets));
    return { kind: "retry", status: null, error };
  }
  const status = response.status;
  const detail = scrub(describe(bodyOf(response.data)), secrets);
  const header = (name: string): string | null => {
    const value = response.headers[name];
    return value === undefined ? null : String(value);
  };
  const error = truncate(detail ? `HTTP ${status}: ${detail}` : `HTTP ${status}`);
  if (status === 403 || status === 429) {
    const limited = truncate(`HTTP ${status}: ${detail || "rate limited"}`);
    const retryAfter = parseRetryAfter(header("retry-after"), nowMs);
    if (retryAfter !== null) return rateLimited(status, limited, retryAfter);
    if (header("x-ratelimit-remaining") === "0") {
      const reset = Number(header("x-ratelimit-reset"));
      const seconds = Number.isFinite(reset) && reset > 0 ? reset - nowMs / 1000 : 60;
      return { kind: "retry", status, error: limited, retryAfterSeconds: clampDelay(seconds) };
    }
    if (status === 429 || /rate limit/i.test(detail)) return rateLimited(status, limited, 60);
    return { kind: "permanent", status, error };
  }
  if (status === 408 || status >= 500) return { kind: "retry", status, error };
  return { kind: "permanent", status, error };
}

/** Octokit's parsed response data as the `{text, json}` that `describe` reads. */
function bodyOf(data: unknown): { text: string; json: unknown } {
  if (typeof data === "string") {
    try {
      return { text: data, json: data === "" ? undefined : JSON.parse(data) };
    } catch {
      return { text: data, json: undefined };
    }
  }
  if (isRecord(data) || Array.isArray(data)) return { text: JSON.stringify(data), json: data };
  return { text: "", json: undefined };
}

/**
 * Minting the token failed: GitHub's 5xx / 429 / no answer retry; a refusal (401: bad JWT, 404: the
 * App is not installed there any more) or an unusable key (`GitHubAppConfigError`) is permanent.
 */
function authFailure(err: unknown): SendResult {
  const status = isOctokitFailure(err) ? err.status : null;
  const error = truncate(`github auth: ${errorText(err)}`);
  const configError = err instanceof Error && err.name === "GitHubAppConfigError";
  const transient = status === null ? !configError : status === 408 || status === 429 || status >= 500;
  return transient ? { kind: "retry", status, error } : { kind: "permanent", status, error };
}

function permanent(error: string): SendResult {
  return { kind: "permanent", status: null, error };
}
