/**
 * Scheduled digests, run by the Cron Trigger (every 5 minutes, UTC). The Directory's cron index
 * answers the tenants whose next digest fire has come (src/tenants/cron-index.ts: one indexed query,
 * at most `CRON_PAGE` tenants, visited `CRON_CONCURRENCY` at a time); tenants with nothing due are
 * not called. For each channel schedule of a due tenant, `dueSlot` (src/domain/digest-schedule.ts)
 * says which slot to post; the digest is posted with the delivery key
 * `digest:slot:<platform>:<channelId>:<slotMs>`, so a repeated or concurrent run posts once even
 * before the slot is recorded, and then the slot is recorded in TenantSettings. The visit ends by
 * TenantSettings telling the index its next fire (`syncDigestIndex`). One tenant's or channel's
 * failure is logged and never stops the others (the tenant stays due: the next run tries again).
 */

import { dueSlot } from "../domain/digest-schedule";
import type { Env } from "../env";
import { logger } from "../observability/logger";
import { errorMessage } from "../platform/errors";
import { correlationId } from "../platform/ids";
import type { DigestSlotState } from "../settings/store";
import { settings } from "../settings/stub";
import { type CronRunOptions, visitDueTenants } from "../tenants/cron-run";
import { postChannelDigest } from "./gather";

export interface DigestRunResult {
  /** Digests posted (enqueued). */
  posted: number;
  /** Due slots not posted: nothing to post (no linked repository, no Review Manager) or a failure. */
  skipped: number;
  /** Slots that will never be posted (older than the catch-up window, or superseded). */
  missed: number;
  /** Tenants the cron index had due (each visited once). */
  tenants: number;
  /** Tenants whose visit failed (logged; still due for the next run). */
  failed: number;
}

export async function runDueDigests(
  env: Env,
  nowMs: number,
  options: CronRunOptions = {},
): Promise<DigestRunResult> {
  const result: DigestRunResult = { posted: 0, skipped: 0, missed: 0, tenants: 0, failed: 0 };
  try {
    const run = await visitDueTenants(env, "digest", nowMs, (t) => runTenant(env, t, nowMs, result), options);
    result.tenants = run.tenants.length;
    result.failed = run.failures.length;
    if (run.backfilled > 0) log.info("digest cron: index backfilled", { tenants: run.backfilled });
    for (const { tenant, error } of run.failures) {
      logError("digest cron: tenant failed", { tenant, error: errorMessage(error) });
    }
  } catch (err) {
    logError("digest cron: reading the cron index failed", { error: errorMessage(err) });
  }
  return result;
}

/** One due tenant: each channel's due slot, then the tenant's next fire told to the index. */
async function runTenant(env: Env, tenant: string, nowMs: number, result: DigestRunResult): Promise<void> {
  const store = settings(env, tenant);
  const slots = await store.digestSlots();
  for (const state of slots) await runChannel(env, tenant, state, nowMs, result);
  await store.syncDigestIndex();
}

async function runChannel(
  env: Env,
  tenant: string,
  { schedule, lastPostedSlotMs }: DigestSlotState,
  nowMs: number,
  result: DigestRunResult,
): Promise<void> {
  const { channel } = schedule;
  const where = { tenant, platform: channel.platform, channelId: channel.channelId };
  try {
    const due = dueSlot(schedule, nowMs, lastPostedSlotMs);
    const store = settings(env, tenant);
    if (due.missed.length > 0) {
      result.missed += due.missed.length;
      const missed = due.missed.map((ms) => new Date(ms).toISOString());
      log.warn("digest slots missed", { ...where, missed });
    }
    if (due.slotMs === null) {
      // Marks the missed slots handled, so each is logged once.
      const newestMissed = due.missed.at(-1);
      if (newestMissed !== undefined) await store.markDigestPosted(channel, newestMissed);
      return;
    }
    const cid = correlationId();
    const built = await postChannelDigest(env, tenant, channel, {
      key: `digest:slot:${channel.platform}:${channel.channelId}:${due.slotMs}`,
      correlationId: cid,
      nowMs,
    });
    if (built.digest) result.posted++;
    else {
      result.skipped++;
      log.info("digest skipped", { ...where, correlationId: cid, reason: built.answer.text });
    }
    // Recorded either way: a slot with nothing to post is not retried every 5 minutes.
    await store.markDigestPosted(channel, due.slotMs);
  } catch (err) {
    result.skipped++;
    logError("digest cron: channel failed", { ...where, error: errorMessage(err) });
  }
}

const log = logger("digest.cron");

function logError(msg: string, fields: Record<string, string>): void {
  log.error(msg, fields);
}
