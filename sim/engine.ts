/**
 * The discrete-event simulation of a team's review life. The engine owns the behaviour model (the
 * same for every strategy, docs/simulation.md): when people look at their queue, whether a message
 * makes them act, how long a review takes, how a changes-requested round goes. A strategy only
 * decides who is asked to review and who is told what, when (`Strategy`), through `World`.
 */
import { HOUR_MS, localDayOf, MINUTE_MS } from "../src/domain/time";
import { Agenda } from "./agenda";
import { draw, exponential, logNormal, Stream } from "./random";
import type { Scenario } from "./scenario";
import { afterWork, canAct, inFocusBlock, isoDay, nextActive, outOfOffice, type SimPerson } from "./team";
import type { TracePr } from "./trace";
import type {
  Channel,
  PersonTally,
  RequestRecord,
  ReviewRecord,
  ReviewState,
  RunResult,
  SimPr,
  Strategy,
  World,
} from "./world";

interface PersonState {
  p: SimPerson;
  /** PR numbers this person is asked to review and has not started. */
  queue: Set<number>;
  /** PR numbers under review by this person. */
  reviewing: Set<number>;
  busyUntil: number;
  startedDay: number;
  startedToday: number;
  /** The day start that began the current chain of queue checks. */
  chain: number;
  checks: Stream;
}

const WEEK_MS = 7 * 24 * HOUR_MS;
/** After the last PR arrives, the simulation runs on at most this long for the PRs still open. */
const DRAIN_MS = 8 * WEEK_MS;

export class Simulation implements World {
  nowMs: number;
  readonly people: SimPerson[];
  private readonly byLogin = new Map<string, PersonState>();
  private readonly prs: SimPr[];
  private readonly agenda = new Agenda();
  /** Open PRs by number, in the order they became ready. */
  private readonly open = new Map<number, SimPr>();
  private readonly tallies = new Map<string, PersonTally>();
  private readonly reviews: ReviewRecord[] = [];
  private readonly requests: RequestRecord[] = [];
  private readonly everRequested = new Set<string>();
  private readonly rolled = new Map<string, number>();
  private readonly rolls = new Map<string, number>();
  private readonly messagesByChannel: Record<Channel, number> = { github: 0, dm: 0, mention: 0 };
  private workHoursMessages = 0;
  private readonly focusByChannel: Record<Channel, number> = { github: 0, dm: 0, mention: 0 };
  private afterHoursPings = 0;
  private merged = 0;
  private strategy: Strategy | null = null;

  constructor(
    readonly scenario: Scenario,
    people: readonly SimPerson[],
    trace: readonly TracePr[],
    private readonly startMs: number,
  ) {
    this.nowMs = startMs;
    this.people = [...people];
    for (const p of people) {
      this.byLogin.set(p.login.toLowerCase(), {
        p,
        queue: new Set(),
        reviewing: new Set(),
        busyUntil: startMs,
        startedDay: -1,
        startedToday: 0,
        chain: -1,
        checks: new Stream(scenario.seed, `checks:${p.login}`),
      });
      this.tallies.set(p.login, { byDay: new Map(), focus: 0, requests: 0, reviews: 0 });
    }
    this.prs = trace.map((t) => ({
      trace: t,
      state: "draft",
      round: 1,
      readyAtMs: null,
      firstReviewAtMs: null,
      mergedAtMs: null,
      requested: new Map(),
      approvals: new Set(),
      changesFrom: new Set(),
      fixing: false,
      reviewsThisRound: 0,
    }));
  }

  // ------------------------------------------------------------------ World

  person(login: string): SimPerson | undefined {
    return this.byLogin.get(login.toLowerCase())?.p;
  }

  pr(number: number): SimPr | undefined {
    return this.prs[number - 1];
  }

  openPrs(): SimPr[] {
    return [...this.open.values()];
  }

  isOut(login: string): boolean {
    const s = this.byLogin.get(login.toLowerCase());
    return s ? outOfOffice(s.p, isoDay(localDayOf(this.nowMs, s.p.tz))) : false;
  }

  request(pr: SimPr, login: string): void {
    const s = this.byLogin.get(login.toLowerCase());
    if (!s || pr.state !== "open" || pr.requested.has(s.p.login)) return;
    pr.requested.set(s.p.login, this.nowMs);
    const openReviews = s.queue.size + s.reviewing.size;
    s.queue.add(pr.trace.number);
    const key = `${pr.trace.number}:${s.p.login}`;
    if (!this.everRequested.has(key)) {
      this.everRequested.add(key);
      this.requests.push({ login: s.p.login, pr: pr.trace.number, atMs: this.nowMs, openReviews });
      (this.tallies.get(s.p.login) as PersonTally).requests++;
    }
    this.message(s.p.login, pr, "github");
  }

  unrequest(pr: SimPr, login: string): void {
    const s = this.byLogin.get(login.toLowerCase());
    if (!s) return;
    pr.requested.delete(s.p.login);
    s.queue.delete(pr.trace.number);
  }

