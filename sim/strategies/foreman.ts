/**
 * Foreman as a strategy: the Review Manager's own code, not a model of it. Every PR event goes through
 * `applyEvent` (src/agents/review-manager/on-event.ts), every SLA step through `fireStep`, every
 * retry of an assignment through `assign` and every review notice through `sendAuthorNotice`, over the agent's real SQLite stores (ReviewStore,
 * CardStore, AuthorNotices, Scheduler) on an in-memory database. The effects it emits are read as
 * what would happen: a GitHub review request (GitHub notifies the person), a message for one person
 * (`foreman`: the Context Optimizer is off and it goes to them as a DM at once; `foreman+context`: it
 * goes through the optimizer's routing, context.ts), a post or thread reply in the team channel (a
 * message to everyone it mentions); edits of cards notify nobody. The team gets the defaults a new
 * tenant gets; the scenario's SLA is set as the team would set it with `sla set`, and each person's
 * focus blocks as they would enter them with `/foreman me focus add`.
 *
 * Review policies (src/agents/review-manager/policy.ts decides): without one the view carries none and
 * the Review Manager uses the migrated default (today's settings); with one (`--policy`), every view
 * carries it as the tenant's active policy, version 1, and the channels it names as linked. Every PR's
 * base branch is `main`; its changed files are not known (a `paths` or `minFiles`/`maxFiles` rule never
 * matches). Labels a rule adds are on the PR from then on, as GitHub would have them.
 */

import { sentWithoutRouting } from "../../src/agents/context-optimizer/model";
import { RELEASE_TASK } from "../../src/agents/context-optimizer/route";
import { Scheduler } from "../../src/agents/framework/scheduler";
import { assign, RETRY_TASK } from "../../src/agents/review-manager/assign";
import { AUTHOR_TASK, AuthorNotices, sendAuthorNotice } from "../../src/agents/review-manager/author";
import { SLA_TASK } from "../../src/agents/review-manager/clock";
import { type ReviewManagerConfig, reviewConfigOf } from "../../src/agents/review-manager/config";
import { makeWork, type TenantView, type Work } from "../../src/agents/review-manager/context";
import type { Effect } from "../../src/agents/review-manager/effects";
import { ForecastStore } from "../../src/agents/review-manager/forecast-store";
import { FIT_TASK, fitModels } from "../../src/agents/review-manager/forecasting";
import { CardStore } from "../../src/agents/review-manager/live-cards";
import { type People, peopleOf } from "../../src/agents/review-manager/model/candidates";
import type { ReviewEvent } from "../../src/agents/review-manager/model/events";
import { NUDGE_TASK, nudgeDue } from "../../src/agents/review-manager/nudge";
import { applyEvent, needsView } from "../../src/agents/review-manager/on-event";
import { PrPolicyStore } from "../../src/agents/review-manager/policy-store";
import { REQUEST_TASK, requestDue } from "../../src/agents/review-manager/request-later";
import { fireStep } from "../../src/agents/review-manager/sla-steps";
import { ReviewStore } from "../../src/agents/review-manager/store";
import type { ChannelRef, ChatUserRef } from "../../src/chat/platform";
import type { NotifyPrefs } from "../../src/domain/notify";
import { DEFAULT_SLA_RULE, resolveSla, type SlaRule } from "../../src/domain/sla";
import { localDayOf } from "../../src/domain/time";
import { type MemberAvailability, type OooEntry, oooActive, type TeamMember } from "../../src/settings/model";
import type { PolicyView } from "../../src/settings/policies";
import { isoDay, type SimPerson } from "../team";
import type { ReviewState, SimPr, Strategy, World } from "../world";
import { ContextRouter, notifyOf } from "./context";
import { type NamedPolicy, policyViewOf, prsByRule, SIM_BASE } from "./policy";

const QUARTER_HOUR_MS = 15 * 60_000;
const CHANNEL: ChannelRef = { platform: "slack", workspaceId: "TSIM", channelId: "CTEAM" };
const MENTION = /<@([A-Za-z0-9]+)>/g;
const userId = (p: SimPerson) => `U${String(p.index).padStart(5, "0")}`;

