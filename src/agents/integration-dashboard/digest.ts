/**
 * What a channel's digest reads from the review metrics: PRs merged in the last 24 h and the
 * repository with the slowest median time to first review over the last 7 days, both kept to the
 * channel's repositories. Best effort: without an Integration Dashboard, or when it fails, both are
 * null (the digest leaves those parts out) — a digest never fails over metrics.
 */

import type { SlowestRepo } from "../../domain/review-metrics";
import { HOUR_MS } from "../../domain/time";
import type { Env } from "../../env";
import { logger } from "../../observability/logger";
import { errorMessage } from "../../platform/errors";
import { findIntegrationDashboard } from "./find";
import type { MergedPr } from "./store";

export interface DigestMetrics {
  merged24h: MergedPr[] | null;
  slowestRepo: SlowestRepo | null;
}

const NONE: DigestMetrics = { merged24h: null, slowestRepo: null };

export async function digestMetrics(
  env: Env,
  tenant: string,
  repos: readonly string[],
  nowMs: number,
): Promise<DigestMetrics> {
  try {
    const agent = await findIntegrationDashboard(env, tenant);
    if (!agent) return NONE;
    const [merged, slowest] = await Promise.all([
      agent.mergedSince({ sinceMs: nowMs - 24 * HOUR_MS, repos: [...repos] }),
      agent.slowestRepo({ nowMs, repos: [...repos] }),
    ]);
    return {
      merged24h: merged.ok ? merged.value.filter((m) => m.mergedAtMs <= nowMs) : null,
      slowestRepo: slowest.ok ? slowest.value : null,
    };
  } catch (err) {
    const error = errorMessage(err);
    logger("integration-dashboard").warn("digest metrics unavailable", { tenant, error });
    return NONE;
  }
}
