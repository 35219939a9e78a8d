/**
 * The Integration Dashboard: one standing agent per tenant. Records review facts from GitHub events
 * (ready for review, review requests, submitted reviews, closes and merges) and the Review Manager's
 * `foreman.sla.breach`, and answers review metrics over RPC: per week, repository and reviewer for
 * `GET /api/metrics/reviews`, and what merged lately and the slowest repository for the digest.
 * See docs/agents.md ("Review metrics") and src/domain/review-metrics.ts.
 *
 * Facts carry the platform's time of the event (`at`; the breach's `atMs`), so a late or replayed
 * delivery lands in the right week. Time for windows and retention comes from `now()`, which tests
 * replace.
 */

import {
  aggregate,
  type ReviewMetrics,
  type SlowestRepo,
  slowestRepo,
  WEEK_MS,
  weekKeys,
} from "../../domain/review-metrics";
import { DAY_MS, HOUR_MS } from "../../domain/time";
import type { Env } from "../../env";
import { attempt, type Outcome, ValidationError } from "../../platform/errors";
import { BaseAgent } from "../framework/base-agent";
import type { AgentMessage } from "../model";
import {
  type MetricsEvent,
  metricsEvent,
  REVIEW_REQUESTED_EVENT,
  ReviewRequestedData,
  SLA_BREACH_EVENT,
  SlaBreachData,
} from "./input";
import { type MergedPr, MetricsStore } from "./store";

/** Facts of PRs idle longer than this are forgotten (a year: the longest range the API serves). */
export const RETENTION_MS = 53 * WEEK_MS;
/** Old facts are pruned at most this often. */
const PRUNE_EVERY_MS = HOUR_MS;
export const MAX_WEEKS = 52;
/** slowestRepo looks at first reviews in this window, ending now. */
export const SLOWEST_WINDOW_MS = 7 * DAY_MS;

export interface ReviewMetricsInput {
  weeks: number;
  repo?: string;
  reviewer?: string;
  nowMs?: number;
}

export class IntegrationDashboardAgent extends BaseAgent {
  readonly agentType = "integration-dashboard" as const;
  private readonly facts: MetricsStore;
  private prunedAtMs = Number.NEGATIVE_INFINITY;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.facts = new MetricsStore(ctx.storage.sql);
  }

  /** The agent's clock (epoch ms). The seam tests replace. */
  protected now(): number {
    return Date.now();
  }

  // ------------------------------------------------------------------ RPC

  /** Review metrics over the `weeks` weeks (1-52) ending with the current one. */
  async reviewMetrics(input: ReviewMetricsInput): Promise<Outcome<ReviewMetrics>> {
    return attempt(() => {
      this.require();
      const { weeks } = input;
      if (!Number.isInteger(weeks) || weeks < 1 || weeks > MAX_WEEKS) {
        throw new ValidationError([{ field: "weeks", message: `must be an integer from 1 to ${MAX_WEEKS}` }]);
      }
      const nowMs = input.nowMs ?? this.now();
      const [oldest = ""] = weekKeys(nowMs, weeks);
      const repos = input.repo ? [input.repo] : undefined;
      return aggregate(this.facts.facts(Date.parse(oldest), repos), { ...input, nowMs });
    });
  }

  /** PRs merged at or after `sinceMs`, newest first; with `repos`, only those. */
  async mergedSince(input: { sinceMs: number; repos?: string[] }): Promise<Outcome<MergedPr[]>> {
    return attempt(() => {
      this.require();
      return this.facts.mergedSince(input.sinceMs, input.repos);
    });
  }

  /**
   * The repository with the slowest median time to first review over the last 7 days (first reviews
   * in (now - 7 d, now]); with `repos`, among those. Null when none had a first review.
   */
  async slowestRepo(input: { nowMs?: number; repos?: string[] } = {}): Promise<Outcome<SlowestRepo | null>> {
    return attempt(() => {
      this.require();
      const nowMs = input.nowMs ?? this.now();
      const from = nowMs - SLOWEST_WINDOW_MS;
      return slowestRepo(this.facts.facts(from, input.repos), from + 1, nowMs);
    });
  }

  /** Stored fact counts, for tests and health pages. */
  async metricsSizes(): Promise<Outcome<Record<string, number>>> {
    return attempt(() => this.facts.sizes());
  }

  // ------------------------------------------------------------- handlers

  protected override async onEvent(
    name: string,
    payload: Record<string, unknown>,
    message: AgentMessage,
  ): Promise<void> {
    const nowMs = this.now();
    if (name === SLA_BREACH_EVENT) {
      const data = SlaBreachData.safeParse(payload.data);
      if (!data.success) {
        this.log.add("error", `${name}: unexpected event data`, Date.now(), message.correlationId);
        return;
      }
      const b = data.data;
      const added = this.facts.breach(b.repo, b.number, b.reviewer, b.atMs, b.budgetMs);
      this.note(`${name} ${b.repo}#${b.number} ${b.reviewer}${added ? "" : " (known)"}`, message);
    } else if (name === REVIEW_REQUESTED_EVENT) {
      const data = ReviewRequestedData.safeParse(payload.data);
      if (!data.success) {
        this.log.add("error", `${name}: unexpected event data`, Date.now(), message.correlationId);
        return;
      }
      const r = data.data;
      for (const reviewer of r.reviewers) this.facts.request(r.repo, r.number, reviewer, r.atMs);
      this.note(`${name} ${r.repo}#${r.number} ${r.reviewers.join(", ")}`, message);
    } else {
      const event = metricsEvent(name, payload.data);
      if (!event) return super.onEvent(name, payload, message);
      const added = this.record(event, nowMs);
      this.note(`${name} ${event.repo.fullName}#${event.pr.number}${added ? "" : " (nothing new)"}`, message);
    }
    this.prune(nowMs);
  }

  // ------------------------------------------------------------- internal

  /** Records the facts an event carries; answers whether any was new. */
  private record(event: MetricsEvent, nowMs: number): boolean {
    const parsed = Date.parse(event.at);
    const at = Number.isFinite(parsed) ? parsed : nowMs;
    const repo = event.repo.fullName;
    const { number } = event.pr;
    const pr = event.pr;
    this.facts.info({ repo, number, author: pr.author, title: pr.title, url: pr.htmlUrl }, at);
    switch (event.kind) {
      case "pr.opened":
      case "pr.reopened":
      case "pr.ready_for_review":
        return !pr.draft && this.facts.prFact(repo, number, "ready", at);
      case "pr.closed":
        return this.facts.prFact(repo, number, event.merged ? "merged" : "closed", at);
      case "pr.review_requested":
        return event.reviewer.type === "user" && this.facts.request(repo, number, event.reviewer.login, at);
      case "review.submitted":
        return event.reviewer !== null && this.facts.review(repo, number, event.reviewId, event.reviewer, at);
      default:
        return false;
    }
  }

  private prune(nowMs: number): void {
    if (nowMs - this.prunedAtMs < PRUNE_EVERY_MS) return;
    this.prunedAtMs = nowMs;
    const forgotten = this.facts.prune(nowMs - RETENTION_MS);
    if (forgotten > 0) {
      const what = forgotten === 1 ? "pull request" : "pull requests";
      this.log.add("metrics", `forgot ${forgotten} ${what} idle for over a year`, Date.now());
    }
  }

  private note(text: string, message: AgentMessage): void {
    this.log.add("metrics", text, Date.now(), message.correlationId);
  }
}