export interface ForemanOptions {
  /** Messages to people go through the Context Optimizer's routing (`foreman+context`). */
  context?: boolean;
  /**
   * Forecast-timed nudges to whoever a PR waits on instead of the fixed 50 % reminder
   * (`foreman+predict`, src/agents/review-manager/nudge.ts), with the models fitted as in production:
   * from the run's own history, nightly and after every 20 merges. Off, the agent runs with
   * `forecast.nudges: false` (fixed reminders) and fits nothing.
   */
  predict?: boolean;
  /**
   * The tenant's active review policy (version 1): in every view the Review Manager gets, and the
   * strategy is named `foreman[<id>]` (`foreman+context[<id>]`, …). Absent: no policy in the view, the
   * Review Manager decides by the migrated default, today's settings.
   */
  policy?: NamedPolicy;
}

export class ForemanStrategy implements Strategy {
  readonly name: string;
  /** The Context Optimizer's routing, when on (null: messages to people go out at once). */
  readonly router: ContextRouter | null;
  private readonly store: ReviewStore;
  private readonly cards: CardStore;
  private readonly notices: AuthorNotices;
  private readonly forecasts: ForecastStore;
  private readonly policies: PrPolicyStore;
  /** The policy view every TenantView carries (null: none, the migrated default decides). */
  private readonly policyView: PolicyView | null;
  private readonly scheduler: Scheduler;
  private readonly config: ReviewManagerConfig;
  private readonly team: TeamMember[];
  private readonly byUserId = new Map<string, SimPerson>();
  private readonly rules: SlaRule[];
  /** Each person's notify preferences (the team defaults and their focus blocks). */
  private readonly notify: NotifyPrefs[];
  private seq = 0;
  private teamCache: { bucket: number; team: MemberAvailability[] } | null = null;
  private peopleCache: People | null = null;
  /** Labels a policy rule added to a PR on GitHub (by PR number), on the PR in every later event. */
  private readonly addedLabels = new Map<number, string[]>();

  constructor(
    private readonly world: World,
    sql: SqlStorage,
    options: ForemanOptions = {},
  ) {
    const base = options.context ? "foreman+context" : options.predict ? "foreman+predict" : "foreman";
    this.name = options.policy ? `${base}[${options.policy.id}]` : base;
    const defaults = reviewConfigOf({} as Parameters<typeof reviewConfigOf>[0]);
    const predict = options.predict === true;
    this.config = { ...defaults, forecast: { ...defaults.forecast, nudges: predict, assign: predict } };
    this.store = new ReviewStore(sql);
    this.cards = new CardStore(sql);
    this.notices = new AuthorNotices(sql);
    this.forecasts = new ForecastStore(sql);
    this.policies = new PrPolicyStore(sql);
    this.policyView = options.policy ? policyViewOf(options.policy, CHANNEL.workspaceId) : null;
    this.scheduler = new Scheduler(sql);
    const at = new Date(world.nowMs).toISOString();
    this.team = world.people.map((p) => {
      this.byUserId.set(userId(p), p);
      return {
        user: { platform: "slack", id: userId(p), name: p.login },
        github: p.login,
        tz: p.tz,
        lead: p.lead,
        workingHours: {
          days: [...(p.hours.days ?? ["mon", "tue", "wed", "thu", "fri"])],
          start: p.hours.start ?? "09:00",
          end: p.hours.end ?? "17:00",
        },
        addedBy: "simulator",
        addedAt: at,
        updatedAt: at,
      };
    });
    const sla = world.scenario.sla;
    const rule = (r: { label?: string; repo?: string; hours: number }): SlaRule => ({
      repo: r.repo?.toLowerCase() ?? null,
      label: r.label ?? null,
      hours: r.hours,
      isDefault: false,
      setBy: "simulator",
      setAt: at,
    });
    this.rules = [{ ...DEFAULT_SLA_RULE, hours: sla.hours, isDefault: false }, ...sla.rules.map(rule)];
    this.notify = world.people.map(notifyOf);
    // The optimizer's store and release tasks share this strategy's database (its own tables, and
    // the Scheduler's: a release task is fired by `wake` like the Review Manager's).
    this.router = options.context
      ? new ContextRouter(
          world,
          sql,
          this.scheduler,
          (user, now) => {
            const p = this.byUserId.get(user.id);
            return p ? this.availability(p, now) : null;
          },
          (user) => this.personOf(user),
        )
      : null;
  }

  // ------------------------------------------------------------ strategy

  ready(pr: SimPr): void {
    // A draft was opened earlier (nothing to assign then); the ready event is what GitHub sends now.
    if (pr.trace.draft) this.apply(pr, "pr.opened", { draft: true });
    this.apply(pr, pr.trace.draft ? "pr.ready_for_review" : "pr.opened", {});
  }

  reviewed(pr: SimPr, reviewer: string, state: ReviewState): void {
    this.apply(pr, "review.submitted", { reviewer, state, reviewId: ++this.seq });
  }