  message(login: string, pr: SimPr | null, channel: Channel): void {
    const s = this.byLogin.get(login.toLowerCase());
    if (!s) return;
    const { p } = s;
    const now = this.nowMs;
    const tally = this.tallies.get(p.login) as PersonTally;
    const day = localDayOf(now, p.tz);
    tally.byDay.set(day, (tally.byDay.get(day) ?? 0) + 1);
    this.messagesByChannel[channel]++;
    const working = canAct(p, now);
    if (!working) {
      this.afterHoursPings++;
      return; // counted, and nothing else: they are not at work
    }
    this.workHoursMessages++;
    // Focus is measured only: a message in a focus block is acted on like any other (the same model).
    if (inFocusBlock(p, now)) {
      this.focusByChannel[channel]++;
      tally.focus++;
    }
    // Messages about the same thing at the same instant (a request, its DM, its card) are one nudge.
    const about = pr ? `pr${pr.trace.number}` : "queue";
    const group = `${p.login}|${about}`;
    if (this.rolled.get(group) === now) return;
    this.rolled.set(group, now);
    const b = this.scenario.behaviour;
    if (pr) {
      if (!s.queue.has(pr.trace.number)) return; // nothing for them to do on it
      const kind = pr.requested.get(p.login) === now ? "notification" : "reminder";
      const n = this.count(`${kind}:${group}`);
      if (
        draw(this.scenario.seed, `act:${kind}:${group}:${n}`) >=
        (kind === "notification" ? b.actOnNotification : b.actOnReminder)
      )
        return;
      this.later(s, `${kind}:${group}:${n}`, () => this.tryStart(s, pr.trace.number));
    } else {
      if (s.queue.size === 0) return;
      const n = this.count(`queue:${group}`);
      if (draw(this.scenario.seed, `act:queue:${group}:${n}`) >= b.actOnReminder) return;
      this.later(s, `queue:${group}:${n}`, () => this.check(s));
    }
  }

  // ------------------------------------------------------------------ run

  run(strategy: Strategy): RunResult {
    this.strategy = strategy;
    for (const pr of this.prs) this.agenda.push(pr.trace.readyAtMs, () => this.becomeReady(pr));
    for (const s of this.byLogin.values())
      this.agenda.push(nextActive(s.p, this.startMs), () => this.dayStart(s));
    const lastArrival = this.prs.reduce((max, pr) => Math.max(max, pr.trace.readyAtMs), this.startMs);
    const horizon = Math.max(lastArrival, this.startMs + this.scenario.weeks * WEEK_MS) + DRAIN_MS;
    // Every PR merged, the run goes on while the strategy still holds messages it has decided on.
    while (this.merged < this.prs.length || !(strategy.settled?.() ?? true)) {
      const next = this.agenda.peek();
      const wake = strategy.nextWakeMs();
      if (wake !== null && (!next || wake <= next.at)) {
        if (wake > horizon) break;
        this.nowMs = Math.max(this.nowMs, wake);
        strategy.wake();
        continue;
      }
      if (!next || next.at > horizon) break;
      this.agenda.pop();
      this.nowMs = Math.max(this.nowMs, next.at);
      next.run();
    }
    return {
      prs: this.prs,
      reviews: this.reviews,
      requests: this.requests,
      tallies: this.tallies,
      messagesByChannel: this.messagesByChannel,
      workHoursMessages: this.workHoursMessages,
      focusByChannel: { ...this.focusByChannel },
      afterHoursPings: this.afterHoursPings,
      endMs: this.nowMs,
    };
  }

  private get s(): Strategy {
    return this.strategy as Strategy;
  }

  private count(key: string): number {
    const n = this.rolls.get(key) ?? 0;
    this.rolls.set(key, n + 1);
    return n;
  }

  /** Runs `then` after the person's pick-up delay (working time). */
  private later(s: PersonState, key: string, then: () => void): void {
    const delay = exponential(
      draw(this.scenario.seed, `delay:${key}`),
      this.scenario.behaviour.pickupDelayMin * MINUTE_MS,
    );
    this.agenda.push(afterWork(s.p, this.nowMs, Math.max(1, Math.round(delay))), then);
  }

  private becomeReady(pr: SimPr): void {
    pr.state = "open";
    pr.readyAtMs = this.nowMs;
    this.open.set(pr.trace.number, pr);
    this.s.ready(pr);
  }

  /** The start of a working day: a look at the queue, and the day's chain of later looks. */
  private dayStart(s: PersonState): void {
    const dayStart = this.nowMs;
    s.chain = dayStart;
    this.check(s);
    this.nextCheck(s, dayStart);
    const windowMs = s.p.available.windowMs;
    this.agenda.push(nextActive(s.p, dayStart + windowMs + 61 * MINUTE_MS), () => this.dayStart(s));
  }

  private nextCheck(s: PersonState, chain: number): void {
    const gap = exponential(s.checks.next(), this.scenario.behaviour.checkEveryH * HOUR_MS);
    const at = afterWork(s.p, this.nowMs, Math.max(MINUTE_MS, Math.round(gap)));
    this.agenda.push(at, () => {
      if (s.chain !== chain) return; // a new day began its own chain
      this.check(s);
      this.nextCheck(s, chain);
    });
  }

