/** Finding the tenant's Review Manager from outside it: chat commands, the digest, the REST API. */
import type { Env } from "../../env";
import { logger } from "../../observability/logger";
import { errorMessage, unwrap } from "../../platform/errors";
import type { Remote } from "../../platform/rpc";
import { standingAgentsOf } from "../coordinator/standing-cache";
import { coordinator } from "../coordinator/stub";
import type { CallMeta } from "../model";
import type { ReviewManagerAgent } from "./agent";
import { reviewManagerAgent } from "./index";

/** A Review Manager agent over RPC. */
export type ReviewManager = Remote<ReviewManagerAgent>;

/** What to say when there is none. */
export const NO_REVIEW_MANAGER =
  "No Review Manager is running in this workspace: it starts when a repository is linked (`/foreman link github owner/repo`), or with `/foreman agent spawn review-manager`.";

/**
 * The tenant's Review Manager: the standing one (the Coordinator starts it if missing), else (the
 * Coordinator could not start it) the live one `liveAgent` picks; null when there is none.
 */
export async function findReviewManager(
  env: Env,
  tenant: string,
  meta: CallMeta,
): Promise<ReviewManager | null> {
  const coord = coordinator(env, tenant);
  let agentId: string | undefined;
  try {
    const standing = await standingAgentsOf(env, tenant, meta);
    if (standing.ok) agentId = standing.value["review-manager"];
  } catch (err) {
    const error = errorMessage(err);
    logger("review-manager").warn("standing agents unavailable", {
      tenant,
      correlationId: meta.correlationId,
      error,
    });
  }
  agentId ??= unwrap(await coord.liveAgent("review-manager"))?.agentId;
  return agentId ? reviewManagerAgent(env, agentId) : null;
}
