/**
 * DeliveryLedger: what a Durable Object decided to send, kept in its own SQLite until the delivery
 * consumer reports it delivered or dead (a transactional outbox with confirmation).
 *
 * 1. `add` records the effect in the same synchronous step as the decision that calls for it.
 * 2. `handOver` puts pending rows on the outbound queue (in batches) and marks them handed, to be
 *    confirmed by `checkAt` (the confirm timeout, DELIVERY_CONFIRM_SECONDS).
 * 3. The consumer reports each outcome back (`confirm`): delivered (with where the message landed),
 *    dead (dead-lettered), or retrying (the queue tries again at a known time: the check moves).
 * 4. `reconcile`, on the owner's alarm, turns handed rows whose check time passed back into pending
 *    ones and they are handed over again. A queue that lost its messages (a local queue dies with its
 *    process) loses nothing: the next alarm re-sends. The Outbox's delivery-key claim makes a re-sent
 *    message post once.
 *
 * "Local" rows are effects the owner runs itself (e.g. an event published to the Coordinator): the
 * same ledger keeps them until the owner's handler succeeded.
 */

import { errorMessage } from "../platform/errors";
import type { DeliveryRef } from "../platform/http-client";
import { batches, parseMessage, parseObject, parseRef } from "./ledger-rows";
import type { DeliveryMessage, DeliveryOrigin, DeliveryReport } from "./types";

/** Default time for the consumer to confirm a handed delivery before it is handed over again. */
const DEFAULT_CONFIRM_MS = 120_000;
/** Settled rows are kept this long (a re-decided key is recognised as done meanwhile). */
const RETAIN_MS = 24 * 60 * 60_000;
/** After this many hand-overs without any report the delivery is given up (and said so). */
export const MAX_HANDOVERS = 30;
/** A local effect that failed is tried again after this long, at most MAX_LOCAL_TRIES times. */
const LOCAL_RETRY_MS = 60_000;
const MAX_LOCAL_TRIES = 10;
const HANDOVER_LIMIT = 200;

export type LedgerState = "pending" | "handed" | "done";
export type LedgerOutcome = "delivered" | "dead";

type LedgerRow = {
  key: string;
  kind: string;
  payload: string;
  state: string;
  handovers: number;
  check_at: number;
  outcome: string | null;
  ref: string | null;
  error: string | null;
};

/** A row that a report settled: the owner may act on where it landed (e.g. keep a card's ts). */
export interface Settled {
  key: string;
  outcome: LedgerOutcome;
  ref: DeliveryRef | null;
  error: string | null;
  /** The message as it was queued (queue rows), for owners that need its target. */
  message: DeliveryMessage | null;
}

export interface HandOverReport {
  handed: number;
  ranLocal: number;
  /** Keys given up: never confirmed after MAX_HANDOVERS, or a local effect that kept failing. */
  givenUp: string[];
  /** The queue refused the batch: rows stay pending, tried again at the next check. */
  queueError: string | null;
}

export type LocalRunner = (key: string, payload: Record<string, unknown>) => Promise<void>;

const LEDGER_SCHEMA = `
CREATE TABLE IF NOT EXISTS delivery_ledger (
  key TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL,
  handovers INTEGER NOT NULL DEFAULT 0,
  check_at INTEGER NOT NULL,
  outcome TEXT,
  ref TEXT,
  error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS delivery_ledger_due ON delivery_ledger (state, check_at);
`;

export class DeliveryLedger {
  /** The hand-over under way: one at a time, so a row is never sent by two at once. */
  private running: Promise<HandOverReport> | null = null;

  constructor(
    private readonly sql: SqlStorage,
    private readonly confirmMs: number = DEFAULT_CONFIRM_MS,
  ) {
    sql.exec(LEDGER_SCHEMA);
  }

  /**
   * Records a message to send; false when its key was recorded before (decided already).
   * `handedByCaller`: the caller puts it on the queue itself right after; the row only waits for
   * the confirmation (and is handed over again if none comes in time).
   */
  add(message: DeliveryMessage, nowMs: number, handedByCaller = false): boolean {
    return this.insert(message.key, "queue", message, nowMs, handedByCaller);
  }

  /** Records an effect the owner runs itself (`handOver`'s runner); false when the key is known. */
  addLocal(key: string, payload: Record<string, unknown>, nowMs: number): boolean {
    return this.insert(key, "local", payload, nowMs, false);
  }

  /** The state of a key (null when unknown or pruned). */
  state(key: string): { state: LedgerState; outcome: LedgerOutcome | null; ref: DeliveryRef | null } | null {
    const row = this.row(key);
    if (!row) return null;
    return {
      state: row.state as LedgerState,
      outcome: row.outcome as LedgerOutcome | null,
      ref: parseRef(row.ref),
    };
  }

