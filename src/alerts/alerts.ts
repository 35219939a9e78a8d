/**
 * The scheduled health check (Cron Trigger, every 5 minutes): for each tenant — at most
 * `MAX_TENANTS_PER_RUN` per run, rotating through the Directory's list when there are more — the
 * tenant's Metrics object counts delivery failures, dead letters and SLA breaches over the last hour
 * and opens or resolves incidents against the thresholds (src/domain/alert-rules.ts). Each incident's
 * alert, and later its all-clear, goes to the tenant's ops channel once: the delivery key
 * `alert:<tenant>:<rule>:<incident>` makes a retried or concurrent run post once, and the incident
 * is marked notified only after the post was handed to the delivery queue (a failed post is retried
 * on the next run). One tenant's failure never stops the others; this never throws.
 */

import { postToChannel } from "../chat/post";
import { type AlertThreshold, alertKey, thresholdsFrom } from "../domain/alert-rules";
import type { Env } from "../env";
import { logger } from "../observability/logger";
import { metrics } from "../observability/stub";
import { errorMessage } from "../platform/errors";
import { correlationId } from "../platform/ids";
import { directory } from "../tenants/stub";
import { opsChannelFor } from "./channel";
import { alertOpened, alertResolved } from "./message";

const log = logger("observability.alerts");

/** Tenants checked per run; with more, each run takes the next slice. */
export const MAX_TENANTS_PER_RUN = 100;
/** The cron interval: consecutive runs take consecutive slices. */
const RUN_INTERVAL_MS = 5 * 60 * 1000;

export interface AlertRunResult {
  checked: number;
  opened: number;
  resolved: number;
  /** Alerts and all-clears handed to the delivery queue. */
  posted: number;
  /** Notices waiting because the tenant has no ops channel. */
  unrouted: number;
  /** Tenants whose check failed (logged). */
  failed: number;
}

/** The slice of `tenants` this run checks (all of them when they fit). */
export function tenantsForRun(
  tenants: readonly string[],
  nowMs: number,
  max = MAX_TENANTS_PER_RUN,
): string[] {
  if (tenants.length <= max) return [...tenants];
  const start = (Math.floor(nowMs / RUN_INTERVAL_MS) * max) % tenants.length;
  return Array.from({ length: max }, (_, i) => tenants[(start + i) % tenants.length] ?? "");
}

export async function runAlertChecks(
  env: Env,
  nowMs: number,
  maxTenants = MAX_TENANTS_PER_RUN,
): Promise<AlertRunResult> {
  const result: AlertRunResult = { checked: 0, opened: 0, resolved: 0, posted: 0, unrouted: 0, failed: 0 };
  let tenants: string[];
  try {
    tenants = (await directory(env).listTenants()).map((t) => t.id);
  } catch (err) {
    log.error("alert check: listing tenants failed", { error: errorMessage(err) });
    return result;
  }
  const thresholds = thresholdsFrom(env as unknown as Record<string, unknown>);
  for (const tenant of tenantsForRun(tenants, nowMs, maxTenants)) {
    try {
      await checkTenant(env, tenant, thresholds, nowMs, result);
      result.checked++;
    } catch (err) {
      result.failed++;
      log.error("alert check: tenant failed", { tenant, error: errorMessage(err) });
    }
  }
  return result;
}

async function checkTenant(
  env: Env,
  tenant: string,
  thresholds: AlertThreshold[],
  nowMs: number,
  result: AlertRunResult,
): Promise<void> {
  const rollup = metrics(env, tenant);
  const check = await rollup.checkAlerts({ nowMs, thresholds });
  for (const t of check.transitions) {
    if (t.type === "opened") {
      result.opened++;
      log.warn("alert opened", {
        tenant,
        rule: t.rule,
        incident: t.incident.seq,
        value: t.incident.lastValue,
      });
    } else if (t.type === "resolved") {
      result.resolved++;
      log.info("alert resolved", {
        tenant,
        rule: t.rule,
        incident: t.incident.seq,
        value: t.incident.lastValue,
      });
    }
  }
  if (check.pending.length === 0) return;
  const channel = await opsChannelFor(env, tenant);
  if (!channel) {
    result.unrouted += check.pending.length;
    log.warn("alert not posted: no ops channel (`/foreman link ops` or OPS_CHANNEL)", {
      tenant,
      rules: check.pending.map((i) => i.rule).join(","),
    });
    return;
  }
  const windowOf = (rule: string) => thresholds.find((t) => t.rule === rule)?.windowMs ?? 0;
  for (const incident of check.pending) {
    const notice = incident.status === "open" ? "opened" : "resolved";
    const build = notice === "opened" ? alertOpened : alertResolved;
    await postToChannel(env, tenant, channel, build(tenant, incident, windowOf(incident.rule)), {
      key: alertKey(tenant, incident.rule, incident.seq, notice),
      correlationId: correlationId(),
    });
    await rollup.markNotified({ rule: incident.rule, seq: incident.seq, notice });
    result.posted++;
  }
}