  /** A look at the queue: requests are taken up oldest first, within the day's capacity. */
  private check(s: PersonState): void {
    if (s.queue.size === 0) return;
    const waiting = [...s.queue].sort((a, b) => {
      const ra = this.prs[a - 1]?.requested.get(s.p.login) ?? 0;
      const rb = this.prs[b - 1]?.requested.get(s.p.login) ?? 0;
      return ra - rb || a - b;
    });
    for (const number of waiting) this.tryStart(s, number);
  }

  private tryStart(s: PersonState, number: number): void {
    const pr = this.prs[number - 1];
    if (pr?.state !== "open" || !s.queue.has(number) || s.reviewing.has(number)) return;
    if (!canAct(s.p, this.nowMs)) return;
    const today = localDayOf(this.nowMs, s.p.tz);
    if (s.startedDay !== today) {
      s.startedDay = today;
      s.startedToday = 0;
    }
    if (s.startedToday >= s.p.capacity) return;
    s.startedToday++;
    s.queue.delete(number);
    s.reviewing.add(number);
    const b = this.scenario.behaviour;
    const full =
      Math.min(b.reviewBaseMin + b.reviewMinPerLine * pr.trace.lines, b.reviewMaxMin) / s.p.reviewSpeed;
    const minutes = pr.round > 1 ? full / 2 : full;
    const begin = nextActive(s.p, Math.max(this.nowMs, s.busyUntil));
    const end = afterWork(s.p, begin, Math.max(MINUTE_MS, Math.round(minutes * MINUTE_MS)));
    s.busyUntil = end;
    const record: ReviewRecord = {
      login: s.p.login,
      pr: number,
      round: pr.round,
      startedAtMs: begin,
      submittedAtMs: end,
      state: null,
    };
    this.reviews.push(record);
    this.agenda.push(end, () => this.submit(s, pr, record));
  }

  private submit(s: PersonState, pr: SimPr, record: ReviewRecord): void {
    const { round } = record;
    s.reviewing.delete(pr.trace.number);
    if (pr.state !== "open") return;
    const login = s.p.login;
    pr.requested.delete(login);
    s.queue.delete(pr.trace.number);
    pr.firstReviewAtMs ??= this.nowMs;
    (this.tallies.get(login) as PersonTally).reviews++;
    const b = this.scenario.behaviour;
    const k = pr.round === round ? pr.reviewsThisRound++ : 0;
    const share = round === 1 ? b.changesRequested : b.changesRequestedLater;
    const state: ReviewState =
      draw(this.scenario.seed, `outcome:${pr.trace.number}:${round}:${k}`) < share
        ? "changes_requested"
        : "approved";
    // GitHub's notification of the review to the author is not counted (the notification model
    // for GitHub is the request notification and the scheduled reminder); the author takes it up after
    // the fix time of the behaviour model, in every strategy.
    const author = this.person(pr.trace.author);
    if (state === "approved") {
      pr.approvals.add(login);
      pr.changesFrom.delete(login);
    } else {
      pr.approvals.delete(login);
      pr.changesFrom.add(login);
    }
    record.state = state;
    this.s.reviewed(pr, login, state);
    if (!author) return;
    if (state === "changes_requested" && !pr.fixing) {
      pr.fixing = true;
      const fix = logNormal(
        draw(this.scenario.seed, `fix:${pr.trace.number}:${round}`),
        b.fixMedianH * HOUR_MS,
        0.8,
      );
      this.agenda.push(afterWork(author, this.nowMs, Math.max(MINUTE_MS, Math.round(fix))), () =>
        this.fixed(pr),
      );
    } else if (
      state === "approved" &&
      !pr.fixing &&
      pr.changesFrom.size === 0 &&
      pr.approvals.size >= this.scenario.reviewersPerPr
    ) {
      const delay = exponential(
        draw(this.scenario.seed, `merge:${pr.trace.number}`),
        b.mergeDelayH * HOUR_MS,
      );
      this.agenda.push(afterWork(author, this.nowMs, Math.max(MINUTE_MS, Math.round(delay))), () =>
        this.merge(pr),
      );
    }
  }

  /** The author pushed fixes and asks the reviewers who wanted changes again. */
  private fixed(pr: SimPr): void {
    pr.fixing = false;
    if (pr.state !== "open") return;
    pr.round++;
    pr.reviewsThisRound = 0;
    const again = [...pr.changesFrom].sort();
    pr.changesFrom.clear();
    for (const login of again) {
      this.request(pr, login);
      this.s.rerequested(pr, login);
    }
  }

  private merge(pr: SimPr): void {
    if (pr.state !== "open") return;
    pr.state = "merged";
    pr.mergedAtMs = this.nowMs;
    this.merged++;
    this.open.delete(pr.trace.number);
    for (const login of [...pr.requested.keys()]) this.unrequest(pr, login);
    this.s.merged(pr);
  }
}
