/**
 * The Review Manager: one standing agent per tenant. Assigns reviewers when a PR becomes ready for
 * review, keeps one SLA clock per PR and reviewer (remind at 50 % — or, with a forecast, nudge when
 * overdue and idle, nudge.ts — breach at 100 %, reassign at 200 %), forecasts each review
 * (forecasting.ts, predicted.ts), alerts bottlenecks (bottlenecks.ts), and answers the review card's
 * buttons and `review list|mine|assign` over RPC.
 *
 * Every step: read the tenant's settings (the only await), then change state, schedules and the
 * effects to send in one synchronous block, then flush the effects to the delivery queue. Time comes
 * from `now()`, which tests replace to drive the SLA with a controlled clock.
 */

import { z } from "zod";
import type { ChatPlatform } from "../../chat/platform";
import type { Reply } from "../../chat/reply";
import { type PrRef, prRef } from "../../domain/pr-refs";
import { suggestWindows } from "../../domain/review-rhythm";
import { DAY_MS } from "../../domain/time";
import { attempt, type Outcome } from "../../platform/errors";
import type { ScheduledTask } from "../framework/scheduler";
import type { AgentMessage } from "../model";
import { assign, RETRY_TASK } from "./assign";
import { AUTHOR_TASK, sendAuthorNotice } from "./author";
import { type BlockInput, blockOf, startBlock } from "./block";
import { BOTTLENECK_TASK, checkBottlenecks, ensureBottleneckCheck } from "./bottlenecks";
import { type ActInput, type ActResult, act } from "./buttons";
import { bringDueForward, SLA_TASK, type SlaTaskPayload } from "./clock";
import type { TenantView, Work } from "./context";
import { type HistorySample, MAX_SAMPLES } from "./forecast-store";
import { FIT_TASK, fitModels, HistorySampleSchema, noteChecks } from "./forecasting";
import { linearIssues } from "./linear";
import { CARDS_TASK } from "./live-cards";
import { type AssignNowResult, assignNow, unknownPr } from "./manual";
import { READY_KINDS, reviewEvent, snapshotOf } from "./model/events";
import type { ReviewerRecord, ReviewQueue, TrackedPr } from "./model/model";
import { countsOf, MAX_QUEUE_LINES } from "./model/queue";
import { NUDGE_TASK, type NudgeNowResult, nudgeDue, nudgeNow, planNudge } from "./nudge";
import { applyEvent, needsView } from "./on-event";
import { pushOf } from "./policy-files";
import { ReviewManagerPolicies } from "./policy-rpc";
import { predictPrs } from "./predicted";
import { buildQueue, openPrsOf, openPrsOfIds, openPrsOfLogin, type QueueOptions } from "./queue-view";
import { REQUEST_TASK, requestDue } from "./request-later";
import { fireStep } from "./sla-steps";

/** Earlier versions scheduled retries of their effect queue under this kind: now the ledger's alarm. */
const FLUSH_TASK = "review.flush";
/** How far back a person's review times are read for their rhythm. */
const RHYTHM_DAYS = 30;
/** An SLA step whose tenant settings could not be read is tried again after this long. */
const STEP_RETRY_MS = 60_000;

export class ReviewManagerAgent extends ReviewManagerPolicies {
  readonly agentType = "review-manager" as const;

  // ------------------------------------------------------------------ RPC

  /** A review card button: claim, reassign or snooze; answers the updated card. */
  async act(input: ActInput & { correlationId: string }): Promise<Outcome<ActResult>> {
    return attempt(async () => {
      const { pr, work, result } = await this.onTarget(input, (w, view, current) =>
        act(w, view, current, input),
      );
      if (result.changed) {
        this.record(
          work,
          `${input.verb} on ${prRef(pr)} by ${input.by ?? `${input.actor.platform}:${input.actor.id}`}`,
        );
        this.cardsChanged(pr.id);
        this.reviewsChanged();
      }
      await this.settle();
      return result;
    });
  }

  /** A nudge asked for now (the dashboard): to whoever the PR waits on; 409 when it does not apply. */
  async nudgeNow(input: {
    target: string;
    by: string;
    correlationId: string;
  }): Promise<Outcome<NudgeNowResult>> {
    return attempt(async () => {
      const { pr, work, result } = await this.onTarget(input, (w, view, current) =>
        nudgeNow(w, view, current, input.by),
      );
      this.record(work, `nudge on ${prRef(pr)} asked by ${input.by}`);
      await this.settle();
      return result;
    });
  }

