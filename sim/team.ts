/**
 * The simulated people: their working time (working hours minus out-of-office days, through Foreman's
 * own src/domain/working-hours.ts, so DST and zones are handled once) and the facts the model needs.
 */
import type { FocusBlock } from "../src/domain/notify";
import {
  DAY_MS,
  formatIsoDate,
  localDayOf,
  localMsToInstant,
  MINUTE_MS,
  parseClockTime,
  parseIsoDate,
  weekdayOfDay,
} from "../src/domain/time";
import {
  addWorkingMs,
  type CompiledSchedule,
  compileSchedule,
  isWorkingAt,
  nextWorkingStart,
  type WorkingSchedule,
} from "../src/domain/working-hours";
import type { Scenario, ScenarioPerson } from "./scenario";

export interface SimPerson {
  index: number;
  login: string;
  tz: string;
  lead: boolean;
  reviewSpeed: number;
  capacity: number;
  areas: string[];
  prsPerWeek: number;
  /** Working hours as the person states them (what Foreman's team settings hold). */
  hours: WorkingSchedule;
  /** Working hours minus out-of-office days: when they can act at all. */
  available: CompiledSchedule;
  /** Out-of-office ranges, local dates inclusive. */
  ooo: { from: string; to: string }[];
  /** Focus blocks (their own, else the scenario's default): measured, they change no behaviour. */
  focus: FocusBlock[];
}

/** YYYY-MM-DD of a local day number. */
export const isoDay = formatIsoDate;

function oooDays(ooo: readonly { from: string; to: string }[]): string[] {
  const days: string[] = [];
  for (const range of ooo) {
    const from = parseIsoDate(range.from) ?? 0;
    const to = parseIsoDate(range.to) ?? -1;
    for (let d = from; d <= to; d++) days.push(isoDay(d));
  }
  return days;
}

export function peopleOf(scenario: Scenario): SimPerson[] {
  const lead = scenario.people.some((p) => p.lead);
  return scenario.people.map((p: ScenarioPerson, index) => {
    const hours: WorkingSchedule = { tz: p.tz, ...p.workingHours };
    return {
      index,
      login: p.login,
      tz: p.tz,
      // Without a lead named, the first person leads (Foreman mentions leads on a breach).
      lead: lead ? p.lead : index === 0,
      reviewSpeed: p.reviewSpeed,
      capacity: p.capacity,
      areas: p.areas,
      prsPerWeek: p.prsPerWeek ?? scenario.prsPerPersonPerWeek,
      hours,
      available: compileSchedule({ ...hours, holidays: oooDays(p.ooo) }),
      ooo: p.ooo,
      focus: (p.focus ?? scenario.focusDefault).map((b) => ({
        days: [...b.days],
        start: b.start,
        end: b.end,
      })),
    };
  });
}

/** Whether the person can act at `ms` (in working hours and not out of office). */
export const canAct = (p: SimPerson, ms: number): boolean => isWorkingAt(p.available, ms);

/** The first instant at or after `ms` the person can act. */
export const nextActive = (p: SimPerson, ms: number): number => nextWorkingStart(p.available, ms);

/** The instant `workMs` of the person's working time after `ms`. */
export const afterWork = (p: SimPerson, ms: number, workMs: number): number =>
  addWorkingMs(p.available, ms, workMs);

/** Whether the person is out of office on their local date at `ms`. */
export function outOfOffice(p: SimPerson, localDate: string): boolean {
  return p.ooo.some((o) => o.from <= localDate && localDate <= o.to);
}

/**
 * Whether `ms` falls in one of the person's focus blocks: their local weekday, and minutes from their
 * local midnight as Foreman's `focusEndAt` counts them (so the measure and the Context Optimizer agree,
 * DST days included). Working hours and absences aside.
 */
export function inFocusBlock(p: SimPerson, ms: number): boolean {
  if (p.focus.length === 0) return false;
  const day = localDayOf(ms, p.tz);
  const minute = Math.floor((ms - localMsToInstant(day * DAY_MS, p.tz)) / MINUTE_MS);
  const weekday = weekdayOfDay(day);
  return p.focus.some((b) => {
    const from = parseClockTime(b.start);
    const to = parseClockTime(b.end, true);
    return b.days.includes(weekday) && from !== null && to !== null && minute >= from && minute < to;
  });
}

/** The start instant of the scenario (its start date, 00:00 UTC). */
export const startMs = (scenario: Scenario): number => (parseIsoDate(scenario.start) ?? 0) * DAY_MS;
