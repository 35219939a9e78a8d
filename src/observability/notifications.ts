/**
 * The `notifications` section of `GET /api/metrics` (and its Prometheus gauges): how many messages
 * reach each person a day, and what the Context Optimizer held, merged and kept from them. Pure over
 * the optimizer's counts per person and local day (`daily(fromDay)`) and the team as TenantSettings
 * answers it (each member's local date, working days and days off); the route fetches both.
 *
 * Messages per person per day are taken over each person's last 7 local days (today and the 6
 * before): every past day that was a working day for them (on the team by then, not a holiday or day
 * out of office as far as the settings still record) counts, with zero messages too, and any day on
 * which they got a message counts (today only once it has one, so a morning's zero does not
 * drag the median down). That is the simulator's `msgsPerPersonDay` (sim/metrics.ts), so its
 * predictions and these numbers compare. Quantiles are linear between ranks (type 7, numpy's
 * default) as `simple-statistics` computes them, rounded to 2 decimals.
 */
import { quantileSorted } from "simple-statistics";
import { DAY_MS, formatIsoDate, parseIsoDate, type Weekday, weekdayOfDay } from "../domain/time";

/** The local days the per-day numbers cover: today and the 6 before. */
export const NOTIFY_WINDOW_DAYS = 7;

/** One person's counts for one local day (the Context Optimizer's `PersonCounts`). */
export interface NotifyCounts {
  /** Messages that reached them. */
  sent: number;
  /** Items held for later. */
  held: number;
  /** Items that went out merged into another message. */
  merged: number;
  /** Items kept from them in focus time, off hours, away or above their daily cap. */
  avoided: number;
  /** Urgent messages that reached them during a focus block. */
  focusInterruptions: number;
}

export interface DailyCounts {
  /** `platform:id` of the chat user. */
  person: string;
  /** Their local date, YYYY-MM-DD. */
  day: string;
  counts: NotifyCounts;
}

/** A team member as the window needs them. */
export interface WindowPerson {
  /** `platform:id`, as the optimizer keys its counts. */
  person: string;
  /** Their local date now, YYYY-MM-DD. */
  localDate: string;
  /** The first local day they count from (the day they joined the team); null: no bound. */
  since: string | null;
  workDays: readonly Weekday[];
  /** Holidays and out-of-office days as far as the settings still record them; null ends are open. */
  daysOff: ReadonlyArray<{ from: string | null; until: string | null }>;
}

export interface MessagesPerDay {
  /** null while no person-day counts. */
  median: number | null;
  p95: number | null;
  max: number | null;
}

export interface NotificationsAvailable {
  available: true;
  days: typeof NOTIFY_WINDOW_DAYS;
  /** The earliest and latest local date covered (people's todays differ by zone). */
  from: string;
  to: string;
  /** People with at least one person-day counted. */
  people: number;
  personDays: number;
  messagesPerPersonDay: MessagesPerDay;
  /** Sums over everyone's local today. */
  today: NotifyCounts;
  /** Sums over everyone's 7 local days. */
  last7Days: NotifyCounts;
}

export interface NotificationsUnavailable {
  available: false;
  reason: string;
}

export type NotificationsView = NotificationsAvailable | NotificationsUnavailable;

export const zeroCounts = (): NotifyCounts => ({
  sent: 0,
  held: 0,
  merged: 0,
  avoided: 0,
  focusInterruptions: 0,
});

function add(into: NotifyCounts, c: NotifyCounts): void {
  into.sent += c.sent;
  into.held += c.held;
  into.merged += c.merged;
  into.avoided += c.avoided;
  into.focusInterruptions += c.focusInterruptions;
}

const utcToday = (nowMs: number) => Math.floor(nowMs / DAY_MS);

/** The first day to ask the optimizer for: the earliest start of anyone's window (UTC's included). */
export function windowStart(team: readonly WindowPerson[], nowMs: number): string {
  const todays = [utcToday(nowMs), ...team.flatMap((p) => parseIsoDate(p.localDate) ?? [])];
  return formatIsoDate(Math.min(...todays) - (NOTIFY_WINDOW_DAYS - 1));
}

function isWorkDay(p: WindowPerson, day: number): boolean {
  if (!p.workDays.includes(weekdayOfDay(day))) return false;
  return !p.daysOff.some((r) => {
    const from = r.from === null ? Number.NEGATIVE_INFINITY : (parseIsoDate(r.from) ?? Number.NaN);
    const until = r.until === null ? Number.POSITIVE_INFINITY : (parseIsoDate(r.until) ?? Number.NaN);
    return from <= day && day <= until;
  });
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** median, p95 and max of ascending values (nulls when empty). */
export function spread(sorted: readonly number[]): MessagesPerDay {
  if (sorted.length === 0) return { median: null, p95: null, max: null };
  const values = [...sorted];
  return {
    median: round2(quantileSorted(values, 0.5)),
    p95: round2(quantileSorted(values, 0.95)),
    max: values[values.length - 1] ?? null,
  };
}

/**
 * The section from the optimizer's rows and the team. People with counts who are not on the team
 * (any more) are counted on UTC days, as the optimizer counts them, on the days they got messages.
 */
export function notificationsView(
  rows: readonly DailyCounts[],
  team: readonly WindowPerson[],
  nowMs: number,
): NotificationsAvailable {
  const byPerson = new Map<string, Map<string, NotifyCounts>>();
  for (const row of rows) {
    const days = byPerson.get(row.person) ?? new Map<string, NotifyCounts>();
    days.set(row.day, row.counts);
    byPerson.set(row.person, days);
  }
  const known = new Set(team.map((p) => p.person));
  const utc = formatIsoDate(utcToday(nowMs));
  const everyone: WindowPerson[] = [
    ...team,
    ...[...byPerson.keys()]
      .filter((person) => !known.has(person))
      .map((person) => ({ person, localDate: utc, since: null, workDays: [], daysOff: [] })),
  ];

  const today = zeroCounts();
  const last7Days = zeroCounts();
  const perDay: number[] = [];
  const counted = new Set<string>();
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const p of everyone) {
    const localToday = parseIsoDate(p.localDate);
    if (localToday === null) continue;
    const windowFirst = localToday - (NOTIFY_WINDOW_DAYS - 1);
    from = Math.min(from, windowFirst);
    to = Math.max(to, localToday);
    // Days before they joined are no working days of theirs (messages then still count).
    const joined = (p.since === null ? null : parseIsoDate(p.since)) ?? Number.NEGATIVE_INFINITY;
    const days = byPerson.get(p.person);
    for (let day = windowFirst; day <= localToday; day++) {
      const counts = days?.get(formatIsoDate(day));
      if (counts) {
        add(last7Days, counts);
        if (day === localToday) add(today, counts);
      }
      const sent = counts?.sent ?? 0;
      if (sent > 0 || (day < localToday && day >= joined && isWorkDay(p, day))) {
        perDay.push(sent);
        counted.add(p.person);
      }
    }
  }
  perDay.sort((a, b) => a - b);
  const fallback = utcToday(nowMs);
  return {
    available: true,
    days: NOTIFY_WINDOW_DAYS,
    from: formatIsoDate(Number.isFinite(from) ? from : fallback - (NOTIFY_WINDOW_DAYS - 1)),
    to: formatIsoDate(Number.isFinite(to) ? to : fallback),
    people: counted.size,
    personDays: perDay.length,
    messagesPerPersonDay: spread(perDay),
    today,
    last7Days,
  };
}
