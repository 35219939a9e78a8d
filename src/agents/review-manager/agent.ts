/**
 * The Review Manager: one standing agent per tenant. Assigns reviewers when a PR becomes ready for
 * review, keeps one SLA clock per PR and reviewer (remind at 50 %, breach at 100 %, reassign at
 * 200 %), and answers the review card's buttons and `review list|mine|assign` over RPC.
 *
 * Every step: read the tenant's settings (the only await), then change state, schedules and the
 * effects to send in one synchronous block, then flush the effects to the delivery queue. Time comes
 * from `now()`, which tests replace to drive the SLA with a controlled clock.
 */

import type { ChatPlatform } from "../../chat/platform";
import type { Reply } from "../../chat/reply";
import type { Settled } from "../../delivery/ledger";
import { type PrRef, parsePrTarget, prRef } from "../../domain/pr-refs";
import { suggestWindows } from "../../domain/review-rhythm";
import { DAY_MS } from "../../domain/time";
import type { Env } from "../../env";
import { recordSlaEvent } from "../../observability/metrics";
import { attempt, ConflictError, NotFoundError, type Outcome } from "../../platform/errors";
import { settings } from "../../settings/stub";
import { BaseAgent } from "../framework/base-agent";
import type { ScheduledTask } from "../framework/scheduler";
import type { AgentMessage } from "../model";
import { assign, RETRY_TASK } from "./assign";
import { AUTHOR_TASK, AuthorNotices, sendAuthorNotice } from "./author";
import { type BlockInput, blockOf, startBlock } from "./block";
import { type ActInput, type ActResult, act } from "./buttons";
import { bringDueForward, SLA_TASK, type SlaTaskPayload } from "./clock";
import { reviewConfigOf } from "./config";
import { loadView, makeWork, type TenantView, type Work } from "./context";
import { type Effect, migrateLegacyEffects, publishEvent, recordEffect } from "./effects";
import { type LinearPr, linearIssues } from "./linear";
import { CARDS_TASK, CardStore, scheduleRefresh } from "./live-cards";
import { type AssignNowResult, assignNow, unknownPr } from "./manual";
import { type People, peopleOf } from "./model/candidates";
import { reviewEvent, snapshotOf } from "./model/events";
import type { ReviewerRecord, ReviewQueue, TrackedPr } from "./model/model";
import { MAX_QUEUE_LINES } from "./model/queue";
import { applyEvent, needsView } from "./on-event";
import { buildQueue, type QueueOptions } from "./queue-view";
import { REQUEST_TASK, requestDue } from "./request-later";
import { fireStep } from "./sla-steps";
import { ReviewStore } from "./store";
import { personItemOf, routeToOptimizer } from "./to-people";

/** Earlier versions scheduled retries of their effect queue under this kind: now the ledger's alarm. */
const FLUSH_TASK = "review.flush";
/** How far back a person's review times are read for their rhythm. */
const RHYTHM_DAYS = 30;
/** An SLA step whose tenant settings could not be read is tried again after this long. */
const STEP_RETRY_MS = 60_000;

