/**
 * Outbox: one SQLite-backed Durable Object per tenant (`env.OUTBOX.getByName(tenant)`).
 *
 * - `deliveries`: send state per delivery key (the idempotency record): a sender claims the key
 *   under a lease; a key that was delivered (or written to the local outbox) is never claimed again.
 * - `attempt_log`: attempt history per key (status, error), for operators.
 * - `outbox`: deliveries kept locally because their platform is not configured (demo mode).
 * - `dead_letters`: deliveries that failed for good, unique per delivery id.
 * - `delivery_ledger` (src/delivery/ledger.ts): deliveries decided outside any agent (chat replies sent
 *   later, digests, alerts), kept from `submit` until the consumer's outcome is recorded here; the
 *   alarm hands over again what was not confirmed in time.
 * - `credentials`, `credential_repos` (src/delivery/credentials.ts): the tenant's platform tokens.
 * Every method runs its reads and writes synchronously, so each call is atomic.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { logger } from "../observability/logger";
import { destroyObject } from "../platform/destroy";
import { fail, NotFoundError, type Outcome, ok } from "../platform/errors";
import type { DeliveryRef } from "../platform/http-client";
import { addColumn } from "../platform/sql";
import {
  CREDENTIAL_SCHEMA,
  type CredentialInfo,
  type CredentialLookup,
  changeRepos,
  coveredRepos,
  credentialFor,
  listCredentials,
  type NewCredential,
  putCredential,
  revokeCredential,
} from "./credentials";
import { confirmMsOf, DeliveryLedger } from "./ledger";
import { parseRef } from "./ledger-rows";
import { deadLetterPage, outboxPage, type Page, type PageQuery } from "./outbox-pages";
import {
  type AttemptRow,
  claimKey,
  type DeadLetterRow,
  type DeliveryState,
  deliveryRow,
  insertDeadLetter,
  logAttempt,
  pruneOutbox,
  reportOf,
  SCHEMA,
  toDeadLetter,
  toDeliveryRecord,
} from "./outbox-sql";
import type {
  ClaimInput,
  ClaimResult,
  DeadLetter,
  DeadLetterInput,
  DeliveryMessage,
  DeliveryRecord,
  FinishInput,
  OutboxEntry,
  Platform,
  RecordResult,
} from "./types";

/** How long a claim holds a key; a sender that dies mid-send blocks the key at most this long. */
export const LEASE_MS = 60_000;
const DAY_MS = 24 * 60 * 60 * 1000;

const log = logger("delivery.outbox");

const FINAL_STATE: Record<FinishInput["outcome"], DeliveryState> = {
  delivered: "delivered",
  retry: "failed",
  permanent: "dead",
  exhausted: "dead",
};

/** What `submit` did with one message. */
export interface SubmitResult {
  key: string;
  /** False: the key was submitted (or delivered) before; nothing new goes out. */
  accepted: boolean;
}

