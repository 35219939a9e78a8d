/**
 * Linear GraphQL client for outbound deliveries: one mutation per action, the delivery body is
 * the variables. Linear reports failures as GraphQL `errors` (rate limits: extension code
 * RATELIMITED), sometimes with HTTP 200, sometimes with 400.
 */
import {
  classifyStatus,
  defaultFetch,
  describe,
  isRecord,
  jsonInit,
  parseRetryAfter,
  rateLimited,
  readBody,
  send,
  truncate,
} from "../../delivery/http";
import type { FetchFn, PlatformClient, SendResult } from "../../delivery/types";

export const DEFAULT_LINEAR_API_URL = "https://api.linear.app/graphql";

interface LinearAction {
  /** The mutation; its variables are the delivery body. */
  query: string;
  /** The mutation's root field, whose `success` must not be false. */
  field: string;
}

export const LINEAR_ACTIONS: Readonly<Record<string, LinearAction>> = {
  issueUpdate: {
    field: "issueUpdate",
    query:
      "mutation IssueUpdate($id: String!, $input: IssueUpdateInput!) { issueUpdate(id: $id, input: $input) { success issue { id } } }",
  },
  commentCreate: {
    field: "commentCreate",
    query:
      "mutation CommentCreate($input: CommentCreateInput!) { commentCreate(input: $input) { success comment { id } } }",
  },
  attachmentLinkURL: {
    field: "attachmentLinkURL",
    query:
      "mutation AttachmentLinkURL($issueId: String!, $url: String!, $title: String) { attachmentLinkURL(issueId: $issueId, url: $url, title: $title) { success } }",
  },
};

export interface LinearClientOptions {
  apiKey: string;
  /** `LINEAR_API_URL`; default https://api.linear.app/graphql. */
  baseUrl?: string;
  fetch?: FetchFn;
  now?: () => number;
}

export function createLinearClient(options: LinearClientOptions): PlatformClient {
  const url = options.baseUrl || DEFAULT_LINEAR_API_URL;
  const fetchFn = options.fetch ?? defaultFetch;
  const now = options.now ?? Date.now;

  return {
    async send(action, body) {
      const spec = Object.hasOwn(LINEAR_ACTIONS, action) ? LINEAR_ACTIONS[action] : undefined;
      if (spec === undefined)
        return { kind: "permanent", status: null, error: `unknown Linear action "${action}"` };
      const init = jsonInit(
        "POST",
        { Authorization: options.apiKey },
        { query: spec.query, variables: body },
      );
      const res = await send(fetchFn, url, init, [options.apiKey]);
      if (!(res instanceof Response)) return res;
      return interpret(res, spec.field, now());
    },
  };
}

interface GraphQLError {
  message: string;
  code: string | null;
}

function graphQLErrors(json: unknown): GraphQLError[] {
  if (!isRecord(json) || !Array.isArray(json.errors)) return [];
  return json.errors.filter(isRecord).map((e) => ({
    message: typeof e.message === "string" ? e.message : "unknown error",
    code: isRecord(e.extensions) && typeof e.extensions.code === "string" ? e.extensions.code : null,
  }));
}

async function interpret(res: Response, field: string, nowMs: number): Promise<SendResult> {
  const body = await readBody(res);
  const errors = graphQLErrors(body.json);
  if (errors.some((e) => e.code === "RATELIMITED")) {
    return rateLimited(res.status, "linear: RATELIMITED", resetSeconds(res, nowMs));
  }
  if (errors.length > 0 && res.status < 500) {
    const first = errors[0];
    const error = `linear: ${first?.code ? `${first.code}: ` : ""}${first?.message ?? ""}`;
    return { kind: "permanent", status: res.status, error: truncate(error) };
  }
  if (res.status < 200 || res.status >= 300) return classifyStatus(res, describe(body), nowMs);
  const data = isRecord(body.json) ? body.json.data : undefined;
  const result = isRecord(data) ? data[field] : undefined;
  if (isRecord(result) && result.success === false) {
    return { kind: "permanent", status: res.status, error: `linear: ${field} returned success=false` };
  }
  return { kind: "delivered", status: res.status };
}

/** Seconds until Linear's rate-limit window resets (`X-RateLimit-*-Reset` are epoch milliseconds). */
function resetSeconds(res: Response, nowMs: number): number | null {
  const resets = ["x-ratelimit-requests-reset", "x-ratelimit-complexity-reset"]
    .map((h) => Number(res.headers.get(h)))
    .filter((ms) => Number.isFinite(ms) && ms > 0);
  if (resets.length > 0) return (Math.max(...resets) - nowMs) / 1000;
  return parseRetryAfter(res.headers.get("retry-after"), nowMs);
}
