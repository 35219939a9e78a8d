/**
 * Linear client for outbound deliveries, over `@linear/sdk`. Plain actions are one mutation each,
 * the delivery body being its variables; composite actions (`issueMoveToStateName`) run a lookup
 * first. Failures are classified in ./graphql.ts (RATELIMITED retried after the reset, 5xx and
 * network errors retried, authentication and other GraphQL errors permanent).
 */

import type { FetchFn, PlatformClient, SendResult } from "../../platform/http-client";
import {
  DEFAULT_LINEAR_API_URL,
  type GraphQL,
  graphQL,
  type LinearCredential,
  mutationResult,
} from "./graphql";
import { ISSUE_UPDATE, moveToStateName } from "./move-state";

interface LinearAction {
  /** The mutation; its variables are the delivery body. */
  query: string;
  /** The mutation's root field, whose `success` must not be false. */
  field: string;
}

export const LINEAR_ACTIONS: Readonly<Record<string, LinearAction>> = {
  issueUpdate: { field: "issueUpdate", query: ISSUE_UPDATE },
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

/** Actions of several requests; each gets the bound GraphQL caller and the delivery body. */
export const LINEAR_COMPOSITE_ACTIONS: Readonly<
  Record<string, (gql: GraphQL, body: Record<string, unknown>) => Promise<SendResult>>
> = {
  /** Body `{issueId, stateName, unlessStateTypes?}`: see ./move-state.ts. */
  issueMoveToStateName: moveToStateName,
};

/** Exactly one of `apiKey` and `accessToken`. */
export interface LinearClientOptions {
  /** A personal API key (`LINEAR_API_KEY`), sent raw in `Authorization`. */
  apiKey?: string;
  /** An OAuth access token (an install's, `actor=app`), sent as `Authorization: Bearer`. */
  accessToken?: string;
  /** `LINEAR_API_URL`; default https://api.linear.app/graphql. */
  baseUrl?: string;
  /**
   * Not used for GraphQL requests: `@linear/sdk` always calls the global `fetch` and takes no fetch
   * function. Accepted so that `ClientDeps` can be spread in like for the other platforms.
   */
  fetch?: FetchFn;
  /** The clock for rate-limit reset hints. */
  now?: () => number;
}

/** Thrown by `createLinearClient` unless exactly one of `apiKey` and `accessToken` is given. */
export class LinearCredentialsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LinearCredentialsError";
  }
}

/** The credential of the options; throws `LinearCredentialsError` unless exactly one is set. */
function linearCredential(options: Pick<LinearClientOptions, "apiKey" | "accessToken">): LinearCredential {
  const { apiKey, accessToken } = options;
  if (apiKey && accessToken)
    throw new LinearCredentialsError("Linear client: give apiKey or accessToken, not both");
  if (apiKey) return { apiKey };
  if (accessToken) return { accessToken };
  throw new LinearCredentialsError("Linear client: apiKey or accessToken is required");
}

export function createLinearClient(options: LinearClientOptions): PlatformClient {
  const gql = graphQL({
    url: options.baseUrl || DEFAULT_LINEAR_API_URL,
    credential: linearCredential(options),
    now: options.now ?? Date.now,
  });

  return {
    async send(action, body) {
      const composite = Object.hasOwn(LINEAR_COMPOSITE_ACTIONS, action)
        ? LINEAR_COMPOSITE_ACTIONS[action]
        : undefined;
      if (composite) return composite(gql, body);
      const spec = Object.hasOwn(LINEAR_ACTIONS, action) ? LINEAR_ACTIONS[action] : undefined;
      if (spec === undefined)
        return { kind: "permanent", status: null, error: `unknown Linear action "${action}"` };
      const answer = await gql(spec.query, body);
      if (!answer.ok) return answer.result;
      return mutationResult(answer, spec.field);
    },
  };
}