export class Outbox extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly ledger: DeliveryLedger;
  /** Whether this instance has set the alarm (the daily clean-up) at least once. */
  private armed = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(SCHEMA + CREDENTIAL_SCHEMA);
    // Added after the first release: where a delivered message landed (Slack ts, Discord message id).
    addColumn(this.sql, "deliveries", "ref TEXT");
    this.ledger = new DeliveryLedger(this.sql, confirmMsOf(env));
  }

  /**
   * Deliveries decided outside any agent, recorded before the caller puts them on the queue
   * (`submitDelivery`): a key seen before is not sent again unless it died and this is a replay. Each
   * row waits for the consumer's outcome; the alarm hands it over again if none comes in time (the
   * caller died before sending, or the queue lost it).
   */
  async record(messages: DeliveryMessage[]): Promise<SubmitResult[]> {
    const now = Date.now();
    const results = messages.map((message): SubmitResult => {
      const sent = deliveryRow(this.sql, message.key);
      if (sent && (sent.state === "delivered" || sent.state === "local")) {
        return { key: message.key, accepted: false };
      }
      const accepted = this.ledger.add(message, now, true) || this.ledger.reopen(message, now);
      return { key: message.key, accepted };
    });
    await this.arm();
    return results;
  }

  /** Tenant deletion: wipes this object's storage and alarm, then resets it (src/platform/destroy.ts). */
  async destroy(): Promise<void> {
    await destroyObject(this.ctx);
  }

  /** Claims `key` for sending under a lease; refused if delivered or leased by an unexpired claim. */
  claim(input: ClaimInput): ClaimResult {
    return claimKey(this.sql, input, Date.now(), LEASE_MS);
  }

  /** The tenant's platform credentials (src/delivery/credentials.ts). */
  putCredential(c: NewCredential): void {
    putCredential(this.sql, c, new Date().toISOString());
  }

  changeRepos(account: string, added: string[], removed: string[]): void {
    changeRepos(this.sql, account, added, removed);
  }

  revokeCredential(platform: Platform, account: string, reason: string): boolean {
    return revokeCredential(this.sql, platform, account, reason, new Date().toISOString());
  }

  credentialFor(platform: Platform, repo: string | null): CredentialLookup {
    return credentialFor(this.sql, platform, repo);
  }

  credentials(): CredentialInfo[] {
    return listCredentials(this.sql);
  }

  coveredRepos(after: string, limit: number): string[] {
    return coveredRepos(this.sql, after, limit);
  }

  /** Ends a claimed attempt: marks the key delivered / failed / dead, logs it, maybe dead-letters it. */
  async finish(input: FinishInput): Promise<void> {
    const now = Date.now();
    this.ctx.storage.transactionSync(() => {
      const row = deliveryRow(this.sql, input.key);
      // A delivered post always counts; a failure only changes the key while we still hold the lease.
      if (row && (input.outcome === "delivered" || row.lease_token === input.leaseToken)) {
        this.sql.exec(
          `UPDATE deliveries SET state = ?, lease_token = NULL, lease_until = NULL, last_status = ?,
             last_error = ?, ref = COALESCE(?, ref), updated_at = ? WHERE key = ?`,
          FINAL_STATE[input.outcome],
          input.status,
          input.error,
          input.ref ? JSON.stringify(input.ref) : null,
          now,
          input.key,
        );
      }
      this.ledger.confirm([reportOf(input, now)], now);
      logAttempt(
        this.sql,
        input.key,
        input.deliveryId,
        row?.attempts ?? 0,
        input.outcome,
        input.status,
        input.error,
        now,
      );
      if (input.deadLetter) insertDeadLetter(this.sql, input.deadLetter, now);
    });
    await this.armOnce();
  }

  /**
   * Demo mode: keeps the delivery in the local outbox, once per key. `ref` stands for where the
   * platform would have put it (so cards can be "edited" locally too); a repeat answers the first one's.
   */
  async recordLocal(
    message: DeliveryMessage,
    ref?: DeliveryRef,
  ): Promise<{ recorded: boolean; ref: DeliveryRef | null }> {
    const now = Date.now();
    const recorded = this.ctx.storage.transactionSync(() => {
      const row = deliveryRow(this.sql, message.key);
      if (row && row.state !== "failed" && row.state !== "dead") {
        // delivered/local: done already; in_flight: a real send holds the key.
        if (row.state !== "in_flight" || (row.lease_until ?? 0) > now) return false;
      }
      this.sql.exec(
        `INSERT INTO outbox (id, key, tenant, platform, action, body, correlation_id, enqueued_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        message.id,
        message.key,
        message.tenant,
        message.platform,
        message.action,
        JSON.stringify(message.body),
        message.correlationId,
        message.enqueuedAt,
        now,
      );
      this.sql.exec(
        `INSERT INTO deliveries (key, delivery_id, platform, action, state, attempts, ref, created_at, updated_at)
         VALUES (?, ?, ?, ?, 'local', 1, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET delivery_id = excluded.delivery_id, state = 'local', lease_token = NULL,
           lease_until = NULL, attempts = deliveries.attempts + 1, ref = excluded.ref,
           updated_at = excluded.updated_at`,
        message.key,
        message.id,
        message.platform,
        message.action,
        ref ? JSON.stringify(ref) : null,
        now,
        now,
      );
      logAttempt(
        this.sql,
        message.key,
        message.id,
        deliveryRow(this.sql, message.key)?.attempts ?? 1,
        "local",
        null,
        null,
        now,
      );
      return true;
    });
    const stored = parseRef(deliveryRow(this.sql, message.key)?.ref ?? null);
    this.ledger.confirm(
      [{ key: message.key, outcome: "delivered", ...(stored ? { ref: stored } : {}) }],
      now,
    );
    await this.armOnce();
    return { recorded, ref: stored };
  }

  /** Records a dead letter unless this delivery id has one, or (from the DLQ) its key was delivered. */
  async recordDeadLetter(input: DeadLetterInput): Promise<RecordResult> {
    const now = Date.now();
    const result = this.ctx.storage.transactionSync((): RecordResult => {
      if (
        this.sql.exec("SELECT 1 FROM dead_letters WHERE delivery_id = ?", input.deliveryId).toArray().length
      ) {
        return { recorded: false, reason: "duplicate" };
      }
      const row = deliveryRow(this.sql, input.key);
      if (row && (row.state === "delivered" || row.state === "local"))
        return { recorded: false, reason: "delivered" };
      if (row && row.delivery_id === input.deliveryId) {
        this.sql.exec(
          `UPDATE deliveries SET state = 'dead', lease_token = NULL, lease_until = NULL, last_error = ?,
             updated_at = ? WHERE key = ?`,
          input.lastError,
          now,
          input.key,
        );
      }
      // From the DLQ the caller knows little: take status and error of the last recorded attempt.
      const mine = row?.delivery_id === input.deliveryId ? row : undefined;
      const enriched: DeadLetterInput = {
        ...input,
        lastStatus: input.lastStatus ?? mine?.last_status ?? null,
        lastError: mine?.last_error
          ? `${input.lastError}; last attempt: ${mine.last_error}`
          : input.lastError,
      };
      return { recorded: true, id: insertDeadLetter(this.sql, enriched, now) };
    });
    if (result.recorded) {
      this.ledger.confirm([{ key: input.key, outcome: "dead", error: input.lastError }], now);
    }
    await this.armOnce();
    return result;
  }

  /** The newest `limit` entries of the local outbox; `pageOutbox` for a page and filters. */
  listOutbox(limit: number): OutboxEntry[] {
    return outboxPage(this.sql, { limit }).items;
  }

  listDeadLetters(limit: number): DeadLetter[] {
    return deadLetterPage(this.sql, { limit }).items;
  }

  /** A page of the local outbox / dead letters, newest first (src/delivery/outbox-pages.ts). */
  pageOutbox(query: PageQuery): Page<OutboxEntry> {
    return outboxPage(this.sql, query);
  }

  pageDeadLetters(query: PageQuery): Page<DeadLetter> {
    return deadLetterPage(this.sql, query);
  }

  getDeadLetter(id: string): Outcome<DeadLetter> {
    const row = this.sql.exec<DeadLetterRow>("SELECT * FROM dead_letters WHERE id = ?", id).toArray()[0];
    return row ? ok(toDeadLetter(row)) : fail(new NotFoundError(`Dead letter ${id} not found`));
  }

  markReplayed(id: string, deliveryId: string): Outcome<{ replayedAt: string }> {
    const now = Date.now();
    const written = this.sql.exec(
      `UPDATE dead_letters SET replayed_at = ?, replay_delivery_id = ?, replay_count = replay_count + 1
       WHERE id = ?`,
      now,
      deliveryId,
      id,
    ).rowsWritten;
    if (written === 0) return fail(new NotFoundError(`Dead letter ${id} not found`));
    return ok({ replayedAt: new Date(now).toISOString() });
  }

  /** Send state and attempt history of one delivery key. */
  getDelivery(key: string): DeliveryRecord | null {
    const row = deliveryRow(this.sql, key);
    if (!row) return null;
    const history = this.sql
      .exec<AttemptRow>(
        "SELECT delivery_id, attempt, outcome, status, error, at FROM attempt_log WHERE key = ? ORDER BY seq",
        key,
      )
      .toArray();
    return toDeliveryRecord(row, history);
  }

  /** Hands over ledger rows that are due (and overdue confirmations), and the daily clean-up. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    if (this.pruneAt() <= now) {
      pruneOutbox(this.sql, now);
      this.setMeta("prune_at", now + DAY_MS);
    }
    await this.handOver();
  }

  private async handOver(): Promise<void> {
    const tenant = this.ctx.id.name ?? "";
    const report = await this.ledger.handOver(
      this.env.OUTBOUND,
      { binding: "OUTBOX", name: tenant },
      Date.now,
    );
    for (const key of report.givenUp) log.error("delivery.given_up", { tenant, detail: key });
    if (report.queueError) log.warn("delivery.handover_failed", { tenant, error: report.queueError });
    await this.arm();
  }

  /**
   * After a write that settles deliveries (the consumer's finish / recordLocal / dead letters): the
   * alarm only needs to exist (a settled row never needs an earlier check), so it is set once per
   * instance, not read back on every delivery.
   */
  private async armOnce(): Promise<void> {
    if (this.armed) return;
    await this.arm();
  }

  /** The alarm: the ledger's next check, or the daily clean-up (first set by the first write). */
  private async arm(): Promise<void> {
    let pruneAt = this.pruneAt();
    if (pruneAt === Number.POSITIVE_INFINITY) {
      pruneAt = Date.now() + DAY_MS;
      this.setMeta("prune_at", pruneAt);
    }
    const next = Math.min(pruneAt, this.ledger.nextCheckAt() ?? Number.POSITIVE_INFINITY);
    if ((await this.ctx.storage.getAlarm()) !== next) await this.ctx.storage.setAlarm(next);
    this.armed = true;
  }

  private pruneAt(): number {
    const row = this.sql
      .exec<{ value: number }>("SELECT value FROM outbox_meta WHERE name = 'prune_at'")
      .toArray()[0];
    return row ? row.value : Number.POSITIVE_INFINITY;
  }

  private setMeta(name: string, value: number): void {
    this.sql.exec(
      "INSERT INTO outbox_meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
      name,
      value,
    );
  }
}
