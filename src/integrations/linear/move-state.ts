/**
 * `issueMoveToStateName`: moves an issue to the workflow state of its team with a given name.
 *
 * `issueUpdate` takes a state id, and ids differ per team, so the action first looks the issue up
 * (by id or identifier: `issue(id: "ENG-123")` accepts both) with its current state and the states
 * of the issue's own team named `stateName` (case-insensitive), then updates the issue. Both steps
 * run in the delivery consumer: a rate limit on either is retried, and the whole action is safe to
 * repeat (a lookup, then setting the same state). Skips (delivered, no mutation): the issue is in
 * that state already, or its current state type is one of `unlessStateTypes`.
 */
import { z } from "zod";
import type { SendResult } from "../../platform/http-client";
import { type GraphQL, mutationResult } from "./graphql";

export const ISSUE_STATE_LOOKUP =
  "query IssueStateLookup($issueId: String!, $stateName: String!) { issue(id: $issueId) { id identifier state { id name type } team { key states(filter: { name: { eqIgnoreCase: $stateName } }) { nodes { id name type } } } } }";

export const ISSUE_UPDATE =
  "mutation IssueUpdate($id: String!, $input: IssueUpdateInput!) { issueUpdate(id: $id, input: $input) { success issue { id } } }";

/** Workflow state types (`triage`, `backlog`, `unstarted`, `started`, `completed`, `canceled`). */
const StateType = z.string().min(1).max(40);

/** The delivery body of `issueMoveToStateName`. */
export const MoveToStateNameInput = z
  .object({
    /** Issue UUID or identifier (`ENG-123`). */
    issueId: z.string().min(1).max(100),
    stateName: z.string().trim().min(1).max(100),
    /** Leave the issue alone while its current state has one of these types. */
    unlessStateTypes: z.array(StateType).max(10).optional(),
  })
  .strict();
export type MoveToStateNameInput = z.infer<typeof MoveToStateNameInput>;

const State = z.looseObject({ id: z.string().min(1), name: z.string(), type: z.string() });
const Lookup = z.looseObject({
  issue: z
    .looseObject({
      id: z.string().min(1),
      identifier: z.string().nullish(),
      state: State.nullish(),
      team: z.looseObject({ key: z.string(), states: z.looseObject({ nodes: z.array(State) }) }),
    })
    .nullish(),
});

const permanent = (error: string, status: number | null = null): SendResult => ({
  kind: "permanent",
  status,
  error,
});

export async function moveToStateName(gql: GraphQL, body: Record<string, unknown>): Promise<SendResult> {
  const input = MoveToStateNameInput.safeParse(body);
  if (!input.success) {
    const issue = input.error.issues[0];
    return permanent(`linear: issueMoveToStateName: ${issue?.path.join(".") || "body"}: ${issue?.message}`);
  }
  const { issueId, stateName, unlessStateTypes = [] } = input.data;
  const lookup = await gql(ISSUE_STATE_LOOKUP, { issueId, stateName });
  if (!lookup.ok) return lookup.result;
  const parsed = Lookup.safeParse(lookup.data);
  if (!parsed.success) return permanent("linear: unexpected IssueStateLookup answer", lookup.status);
  const issue = parsed.data.issue;
  if (!issue) return permanent(`linear: issue ${issueId} not found`, lookup.status);

  const wanted = stateName.toLowerCase();
  const candidates = issue.team.states.nodes.filter((s) => s.name.toLowerCase() === wanted);
  const target = candidates.find((s) => s.name === stateName) ?? candidates[0];
  if (!target) {
    return permanent(`linear: team ${issue.team.key} has no workflow state "${stateName}"`, lookup.status);
  }
  const current = issue.state;
  if (current && (current.id === target.id || unlessStateTypes.includes(current.type))) {
    return { kind: "delivered", status: lookup.status };
  }
  const update = await gql(ISSUE_UPDATE, { id: issue.id, input: { stateId: target.id } });
  if (!update.ok) return update.result;
  return mutationResult(update, "issueUpdate");
}