export class ReviewManagerAgent extends BaseAgent {
  readonly agentType = "review-manager" as const;
  private readonly reviews: ReviewStore;
  private readonly cards: CardStore;
  private readonly notices: AuthorNotices;
  private legacyChecked = false;
  /** The tenant's Context Optimizer, once looked up. */
  private readonly optimizer: { optimizerId?: string } = {};

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.reviews = new ReviewStore(ctx.storage.sql);
    this.cards = new CardStore(ctx.storage.sql);
    this.notices = new AuthorNotices(ctx.storage.sql);
  }

  /** The agent's clock (epoch ms). The seam tests replace to move time. */
  protected now(): number {
    return Date.now();
  }

  // ------------------------------------------------------------------ RPC

  /** A review card button: claim, reassign or snooze; answers the updated card. */
  async act(input: ActInput & { correlationId: string }): Promise<Outcome<ActResult>> {
    return attempt(async () => {
      this.requireRunning();
      const pr = this.resolve(input.target);
      const nowMs = this.now();
      const view = await this.view(pr, nowMs, input.correlationId);
      const work = this.work(input.correlationId, nowMs);
      const result = act(work, view, this.reviews.prById(pr.id) ?? pr, input);
      if (result.changed) {
        this.record(work, `${input.verb} on ${prRef(pr)} by ${input.actor.platform}:${input.actor.id}`);
        this.cardsChanged(pr.id);
      }
      await this.settle();
      return result;
    });
  }

  /** "Start block": starts every review waiting for `login` in `repo`; answers them in order. */
  async startBlock(input: BlockInput & { correlationId: string }): Promise<Outcome<Reply>> {
    return attempt(async () => {
      this.requireRunning();
      const nowMs = this.now();
      const first = blockOf(this.work(input.correlationId, nowMs), input.login, input.repo)[0];
      if (!first) return startBlock(this.work(input.correlationId, nowMs), emptyView(), [], input);
      const view = await this.view(first, nowMs, input.correlationId);
      const work = this.work(input.correlationId, nowMs);
      const prs = blockOf(work, input.login, input.repo);
      const reply = startBlock(work, view, prs, input);
      this.record(work, `block of ${prs.length} in ${input.repo} started by ${input.login}`);
      for (const pr of prs) this.cardsChanged(pr.id);
      await this.settle();
      return reply;
    });
  }

  /** `review assign`: assigns now if the PR is known, open, ready and nobody is reviewing it. */
  async assignNow(
    input: PrRef & { platform: ChatPlatform; correlationId: string },
  ): Promise<Outcome<AssignNowResult>> {
    return attempt(async () => {
      this.requireRunning();
      const known = this.reviews.pr(input.repo, input.number);
      if (!known) return unknownPr(input);
      const nowMs = this.now();
      const view = await this.view(known, nowMs, input.correlationId);
      const work = this.work(input.correlationId, nowMs);
      const result = assignNow(work, view, this.reviews.prById(known.id) ?? known, input.platform);
      this.record(work, `review assign ${prRef(known)}: ${result.outcome}`);
      this.cardsChanged(known.id);
      await this.settle();
      return result;
    });
  }

  /** PRs waiting for review, oldest first; with `login`, only that person's; drafts on request. */
  async reviewQueue(input: QueueOptions = {}): Promise<Outcome<ReviewQueue>> {
    return attempt(async () => {
      this.require();
      const people = await this.people();
      const queue = buildQueue(this.reviews, people, this.now(), input);
      // Only the lines `review list|mine` show get their Linear issues.
      const shown = queue.items.slice(0, MAX_QUEUE_LINES);
      const prs = shown.map((item) => {
        const pr = this.reviews.prById(item.id);
        return { repo: item.repo, number: item.number, title: item.title, headRef: pr?.headRef ?? "" };
      });
      const linear = await linearIssues(this.env, this.tenant(), prs, `review-queue:${queue.nowMs}`);
      shown.forEach((item, i) => {
        const issues = linear[i];
        if (issues?.length) item.linear = issues;
      });
      return queue;
    });
  }

  /**
   * When `login` reviewed over the last 30 days, and notify windows (in `tz`) that would fit it
   * (null windows: too few reviews to tell).
   */
  async reviewRhythm(
    login: string,
    tz: string,
  ): Promise<Outcome<{ reviews: number; windows: string[] | null }>> {
    return attempt(() => {
      this.require();
      const times = this.reviews.reviewTimes(login, this.now() - RHYTHM_DAYS * DAY_MS);
      return { reviews: times.length, windows: suggestWindows(times, tz) };
    });
  }

  /** One tracked PR with its reviewers (null when unknown): for status pages and tests. */
  async pullRequest(ref: PrRef): Promise<Outcome<{ pr: TrackedPr; reviewers: ReviewerRecord[] } | null>> {
    return attempt(() => {
      this.require();
      const pr = this.reviews.pr(ref.repo, ref.number);
      return pr ? { pr, reviewers: this.reviews.reviewers(pr.id) } : null;
    });
  }

  /**
   * SLA steps and assignment retries due by the agent's clock are brought forward to now, then the
   * base alarm runs them.
   */
  override async alarm(): Promise<void> {
    // Assignment retries and requests waiting for a focus block's end are on the agent's clock too.
    bringDueForward(this.reviews, this.scheduler, [RETRY_TASK, REQUEST_TASK], this.now(), Date.now());
    await super.alarm();
  }

  // ------------------------------------------------------------- handlers

  protected override async onEvent(
    name: string,
    payload: Record<string, unknown>,
    message: AgentMessage,
  ): Promise<void> {
    const event = reviewEvent(name, payload.data);
    if (!event) return super.onEvent(name, payload, message);
    const nowMs = this.now();
    const snapshot = snapshotOf(event);
    const body = typeof event.pr.body === "string" ? event.pr.body : null;
    const view = needsView(event)
      ? await this.view({ ...snapshot, body }, nowMs, message.correlationId)
      : null;
    const work = this.work(message.correlationId, nowMs);
    applyEvent(work, event, view);
    this.record(work, `${name} ${prRef(snapshot)}`);
    const tracked = this.reviews.pr(snapshot.repo, snapshot.number);
    if (tracked) this.cardsChanged(tracked.id);
    await this.flush();
  }

  protected override async onSchedule(task: ScheduledTask): Promise<void> {
    if (task.kind === FLUSH_TASK) return this.flush();
    if ([CARDS_TASK, AUTHOR_TASK, RETRY_TASK, REQUEST_TASK].includes(task.kind)) {
      return this.onPrTask(task);
    }
    if (task.kind !== SLA_TASK) return super.onSchedule(task);
    const { repo, number, login } = task.payload as Partial<SlaTaskPayload>;
    if (typeof repo !== "string" || typeof number !== "number" || typeof login !== "string") return;
    const pr = this.reviews.pr(repo, number);
    if (!pr) return;
    const nowMs = this.now();
    let view: TenantView;
    try {
      view = await this.view(pr, nowMs, `sla:${task.id}:${task.at}`);
    } catch (err) {
      // The task was claimed before it ran: put the step back so a settings hiccup does not lose it.
      this.scheduler.schedule(Date.now() + STEP_RETRY_MS, SLA_TASK, task.payload, task.key, Date.now());
      throw err;
    }
    const work = this.work(`sla:${task.id}:${task.at}`, nowMs);
    fireStep(work, view, this.reviews.prById(pr.id) ?? pr, login);
    this.cardsChanged(pr.id);
    await this.flush();
  }

  /** A PR's card refresh, author notice or assignment retry came due. */
  private async onPrTask(task: ScheduledTask): Promise<void> {
    const prId = Number(task.payload.prId);
    const pr = Number.isInteger(prId) ? this.reviews.prById(prId) : null;
    if (!pr) return;
    const nowMs = this.now();
    const correlationId = `${task.kind}:${task.id}:${task.at}`;
    const view = await this.view(pr, nowMs, correlationId);
    const work = this.work(correlationId, nowMs);
    const current = this.reviews.prById(pr.id) ?? pr;
    if (task.kind === CARDS_TASK) this.cards.refresh(work, view, current);
    else if (task.kind === RETRY_TASK) {
      const outcome = assign(work, view, current, { retry: true });
      if (outcome.kind === "assigned") this.record(work, `${prRef(current)}: assigned on a retry`);
      this.cardsChanged(current.id);
    } else if (task.kind === REQUEST_TASK) {
      requestDue(work, current, String(task.payload.login ?? ""), Number(task.payload.seq));
    } else sendAuthorNotice(work, view, current);
    await this.flush();
  }

  /** Where the consumer says cards landed, or that an edit is done: cards still out of date are refreshed. */
  protected override async onDeliveriesSettled(settled: Settled[]): Promise<void> {
    const prs = new Set<number>();
    for (const s of settled) {
      const prId = this.cards.settled(s.key, s.outcome === "delivered" ? s.ref : null);
      if (prId !== null) prs.add(prId);
    }
    for (const prId of prs) this.cardsChanged(prId);
  }

  /** Schedules a refresh of the PR's cards when one of them no longer shows the review as it stands. */
  private cardsChanged(prId: number): void {
    const pr = this.reviews.prById(prId);
    if (pr && this.cards.outdated(pr, this.reviews.reviewers(prId))) {
      scheduleRefresh(this.scheduler, prId, Date.now());
    }
  }

  // ------------------------------------------------------------- internal

  /**
   * The tenant view for a step on `pr`, with the PR's Linear issues looked up alongside (outside the
   * synchronous step; a failed lookup only leaves the Linear line out).
   */
  private async view(
    pr: LinearPr & { labels: readonly string[] },
    nowMs: number,
    correlationId: string,
  ): Promise<TenantView> {
    const [view, [linear]] = await Promise.all([
      loadView(this.env, this.tenant(), pr, nowMs),
      linearIssues(this.env, this.tenant(), [pr], correlationId),
    ]);
    return linear?.length ? { ...view, linear } : view;
  }

  private work(correlationId: string, nowMs: number): Work {
    return makeWork({
      store: this.reviews,
      cards: this.cards,
      notices: this.notices,
      scheduler: this.scheduler,
      // The ledger runs on real time (its checks are alarms), whatever the agent's clock says.
      record: (effect) => this.recordEffect(effect, correlationId, Date.now()),
      config: reviewConfigOf(this.require().config),
      nowMs,
      correlationId,
      log: (message) => this.log.add("review", message, Date.now(), correlationId),
      metric: (event) => recordSlaEvent(this.env, this.tenant(), event, this.ctx),
    });
  }

  private record(work: Work, message: string): void {
    this.log.add("review", message, Date.now(), work.correlationId);
  }

  private recordEffect(effect: Effect, correlationId: string, nowMs: number): void {
    recordEffect(this.deliveries, this.tenant(), effect, correlationId, nowMs, (problem) =>
      this.log.add("error", `delivery dropped: ${problem}`, Date.now(), correlationId),
    );
  }

  /** Runs a local ledger effect: a message to a person goes to the Context Optimizer, an event is published. */
  protected override async runLocalEffect(key: string, payload: Record<string, unknown>): Promise<void> {
    const item = personItemOf(payload);
    if (!item) return publishEvent(this.env, this.tenant(), key, payload);
    const correlationId = typeof payload.correlationId === "string" ? payload.correlationId : key;
    const direct = await routeToOptimizer(this.env, this.tenant(), item, correlationId, this.optimizer);
    if (direct) this.deliveries.add(direct, Date.now());
  }

  /**
   * Hands the effects of the step just taken to the delivery queue (they stay in the ledger until
   * confirmed; the alarm hands over again what is not). Effects left by an earlier version move in first.
   */
  private async flush(): Promise<void> {
    if (!this.legacyChecked) {
      this.legacyChecked = true;
      const moved = migrateLegacyEffects(this.ctx.storage.sql, (effect, correlationId) =>
        this.recordEffect(effect, correlationId, Date.now()),
      );
      if (moved > 0)
        this.log.add("restart", `moved ${moved} queued effects into the delivery ledger`, Date.now());
    }
    await this.handOverDeliveries();
  }

  /** After an RPC changed state: send effects, and re-arm the alarm for the schedules written. */
  private async settle(): Promise<void> {
    await this.flush();
    // Cancelling a key that never exists re-arms the single alarm (BaseAgent keeps `arm` private).
    await this.cancel("review:rearm");
  }

  private resolve(target: string): TrackedPr {
    const ref = parsePrTarget(target);
    const pr = !ref
      ? null
      : "id" in ref
        ? this.reviews.prById(ref.id)
        : this.reviews.pr(ref.repo, ref.number);
    if (!pr) throw new NotFoundError(`Foreman does not track ${target} (any more).`);
    return pr;
  }

  private requireRunning(): void {
    const agent = this.require();
    if (agent.status !== "running") {
      throw new ConflictError(
        `The Review Manager is ${agent.status}: \`/foreman agent resume ${agent.agentId}\` to let it act.`,
      );
    }
  }

  private async people(): Promise<People> {
    return peopleOf(await settings(this.env, this.tenant()).team());
  }

  private tenant(): string {
    return this.require().tenant;
  }
}

/** No view is needed to say that nothing waits. */
const emptyView = (): TenantView => ({ team: [], people: new Map(), channels: [], slaHours: 0 });
