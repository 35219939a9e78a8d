/** GitHub REST client for outbound deliveries (review requests, comments, labels). */

import type { FetchFn, PlatformClient, SendResult } from "../../platform/http-client";
import {
  classifyStatus,
  defaultFetch,
  describe,
  fillPath,
  joinUrl,
  jsonInit,
  parseRetryAfter,
  type RestAction,
  rateLimited,
  readBody,
  send,
} from "../../platform/http-client";

export const DEFAULT_GITHUB_API_URL = "https://api.github.com";
export const GITHUB_API_VERSION = "2022-11-28";

/** Path parameters come from the body (`{owner}`, `{repo}`, ...); the rest is the JSON payload. */
export const GITHUB_ACTIONS: Readonly<Record<string, RestAction>> = {
  "pulls.requestReviewers": {
    method: "POST",
    path: "/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers",
  },
  "pulls.removeRequestedReviewers": {
    method: "DELETE",
    path: "/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers",
  },
  "issues.createComment": { method: "POST", path: "/repos/{owner}/{repo}/issues/{issue_number}/comments" },
  "issues.updateComment": { method: "PATCH", path: "/repos/{owner}/{repo}/issues/comments/{comment_id}" },
  "issues.addLabels": { method: "POST", path: "/repos/{owner}/{repo}/issues/{issue_number}/labels" },
  "repos.createCommitStatus": { method: "POST", path: "/repos/{owner}/{repo}/statuses/{sha}" },
  "issues.removeLabel": {
    method: "DELETE",
    path: "/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}",
  },
};

/** DELETE actions that still carry a JSON body (GitHub reads the reviewers to remove from it). */
const DELETE_WITH_BODY = new Set(["pulls.removeRequestedReviewers"]);

export interface GitHubClientOptions {
  token: string;
  /** `GITHUB_API_URL`; default https://api.github.com. */
  baseUrl?: string;
  fetch?: FetchFn;
  now?: () => number;
}

export function createGitHubClient(options: GitHubClientOptions): PlatformClient {
  const base = options.baseUrl || DEFAULT_GITHUB_API_URL;
  const fetchFn = options.fetch ?? defaultFetch;
  const now = options.now ?? Date.now;
  const headers = {
    Authorization: `Bearer ${options.token}`,
    Accept: "application/vnd.github+json",
    "X-GitHub-Api-Version": GITHUB_API_VERSION,
    "User-Agent": "foreman-bot",
  };

  return {
    async send(action, body) {
      const spec = Object.hasOwn(GITHUB_ACTIONS, action) ? GITHUB_ACTIONS[action] : undefined;
      if (spec === undefined) return permanent(`unknown GitHub action "${action}"`);
      const filled = fillPath(spec.path, body);
      if (!filled.ok) return permanent(`github ${action}: ${filled.error}`);
      const payload = spec.method === "DELETE" && !DELETE_WITH_BODY.has(action) ? null : filled.rest;
      const init = jsonInit(spec.method, headers, payload);
      const res = await send(fetchFn, joinUrl(base, filled.path), init, [options.token]);
      if (!(res instanceof Response)) return res;
      return interpret(res, now());
    },
  };
}

/**
 * Primary rate limit: 403/429 with `x-ratelimit-remaining: 0` -> wait until `x-ratelimit-reset`.
 * Secondary rate limit: 403/429 with `retry-after`, or a 429 without hints (wait at least a minute).
 */
async function interpret(res: Response, nowMs: number): Promise<SendResult> {
  const body = await readBody(res);
  const detail = describe(body);
  if (res.status !== 403 && res.status !== 429) return classifyStatus(res, detail, nowMs);
  const error = `HTTP ${res.status}: ${detail || "rate limited"}`;
  const retryAfter = parseRetryAfter(res.headers.get("retry-after"), nowMs);
  if (retryAfter !== null) return rateLimited(res.status, error, retryAfter);
  if (res.headers.get("x-ratelimit-remaining") === "0") {
    const reset = Number(res.headers.get("x-ratelimit-reset"));
    const seconds = Number.isFinite(reset) && reset > 0 ? reset - nowMs / 1000 : 60;
    return rateLimited(res.status, error, seconds);
  }
  if (res.status === 429 || /rate limit/i.test(detail)) return rateLimited(res.status, error, 60);
  return { kind: "permanent", status: res.status, error };
}

function permanent(error: string): SendResult {
  return { kind: "permanent", status: null, error };
}
