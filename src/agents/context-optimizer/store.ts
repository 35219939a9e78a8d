/**
 * The Context Optimizer's SQLite: every item routed (held until released, then kept a while as sent
 * so a repeat is routed once and bursts on one PR are seen) and each person's counts per local day.
 * Every read is by person through an index: costs stay flat as the team grows.
 */
import type { HoldReason } from "../../domain/notify";
import { all, first, parseJson, run } from "../../platform/sql";
import { EMPTY_COUNTS, type HeldItem, type PersonCounts, type PersonItem } from "./model";

/** Sent items are remembered this long (redelivered webhooks and bursts). */
const KEEP_SENT_MS = 14 * 24 * 3_600_000;
/** Daily counts are kept this long. */
const KEEP_DAYS = 35;

/** A held item with when it was held, when it goes and why. */
export interface HeldRow {
  item: PersonItem;
  heldAt: number;
  releaseAt: number;
  reason: HoldReason;
}

/** A stored row as a held item (none when its JSON is unreadable). */
function heldRow(r: ItemRow): HeldRow[] {
  const item = parseJson<PersonItem | null>(r.item, null);
  return item ? [{ item, heldAt: r.held_at, releaseAt: r.release_at, reason: r.reason as HoldReason }] : [];
}

type ItemRow = { key: string; item: string; held_at: number; release_at: number; reason: string };
type DailyRow = { sent: number; held: number; merged: number; avoided: number; focus: number };