  /**
   * Sends a dead delivery again (a replay): it waits for its confirmation with `message` (handed by
   * the caller, as in `add`). False if the key is not dead.
   */
  reopen(message: DeliveryMessage, nowMs: number): boolean {
    return (
      this.sql.exec(
        `UPDATE delivery_ledger SET payload = ?, state = 'handed', handovers = 1, check_at = ?, outcome = NULL,
           ref = NULL, error = NULL, updated_at = ? WHERE key = ? AND state = 'done' AND outcome = 'dead'`,
        JSON.stringify(message),
        nowMs + this.confirmMs,
        nowMs,
        message.key,
      ).rowsWritten > 0
    );
  }

  /**
   * Hands every due row over: queue rows to `queue` (tagged with `origin`), local rows to `runLocal`.
   * Handed rows handed too often without a word are given up. Never throws for a queue failure: the
   * rows stay pending and `queueError` says why. Calls wait for the one under way. Deliveries a local
   * effect adds go out in the same call (a second pass).
   */
  async handOver(
    queue: Queue<DeliveryMessage>,
    origin: DeliveryOrigin,
    now: () => number,
    runLocal?: LocalRunner,
  ): Promise<HandOverReport> {
    while (this.running) await this.running.catch(() => undefined);
    const run = this.handOverNow(queue, origin, now, runLocal).then(async (report) => {
      if (report.ranLocal === 0) return report;
      // A local effect may have added deliveries (a message sent directly instead): out now, not at
      // the next alarm.
      const again = await this.handOverNow(queue, origin, now, runLocal);
      return {
        handed: report.handed + again.handed,
        ranLocal: report.ranLocal + again.ranLocal,
        givenUp: [...report.givenUp, ...again.givenUp],
        queueError: again.queueError ?? report.queueError,
      };
    });
    this.running = run;
    try {
      return await run;
    } finally {
      this.running = null;
    }
  }

  private async handOverNow(
    queue: Queue<DeliveryMessage>,
    origin: DeliveryOrigin,
    now: () => number,
    runLocal?: LocalRunner,
  ): Promise<HandOverReport> {
    const report: HandOverReport = { handed: 0, ranLocal: 0, givenUp: [], queueError: null };
    const start = now();
    this.reconcile(start, report.givenUp);
    const rows = this.sql
      .exec<LedgerRow>(
        "SELECT * FROM delivery_ledger WHERE state = 'pending' AND check_at <= ? ORDER BY check_at, rowid LIMIT ?",
        start,
        HANDOVER_LIMIT,
      )
      .toArray();
    const messages: DeliveryMessage[] = [];
    for (const row of rows) {
      if (row.kind === "local") continue;
      const message = parseMessage(row.payload);
      if (message) messages.push({ ...message, origin });
      else this.settle(row.key, "dead", null, "unreadable ledger row", start);
    }
    const groups = batches(messages);
    for (const [i, batch] of groups.entries()) {
      try {
        await queue.sendBatch(batch.map((body) => ({ body, contentType: "json" as const })));
      } catch (err) {
        report.queueError = errorMessage(err);
        const unsent = groups.slice(i).flatMap((g) => g.map((m) => m.key));
        this.postpone(unsent, now() + LOCAL_RETRY_MS, "pending");
        break;
      }
      const at = now();
      for (const m of batch) {
        this.sql.exec(
          `UPDATE delivery_ledger SET state = 'handed', handovers = handovers + 1, check_at = ?, updated_at = ?
           WHERE key = ? AND state = 'pending'`,
          at + this.confirmMs,
          at,
          m.key,
        );
      }
      report.handed += batch.length;
    }
    if (!runLocal) return report;
    for (const row of rows) {
      if (row.kind !== "local") continue;
      const payload = parseObject(row.payload);
      try {
        await runLocal(row.key, payload);
        this.settle(row.key, "delivered", null, null, now());
        report.ranLocal++;
      } catch (err) {
        const error = errorMessage(err);
        if (row.handovers + 1 >= MAX_LOCAL_TRIES) {
          this.settle(row.key, "dead", null, error, now());
          report.givenUp.push(`${row.key}: ${error}`);
        } else {
          this.sql.exec(
            `UPDATE delivery_ledger SET handovers = handovers + 1, check_at = ?, error = ?, updated_at = ?
             WHERE key = ? AND state = 'pending'`,
            now() + LOCAL_RETRY_MS,
            error,
            now(),
            row.key,
          );
        }
      }
    }
    return report;
  }

