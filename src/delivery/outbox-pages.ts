/**
 * Pages of the Outbox's two lists (the local outbox, dead letters), newest first: keyset paging on
 * (time, seq) descending — `created_at` / `failed_at`, ties in the order recorded, the later first
 * (`seq` is the rowid). The indexes of SCHEMA (outbox-sql.ts) hold (time, seq) and (platform, time,
 * seq), so a page reads its own rows and one more, never the rows of the pages before it.
 */
import { type DeadLetterRow, MAX_LIST_ROWS, type OutboxRow, toDeadLetter, toOutboxEntry } from "./outbox-sql";
import type { DeadLetter, OutboxEntry, Platform } from "./types";

/** Where a page ended: its last row's time (ms) and seq. */
export interface PagePosition {
  at: number;
  seq: number;
}

export interface PageQuery {
  /** Rows per page (clamped to 1–1000). */
  limit: number;
  platform?: Platform;
  /** Only rows from this time on (ms, inclusive). */
  sinceMs?: number;
  /** Only rows older than this position (the previous page's `next`). */
  after?: PagePosition;
}

export interface Page<T> {
  items: T[];
  /** Where this page ended, when there are older rows; null on the last page. */
  next: PagePosition | null;
}

type Sequenced = { seq: number };
type List = "outbox" | "dead_letters";
const TIME = { outbox: "created_at", dead_letters: "failed_at" } as const;

export function outboxPage(sql: SqlStorage, query: PageQuery): Page<OutboxEntry> {
  const { rows, next } = pageOf<OutboxRow & Sequenced>(sql, "outbox", query);
  return { items: rows.map(toOutboxEntry), next };
}

export function deadLetterPage(sql: SqlStorage, query: PageQuery): Page<DeadLetter> {
  const { rows, next } = pageOf<DeadLetterRow & Sequenced>(sql, "dead_letters", query);
  return { items: rows.map(toDeadLetter), next };
}

/** The statement of a page: its rows and one more, which says whether there are older ones. */
export function pageStatement(list: List, query: PageQuery): { sql: string; bindings: SqlStorageValue[] } {
  const time = TIME[list];
  const where: string[] = [];
  const bindings: SqlStorageValue[] = [];
  if (query.platform !== undefined) {
    where.push("platform = ?");
    bindings.push(query.platform);
  }
  if (query.sinceMs !== undefined) {
    where.push(`${time} >= ?`);
    bindings.push(query.sinceMs);
  }
  if (query.after !== undefined) {
    where.push(`(${time}, seq) < (?, ?)`);
    bindings.push(query.after.at, query.after.seq);
  }
  bindings.push(clampLimit(query.limit) + 1);
  const filter = where.length > 0 ? ` WHERE ${where.join(" AND ")}` : "";
  return { sql: `SELECT * FROM ${list}${filter} ORDER BY ${time} DESC, seq DESC LIMIT ?`, bindings };
}

function pageOf<R extends Record<string, SqlStorageValue> & Sequenced>(
  sql: SqlStorage,
  list: List,
  query: PageQuery,
): { rows: R[]; next: PagePosition | null } {
  const limit = clampLimit(query.limit);
  const statement = pageStatement(list, query);
  const rows = sql.exec<R>(statement.sql, ...statement.bindings).toArray();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const next = rows.length > limit && last ? { at: Number(last[TIME[list]]), seq: last.seq } : null;
  return { rows: page, next };
}

function clampLimit(limit: number): number {
  return Number.isFinite(limit) ? Math.min(MAX_LIST_ROWS, Math.max(1, Math.floor(limit))) : 50;
}
