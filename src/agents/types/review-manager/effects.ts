/**
 * What the Review Manager sends (GitHub review requests, channel cards, Slack DMs, and Foreman
 * events such as `foreman.sla.breach` published through the Coordinator) is written to
 * its own SQLite in the same synchronous step as the state change that calls for it, then handed to
 * the delivery queue (a transactional outbox). A crash in between loses nothing: the next flush
 * sends what is left, and delivery keys make a second send of the same effect post once.
 */
import { postDirectSlack, postToChannel } from "../../../chat/post";
import type { Reply } from "../../../commands/reply";
import { enqueueDelivery } from "../../../delivery/enqueue";
import type { Env } from "../../../env";
import { AppError } from "../../../errors";
import { coordinator } from "../../../rpc";
import type { ChannelRef } from "../../../settings/model";
import { all, count, parseJson, run } from "../../framework/sql";

export type GitHubReviewAction = "pulls.requestReviewers" | "pulls.removeRequestedReviewers";

export type Effect =
  | { kind: "github"; action: GitHubReviewAction; body: Record<string, unknown>; key: string }
  | { kind: "channel"; channel: ChannelRef; reply: Reply; key: string }
  | { kind: "dm"; userId: string; reply: Reply; key: string }
  /** A Foreman event published through the tenant's Coordinator; `key` is its event id (sent once). */
  | { kind: "event"; name: "foreman.sla.breach"; data: SlaBreachEventData; key: string }
  | { kind: "event"; name: "foreman.review.requested"; data: ReviewRequestedEventData; key: string };

/** `foreman.review.requested`: Foreman asked these people to review (for review metrics). */
export type ReviewRequestedEventData = { repo: string; number: number; reviewers: string[]; atMs: number };

/** `foreman.sla.breach`: a reviewer's SLA budget ran out (for review metrics). */
export type SlaBreachEventData = {
  repo: string;
  number: number;
  reviewer: string;
  /** When it was breached: the SLA clock's breach time (not when the late alarm ran). */
  atMs: number;
  /** The SLA budget in working ms. */
  budgetMs: number;
};

/** Attempts before an effect that keeps failing to enqueue is dropped (and logged). */
const MAX_ATTEMPTS = 5;

type EffectRow = { seq: number; effect: string; correlation_id: string; attempts: number };

export interface FlushReport {
  sent: number;
  dropped: string[];
  left: number;
}

export class EffectQueue {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS review_effects (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, effect TEXT NOT NULL, correlation_id TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL)`);
  }

  add(effect: Effect, correlationId: string, nowMs: number): void {
    run(
      this.sql,
      "INSERT INTO review_effects (effect, correlation_id, created_at) VALUES (?, ?, ?)",
      JSON.stringify(effect),
      correlationId,
      nowMs,
    );
  }

  size(): number {
    return count(this.sql, "SELECT COUNT(*) AS n FROM review_effects");
  }

  /** Enqueues every waiting effect, oldest first; failures stay for the next flush. */
  async flush(env: Env, tenant: string): Promise<FlushReport> {
    const report: FlushReport = { sent: 0, dropped: [], left: 0 };
    const rows = all<EffectRow>(this.sql, "SELECT * FROM review_effects ORDER BY seq LIMIT 200");
    for (const row of rows) {
      const effect = parseJson<Effect | null>(row.effect, null);
      try {
        if (effect) await send(env, tenant, effect, row.correlation_id);
        run(this.sql, "DELETE FROM review_effects WHERE seq = ?", row.seq);
        report.sent++;
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        const permanent = err instanceof AppError && err.status < 500;
        if (permanent || row.attempts + 1 >= MAX_ATTEMPTS) {
          run(this.sql, "DELETE FROM review_effects WHERE seq = ?", row.seq);
          report.dropped.push(`${effect?.key ?? row.seq}: ${message}`);
        } else {
          run(this.sql, "UPDATE review_effects SET attempts = attempts + 1 WHERE seq = ?", row.seq);
        }
      }
    }
    report.left = this.size();
    return report;
  }
}

async function send(env: Env, tenant: string, effect: Effect, correlationId: string): Promise<void> {
  const options = { key: effect.key, correlationId };
  switch (effect.kind) {
    case "github":
      await enqueueDelivery(env, {
        tenant,
        platform: "github",
        action: effect.action,
        body: effect.body,
        ...options,
      });
      return;
    case "channel":
      await postToChannel(env, tenant, effect.channel, effect.reply, options);
      return;
    case "dm":
      await postDirectSlack(env, tenant, effect.userId, effect.reply, options);
      return;
    case "event": {
      const published = await coordinator(env, tenant).publish({
        name: effect.name,
        data: effect.data,
        eventId: effect.key,
        correlationId,
      });
      // Thrown as a plain Error: kept and retried by the next flush.
      if (!published.ok) throw new Error(`publishing ${effect.name} failed: ${published.error.message}`);
      return;
    }
  }
}
