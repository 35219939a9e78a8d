/**
 * One Cron Trigger run over the cron index (src/tenants/cron-index.ts): the Directory answers the
 * tenants with `kind` due — one indexed query, a bounded page — and `visit` runs for each of them,
 * at most `concurrency` at a time. A visit that fails is counted and never stops the others; a tenant
 * with nothing due is never visited. The digest cron and the alert checks share it.
 */
import type { Env } from "../env";
import type { CronKind } from "./cron-index";
import { directory } from "./stub";

/** Tenants taken per run: with more due, the next run takes the others first. */
export const CRON_PAGE = 500;
/** Tenants visited at once. */
export const CRON_CONCURRENCY = 16;

export interface CronRunOptions {
  limit?: number;
  concurrency?: number;
}

export interface DueVisits {
  /** The tenants the index answered (each visited once). */
  tenants: string[];
  /** Tenants given an index row by the one-time backfill in this run. */
  backfilled: number;
  /** Visits that failed, with what they threw. */
  failures: Array<{ tenant: string; error: unknown }>;
}

/** Takes the due tenants of `kind` from the Directory and visits them. Throws only if the Directory does. */
export async function visitDueTenants(
  env: Env,
  kind: CronKind,
  nowMs: number,
  visit: (tenant: string) => Promise<void>,
  options: CronRunOptions = {},
): Promise<DueVisits> {
  const { tenants, backfilled } = await directory(env).takeDueCron(kind, nowMs, options.limit ?? CRON_PAGE);
  const failures: DueVisits["failures"] = [];
  await inParallel(tenants, options.concurrency ?? CRON_CONCURRENCY, async (tenant) => {
    try {
      await visit(tenant);
    } catch (error) {
      failures.push({ tenant, error });
    }
  });
  return { tenants, backfilled, failures };
}

/** Runs `work` over `items`, at most `limit` at a time (each item once; `work` must not reject). */
export async function inParallel<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next] as T;
      next++;
      await work(item);
    }
  };
  const workers = Math.max(1, Math.min(Math.floor(limit), items.length));
  await Promise.all(Array.from({ length: workers }, worker));
}
