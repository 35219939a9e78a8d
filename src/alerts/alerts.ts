/**
 * The scheduled health check (Cron Trigger, every 5 minutes). The Directory's cron index answers the
 * tenants due for a check (src/tenants/cron-index.ts: one indexed query, at most `CRON_PAGE` per run,
 * least recently checked first, `CRON_CONCURRENCY` at a time): a tenant is due from the moment its
 * Metrics object records something an alert rule counts (a delivery retried or dead, an SLA breach)
 * until a check finds its window clean and no incident open or unannounced
 * (src/observability/check-index.ts). Tenants with nothing to check are not called.
 *
 * For a due tenant, its Metrics object counts delivery failures, dead letters and SLA breaches over
 * the last hour and opens or resolves incidents against the thresholds (src/domain/alert-rules.ts).
 * Each incident's alert, and later its all-clear, goes to the tenant's ops channel once: the delivery
 * key `alert:<tenant>:<rule>:<incident>` makes a retried or concurrent run post once, and the incident
 * is marked notified only after the post was handed to the delivery queue (a failed post is retried
 * on the next run: the tenant stays due while a notice is unposted). One tenant's failure never stops
 * the others; this never throws.
 */

import { postToChannel } from "../chat/post";
import { type AlertThreshold, alertKey, thresholdsFrom } from "../domain/alert-rules";
import type { Env } from "../env";
import { logger } from "../observability/logger";
import { metrics } from "../observability/stub";
import { errorMessage } from "../platform/errors";
import { correlationId } from "../platform/ids";
import { CRON_PAGE, visitDueTenants } from "../tenants/cron-run";
import { opsChannelFor } from "./channel";
import { alertOpened, alertResolved } from "./message";

const log = logger("observability.alerts");

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
  /** Checked tenants found with nothing left to check (no longer due). */
  cleared: number;
}

export async function runAlertChecks(
  env: Env,
  nowMs: number,
  maxTenants = CRON_PAGE,
): Promise<AlertRunResult> {
  const result: AlertRunResult = {
    checked: 0,
    opened: 0,
    resolved: 0,
    posted: 0,
    unrouted: 0,
    failed: 0,
    cleared: 0,
  };
  const thresholds = thresholdsFrom(env as unknown as Record<string, unknown>);
  try {
    const run = await visitDueTenants(
      env,
      "alerts",
      nowMs,
      async (tenant) => {
        await checkTenant(env, tenant, thresholds, nowMs, result);
        result.checked++;
      },
      { limit: maxTenants },
    );
    if (run.backfilled > 0) log.info("alert check: index backfilled", { tenants: run.backfilled });
    result.failed = run.failures.length;
    for (const { tenant, error } of run.failures) {
      log.error("alert check: tenant failed", { tenant, error: errorMessage(error) });
    }
  } catch (err) {
    log.error("alert check: reading the cron index failed", { error: errorMessage(err) });
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
  if (!check.watching) result.cleared++;
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
