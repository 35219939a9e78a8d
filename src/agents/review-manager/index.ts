/** The Review Manager agent type: reviewer assignment and review SLAs (see docs/review-manager.md). */
import type { Env } from "../../env";
import { type Remote, remote } from "../../platform/rpc";
import type { ReviewManagerAgent } from "./agent";

export { ReviewManagerAgent } from "./agent";
export type { ActInput, ActResult, ReviewButton } from "./buttons";
export { reviewManagerConfigShape } from "./config";
export type { AssignNowOutcome, AssignNowResult } from "./manual";
export type { NudgeNowResult } from "./nudge";

/** A Review Manager agent by id, with its RPC methods (`reviewQueue`, `assignNow`, `act`, ...). */
export function reviewManagerAgent(env: Env, agentId: string): Remote<ReviewManagerAgent> {
  return remote<ReviewManagerAgent>(env.REVIEW_MANAGER.getByName(agentId));
}