  /**
   * The opening of a step on the PR `target` names (`act`, `nudgeNow`): the tenant view read (the one
   * await), then `step` on the PR as it stands after that read.
   */
  private async onTarget<T>(
    input: { target: string; correlationId: string },
    step: (work: Work, view: TenantView, pr: TrackedPr) => T,
  ): Promise<{ pr: TrackedPr; work: Work; result: T }> {
    this.requireRunning();
    const pr = this.resolve(input.target);
    const nowMs = this.now();
    const view = await this.view(pr, nowMs, input.correlationId);
    const work = this.work(input.correlationId, nowMs);
    return { pr, work, result: step(work, view, this.reviews.prById(pr.id) ?? pr) };
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
      this.reviewsChanged();
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
      this.reviewsChanged();
      await this.settle();
      return result;
    });
  }

  /** PRs waiting for review, oldest first; with `login`, only that person's; drafts on request. */
  async reviewQueue(input: QueueOptions = {}): Promise<Outcome<ReviewQueue>> {
    return attempt(async () => {
      this.require();
      const people = await this.people();
      const nowMs = this.now();
      const offset = Math.max(0, input.offset ?? 0);
      // A page of the whole queue reads that page's rows, and its counts from one aggregate
      // (queue-index.ts); one person's queue reads only their reviews (by index); the whole queue
      // (the digest) reads every open PR.
      const paged = !input.login && input.limit !== undefined;
      const open = paged
        ? openPrsOfIds(
            this.reviews,
            this.queueIndex.pageIds({
              includeDrafts: input.includeDrafts ?? false,
              offset,
              limit: input.limit ?? 0,
              ...(input.repos ? { repos: input.repos } : {}),
            }),
          )
        : input.login
          ? openPrsOfLogin(this.reviews, input.login)
          : openPrsOf(this.reviews);
      const queue = buildQueue(open, people, nowMs, input);
      const { total, ...counts } = paged
        ? this.queueIndex.counts(input.includeDrafts ?? false, nowMs, input.repos)
        : countsOf(queue.items);
      if (!paged && (input.limit !== undefined || offset > 0)) {
        queue.items = queue.items.slice(offset, input.limit === undefined ? undefined : offset + input.limit);
      }
      const byId = new Map(open.prs.map((pr) => [pr.id, pr]));
      const page = queue.items.flatMap((item) => byId.get(item.id) ?? []);
      const predicted = predictPrs(
        this.work(`review-queue:${queue.nowMs}`, queue.nowMs),
        page,
        open.reviewers,
      );
      const decided = input.policies === false ? new Map() : this.policies.decisionsOf(page);
      for (const item of queue.items) {
        item.predicted = predicted.get(item.id);
        const d = decided.get(item.id);
        if (d) item.policy = { policyId: d.policyId, version: d.version, rule: d.rule, arm: d.arm };
      }
      // Only the lines `review list|mine` show get their Linear issues.
      const shown = queue.items.slice(0, MAX_QUEUE_LINES);
      const prs = shown.map((item) => {
        const pr = byId.get(item.id);
        return { repo: item.repo, number: item.number, title: item.title, headRef: pr?.headRef ?? "" };
      });
      const linear = await linearIssues(this.env, this.tenant(), prs, `review-queue:${queue.nowMs}`);
      shown.forEach((item, i) => {
        const issues = linear[i];
        if (issues?.length) item.linear = issues;
      });
      return { ...queue, total, offset, counts };
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

  /**
   * Past PRs to learn from (the demo tenant's simulated history): each becomes a training sample
   * (an import of one already there adds nothing), then the forecasts are fitted at once.
   */
  async importHistory(samples: HistorySample[]): Promise<Outcome<{ imported: number; trainedOn: number }>> {
    return attempt(async () => {
      this.require();
      const rows = z.array(HistorySampleSchema).max(MAX_SAMPLES).parse(samples);
      const work = this.work(`history:${rows.length}`, this.now());
      for (const row of rows) this.forecasts.importSample(row);
      const models = fitModels(work);
      await this.refreshSizeFigure();
      return { imported: rows.length, trainedOn: models.review.trainedOn };
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
    bringDueForward(
      this.reviews,
      this.scheduler,
      [RETRY_TASK, REQUEST_TASK, NUDGE_TASK, FIT_TASK, BOTTLENECK_TASK],
      this.now(),
      Date.now(),
    );
    await super.alarm();
  }

  // ------------------------------------------------------------- handlers

  protected override async onEvent(
    name: string,
    payload: Record<string, unknown>,
    message: AgentMessage,
  ): Promise<void> {
    const event = reviewEvent(name, payload.data);
    if (!event) return this.onOtherEvent(name, payload, message);
    const nowMs = this.now();
    const snapshot = snapshotOf(event);
    const body = typeof event.pr.body === "string" ? event.pr.body : null;
    const loaded = needsView(event)
      ? await this.view({ ...snapshot, body }, nowMs, message.correlationId)
      : null;
    const view =
      loaded && READY_KINDS.includes(event.kind)
        ? await this.withFiles(loaded, snapshot, message.correlationId)
        : loaded;
    const work = this.work(message.correlationId, nowMs);
    applyEvent(work, event, view);
    this.record(work, `${name} ${prRef(snapshot)}`);
    const tracked = this.reviews.pr(snapshot.repo, snapshot.number);
    if (tracked) this.cardsChanged(tracked.id);
    this.reviewsChanged();
    await this.flush();
  }

  /** Checks on a PR's head (who it waits on, for nudges); anything else is only logged. */
  private async onOtherEvent(
    name: string,
    payload: Record<string, unknown>,
    message: AgentMessage,
  ): Promise<void> {
    const push = pushOf(name, payload.data);
    if (push) return this.onPush(push, message.correlationId);
    const work = this.work(message.correlationId, this.now());
    const prs = noteChecks(work, name, payload.data);
    if (prs.length === 0) return super.onEvent(name, payload, message);
    for (const pr of prs) planNudge(work, pr);
    this.record(work, `${name} on ${prs.map((pr) => prRef(pr)).join(", ")}`);
  }

  protected override async onSchedule(task: ScheduledTask): Promise<void> {
    if (task.kind === FLUSH_TASK) return this.flush();
    if (task.kind === BOTTLENECK_TASK) return this.onBottleneckCheck(task);
    if (task.kind === FIT_TASK) {
      fitModels(this.work(`fit:${task.id}:${task.at}`, this.now()));
      return this.refreshSizeFigure();
    }
    if ([CARDS_TASK, AUTHOR_TASK, RETRY_TASK, REQUEST_TASK, NUDGE_TASK].includes(task.kind)) {
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
    this.reviewsChanged();
    await this.flush();
  }

  /** The hourly look for bottlenecks (bottlenecks.ts), looking again while reviews are open. */
  private async onBottleneckCheck(task: ScheduledTask): Promise<void> {
    const nowMs = this.now();
    const correlationId = `${task.kind}:${task.id}:${task.at}`;
    const work = this.work(correlationId, nowMs);
    const { items } = buildQueue(openPrsOf(this.reviews), await this.people(), nowMs, {});
    if (items.length > 0) ensureBottleneckCheck(work);
    const viewOf = (item: { id: number }) => {
      const pr = this.reviews.prById(item.id);
      if (!pr) throw new Error(`PR ${item.id} is not tracked`);
      return this.view(pr, nowMs, correlationId);
    };
    const alerted = await checkBottlenecks(work, this.episodes, items, viewOf);
    if (alerted.length) this.record(work, `bottleneck alert: ${alerted.join(", ")}`);
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
      if (outcome.kind === "assigned") {
        this.record(work, `${prRef(current)}: assigned on a retry`);
        this.reviewsChanged();
      }
      this.cardsChanged(current.id);
    } else if (task.kind === REQUEST_TASK) {
      requestDue(work, current, String(task.payload.login ?? ""), Number(task.payload.seq));
    } else if (task.kind === NUDGE_TASK) nudgeDue(work, view, current);
    else sendAuthorNotice(work, view, current);
    await this.flush();
  }
}

/** No view is needed to say that nothing waits. */
const emptyView = (): TenantView => ({ team: [], people: new Map(), channels: [], slaHours: 0 });
