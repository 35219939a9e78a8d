/**
 * TenantSettings' digest schedules and the slots the digest cron handled, and the tenant's row in the
 * Directory's cron index (src/tenants/cron-index.ts): the earliest next fire over its channels
 * (`nextFireAt`, src/domain/digest-schedule.ts). Every change — a schedule set or cleared, a slot
 * posted or marked missed — keeps the new time as owed in this object's SQLite in the same step as the
 * change, with the alarm set (src/platform/kept-report.ts); schedule changes report it at once, the
 * digest cron reports after each visit (`syncDigestIndex`), and the alarm retries whatever is still
 * owed. A lost report can only leave the index too early, never too late: see
 * docs/adr/0015-cron-from-a-next-fire-index.md. The rest of the settings: ./tenant-settings.ts.
 */
import type { ChannelRef } from "../chat/platform";
import { nextFireAt } from "../domain/digest-schedule";
import type { Env } from "../env";
import { logger } from "../observability/logger";
import { attempt, errorMessage, NotFoundError, type Outcome, unwrap } from "../platform/errors";
import { KeptReport, type KeptState, objectName } from "../platform/kept-report";
import { directory } from "../tenants/stub";
import type { DigestInput, DigestSchedule } from "./model";
import { PolicySettings } from "./policy-settings";
import type { DigestSlotState } from "./store";
import { buildDigest } from "./validate";

/** The alarm's safety net behind a report made at once (it finds nothing owed when that worked). */
const REPORT_SAFETY_MS = 30_000;

const log = logger("settings.digest-index");

export abstract class DigestSettings extends PolicySettings {
  private readonly digestIndex: KeptReport;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.digestIndex = new KeptReport(ctx.storage, "cron:digest");
  }

  async setDigest(
    channel: ChannelRef,
    input: DigestInput,
    by: string,
  ): Promise<Outcome<{ schedule: DigestSchedule; previous: DigestSchedule | null }>> {
    return this.changeDigests(() => {
      const schedule = buildDigest(channel, input, by);
      const previous = this.store.digests(schedule.channel)[0] ?? null;
      this.store.putDigest(schedule);
      return { schedule, previous };
    });
  }

  /** Removes the channel's schedule; 404 if it had none. */
  async clearDigest(channel: ChannelRef): Promise<Outcome<DigestSchedule>> {
    return this.changeDigests(() => {
      const schedule = this.store.digests(channel)[0];
      if (!schedule) throw new NotFoundError("This channel has no digest schedule");
      this.store.deleteDigest(channel);
      return schedule;
    });
  }

  async digestFor(channel: ChannelRef): Promise<DigestSchedule | null> {
    return this.store.digests(channel)[0] ?? null;
  }

  async digestSchedules(): Promise<DigestSchedule[]> {
    return this.store.digests();
  }

  /** Every schedule with the newest slot the digest cron handled for it (null: none yet). */
  async digestSlots(): Promise<DigestSlotState[]> {
    return this.store.digestSlots();
  }

  /**
   * Records a slot the digest cron posted (or logged as missed); a newer stored slot is kept.
   * False when the channel has no schedule (it was turned off meanwhile). Scheduling again resets it.
   * The next fire it leads to is owed to the cron index (reported by `syncDigestIndex` or the alarm).
   */
  async markDigestPosted(channel: ChannelRef, slotMs: number): Promise<boolean> {
    const marked = this.store.markDigestSlot(channel, slotMs);
    await this.digestIndex.keep(this.nextDigestFire(), { alarmInMs: REPORT_SAFETY_MS });
    return marked;
  }

  /**
   * The digest cron's last call on a visit: tells the cron index this tenant's next fire now, also
   * when it did not change (the index holds it due until told otherwise). Answers it (null: none).
   */
  async syncDigestIndex(): Promise<number | null> {
    const next = this.nextDigestFire();
    await this.digestIndex.keep(next, { alarmInMs: REPORT_SAFETY_MS, force: true });
    await this.reportDigestIndex();
    return next;
  }

  /** What this object last kept for the cron index, and whether the Directory took it. */
  async digestIndexState(): Promise<KeptState | null> {
    return this.digestIndex.state();
  }

  /** The alarm only retries the cron index report. */
  override async alarm(): Promise<void> {
    await this.reportDigestIndex();
  }

  /** Runs a schedule change and keeps its next fire in the same step, then reports it. */
  private async changeDigests<T>(change: () => T): Promise<Outcome<T>> {
    const kept: Promise<boolean>[] = [];
    const outcome = await attempt(() => {
      const value = change();
      kept.push(this.digestIndex.keep(this.nextDigestFire(), { alarmInMs: REPORT_SAFETY_MS }));
      return value;
    });
    if (kept.length > 0) {
      await Promise.all(kept);
      await this.reportDigestIndex();
    }
    return outcome;
  }

  /** The earliest next fire over the channels' schedules, or null without one. */
  private nextDigestFire(): number | null {
    const now = Date.now();
    let next: number | null = null;
    for (const { schedule, lastPostedSlotMs } of this.store.digestSlots()) {
      let fire: number;
      try {
        fire = nextFireAt(schedule, lastPostedSlotMs, now);
      } catch {
        // A schedule that no longer resolves (an unknown zone): due now, so the cron logs its failure.
        fire = now;
      }
      if (next === null || fire < next) next = fire;
    }
    return next;
  }

  private async reportDigestIndex(): Promise<void> {
    const result = await this.digestIndex.deliver(async ({ value, gen }) => {
      const tenant = objectName(this.ctx);
      unwrap(await directory(this.env).reportCron({ tenant, kind: "digest", dueMs: value, gen }));
    });
    if (!result.ok) {
      log.warn("digest index report failed; the alarm retries it", {
        error: errorMessage(result.error),
        retryInMs: result.retryInMs,
      });
    }
  }
}