export class RoutingStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS co_items (
      key TEXT PRIMARY KEY, person TEXT NOT NULL, pr TEXT, item TEXT NOT NULL, state TEXT NOT NULL,
      held_at INTEGER NOT NULL, release_at INTEGER, reason TEXT, sent_at INTEGER)`);
    sql.exec("CREATE INDEX IF NOT EXISTS co_items_held ON co_items (person, state, release_at)");
    sql.exec("CREATE INDEX IF NOT EXISTS co_items_pr ON co_items (person, pr, sent_at)");
    sql.exec("CREATE INDEX IF NOT EXISTS co_items_sent ON co_items (state, sent_at)");
    sql.exec(`CREATE TABLE IF NOT EXISTS co_daily (
      person TEXT NOT NULL, day TEXT NOT NULL, sent INTEGER NOT NULL DEFAULT 0,
      held INTEGER NOT NULL DEFAULT 0, merged INTEGER NOT NULL DEFAULT 0,
      avoided INTEGER NOT NULL DEFAULT 0, focus INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (person, day))`);
    sql.exec("CREATE INDEX IF NOT EXISTS co_daily_day ON co_daily (day)");
  }

  /** Whether an item with this key was routed before. */
  known(key: string): boolean {
    return first(this.sql, "SELECT 1 AS one FROM co_items WHERE key = ?", key) !== null;
  }

  hold(person: string, item: PersonItem, nowMs: number, releaseAt: number, reason: HoldReason): void {
    run(
      this.sql,
      `INSERT INTO co_items (key, person, pr, item, state, held_at, release_at, reason)
       VALUES (?, ?, ?, ?, 'held', ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
      item.key,
      person,
      prKey(item),
      JSON.stringify(item),
      nowMs,
      releaseAt,
      reason,
    );
  }

  /** Records items as sent now (inserting those never held). */
  markSent(person: string, items: readonly PersonItem[], nowMs: number): void {
    for (const item of items) {
      run(
        this.sql,
        `INSERT INTO co_items (key, person, pr, item, state, held_at, sent_at) VALUES (?, ?, ?, ?, 'sent', ?, ?)
         ON CONFLICT (key) DO UPDATE SET state = 'sent', sent_at = excluded.sent_at, release_at = NULL`,
        item.key,
        person,
        prKey(item),
        JSON.stringify(item),
        nowMs,
        nowMs,
      );
    }
  }

  /** Moves a person's held items due by `dueMs` to `releaseAt`. */
  postpone(person: string, dueMs: number, releaseAt: number, reason: HoldReason): void {
    run(
      this.sql,
      "UPDATE co_items SET release_at = ?, reason = ? WHERE person = ? AND state = 'held' AND release_at <= ?",
      releaseAt,
      reason,
      person,
      dueMs,
    );
  }

  /** A person's held items, oldest first. */
  held(person: string): HeldRow[] {
    const rows = all<ItemRow>(
      this.sql,
      `SELECT key, item, held_at, release_at, reason FROM co_items
       WHERE person = ? AND state = 'held' ORDER BY held_at, key`,
      person,
    );
    return rows.flatMap(heldRow);
  }

  /** When the person's first held item is due, or null. */
  nextRelease(person: string): number | null {
    const row = first<{ at: number | null }>(
      this.sql,
      "SELECT MIN(release_at) AS at FROM co_items WHERE person = ? AND state = 'held'",
      person,
    );
    return row?.at ?? null;
  }

  /** When the person last got a message about this PR, or null. */
  lastAboutPr(person: string, item: PersonItem): number | null {
    const pr = prKey(item);
    if (!pr) return null;
    const row = first<{ at: number | null }>(
      this.sql,
      "SELECT MAX(sent_at) AS at FROM co_items WHERE person = ? AND pr = ? AND sent_at IS NOT NULL",
      person,
      pr,
    );
    return row?.at ?? null;
  }

  /** Adds to a person's counts for their local day. */
  count(person: string, day: string, add: Partial<PersonCounts>): void {
    run(
      this.sql,
      `INSERT INTO co_daily (person, day, sent, held, merged, avoided, focus) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (person, day) DO UPDATE SET sent = sent + excluded.sent, held = held + excluded.held,
       merged = merged + excluded.merged, avoided = avoided + excluded.avoided, focus = focus + excluded.focus`,
      person,
      day,
      add.sent ?? 0,
      add.held ?? 0,
      add.merged ?? 0,
      add.avoided ?? 0,
      add.focusInterruptions ?? 0,
    );
  }

  counts(person: string, day: string): PersonCounts {
    const row = first<DailyRow>(
      this.sql,
      "SELECT sent, held, merged, avoided, focus FROM co_daily WHERE person = ? AND day = ?",
      person,
      day,
    );
    return row ? countsOf(row) : { ...EMPTY_COUNTS };
  }

  /** Everyone's counts since `fromDay` (YYYY-MM-DD), one row per person and day (for the metrics). */
  daily(fromDay: string): Array<{ person: string; day: string; counts: PersonCounts }> {
    const rows = all<DailyRow & { person: string; day: string }>(
      this.sql,
      "SELECT person, day, sent, held, merged, avoided, focus FROM co_daily WHERE day >= ? ORDER BY day, person",
      fromDay,
    );
    return rows.map((r) => ({ person: r.person, day: r.day, counts: countsOf(r) }));
  }

  /** Everyone's held items by person (one read, oldest first). */
  allHeld(): Map<string, HeldRow[]> {
    const rows = all<ItemRow & { person: string }>(
      this.sql,
      `SELECT person, key, item, held_at, release_at, reason FROM co_items
       WHERE state = 'held' ORDER BY held_at, key`,
    );
    const out = new Map<string, HeldRow[]>();
    for (const r of rows) out.set(r.person, [...(out.get(r.person) ?? []), ...heldRow(r)]);
    return out;
  }

  /** Counts of `days` (YYYY-MM-DD) for everyone, keyed `person|day` (one read). */
  countsOn(days: readonly string[]): Map<string, PersonCounts> {
    const unique = [...new Set(days)];
    if (unique.length === 0) return new Map();
    const rows = all<DailyRow & { person: string; day: string }>(
      this.sql,
      `SELECT person, day, sent, held, merged, avoided, focus FROM co_daily
       WHERE day IN (${unique.map(() => "?").join(", ")})`,
      ...unique,
    );
    return new Map(rows.map((r) => [`${r.person}|${r.day}`, countsOf(r)]));
  }

  /** Items held now across the team, and the earliest release. */
  heldTotals(): { held: number; nextAt: number | null } {
    const row = first<{ n: number; at: number | null }>(
      this.sql,
      "SELECT COUNT(*) AS n, MIN(release_at) AS at FROM co_items WHERE state = 'held'",
    );
    return { held: row?.n ?? 0, nextAt: row?.at ?? null };
  }

  /** Forgets sent items and counts past keeping. */
  prune(nowMs: number, today: string): void {
    run(this.sql, "DELETE FROM co_items WHERE state = 'sent' AND sent_at < ?", nowMs - KEEP_SENT_MS);
    const cutoff = new Date(Date.parse(`${today}T00:00:00Z`) - KEEP_DAYS * 86_400_000)
      .toISOString()
      .slice(0, 10);
    run(this.sql, "DELETE FROM co_daily WHERE day < ?", cutoff);
  }
}

function countsOf(row: DailyRow): PersonCounts {
  return {
    sent: row.sent,
    held: row.held,
    merged: row.merged,
    avoided: row.avoided,
    focusInterruptions: row.focus,
  };
}

function prKey(item: PersonItem): string | null {
  return item.pr ? `${item.pr.repo.toLowerCase()}#${item.pr.number}` : null;
}

/** A held row as shown to people. */
export function heldView(row: HeldRow): HeldItem {
  return {
    key: row.item.key,
    kind: row.item.kind,
    urgent: row.item.urgent,
    pr: row.item.pr,
    text: row.item.reply.text,
    heldAt: new Date(row.heldAt).toISOString(),
    releaseAt: new Date(row.releaseAt).toISOString(),
    reason: row.reason,
  };
}