  /** Takes the consumer's reports; returns the rows they settled (unknown or settled keys: none). */
  confirm(reports: readonly DeliveryReport[], nowMs: number): Settled[] {
    const settled: Settled[] = [];
    for (const report of reports) {
      const row = this.row(report.key);
      if (!row || row.state === "done") continue;
      if (report.outcome === "retrying") {
        // The queue holds it: hear from it again after its next attempt.
        this.postpone([report.key], Math.max(nowMs, report.retryAtMs) + this.confirmMs, "handed");
        continue;
      }
      const ref = report.outcome === "delivered" ? (report.ref ?? null) : null;
      const error = report.outcome === "dead" ? report.error : null;
      this.settle(report.key, report.outcome, ref, error, nowMs);
      settled.push({
        key: report.key,
        outcome: report.outcome,
        ref,
        error,
        message: row.kind === "local" ? null : parseMessage(row.payload),
      });
    }
    return settled;
  }

  /** Handed rows whose confirmation is overdue become pending again (or are given up). */
  reconcile(nowMs: number, givenUp: string[] = []): number {
    const overdue = this.sql
      .exec<{ key: string; handovers: number }>(
        "SELECT key, handovers FROM delivery_ledger WHERE state = 'handed' AND check_at <= ? LIMIT ?",
        nowMs,
        HANDOVER_LIMIT,
      )
      .toArray();
    for (const row of overdue) {
      if (row.handovers >= MAX_HANDOVERS) {
        const error = `no word from the delivery consumer after ${row.handovers} hand-overs`;
        this.settle(row.key, "dead", null, error, nowMs);
        givenUp.push(`${row.key}: ${error}`);
      } else {
        this.postpone([row.key], nowMs, "pending");
      }
    }
    this.sql.exec("DELETE FROM delivery_ledger WHERE state = 'done' AND check_at <= ?", nowMs);
    return overdue.length;
  }

  /** When the owner's alarm must run next for this ledger (null: nothing open). */
  nextCheckAt(): number | null {
    const next = (state: LedgerState) =>
      this.sql
        .exec<{ at: number }>(
          "SELECT check_at AS at FROM delivery_ledger WHERE state = ? ORDER BY check_at LIMIT 1",
          state,
        )
        .toArray()[0]?.at ?? null;
    const times = [next("pending"), next("handed")].filter((t): t is number => t !== null);
    return times.length ? Math.min(...times) : null;
  }

  /** Open rows per state (health, tests). */
  open(): { pending: number; handed: number } {
    const rows = this.sql
      .exec<{ state: string; n: number }>(
        "SELECT state, COUNT(*) AS n FROM delivery_ledger WHERE state != 'done' GROUP BY state",
      )
      .toArray();
    const of = (s: string) => Number(rows.find((r) => r.state === s)?.n ?? 0);
    return { pending: of("pending"), handed: of("handed") };
  }

  // ------------------------------------------------------------- internal

  private insert(
    key: string,
    kind: "queue" | "local",
    payload: unknown,
    nowMs: number,
    handed: boolean,
  ): boolean {
    return (
      this.sql.exec(
        `INSERT INTO delivery_ledger (key, kind, payload, state, handovers, check_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
        key,
        kind,
        JSON.stringify(payload),
        handed ? "handed" : "pending",
        handed ? 1 : 0,
        handed ? nowMs + this.confirmMs : nowMs,
        nowMs,
        nowMs,
      ).rowsWritten > 0
    );
  }

  private settle(
    key: string,
    outcome: LedgerOutcome,
    ref: DeliveryRef | null,
    error: string | null,
    nowMs: number,
  ): void {
    this.sql.exec(
      `UPDATE delivery_ledger SET state = 'done', outcome = ?, ref = ?, error = ?, check_at = ?, updated_at = ?
       WHERE key = ?`,
      outcome,
      ref ? JSON.stringify(ref) : null,
      error,
      nowMs + RETAIN_MS,
      nowMs,
      key,
    );
  }

  private postpone(keys: readonly string[], at: number, state: "pending" | "handed"): void {
    for (const key of keys) {
      this.sql.exec(
        "UPDATE delivery_ledger SET state = ?, check_at = ?, updated_at = ? WHERE key = ? AND state != 'done'",
        state,
        at,
        Date.now(),
        key,
      );
    }
  }

  private row(key: string): LedgerRow | null {
    return this.sql.exec<LedgerRow>("SELECT * FROM delivery_ledger WHERE key = ?", key).toArray()[0] ?? null;
  }
}

/** The confirm timeout from `DELIVERY_CONFIRM_SECONDS` (default 120 s, at least 5 s). */
export function confirmMsOf(env: { DELIVERY_CONFIRM_SECONDS?: string }): number {
  const seconds = Number(env.DELIVERY_CONFIRM_SECONDS);
  return Number.isFinite(seconds) && seconds > 0 ? Math.max(5, seconds) * 1000 : DEFAULT_CONFIRM_MS;
}
