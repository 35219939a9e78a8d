/**
 * Linear GraphQL client for outbound deliveries. Plain actions are one mutation each, the delivery
 * body being its variables; composite actions (`issueMoveToStateName`) run a lookup first. Failures
 * are classified in ./graphql.ts (RATELIMITED retried, other GraphQL errors permanent).
 */

import type { FetchFn, PlatformClient, SendResult } from "../../platform/http-client";
import { defaultFetch } from "../../platform/http-client";
import { type GraphQL, graphQL, mutationResult } from "./graphql";
import { ISSUE_UPDATE, moveToStateName } from "./move-state";

export const DEFAULT_LINEAR_API_URL = "https://api.linear.app/graphql";

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

export interface LinearClientOptions {
  apiKey: string;
  /** `LINEAR_API_URL`; default https://api.linear.app/graphql. */
  baseUrl?: string;
  fetch?: FetchFn;
  now?: () => number;
}

export function createLinearClient(options: LinearClientOptions): PlatformClient {
  const gql = graphQL({
    url: options.baseUrl || DEFAULT_LINEAR_API_URL,
    apiKey: options.apiKey,
    fetch: options.fetch ?? defaultFetch,
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
