/**
 * The log archive in R2 (binding LOGS, bucket `workflow-logs`): JSONL objects, each holding the
 * lines of one tenant, hour and level class that an isolate buffered (archive-buffer.ts), under
 *
 *   logs/<level-class>/<tenant>/<YYYY-MM-DD>/<HH>/<unique>.jsonl
 *
 * The level class (`debug-info` or `warn-error`) comes first so that R2 lifecycle rules — which
 * match key prefixes only — can keep the two classes for different times (30 and 90 days, see
 * sweep.ts and docs/operations.md). Lines without a tenant go under `_system`.
 */
import { errorMessage } from "../platform/errors";
import type { Level } from "./levels";

export const LOG_PREFIX = "logs/";
export const LEVEL_CLASSES = ["debug-info", "warn-error"] as const;
export type LevelClass = (typeof LEVEL_CLASSES)[number];
export const SYSTEM_TENANT = "_system";

/** A serialised (already redacted) log line waiting to be archived. */
export interface ArchivedLine {
  /** The JSON text of the line, as written to the console. */
  json: string;
  level: Level;
  /** The line's tenant, if it named one. */
  tenant: string | undefined;
  /** Milliseconds since the epoch (the line's `ts`). */
  at: number;
}

export function levelClass(level: Level): LevelClass {
  return level === "warn" || level === "error" ? "warn-error" : "debug-info";
}

const TENANT_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,62}$/;

/** The key segment for a tenant: tenant ids are slugs; anything else is filed under `_other`. */
export function tenantSegment(tenant: string | undefined): string {
  if (tenant === undefined || tenant === "") return SYSTEM_TENANT;
  return TENANT_SEGMENT.test(tenant) ? tenant : "_other";
}

const pad = (n: number) => String(n).padStart(2, "0");

/** `logs/<class>/<tenant>/<YYYY-MM-DD>/<HH>/` for the UTC hour holding `at`. */
export function hourPrefix(cls: LevelClass, tenant: string, at: number): string {
  const d = new Date(at);
  const day = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  return `${LOG_PREFIX}${cls}/${tenantSegment(tenant)}/${day}/${pad(d.getUTCHours())}/`;
}

/** Every prefix holding `tenant`'s archived logs (for tenant deletion). */
export function tenantLogPrefixes(tenant: string): string[] {
  return LEVEL_CLASSES.map((cls) => `${LOG_PREFIX}${cls}/${tenantSegment(tenant)}/`);
}

export interface ParsedKey {
  cls: LevelClass;
  tenant: string;
  /** `YYYY-MM-DD` */
  day: string;
  hour: number;
  /** Start of the key's UTC hour, ms since the epoch. */
  hourStart: number;
}

const KEY = /^logs\/(debug-info|warn-error)\/([^/]+)\/(\d{4}-\d{2}-\d{2})\/(\d{2})\/[^/]+$/;

/** The parts of an archive key, or null for anything else. */
export function parseArchiveKey(key: string): ParsedKey | null {
  const m = KEY.exec(key);
  if (!m) return null;
  const [, cls, tenant, day, hh] = m;
  const hour = Number(hh);
  const hourStart = Date.parse(`${day}T${hh}:00:00Z`);
  if (!cls || !tenant || !day || Number.isNaN(hourStart) || hour > 23) return null;
  return { cls: cls as LevelClass, tenant, day, hour, hourStart };
}

/** Groups lines by object prefix (class, tenant, hour); `defaultTenant` for lines naming none. */
export function groupLines(lines: readonly ArchivedLine[], defaultTenant?: string): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const line of lines) {
    const prefix = hourPrefix(levelClass(line.level), line.tenant ?? defaultTenant ?? SYSTEM_TENANT, line.at);
    const group = groups.get(prefix);
    if (group) group.push(line.json);
    else groups.set(prefix, [line.json]);
  }
  return groups;
}

function uniqueName(now: number): string {
  return `${now}-${crypto.randomUUID().slice(0, 8)}.jsonl`;
}

export interface WriteOptions {
  defaultTenant?: string | undefined;
  now?: number;
}

/** Writes `lines` as one object per group (class, tenant, hour) and answers the keys written. Never throws. */
export async function writeArchive(
  bucket: R2Bucket,
  lines: readonly ArchivedLine[],
  options: WriteOptions = {},
): Promise<string[]> {
  const now = options.now ?? Date.now();
  let groups: Map<string, string[]>;
  try {
    groups = groupLines(lines, options.defaultTenant);
  } catch {
    return [];
  }
  const keys = await Promise.all(
    [...groups].map(([prefix, group]) => writeObject(bucket, prefix, group, now)),
  );
  return keys.filter((k): k is string => k !== null);
}

/**
 * Writes one object under `prefix` holding `lines` (JSON texts) and answers its key. Never throws:
 * a failed write is reported on the console (not through the logger, which would try to archive the
 * report again), the lines are dropped and the answer is null.
 */
export async function writeObject(
  bucket: R2Bucket,
  prefix: string,
  lines: readonly string[],
  now = Date.now(),
): Promise<string | null> {
  if (lines.length === 0) return null;
  try {
    const key = prefix + uniqueName(now);
    await bucket.put(key, `${lines.join("\n")}\n`, {
      httpMetadata: { contentType: "application/x-ndjson" },
      customMetadata: { lines: String(lines.length) },
    });
    return key;
  } catch (err) {
    try {
      console.error(
        JSON.stringify({
          ts: new Date().toISOString(),
          level: "error",
          msg: "log archive write failed",
          component: "observability.archive",
          prefix,
          lines: lines.length,
          error: errorMessage(err),
        }),
      );
    } catch {
      // Never throw from logging.
    }
    return null;
  }
}
