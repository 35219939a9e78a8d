import type { Settled } from "../../delivery/ledger";
import { parsePrTarget } from "../../domain/pr-refs";
import type { Env } from "../../env";
import { recordSlaEvent } from "../../observability/metrics";
import { ConflictError, errorMessage, NotFoundError, unwrap } from "../../platform/errors";
import { teamOf } from "../../settings/team";
import { liveChanged } from "../../tenants/live";
import { BaseAgent } from "../framework/base-agent";
import { findIntegrationDashboard } from "../integration-dashboard/find";
import { AuthorNotices } from "./author";
import { BottleneckEpisodes } from "./bottlenecks";
import { reviewConfigOf } from "./config";
import { loadView, makeWork, type TenantView, type Work } from "./context";
import { type Effect, migrateLegacyEffects, publishEvent, recordEffect } from "./effects";
import { ForecastStore } from "./forecast-store";
import { type LinearPr, linearIssues } from "./linear";
import { CardStore, scheduleRefresh } from "./live-cards";
import { type People, peopleOf } from "./model/candidates";
import type { TrackedPr } from "./model/model";
import { PrPolicyStore } from "./policy-store";
import { QueueIndex } from "./queue-index";
import { ReviewStore } from "./store";
import { personItemOf, routeToOptimizer } from "./to-people";

/**
 * The Review Manager's plumbing, under its RPCs and handlers (agent.ts): its stores, the clock tests
 * move, a step's Work and tenant view, handing effects to the delivery ledger, and cards kept current.
 */
export abstract class ReviewManagerCore extends BaseAgent {
  protected readonly reviews: ReviewStore;
  protected readonly cards: CardStore;
  protected readonly notices: AuthorNotices;
  protected readonly forecasts: ForecastStore;
  protected readonly episodes: BottleneckEpisodes;
  protected readonly policies: PrPolicyStore;
  protected readonly queueIndex: QueueIndex;
  private legacyChecked = false;
  private liveQueued = false;
  /** The tenant's Context Optimizer, once looked up. */
  protected readonly optimizer: { optimizerId?: string } = {};

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.reviews = new ReviewStore(ctx.storage.sql);
    this.cards = new CardStore(ctx.storage.sql);
    this.notices = new AuthorNotices(ctx.storage.sql);
    this.forecasts = new ForecastStore(ctx.storage.sql);
    this.episodes = new BottleneckEpisodes(ctx.storage.sql);
    this.policies = new PrPolicyStore(ctx.storage.sql);
    this.queueIndex = new QueueIndex(ctx.storage.sql);
  }

  /** The agent's clock (epoch ms). The seam tests replace to move time. */
  protected now(): number {
    return Date.now();
  }

  /**
   * The tenant view for a step on `pr`, with the PR's Linear issues looked up alongside (outside the
   * synchronous step; a failed lookup only leaves the Linear line out).
   */
  protected async view(
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

  protected work(correlationId: string, nowMs: number): Work {
    return makeWork({
      store: this.reviews,
      cards: this.cards,
      notices: this.notices,
      forecasts: this.forecasts,
      policies: this.policies,
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

  protected record(work: Work, message: string): void {
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
  protected async flush(): Promise<void> {
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
  protected async settle(): Promise<void> {
    await this.flush();
    // Cancelling a key that never exists re-arms the single alarm (BaseAgent keeps `arm` private).
    await this.cancel("review:rearm");
  }

  protected resolve(target: string): TrackedPr {
    const ref = parsePrTarget(target);
    const pr = !ref
      ? null
      : "id" in ref
        ? this.reviews.prById(ref.id)
        : this.reviews.pr(ref.repo, ref.number);
    if (!pr) throw new NotFoundError(`Foreman does not track ${target} (any more).`);
    return pr;
  }

  protected requireRunning(): void {
    const agent = this.require();
    if (agent.status !== "running") {
      throw new ConflictError(
        `The Review Manager is ${agent.status}: \`/foreman agent resume ${agent.agentId}\` to let it act.`,
      );
    }
  }

  protected async people(): Promise<People> {
    return peopleOf(await teamOf(this.env, this.tenant()));
  }

  /**
   * The Integration Dashboard's figure of how size slows first reviews here, kept for the cards of
   * very large PRs; a dashboard that is not there or does not answer leaves the one known.
   */
  protected async refreshSizeFigure(): Promise<void> {
    try {
      const dashboard = await findIntegrationDashboard(this.env, this.tenant());
      if (!dashboard) return;
      const effect = unwrap(await dashboard.sizeEffect({}));
      if (effect.ratio !== null && effect.text !== null) {
        this.forecasts.saveSizeFigure({
          overLines: effect.thresholdLines,
          ratio: effect.ratio,
          text: effect.text,
        });
      }
    } catch (err) {
      this.log.add("error", `size figure not read: ${errorMessage(err)}`, Date.now());
    }
  }

  protected tenant(): string {
    return this.require().tenant;
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

  /**
   * The queue changed (an event, a claim, reassignment or snooze, an SLA step): the tenant's live
   * dashboards are told once per step (src/tenants/live.ts), after the step's synchronous writes.
   */
  protected reviewsChanged(): void {
    if (this.liveQueued) return;
    this.liveQueued = true;
    let tenant: string;
    try {
      tenant = this.tenant();
    } catch {
      this.liveQueued = false;
      return;
    }
    this.ctx.waitUntil(
      Promise.resolve().then(() => {
        this.liveQueued = false;
        return liveChanged(this.env, tenant, ["reviews", "overview"]);
      }),
    );
  }

  /** Schedules a refresh of the PR's cards when one of them no longer shows the review as it stands. */
  protected cardsChanged(prId: number): void {
    const pr = this.reviews.prById(prId);
    if (pr && this.cards.outdated(pr, this.reviews.reviewers(prId))) {
      scheduleRefresh(this.scheduler, prId, Date.now());
    }
  }

  // ------------------------------------------------------------- internal
}
