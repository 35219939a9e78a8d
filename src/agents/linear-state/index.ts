/** The linear-state agent type: class, RPC result shapes and a typed stub for other agents. */
import type { Env } from "../../env";
import { type Remote, remote } from "../../platform/rpc";
import type { LinearStateAgent } from "./agent";

export { LinearStateAgent } from "./agent";
export { LinearStateConfig, linearStateConfigShape } from "./config";
export type {
  IssueSnapshot,
  LinkedIssue,
  PrIssueLink,
  PrRecord,
  PrState,
  StateMove,
  Transition,
} from "./types";

/** A linear-state agent by id, with its RPC methods (`linksForPr`, `issuesForPr`, `prsForIssue`). */
export function linearStateAgent(env: Env, agentId: string): Remote<LinearStateAgent> {
  return remote<LinearStateAgent>(env.LINEAR_STATE.getByName(agentId));
}
