/**
 * Scheduled digests, run by the Cron Trigger (every 5 minutes, UTC): for each tenant's channel
 * schedule, `dueSlot` (src/domain/digest-schedule.ts) says which slot to post; the digest is posted
 * with the delivery key `digest:slot:<platform>:<channelId>:<slotMs>`, so a repeated or concurrent
 * run posts once even before the slot is recorded, and then the slot is recorded in TenantSettings.
 * One tenant's or channel's failure is logged and never stops the others.
 */

import { dueSlot } from "../domain/digest-schedule";
import type { Env } from "../env";
import { logger } from "../observability/logger";
import { errorMessage } from "../platform/errors";
import { correlationId } from "../platform/ids";
import type { DigestSlotState } from "../settings/store";
import { settings } from "../settings/stub";
import { directory } from "../tenants/stub";
import { postChannelDigest } from "./gather";

export interface DigestRunResult {
  /** Digests posted (enqueued). */
  posted: number;
  /** Due slots not posted: nothing to post (no linked repository, no Review Manager) or a failure. */
  skipped: number;
  /** Slots that will never be posted (older than the catch-up window, or superseded). */
  missed: number;
}

export async function runDueDigests(env: Env, nowMs: number): Promise<DigestRunResult> {
  const result: DigestRunResult = { posted: 0, skipped: 0, missed: 0 };
  let tenants: string[];
  try {
    tenants = (await directory(env).listTenants()).map((t) => t.id);
  } catch (err) {
    logError("digest cron: listing tenants failed", { error: errorMessage(err) });
    return result;
  }
  for (const tenant of tenants) {
    try {
      const slots = await settings(env, tenant).digestSlots();
      for (const state of slots) await runChannel(env, tenant, state, nowMs, result);
    } catch (err) {
      logError("digest cron: tenant failed", { tenant, error: errorMessage(err) });
    }
  }
  return result;
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
