/**
 * Gathering insights (docs/insights.md) for `GET /api/insights` and `/foreman insights`: the open
 * reviews and `capacity` from the tenant's live Review Manager (its queue, as `GET /api/reviews` reads
 * it), the stages per repository and review quality from the live Integration Dashboard's facts; put
 * together by src/domain/insights.ts. Reads only: no agent is started, and a tenant without either
 * agent gets that part empty. Two Coordinator lookups and two agent calls per request, in parallel,
 * whatever the size of the team.
 */
import { buildInsights, type Insights } from "../../domain/insights";
import { reviewQuality } from "../../domain/review-quality";
import type { Env } from "../../env";
import { unwrap } from "../../platform/errors";
import { coordinator } from "../coordinator/stub";
import type { AgentSnapshot, AgentStatus } from "../model";
import { reviewManagerAgent } from "../review-manager";
import { reviewConfigOf } from "../review-manager/config";
import { openReviews } from "../review-manager/queue-view";
import { integrationDashboard } from "./find";

export interface InsightsQuery {
  /** 7-day windows ending now (1-12). */
  weeks: number;
  /** Only this repository (`owner/repo`, any case). */
  repo?: string;
  /** The dashboard's "now" (its own clock when absent). */
  nowMs?: number;
}

type Source = { agentId: string; status: AgentStatus } | null;

export interface InsightsAnswer extends Insights {
  /** The agents asked; null when the tenant has none of that type. */
  sources: { reviewManager: Source; integrationDashboard: Source };
}

const source = (a: AgentSnapshot | null): Source => (a ? { agentId: a.agentId, status: a.status } : null);

export async function gatherInsights(
  env: Env,
  tenant: string,
  query: InsightsQuery,
): Promise<InsightsAnswer> {
  const coord = coordinator(env, tenant);
  const [rm, dash] = await Promise.all([
    coord.liveAgent("review-manager").then(unwrap),
    coord.liveAgent("integration-dashboard").then(unwrap),
  ]);
  const { weeks, repo } = query;
  const [queue, facts] = await Promise.all([
    rm ? reviewManagerAgent(env, rm.agentId).reviewQueue({}).then(unwrap) : null,
    dash
      ? integrationDashboard(env, dash.agentId)
          .insights({
            weeks,
            ...(repo ? { repo } : {}),
            ...(query.nowMs !== undefined ? { nowMs: query.nowMs } : {}),
          })
          .then(unwrap)
      : null,
  ]);
  const nowMs = query.nowMs ?? Date.now();
  const insights = buildInsights({
    nowMs,
    weeks,
    capacity: rm ? reviewConfigOf(rm.config).capacity : null,
    open: queue ? openReviews(queue.items, repo) : [],
    repos: facts?.repos ?? [],
    quality: facts?.quality ?? reviewQuality([], { fromMs: nowMs, toMs: nowMs, clock: () => 0 }),
  });
  return { ...insights, sources: { reviewManager: source(rm), integrationDashboard: source(dash) } };
}
