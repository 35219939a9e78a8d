/**
 * The Context Optimizer in the simulator (strategy `foreman+context`): every message the Review
 * Manager means for one person goes through the optimizer's own routing code, `routeItem` and
 * `releasePerson` (src/agents/context-optimizer/route.ts) over its real `RoutingStore`, with the
 * release tasks in the strategy's Scheduler, fired when the simulation reaches their time. What
 * goes out is a DM at that instant. Each person's preferences are what a new tenant has (the team
 * defaults: batched, windows 09:30, 13:30, 16:30, cap 6) plus the focus blocks of the scenario,
 * entered as `/foreman me focus add` enters them (`applyNotifyPatch`).
 */
import type { PersonItem } from "../../src/agents/context-optimizer/model";
import {
  type Audience,
  audienceOf,
  type RouteWork,
  releasePerson,
  routeItem,
} from "../../src/agents/context-optimizer/route";
import { RoutingStore } from "../../src/agents/context-optimizer/store";
import type { Scheduler } from "../../src/agents/framework/scheduler";
import type { ChatUserRef } from "../../src/chat/platform";
import type { NotifyPrefs } from "../../src/domain/notify";
import type { MemberAvailability } from "../../src/settings/model";
import {
  applyNotifyPatch,
  DEFAULT_TEAM_NOTIFY,
  effectiveNotify,
  type OwnNotify,
} from "../../src/settings/notify-prefs";
import type { SimPerson } from "../team";
import type { SimPr, World } from "../world";

/** A person's notify preferences: the team's defaults, and their focus blocks as they would add them. */
export function notifyOf(p: SimPerson): NotifyPrefs {
  let own: OwnNotify = { focus: [], holidays: [] };
  for (const block of p.focus) own = applyNotifyPatch(own, { addFocus: block });
  return effectiveNotify(own, DEFAULT_TEAM_NOTIFY);
}

/** One routed item: when it was decided, and when it reached the person (null: still held). */
export interface RoutedItem {
  key: string;
  login: string;
  urgent: boolean;
  kind: PersonItem["kind"];
  routedAtMs: number;
  deliveredAtMs: number | null;
  /** The key of the DM it went out in (its own, or the release that merged it with others). */
  sentAs: string | null;
}

/** What the team looks like to the optimizer: a person's MemberAvailability now (null: not on it). */
export type AvailabilityOf = (user: ChatUserRef, nowMs: number) => MemberAvailability | null;

export class ContextRouter {
  private readonly store: RoutingStore;
  /** Every item routed, by key, in the order routed (what the tests read). */
  readonly items = new Map<string, RoutedItem>();
  /** Items the next `send` carries (routeItem sends the one item; a release everything held). */
  private carrying: PersonItem[] = [];

  constructor(
    private readonly world: World,
    sql: SqlStorage,
    private readonly scheduler: Scheduler,
    private readonly availability: AvailabilityOf,
    private readonly personOf: (user: ChatUserRef) => SimPerson | undefined,
  ) {
    this.store = new RoutingStore(sql);
  }

  /** A `person` effect of the Review Manager: routed now (sent, or held for later). */
  route(item: PersonItem): void {
    const person = this.personOf(item.user);
    if (!person) return;
    const now = this.world.nowMs;
    if (!this.items.has(item.key)) {
      this.items.set(item.key, {
        key: item.key,
        login: person.login,
        urgent: item.urgent,
        kind: item.kind,
        routedAtMs: now,
        deliveredAtMs: null,
        sentAs: null,
      });
    }
    this.carrying = [item];
    routeItem(this.work(), this.audience(item.user), item);
    this.carrying = [];
  }

  /** The release task of one person (`co.release`, payload `{ person: "slack:U…" }`) came due. */
  release(person: string): void {
    const [platform, ...rest] = person.split(":");
    if (platform !== "slack" || rest.length === 0) return;
    const user: ChatUserRef = { platform, id: rest.join(":") };
    this.carrying = this.store.held(person).map((h) => h.item);
    releasePerson(this.work(), this.audience(user));
    this.carrying = [];
  }

  /** Whether nothing is held for anyone. */
  settled(): boolean {
    return this.store.heldTotals().held === 0;
  }

  private audience(user: ChatUserRef): Audience {
    const now = this.world.nowMs;
    const mine = this.availability(user, now);
    return audienceOf(mine ? [mine] : [], user, now);
  }

  private work(): RouteWork {
    return {
      store: this.store,
      scheduler: this.scheduler,
      nowMs: this.world.nowMs,
      send: (user, _reply, key) => this.send(user, key),
      log: () => {},
    };
  }

  /** A DM leaves the optimizer: a message to the person now, about the one PR it is about or a list. */
  private send(user: ChatUserRef, key: string): void {
    const person = this.personOf(user);
    if (!person) return;
    const w = this.world;
    const items = this.carrying;
    for (const item of items) {
      const r = this.items.get(item.key);
      if (r && r.deliveredAtMs === null) {
        r.deliveredAtMs = w.nowMs;
        r.sentAs = key;
      }
    }
    const prs = new Set(items.map((i) => i.pr?.number ?? 0));
    const only = prs.size === 1 ? [...prs][0] : undefined;
    const pr: SimPr | null = only ? (w.pr(only) ?? null) : null;
    w.message(person.login, pr, "dm");
  }
}
