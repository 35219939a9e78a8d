/**
 * The tenant's review queue as the read routes give it (`GET /api/reviews`, `GET /api/predictions`):
 * from the live Review Manager, found without starting one, each item with its worst SLA state and
 * earliest breach time.
 */
import { coordinator } from "../agents/coordinator/stub";
import type { AgentSnapshot } from "../agents/model";
import { reviewManagerAgent } from "../agents/review-manager";
import { countsOf, worstState } from "../agents/review-manager/model/queue";
import type { Env } from "../env";
import { unwrap } from "../platform/errors";

const NO_COUNTS = { breached: 0, atRisk: 0 };

/**
 * The Review Manager the queue comes from, found without starting one (unlike findReviewManager,
 * a read does not spawn): the Coordinator's `liveAgent`.
 */
export async function currentReviewManager(env: Env, tenant: string): Promise<AgentSnapshot | null> {
  return unwrap(await coordinator(env, tenant).liveAgent("review-manager"));
}

export async function reviewQueue(env: Env, tenant: string, page: { offset?: number; limit?: number } = {}) {
  const agent = await currentReviewManager(env, tenant);
  if (!agent) {
    return { nowMs: Date.now(), reviewManager: null, items: [], total: 0, offset: 0, counts: NO_COUNTS };
  }
  const queue = unwrap(await reviewManagerAgent(env, agent.agentId).reviewQueue(page));
  const { nowMs, items } = queue;
  const { breached, atRisk } = queue.counts ?? countsOf(items);
  return {
    nowMs,
    total: queue.total ?? items.length,
    offset: queue.offset ?? 0,
    // One SQL aggregate over the whole queue (queue-index.ts), whatever the page: the Overview's counts.
    counts: { breached, atRisk },
    reviewManager: { agentId: agent.agentId, status: agent.status },
    items: items.map((item) => {
      const due = item.reviewers.filter((r) => !r.paused && r.dueAtMs !== null).map((r) => r.dueAtMs ?? 0);
      return { ...item, state: worstState(item), dueAtMs: due.length ? Math.min(...due) : null };
    }),
  };
}
