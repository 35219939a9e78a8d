/**
 * Routing one person's messages (synchronous steps over the agent's store, so the simulator runs
 * the same code): an item goes now, or waits for the person's next window, or merges into what
 * already waits; a release sends everything waiting as one message. The rules of when are
 * src/domain/notify.ts; this file applies them and keeps the counts.
 */
import { type ChatUserRef, sameUser } from "../../chat/platform";
import type { Reply } from "../../chat/reply";
import {
  canReleaseAt,
  type Decision,
  decide,
  focusEndAt,
  type HoldReason,
  isAwayOn,
  nextOpenMs,
  RECHECK_MS,
  type Recipient,
  recipientOf,
  releaseAfterWindow,
} from "../../domain/notify";
import { formatIsoDate, localDayOf } from "../../domain/time";
import type { MemberAvailability } from "../../settings/model";
import type { Scheduler } from "../framework/scheduler";
import { mergedReply } from "./message";
import type { PersonItem } from "./model";
import type { RoutingStore } from "./store";

/** The scheduled task that releases a person's held items; key `co.release:<person>`. */
export const RELEASE_TASK = "co.release";

/** Who a person is for routing: their key (`platform:id`) and where they stand now (null: unknown). */
export interface Audience {
  person: string;
  recipient: Recipient | null;
  tz: string;
}

export interface RouteWork {
  store: RoutingStore;
  scheduler: Scheduler;
  nowMs: number;
  /** Records a message to a person in the agent's delivery ledger (DND-aware unless urgent). */
  send: (user: ChatUserRef, reply: Reply, key: string, urgent: boolean) => void;
  log: (message: string) => void;
}

export const personKey = (user: Pick<ChatUserRef, "platform" | "id">) => `${user.platform}:${user.id}`;

const avoided = (reason: HoldReason) =>
  reason === "focus" || reason === "off-hours" || reason === "away" || reason === "cap";

function today(a: Audience, nowMs: number): string {
  return formatIsoDate(localDayOf(nowMs, a.tz));
}

/** Routes one item (a repeat of a routed key does nothing). Answers what happened. */
export function routeItem(work: RouteWork, a: Audience, item: PersonItem): "sent" | "held" | "repeat" {
  const { store, nowMs } = work;
  if (store.known(item.key)) return "repeat";
  const day = today(a, nowMs);
  if (!a.recipient) {
    sendNow(work, a, [item], day);
    return "sent";
  }
  const decision = item.later
    ? later(a.recipient, nowMs)
    : decide(a.recipient, item.urgent, nowMs, {
        sentToday: store.counts(a.person, day).sent,
        lastAboutPrMs: store.lastAboutPr(a.person, item),
      });
  if (decision.send) {
    sendNow(work, a, [item], day);
    return "sent";
  }
  store.hold(a.person, item, nowMs, decision.untilMs, decision.reason);
  store.count(a.person, day, { held: 1, avoided: avoided(decision.reason) ? 1 : 0 });
  scheduleRelease(work, a.person);
  return "held";
}

/** A note for later: the person's next window (the team's default windows in immediate mode). */
function later(r: Recipient, nowMs: number): Decision {
  const windows =
    r.prefs.mode === "immediate" ? { ...r, prefs: { ...r.prefs, mode: "batched" as const } } : r;
  return {
    send: false,
    untilMs: releaseAfterWindow(windows, nowMs + 1) ?? nowMs + RECHECK_MS,
    reason: "window",
  };
}

/**
 * A person's release came due: everything held goes out as one message when they can be reached
 * now (urgent items only need them at work), else the due items wait for the next open moment.
 */
export function releasePerson(work: RouteWork, a: Audience): number {
  const { store, nowMs } = work;
  const held = store.held(a.person);
  if (held.length === 0) return 0;
  const due = held.filter((h) => h.releaseAt <= nowMs);
  if (due.length === 0) {
    scheduleRelease(work, a.person);
    return 0;
  }
  const r = a.recipient;
  const urgentOnly = due.every((h) => h.item.urgent);
  const reachable =
    !r || canReleaseAt(r, nowMs) || (urgentOnly && focusEndAt(r, nowMs) !== null && !isAwayOn(r, nowMs));
  if (!reachable && r) {
    const next = nextOpenMs(r, nowMs + 1) ?? nowMs + RECHECK_MS;
    const why = isAwayOn(r, nowMs) ? "away" : focusEndAt(r, nowMs) !== null ? "focus" : "off-hours";
    store.postpone(a.person, nowMs, Math.max(next, nowMs + 1), why);
    scheduleRelease(work, a.person);
    return 0;
  }
  const items = held.map((h) => h.item);
  sendNow(work, a, items, today(a, nowMs));
  scheduleRelease(work, a.person);
  return items.length;
}

function sendNow(work: RouteWork, a: Audience, items: PersonItem[], day: string): void {
  const first = items[0];
  if (!first) return;
  const { store, nowMs } = work;
  const key = items.length === 1 ? first.key : `co:rel:${a.person}:${nowMs}:${first.key}`;
  // A release with anything urgent in it goes as urgent (Do Not Disturb does not hold it).
  const urgent = items.some((i) => i.urgent);
  work.send(first.user, mergedReply(items), key, urgent);
  store.markSent(a.person, items, nowMs);
  const inFocus = a.recipient ? focusEndAt(a.recipient, nowMs) !== null : false;
  store.count(a.person, day, {
    sent: 1,
    merged: items.length - 1,
    focusInterruptions: inFocus ? 1 : 0,
  });
  store.prune(nowMs, day);
}

/** Sets (or clears) the person's release task at their first held item's time. */
export function scheduleRelease(work: RouteWork, person: string): void {
  const key = `${RELEASE_TASK}:${person}`;
  const at = work.store.nextRelease(person);
  if (at === null) {
    work.scheduler.cancel(key);
    return;
  }
  work.scheduler.schedule(at, RELEASE_TASK, { person }, key, work.nowMs);
}

/** The routing view of a person: their key and where they stand at `nowMs` (null: not on the team). */
export function audienceOf(team: readonly MemberAvailability[], user: ChatUserRef, nowMs: number): Audience {
  const found = team.find((a) => sameUser(a.member.user, user));
  const person = personKey(user);
  if (!found) return { person, recipient: null, tz: "UTC" };
  const { member, notify, planned } = found;
  const { days, start, end } = member.workingHours;
  const ooo = planned ? { from: planned.from, until: planned.until } : null;
  try {
    const recipient = recipientOf({ tz: member.tz, days, start, end }, notify, ooo, nowMs);
    return { person, recipient, tz: member.tz };
  } catch {
    return { person, recipient: null, tz: member.tz };
  }
}
