/**
 * The Integration Dashboard: one standing agent per tenant. Records review facts from GitHub events
 * (ready for review, review requests, submitted reviews, closes and merges) and the Review Manager's
 * `foreman.sla.breach`, and answers review metrics over RPC: per week, repository and reviewer for
 * `GET /api/metrics/reviews`, and what merged lately and the slowest repository for the digest.
 * See docs/agents.md ("Review metrics") and src/domain/review-metrics.ts. For insights (docs/insights.md)
 * it also keeps review states, review comments and PR sizes, and answers per repository the stages in
 * working hours (src/domain/insights.ts), review quality and the size effect
 * (src/domain/review-quality.ts).
 *
 * Facts carry the platform's time of the event (`at`; the breach's `atMs`), so a late or replayed
 * delivery lands in the right week. Time for windows and retention comes from `now()`, which tests
 * replace.
 */

import { z } from "zod";
import {
  type RepoInsight,
  repoInsights,
  type WorkClock,
  windowsEndingAt,
  workClock,
} from "../../domain/insights";
import {
  aggregate,
  type ReviewMetrics,
  type SlowestRepo,
  slowestRepo,
  WEEK_MS,
  weekKeys,
} from "../../domain/review-metrics";
import {
  EFFECTIVE_MAX_LINES,
  type QualityReport,
  reviewQuality,
  type SizeEffect,
  sizeEffect,
  sizeEffectText,
} from "../../domain/review-quality";
import { DAY_MS, HOUR_MS } from "../../domain/time";
import type { Env } from "../../env";
import { attempt, errorMessage, type Outcome, ValidationError } from "../../platform/errors";
import { teamOf } from "../../settings/team";
import { BaseAgent } from "../framework/base-agent";
import type { AgentMessage } from "../model";
import { scheduleOf } from "../review-manager/model/candidates";
import { type HistoryPr, HistoryPrSchema, importHistory, MAX_HISTORY_PRS } from "./history";
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

/** Insights cover at most this many 7-day windows ending now. */
export const MAX_INSIGHT_WEEKS = 12;
/** The size effect looks this many weeks back unless told otherwise. */
export const SIZE_EFFECT_WEEKS = 12;

export interface InsightsFactsInput {
  /** 7-day windows ending now, 1-12. */
  weeks: number;
  repo?: string;
  nowMs?: number;
}

/** What the dashboard's facts say for insights: stages per repository and week, review quality. */
export interface DashboardInsights {
  repos: RepoInsight[];
  quality: QualityReport;
}

export interface SizeEffectInput {
  /** The size that splits PRs (default 400 lines). */
  lines?: number;
  /** 7-day windows ending now (default 12, at most 52). */
  weeks?: number;
  repo?: string;
  nowMs?: number;
}

export type SizeEffectFigure = SizeEffect & { weeks: number; text: string | null };

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

  /**
   * Per repository, the working time to first review, in review and to merge per 7-day window ending
   * now (with the trend of the last against the one before), and review quality over the `weeks`.
   * Working time is counted in each person's hours from the team roster (src/domain/insights.ts).
   */
  async insights(input: InsightsFactsInput): Promise<Outcome<DashboardInsights>> {
    return attempt(async () => {
      const { tenant } = this.require();
      const weeks = checkedWeeks(input.weeks, MAX_INSIGHT_WEEKS);
      const nowMs = input.nowMs ?? this.now();
      // Two windows at least: the trend compares the last 7 days with the 7 before.
      const windows = windowsEndingAt(nowMs, Math.max(2, weeks));
      const clock = await this.clock(tenant);
      const oldest = windows.at(-1)?.fromMs ?? nowMs;
      const facts = this.facts.facts(oldest, input.repo ? [input.repo] : undefined);
      const repos = repoInsights(facts, windows, clock).map((r) => ({
        ...r,
        weeks: r.weeks.slice(0, weeks),
      }));
      const quality = reviewQuality(facts, { fromMs: nowMs - weeks * WEEK_MS, toMs: nowMs, clock });
      return { repos, quality };
    });
  }

  /**
   * "Reviews of PRs over 400 lines take 3x longer here": the median working time to first review of
   * PRs over `lines` against the others, over the last `weeks` (src/domain/review-quality.ts).
   */
  async sizeEffect(input: SizeEffectInput = {}): Promise<Outcome<SizeEffectFigure>> {
    return attempt(async () => {
      const { tenant } = this.require();
      const weeks = checkedWeeks(input.weeks ?? SIZE_EFFECT_WEEKS, MAX_WEEKS);
      const lines = input.lines ?? EFFECTIVE_MAX_LINES;
      if (!Number.isInteger(lines) || lines < 1 || lines > 100_000) {
        throw new ValidationError([{ field: "lines", message: "must be an integer from 1 to 100000" }]);
      }
      const nowMs = input.nowMs ?? this.now();
      const fromMs = nowMs - weeks * WEEK_MS;
      const clock = await this.clock(tenant);
      const facts = this.facts.facts(fromMs, input.repo ? [input.repo] : undefined);
      const effect = sizeEffect(facts, { fromMs, toMs: nowMs, clock }, lines);
      return { ...effect, weeks, text: sizeEffectText(effect) };
    });
  }

  /** Past PRs recorded as facts (history.ts): the demo tenant's simulated history. */
  async importHistory(prs: HistoryPr[]): Promise<Outcome<{ prs: number; facts: number }>> {
    return attempt(() => {
      this.require();
      const checked = z.array(HistoryPrSchema).max(MAX_HISTORY_PRS).parse(prs);
      return { prs: checked.length, facts: importHistory(this.facts, checked) };
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

  /** Working time in each team member's weekly hours; UTC office hours for others (or without the roster). */
  private async clock(tenant: string): Promise<WorkClock> {
    try {
      const team = await teamOf(this.env, tenant);
      return workClock(new Map(team.map((m) => [m.github.toLowerCase(), scheduleOf(m)])));
    } catch (err) {
      this.log.add(
        "error",
        `team roster unavailable, counting UTC office hours: ${errorMessage(err)}`,
        Date.now(),
      );
      return workClock(new Map());
    }
  }

  /** Records the facts an event carries; answers whether any was new. */
  private record(event: MetricsEvent, nowMs: number): boolean {
    const parsed = Date.parse(event.at);
    const at = Number.isFinite(parsed) ? parsed : nowMs;
    const repo = event.repo.fullName;
    const { number } = event.pr;
    const pr = event.pr;
    const lines = pr.changedLines ?? null;
    this.facts.info({ repo, number, author: pr.author, title: pr.title, url: pr.htmlUrl, lines }, at);
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
        return (
          event.reviewer !== null &&
          this.facts.review(repo, number, event.reviewId, event.reviewer, at, event.state ?? null)
        );
      case "review.comment":
        return (
          event.author !== null &&
          this.facts.comment(repo, number, event.commentId, event.author, event.reviewId, at)
        );
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

function checkedWeeks(weeks: number, max: number): number {
  if (!Number.isInteger(weeks) || weeks < 1 || weeks > max) {
    throw new ValidationError([{ field: "weeks", message: `must be an integer from 1 to ${max}` }]);
  }
  return weeks;
}
