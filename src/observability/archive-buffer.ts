/**
 * The isolate's buffer of (already redacted) log lines waiting for the R2 archive, grouped by object
 * prefix — level class, tenant, UTC hour (archive.ts). An invocation hands its lines over when it
 * ends (context.ts); a group is written as one object when it is due:
 *
 * - `debug-info`: when it holds `maxLines` lines or its oldest line is `maxAgeMs` old;
 * - `warn-error`: at the end of the invocation that logged it, unless that group was written less
 *   than `warnIntervalMs` ago — then as soon as that interval has passed (or at `maxLines`). Warnings
 *   and errors are rare and the lines most worth keeping, so they are not held back for seconds; the
 *   interval only keeps an error storm (every request failing) from costing one R2 write per request
 *   again, exactly when the system is under stress.
 *
 * The check runs when lines are handed over; the invocation that makes a group due writes the due
 * groups inside its `waitUntil`. `takeAll` empties everything (cron runs and queue batches end with
 * it, and tests force it). On isolate eviction what is still buffered is lost (at most `maxAgeMs` of
 * info lines per group); Workers Logs has the lines too. Taking groups out is synchronous, so no line
 * is written twice, and no promise is kept across invocations.
 */
import {
  type ArchivedLine,
  hourPrefix,
  levelClass,
  SYSTEM_TENANT,
  tenantLogPrefixes,
  writeObject,
} from "./archive";

/** How long lines of a deleted tenant are dropped in this isolate (longer than any buffering). */
export const FORGET_MS = 10 * 60_000;

export interface ArchiveBufferLimits {
  /** Lines in one group that make it due. */
  maxLines: number;
  /** Age (ms) of a `debug-info` group's oldest line that makes it due. */
  maxAgeMs: number;
  /** Least time (ms) between two writes of one `warn-error` group. */
  warnIntervalMs: number;
  /** Lines in the whole buffer that make every group due (bounds the isolate's memory). */
  maxTotalLines: number;
}

export const ARCHIVE_BUFFER_LIMITS: ArchiveBufferLimits = {
  maxLines: 500,
  maxAgeMs: 5_000,
  warnIntervalMs: 1_000,
  maxTotalLines: 5_000,
};

/** One object to write: `lines` (JSON texts) under `prefix` in `bucket`. */
export interface ArchiveBatch {
  bucket: R2Bucket;
  prefix: string;
  lines: string[];
}

interface Group {
  lines: string[];
  /** When the group is due by time (ms since the epoch). */
  dueAt: number;
  warn: boolean;
}

export class ArchiveBuffer {
  private readonly buckets = new Map<R2Bucket, Map<string, Group>>();
  /** When each warn-error prefix was last written (pruned as entries expire). */
  private readonly warnWritten = new Map<string, number>();
  /** The earliest `dueAt` of any group (Infinity when empty). */
  private nextDue = Number.POSITIVE_INFINITY;
  private total = 0;
  private full = false;
  /** Deleted tenants whose lines are dropped, until when (ms). */
  private readonly forgotten = new Map<string, number>();

  constructor(readonly limits: ArchiveBufferLimits = ARCHIVE_BUFFER_LIMITS) {}

  /**
   * Buffers `lines` (those naming no tenant go under `defaultTenant`, else `_system`); true when
   * some group is now due (call `takeDue`).
   */
  add(
    bucket: R2Bucket,
    lines: readonly ArchivedLine[],
    defaultTenant: string | undefined,
    now: number,
  ): boolean {
    let groups = this.buckets.get(bucket);
    if (!groups) {
      groups = new Map();
      this.buckets.set(bucket, groups);
    }
    for (const line of lines) {
      const cls = levelClass(line.level);
      const tenant = line.tenant ?? defaultTenant ?? SYSTEM_TENANT;
      if (this.forgotten.size > 0 && (this.forgotten.get(tenant) ?? 0) > now) continue;
      const prefix = hourPrefix(cls, tenant, line.at);
      let group = groups.get(prefix);
      if (!group) {
        const warn = cls === "warn-error";
        const dueAt = warn
          ? Math.max(
              now,
              (this.warnWritten.get(prefix) ?? Number.NEGATIVE_INFINITY) + this.limits.warnIntervalMs,
            )
          : now + this.limits.maxAgeMs;
        group = { lines: [], dueAt, warn };
        groups.set(prefix, group);
        if (dueAt < this.nextDue) this.nextDue = dueAt;
      }
      group.lines.push(line.json);
      this.total++;
      if (group.lines.length >= this.limits.maxLines) this.full = true;
    }
    return this.due(now);
  }

  /** Whether some group is due at `now`. */
  due(now: number): boolean {
    return this.full || now >= this.nextDue || this.total >= this.limits.maxTotalLines;
  }

  /** Removes and returns the groups that are due (every group once the buffer is over its total). */
  takeDue(now: number): ArchiveBatch[] {
    const all = this.total >= this.limits.maxTotalLines;
    return this.take(now, (g) => all || g.lines.length >= this.limits.maxLines || now >= g.dueAt);
  }

  /** Removes and returns every group. */
  takeAll(now: number): ArchiveBatch[] {
    return this.take(now, () => true);
  }

  /**
   * Tenant deletion: drops the tenant's buffered lines, and those logged in this isolate for
   * FORGET_MS more (the deleting request's own, late ones), so nothing recreates its archive here.
   */
  forget(tenant: string, now: number): void {
    this.forgotten.set(tenant, now + FORGET_MS);
    for (const [t, until] of this.forgotten) if (until <= now) this.forgotten.delete(t);
    const prefixes = tenantLogPrefixes(tenant);
    for (const groups of this.buckets.values()) {
      for (const [prefix, group] of groups) {
        if (!prefixes.some((p) => prefix.startsWith(p))) continue;
        groups.delete(prefix);
        this.total -= group.lines.length;
      }
    }
  }

  /** Lines waiting, over all groups. */
  get size(): number {
    return this.total;
  }

  private take(now: number, pick: (g: Group) => boolean): ArchiveBatch[] {
    const out: ArchiveBatch[] = [];
    let nextDue = Number.POSITIVE_INFINITY;
    for (const [bucket, groups] of this.buckets) {
      for (const [prefix, group] of groups) {
        if (pick(group)) {
          groups.delete(prefix);
          this.total -= group.lines.length;
          if (group.warn) this.warnWritten.set(prefix, now);
          out.push({ bucket, prefix, lines: group.lines });
        } else if (group.dueAt < nextDue) {
          nextDue = group.dueAt;
        }
      }
      if (groups.size === 0) this.buckets.delete(bucket);
    }
    this.nextDue = nextDue;
    this.full = false;
    if (this.warnWritten.size > 1_000) {
      for (const [prefix, at] of this.warnWritten) {
        if (now - at >= this.limits.warnIntervalMs) this.warnWritten.delete(prefix);
      }
    }
    return out;
  }
}

/** The isolate's buffer. */
export const archiveBuffer = new ArchiveBuffer();

/** Writes each batch as one object. Never rejects (a failed write is reported on the console). */
export async function sendArchive(batches: readonly ArchiveBatch[], now = Date.now()): Promise<void> {
  await Promise.all(batches.map((b) => writeObject(b.bucket, b.prefix, b.lines, now)));
}

/** Writes every buffered group now. Never rejects. */
export function flushArchive(): Promise<void> {
  const now = Date.now();
  return sendArchive(archiveBuffer.takeAll(now), now);
}