  rerequested(pr: SimPr, reviewer: string): void {
    this.apply(pr, "pr.review_requested", { reviewer: { type: "user", login: reviewer } });
  }

  merged(pr: SimPr): void {
    this.apply(pr, "pr.closed", { state: "closed", merged: true });
  }

  nextWakeMs(): number | null {
    return this.scheduler.nextAt();
  }

  settled(): boolean {
    return this.router?.settled() ?? true;
  }

  /**
   * How many PRs each rule of the policy decided (a PR counts once, for the rule of its first
   * decision), in the policy's order; rules that decided nothing are listed with 0.
   */
  prsByRule(): Record<string, number> {
    const idOf = (repo: string, number: number) => this.store.pr(repo, number)?.id;
    return prsByRule(this.policyView, this.world, idOf, this.policies);
  }

  /**
   * The agents' alarms: every task due runs, as `onSchedule` runs it. Tasks due at the same instant
   * run in the order of their keys (the Scheduler's ids are random), so a run repeats exactly.
   */
  wake(): void {
    const now = this.world.nowMs;
    const due = this.scheduler
      .claimDue(now, 1000)
      .sort((a, b) => a.at - b.at || order(a.key ?? a.kind, b.key ?? b.kind));
    for (const task of due) {
      const { repo, number, login, prId, person } = task.payload as Record<string, unknown>;
      if (task.kind === RELEASE_TASK && typeof person === "string") {
        this.router?.release(person);
      } else if (
        task.kind === SLA_TASK &&
        typeof repo === "string" &&
        typeof number === "number" &&
        typeof login === "string"
      ) {
        const pr = this.store.pr(repo, number);
        if (pr) fireStep(this.work(), this.view(pr.repo, pr.labels), pr, login);
      } else if (task.kind === RETRY_TASK && typeof prId === "number") {
        const pr = this.store.prById(prId);
        if (pr) assign(this.work(), this.view(pr.repo, pr.labels), pr, { retry: true });
      } else if (task.kind === REQUEST_TASK && typeof prId === "number" && typeof login === "string") {
        const pr = this.store.prById(prId);
        if (pr) requestDue(this.work(), pr, login, Number((task.payload as Record<string, unknown>).seq));
      } else if (task.kind === NUDGE_TASK && typeof prId === "number") {
        const pr = this.store.prById(prId);
        if (pr) nudgeDue(this.work(), this.view(pr.repo, pr.labels), pr);
      } else if (task.kind === FIT_TASK) {
        if (this.config.forecast.nudges) fitModels(this.work());
      } else if (task.kind === AUTHOR_TASK && typeof prId === "number") {
        const pr = this.store.prById(prId);
        if (pr) sendAuthorNotice(this.work(), this.view(pr.repo, pr.labels), pr);
      }
      // Card refreshes only edit cards in place: nobody is notified, nothing to simulate.
    }
  }

  // ------------------------------------------------------------ internal

  /** A GitHub webhook event, with the team's view when the agent reads it for that kind (`needsView`). */
  private apply(pr: SimPr, kind: string, extra: Record<string, unknown>): void {
    const t = pr.trace;
    const now = this.world.nowMs;
    const { state, merged, draft, ...rest } = extra as { state?: string; merged?: boolean; draft?: boolean };
    const labels = this.labelsOf(pr);
    const event = {
      kind,
      repo: { fullName: t.repo },
      pr: {
        number: t.number,
        title: t.title,
        htmlUrl: `https://github.com/${t.repo}/pull/${t.number}`,
        author: t.author,
        state: kind === "pr.closed" ? "closed" : "open",
        draft: draft ?? false,
        merged: merged ?? false,
        headRef: `change-${t.number}`,
        baseRef: SIM_BASE,
        labels,
        changedLines: t.lines,
        requestedReviewers: [...pr.requested.keys()],
        requestedTeams: [],
        updatedAt: new Date(now).toISOString(),
      },
      sender: t.author,
      at: new Date(now).toISOString(),
      ...(kind === "review.submitted" ? { state } : {}),
      ...rest,
    } as unknown as ReviewEvent;
    applyEvent(this.work(), event, needsView(event) ? this.view(t.repo, labels) : null);
  }

  /** The PR's labels on GitHub: the trace's, and any a policy rule added. */
  private labelsOf(pr: SimPr): string[] {
    const added = this.addedLabels.get(pr.trace.number);
    return added ? [...pr.trace.labels, ...added] : pr.trace.labels;
  }

