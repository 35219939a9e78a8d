/**
 * Retention of the R2 log archive (archive.ts): debug/info objects are kept 30 days, warn/error
 * objects 90 days, counted from the end of the hour in the object's key. R2 lifecycle rules do the
 * same in deployed buckets (docs/operations.md); this sweep enforces it everywhere, locally included.
 *
 * Run from the Cron Trigger (`runLogSweep`): once an hour, and on the next ticks while a pass is
 * unfinished. Each run is bounded (list calls and deletions); where a pass stopped (level class and
 * the last tenant fully swept) is kept in the bucket at `_state/log-sweep.json`, and the next run
 * continues there, so a pass over many tenants spreads over several runs.
 */
import type { Env } from "../env";
import { errorText } from "../platform/errors";
import { LEVEL_CLASSES, type LevelClass, LOG_PREFIX, parseArchiveKey } from "./archive";
import { logger } from "./logger";

export const RETENTION_DAYS: Readonly<Record<LevelClass, number>> = { "debug-info": 30, "warn-error": 90 };
export const STATE_KEY = "_state/log-sweep.json";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface SweepLimits {
  /** R2 list calls per run. */
  maxListCalls: number;
  /** Objects deleted per run. */
  maxDeletes: number;
}

export const DEFAULT_LIMITS: SweepLimits = { maxListCalls: 50, maxDeletes: 1000 };

/** Whether the object under `key` is past retention at `now`. Keys that are not archive keys never are. */
export function isExpired(key: string, now: number, retention = RETENTION_DAYS): boolean {
  const parsed = parseArchiveKey(key);
  if (!parsed) return false;
  return parsed.hourStart + HOUR + retention[parsed.cls] * DAY <= now;
}

/** Whether a day (`YYYY-MM-DD`) of class `cls` may hold expired objects: its first hour is past retention. */
export function dayMayHoldExpired(cls: LevelClass, day: string, now: number, retention = RETENTION_DAYS) {
  const start = /^\d{4}-\d{2}-\d{2}$/.test(day) ? Date.parse(`${day}T00:00:00Z`) : Number.NaN;
  return !Number.isNaN(start) && start + HOUR + retention[cls] * DAY <= now;
}

/** Whether the cron tick at `scheduledTime` sweeps: the first tick of each hour, or a run is unfinished. */
export function sweepDue(scheduledTime: number, unfinished: boolean): boolean {
  return unfinished || new Date(scheduledTime).getUTCMinutes() < 5;
}

export interface SweepState {
  /** The level class the pass is in. */
  cls: LevelClass;
  /** The last tenant prefix of `cls` fully swept ("" = from the first tenant). */
  after: string;
  /** A pass is under way (the last run stopped at its limits). */
  unfinished: boolean;
}

const FIRST_CLASS: LevelClass = LEVEL_CLASSES[0];
const FRESH: SweepState = { cls: FIRST_CLASS, after: "", unfinished: false };

export interface SweepResult {
  deleted: number;
  listCalls: number;
  /** The pass reached the end of the archive in this run (it may have started in an earlier one). */
  complete: boolean;
  state: SweepState;
}

class Budget {
  lists = 0;
  deleted = 0;
  constructor(private readonly limits: SweepLimits) {}
  /** Counts one list call; false (and nothing counted) when none is left. */
  takeList(): boolean {
    if (this.lists >= this.limits.maxListCalls) return false;
    this.lists++;
    return true;
  }
  deletesLeft(): number {
    return Math.max(0, this.limits.maxDeletes - this.deleted);
  }
}

/** Reads the sweep state; a missing or unreadable one starts a fresh pass. */
export async function readState(bucket: R2Bucket): Promise<SweepState> {
  try {
    const object = await bucket.get(STATE_KEY);
    if (!object) return FRESH;
    const raw = (await object.json()) as Partial<SweepState>;
    const cls = LEVEL_CLASSES.find((c) => c === raw.cls);
    if (!cls || raw.unfinished !== true) return FRESH;
    const after =
      typeof raw.after === "string" && raw.after.startsWith(`${LOG_PREFIX}${cls}/`) ? raw.after : "";
    return { cls, after, unfinished: true };
  } catch {
    return FRESH;
  }
}

/**
 * Lists `options` page by page, each call counted against the budget, until `visit` answers true or
 * false (undefined: on to the next page). True when the listing ended; false when the budget ran out.
 */
