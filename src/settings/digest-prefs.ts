/**
 * Per-channel digest filters in TenantSettings' SQLite: one row per channel holding `DigestPrefs`
 * as JSON (unknown or missing fields fall back to the defaults, so new options need no migration).
 */

import type { ChannelRef } from "../chat/platform";
import { first, parseJson, run } from "../platform/sql";
import { DEFAULT_DIGEST_PREFS, type DigestPrefs, type DigestPrefsPatch } from "./model";

type PrefsRow = { prefs: string };

const WHERE = "platform = ? AND workspace_id = ? AND channel_id = ?";
const args = (c: ChannelRef) => [c.platform, c.workspaceId, c.channelId];

/** `stored` over the defaults, keeping only fields of the right type. */
export function prefsOf(stored: Record<string, unknown>): DigestPrefs {
  const out: DigestPrefs = { ...DEFAULT_DIGEST_PREFS };
  const num = (v: unknown) => typeof v === "number" && Number.isFinite(v) && v >= 0;
  const list = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");
  if (typeof stored.ignoreDrafts === "boolean") out.ignoreDrafts = stored.ignoreDrafts;
  if (num(stored.ignoreApprovedAtLeast)) out.ignoreApprovedAtLeast = Number(stored.ignoreApprovedAtLeast);
  if (num(stored.minAgeHours)) out.minAgeHours = Number(stored.minAgeHours);
  if (list(stored.requiredLabels)) out.requiredLabels = stored.requiredLabels;
  if (list(stored.ignoredLabels)) out.ignoredLabels = stored.ignoredLabels;
  if (stored.emptyMode === "skip" || stored.emptyMode === "post") out.emptyMode = stored.emptyMode;
  if (typeof stored.setBy === "string") out.setBy = stored.setBy;
  if (typeof stored.setAt === "string") out.setAt = stored.setAt;
  return out;
}

/** The filters after `patch` (applied over the defaults when `reset`). */
export function applyPrefs(
  current: DigestPrefs,
  patch: DigestPrefsPatch,
  reset: boolean,
  by: string,
  at: string,
): DigestPrefs {
  const base = reset ? DEFAULT_DIGEST_PREFS : current;
  const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  return { ...base, ...defined, setBy: by, setAt: at };
}

export class DigestPrefsStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS digest_prefs (
      platform TEXT NOT NULL, workspace_id TEXT NOT NULL, channel_id TEXT NOT NULL, prefs TEXT NOT NULL,
      PRIMARY KEY (platform, workspace_id, channel_id))`);
  }

  get(channel: ChannelRef): DigestPrefs {
    const row = first<PrefsRow>(this.sql, `SELECT prefs FROM digest_prefs WHERE ${WHERE}`, ...args(channel));
    return row ? prefsOf(parseJson<Record<string, unknown>>(row.prefs, {})) : { ...DEFAULT_DIGEST_PREFS };
  }

  put(channel: ChannelRef, prefs: DigestPrefs): void {
    run(
      this.sql,
      "INSERT OR REPLACE INTO digest_prefs (platform, workspace_id, channel_id, prefs) VALUES (?, ?, ?, ?)",
      ...args(channel),
      JSON.stringify(prefs),
    );
  }
}