  /** What TenantSettings' availability says of one person at `now`. */
  private availability(p: SimPerson, now: number): MemberAvailability {
    const member = this.team[p.index] as TeamMember;
    const localDate = isoDay(localDayOf(now, p.tz));
    // The entry the team would have set: the absence in force, else the next one ahead.
    const range = p.ooo.find((o) => o.to >= localDate);
    const entry: OooEntry | null = range
      ? { user: member.user, from: range.from, until: range.to, setBy: "simulator", setAt: member.addedAt }
      : null;
    return {
      member,
      localDate,
      ooo: entry && oooActive(entry, localDate) ? entry : null,
      planned: entry,
      notify: this.notify[p.index] as NotifyPrefs,
    };
  }

  private view(repo: string, labels: readonly string[]): TenantView {
    const now = this.world.nowMs;
    // Who is out and everyone's local date change only at local midnights, which fall on a quarter
    // hour in every zone: the team part is built once per quarter hour (as settings would answer it).
    const bucket = Math.floor(now / QUARTER_HOUR_MS);
    if (this.teamCache?.bucket !== bucket) {
      this.teamCache = { bucket, team: this.world.people.map((p) => this.availability(p, now)) };
    }
    this.peopleCache ??= peopleOf(this.team);
    return {
      team: this.teamCache.team,
      people: this.peopleCache,
      channels: [CHANNEL],
      slaHours: resolveSla(this.rules, repo, labels).hours,
      ...(this.policyView ? { policy: this.policyView } : {}),
    };
  }

  private work(): Work {
    return makeWork({
      store: this.store,
      cards: this.cards,
      notices: this.notices,
      forecasts: this.forecasts,
      policies: this.policies,
      scheduler: this.scheduler,
      config: this.config,
      nowMs: this.world.nowMs,
      correlationId: "simulation",
      record: (effect) => this.effect(effect),
      log: () => {},
    });
  }

  /** What an effect does in the world. */
  private effect(effect: Effect): void {
    const w = this.world;
    switch (effect.kind) {
      case "github": {
        if (effect.action === "issues.addLabels") {
          // A policy rule's labels: on the PR from now on (GitHub notifies nobody of a label).
          const number = Number(effect.body.issue_number);
          const labelled = w.pr(number);
          if (!labelled) return;
          const have = new Set(this.labelsOf(labelled).map((l) => l.toLowerCase()));
          const fresh = ((effect.body.labels ?? []) as string[]).filter((l) => !have.has(l.toLowerCase()));
          if (fresh.length) this.addedLabels.set(number, [...(this.addedLabels.get(number) ?? []), ...fresh]);
          return;
        }
        const pr = w.pr(Number(effect.body.pull_number));
        if (!pr) return;
        const reviewers = (effect.body.reviewers ?? []) as string[];
        if (effect.action === "pulls.requestReviewers") for (const login of reviewers) w.request(pr, login);
        else for (const login of reviewers) w.unrequest(pr, login);
        return;
      }
      case "person": {
        if (this.router) {
          this.router.route(effect.item);
          return;
        }
        // The optimizer is off: the Review Manager's message goes to the person as a DM at once (the
        // extras only routing sends — the next review, notes for later — stay out, as in production).
        if (!sentWithoutRouting(effect.item)) return;
        const person = this.personOf(effect.item.user);
        const pr = effect.item.pr ? (w.pr(effect.item.pr.number) ?? null) : this.prOf(effect.key);
        if (person) w.message(person.login, pr, "dm");
        return;
      }
      case "channel": {
        // The card is placed at once (as the delivery consumer would confirm), so later notices thread.
        if (!effect.replyTo)
          this.cards.settled(effect.key, { channel: effect.channel.channelId, ts: effect.key });
        const pr = this.prOf(effect.key);
        const text = JSON.stringify(effect.reply);
        const mentioned = new Set([...text.matchAll(MENTION)].map((m) => m[1] as string));
        for (const id of [...mentioned].sort()) {
          const person = this.byUserId.get(id);
          if (person) w.message(person.login, pr, "mention");
        }
        return;
      }
      case "edit":
      case "event":
        return;
    }
  }

  private personOf(user: ChatUserRef): SimPerson | undefined {
    return user.platform === "slack" ? this.byUserId.get(user.id) : undefined;
  }

  /** The PR an effect is about, from its delivery key (`…acme/app#12…`). */
  private prOf(key: string): SimPr | null {
    const match = /#(\d+)/.exec(key);
    return match ? (this.world.pr(Number(match[1])) ?? null) : null;
  }
}

const order = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
