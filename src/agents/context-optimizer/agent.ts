/**
 * The Context Optimizer: one standing agent per tenant through which every message to a person goes
 * (review requests, reminders, author notices, escalations). For each it decides now, later (the
 * person's next window, the end of their focus block or day off) or merged with what already waits;
 * held items are kept in its SQLite and released by its alarm as one message. Preferences live with
 * the person in TenantSettings (src/settings/notify-prefs.ts): assignment reads them too.
 */

import type { ChatUserRef } from "../../chat/platform";
import { sameUser } from "../../chat/platform";
import { directMessage } from "../../chat/post";
import type { Reply } from "../../chat/reply";
import { buildDelivery } from "../../delivery/enqueue";
import { formatIsoDate, localDayOf } from "../../domain/time";
import type { Env } from "../../env";
import { attempt, ConflictError, errorMessage, type Outcome } from "../../platform/errors";
import type { MemberAvailability } from "../../settings/model";
import { settings } from "../../settings/stub";
import { BaseAgent } from "../framework/base-agent";
import type { ScheduledTask } from "../framework/scheduler";
import type { AgentHealth } from "../model";
import { EMPTY_COUNTS, type PersonCounts, type PersonItem, type PersonState } from "./model";
import { audienceOf, personKey, RELEASE_TASK, type RouteWork, releasePerson, routeItem } from "./route";
import { type HeldRow, heldView, RoutingStore } from "./store";

export interface RouteResult {
  sent: number;
  held: number;
  repeat: number;
}

export class ContextOptimizerAgent extends BaseAgent {
  readonly agentType = "context-optimizer" as const;
  private readonly routing: RoutingStore;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.routing = new RoutingStore(ctx.storage.sql);
  }

  /** The agent's clock (epoch ms): the seam tests replace to move time. */
  protected now(): number {
    return Date.now();
  }

  // ------------------------------------------------------------------ RPC

  /** Routes messages meant for people (each key once): sent now, or held for later. */
  async route(items: PersonItem[], correlationId: string): Promise<Outcome<RouteResult>> {
    return attempt(async () => {
      const agent = this.require();
      if (agent.status !== "running") {
        throw new ConflictError(`The Context Optimizer is ${agent.status}: messages go directly.`);
      }
      const nowMs = this.now();
      const team = await this.team(nowMs);
      const work = this.work(correlationId, nowMs);
      const result: RouteResult = { sent: 0, held: 0, repeat: 0 };
      for (const item of items) result[routeItem(work, audienceOf(team, item.user, nowMs), item)]++;
      if (result.sent + result.held > 0) {
        this.log.add("route", `${result.sent} sent, ${result.held} held`, Date.now(), correlationId);
      }
      await this.handOverDeliveries();
      return result;
    });
  }

  /** Everyone on the team: mode, today's counts, what is held for them and when it goes (two reads). */
  async people(): Promise<Outcome<PersonState[]>> {
    return attempt(async () => {
      this.require();
      const nowMs = this.now();
      const team = await this.team(nowMs);
      const dayOf = (a: MemberAvailability) => formatIsoDate(localDayOf(nowMs, a.member.tz));
      const held = this.routing.allHeld();
      const counts = this.routing.countsOn(team.map(dayOf));
      return team.map((a) => {
        const person = personKey(a.member.user);
        return stateOf(a, dayOf(a), held.get(person) ?? [], counts.get(`${person}|${dayOf(a)}`));
      });
    });
  }

  /** One person's state (null: not on the team). */
  async person(user: ChatUserRef): Promise<Outcome<PersonState | null>> {
    return attempt(async () => {
      this.require();
      const nowMs = this.now();
      const team = await this.team(nowMs);
      const found = team.find((a) => sameUser(a.member.user, user));
      if (!found) return null;
      const person = personKey(found.member.user);
      const day = formatIsoDate(localDayOf(nowMs, found.member.tz));
      return stateOf(found, day, this.routing.held(person), this.routing.counts(person, day));
    });
  }

  /** Everyone's counts per local day since `fromDay` (YYYY-MM-DD), for the metrics. */
  async daily(
    fromDay: string,
  ): Promise<Outcome<Array<{ person: string; day: string; counts: PersonCounts }>>> {
    return attempt(() => {
      this.require();
      return this.routing.daily(fromDay);
    });
  }

  /** Held items across the team and the next release, in the agent's health. */
  protected override healthDetail(): Partial<AgentHealth> {
    const totals = this.routing.heldTotals();
    return {
      heldItems: totals.held,
      nextReleaseAt: totals.nextAt === null ? null : new Date(totals.nextAt).toISOString(),
    };
  }

  /** Releases due by the agent's clock are brought forward to now, then the base alarm runs them. */
  override async alarm(): Promise<void> {
    const real = Date.now();
    for (const task of this.scheduler.dueOfKind(RELEASE_TASK, this.now())) {
      this.scheduler.schedule(Math.min(task.at, real), RELEASE_TASK, task.payload, task.key, real);
    }
    await super.alarm();
  }

  protected override async onSchedule(task: ScheduledTask): Promise<void> {
    if (task.kind !== RELEASE_TASK) return super.onSchedule(task);
    const person = String(task.payload.person ?? "");
    const [platform, ...rest] = person.split(":");
    if ((platform !== "slack" && platform !== "discord") || rest.length === 0) return;
    const nowMs = this.now();
    const correlationId = `release:${task.id}:${task.at}`;
    const team = await this.team(nowMs);
    const work = this.work(correlationId, nowMs);
    const sent = releasePerson(work, audienceOf(team, { platform, id: rest.join(":") }, nowMs));
    if (sent > 0) this.log.add("release", `${sent} items to ${person}`, Date.now(), correlationId);
    await this.handOverDeliveries();
  }

  // ------------------------------------------------------------- internal

  private async team(nowMs: number): Promise<MemberAvailability[]> {
    return settings(this.env, this.tenant()).availability(new Date(nowMs).toISOString());
  }

  private work(correlationId: string, nowMs: number): RouteWork {
    return {
      store: this.routing,
      scheduler: this.scheduler,
      nowMs,
      send: (user, reply, key, urgent) => this.record(user, reply, key, urgent, correlationId),
      log: (message) => this.log.add("route", message, Date.now(), correlationId),
    };
  }

  /** A DM in the delivery ledger (kept until delivered); Slack ones wait out Do Not Disturb unless urgent. */
  private record(user: ChatUserRef, reply: Reply, key: string, urgent: boolean, correlationId: string): void {
    const now = Date.now();
    try {
      const dm = directMessage(user, { ...reply, ephemeral: false }, { key });
      const dnd = !urgent && user.platform === "slack" ? { holdWhileDnd: user.id } : {};
      this.deliveries.add(
        buildDelivery({ ...dm, ...dnd, key, tenant: this.tenant(), correlationId }, now),
        now,
      );
    } catch (err) {
      this.log.add("error", `delivery dropped: ${key}: ${errorMessage(err)}`, now, correlationId);
    }
  }

  private tenant(): string {
    return this.require().tenant;
  }
}

/** What `/foreman me` and the API show of one person: their mode, today's counts, what is held. */
function stateOf(a: MemberAvailability, day: string, held: HeldRow[], today?: PersonCounts): PersonState {
  const next = held.length ? Math.min(...held.map((h) => h.releaseAt)) : null;
  return {
    user: a.member.user,
    login: a.member.github,
    mode: a.notify.mode,
    localDate: day,
    today: today ?? { ...EMPTY_COUNTS },
    held: held.map(heldView),
    nextReleaseAt: next === null ? null : new Date(next).toISOString(),
  };
}