async function eachPage(
  bucket: R2Bucket,
  options: R2ListOptions,
  budget: Budget,
  visit: (page: R2Objects) => Promise<boolean | undefined>,
): Promise<boolean> {
  let cursor: string | undefined;
  do {
    if (!budget.takeList()) return false;
    const page = await bucket.list({ ...options, cursor });
    const answer = await visit(page);
    if (answer !== undefined) return answer;
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return true;
}

/** Deletes expired objects under one day prefix. False when the budget ran out first. */
function sweepDay(bucket: R2Bucket, prefix: string, now: number, budget: Budget): Promise<boolean> {
  return eachPage(bucket, { prefix, limit: 1000 }, budget, async (page) => {
    const expired = page.objects.map((o) => o.key).filter((key) => isExpired(key, now));
    const take = expired.slice(0, budget.deletesLeft());
    if (take.length > 0) {
      await bucket.delete(take);
      budget.deleted += take.length;
    }
    if (take.length < expired.length) return false;
    // Keys sort by hour: past the first kept one, the rest of the day is newer.
    if (expired.length < page.objects.length) return true;
    return undefined;
  });
}

/** Sweeps one tenant of one class, oldest day first. False when the budget ran out first. */
function sweepTenant(
  bucket: R2Bucket,
  cls: LevelClass,
  prefix: string,
  now: number,
  budget: Budget,
): Promise<boolean> {
  return eachPage(bucket, { prefix, delimiter: "/" }, budget, async (page) => {
    for (const dayPrefix of [...page.delimitedPrefixes].sort()) {
      if (!dayMayHoldExpired(cls, dayPrefix.slice(prefix.length, -1), now)) return true;
      if (!(await sweepDay(bucket, dayPrefix, now, budget))) return false;
    }
    return undefined;
  });
}

/**
 * Sweeps the tenants of one class after `after`. Returns how far it got: `done` when the class was
 * swept to its end, else the last tenant prefix fully swept.
 */
async function sweepClass(
  bucket: R2Bucket,
  cls: LevelClass,
  after: string,
  now: number,
  budget: Budget,
): Promise<{ done: boolean; after: string }> {
  let last = after;
  for (;;) {
    if (!budget.takeList()) return { done: false, after: last };
    // "\uffff" sorts after every key under the tenant prefix: the next tenant comes next.
    const page = await bucket.list({
      prefix: `${LOG_PREFIX}${cls}/`,
      delimiter: "/",
      limit: 100,
      ...(last ? { startAfter: `${last}\uffff` } : {}),
    });
    for (const tenantPrefix of [...page.delimitedPrefixes].sort()) {
      if (!(await sweepTenant(bucket, cls, tenantPrefix, now, budget))) return { done: false, after: last };
      last = tenantPrefix;
    }
    if (!page.truncated) return { done: true, after: "" };
  }
}

/**
 * One bounded run: continues the pass where the last run stopped (or starts one) and goes on until
 * the archive's end or the limits. Throws on R2 errors (runLogSweep catches).
 */
export async function sweepLogs(
  bucket: R2Bucket,
  now: number,
  limits: SweepLimits = DEFAULT_LIMITS,
): Promise<SweepResult> {
  const budget = new Budget(limits);
  const before = await readState(bucket);
  let index = LEVEL_CLASSES.indexOf(before.cls);
  let after = before.after;
  while (index < LEVEL_CLASSES.length) {
    const cls = LEVEL_CLASSES[index] ?? FIRST_CLASS;
    const swept = await sweepClass(bucket, cls, after, now, budget);
    after = swept.after;
    if (!swept.done) break;
    index++;
  }
  const complete = index >= LEVEL_CLASSES.length;
  const state: SweepState = complete
    ? FRESH
    : { cls: LEVEL_CLASSES[index] ?? FIRST_CLASS, after, unfinished: true };
  if (JSON.stringify(state) !== JSON.stringify(before)) {
    await bucket.put(STATE_KEY, JSON.stringify(state), { httpMetadata: { contentType: "application/json" } });
  }
  return { deleted: budget.deleted, listCalls: budget.lists, complete, state };
}

const log = logger("observability.sweep");

/** The Cron Trigger's entry: sweeps when due, logs the outcome, never throws. */
export async function runLogSweep(env: Env, scheduledTime: number): Promise<SweepResult | null> {
  try {
    const bucket = env.LOGS;
    if (!bucket) return null;
    const { unfinished } = await readState(bucket);
    if (!sweepDue(scheduledTime, unfinished)) return null;
    const result = await sweepLogs(bucket, scheduledTime);
    const { deleted, listCalls, complete } = result;
    log.log(deleted > 0 || !complete ? "info" : "debug", "log sweep", { deleted, listCalls, complete });
    return result;
  } catch (err) {
    log.error("log sweep failed", { error: errorText(err) });
    return null;
  }
}
