import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DAY_MS, HOUR_MS, MINUTE_MS, WEEKDAYS, type Weekday, zonedParts } from "../../src/domain/time";
import {
  addWorkingMs,
  isWorkingAt,
  nextWorkingStart,
  type WorkingSchedule,
  workingMsBetween,
} from "../../src/domain/working-hours";

const ZONES = [
  "America/New_York",
  "Europe/Berlin",
  "Asia/Kolkata",
  "Australia/Lord_Howe",
  "Pacific/Chatham",
  "America/Santiago",
  "UTC",
];
const FROM = Date.parse("2025-12-01T00:00:00Z");
const TO = Date.parse("2027-06-01T00:00:00Z");
const hhmm = (minutes: number): string =>
  `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
const dateText = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Any valid schedule, windows in DST gaps and overlaps included. */
const anySchedule = (minStartMinute = 0): fc.Arbitrary<WorkingSchedule> =>
  fc
    .record({
      tz: fc.constantFrom(...ZONES),
      days: fc.subarray([...WEEKDAYS] as Weekday[], { minLength: 1 }),
      start: fc.integer({ min: minStartMinute / 15, max: 95 }).map((q) => q * 15),
      length: fc.integer({ min: 1, max: 96 }).map((q) => q * 15),
      holidays: fc.array(fc.integer({ min: FROM / DAY_MS, max: TO / DAY_MS }), { maxLength: 30 }),
    })
    .map(({ tz, days, start, length, holidays }) => ({
      tz,
      days,
      start: hhmm(start),
      end: hhmm(Math.min(start + length, 24 * 60)),
      holidays: holidays.map((d) => dateText(d * DAY_MS)),
    }));

const instant = fc.integer({ min: FROM, max: TO });
const workingAmount = fc.integer({ min: 0, max: 300 * HOUR_MS });

describe("working-hours properties", () => {
  it("addWorkingMs then workingMsBetween round-trips, and the deadline is the earliest such instant", () => {
    fc.assert(
      fc.property(anySchedule(), instant, workingAmount, (schedule, from, amount) => {
        const deadline = addWorkingMs(schedule, from, amount);
        expect(workingMsBetween(schedule, from, deadline)).toBe(amount);
        if (amount > 0) {
          expect(workingMsBetween(schedule, from, deadline - 1)).toBe(amount - 1);
          expect(isWorkingAt(schedule, deadline - 1)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("addWorkingMs is monotonic in the amount and in the start", () => {
    fc.assert(
      fc.property(anySchedule(), instant, instant, workingAmount, workingAmount, (schedule, a, b, x, y) => {
        const [from1, from2] = a <= b ? [a, b] : [b, a];
        const [w1, w2] = x <= y ? [x, y] : [y, x];
        expect(addWorkingMs(schedule, from1, w1)).toBeLessThanOrEqual(addWorkingMs(schedule, from1, w2));
        expect(addWorkingMs(schedule, from1, w1)).toBeLessThanOrEqual(addWorkingMs(schedule, from2, w1));
      }),
      { numRuns: 200 },
    );
  });

  it("workingMsBetween is additive and bounded by wall-clock time; addWorkingMs composes", () => {
    fc.assert(
      fc.property(
        anySchedule(),
        instant,
        instant,
        instant,
        workingAmount,
        workingAmount,
        (s, p, q, r, x, y) => {
          const [a, b, c] = [p, q, r].sort((m, n) => m - n) as [number, number, number];
          const ab = workingMsBetween(s, a, b);
          expect(ab + workingMsBetween(s, b, c)).toBe(workingMsBetween(s, a, c));
          expect(ab).toBeLessThanOrEqual(b - a);
          expect(addWorkingMs(s, addWorkingMs(s, a, x), y)).toBe(addWorkingMs(s, a, x + y));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("nextWorkingStart is the first working instant at or after the given one", () => {
    fc.assert(
      fc.property(anySchedule(), instant, (schedule, t) => {
        const next = nextWorkingStart(schedule, t);
        expect(next).toBeGreaterThanOrEqual(t);
        expect(isWorkingAt(schedule, next)).toBe(true);
        expect(workingMsBetween(schedule, t, next)).toBe(0);
        expect(isWorkingAt(schedule, t)).toBe(next === t);
      }),
      { numRuns: 300 },
    );
  });

  it("matches a minute-by-minute wall-clock oracle (windows away from DST transitions)", () => {
    fc.assert(
      fc.property(
        anySchedule(5 * 60),
        fc.integer({ min: FROM / MINUTE_MS, max: TO / MINUTE_MS }),
        fc.integer({ min: 0, max: 4 * 24 * 60 }),
        (schedule, startMinute, minutes) => {
          const holidays = new Set(schedule.holidays);
          const days = new Set(schedule.days);
          let expected = 0;
          for (let m = 0; m < minutes; m++) {
            const p = zonedParts((startMinute + m) * MINUTE_MS, schedule.tz);
            const date = `${p.year}-${String(p.month).padStart(2, "0")}-${String(p.day).padStart(2, "0")}`;
            const clock = hhmm(p.hour * 60 + p.minute);
            const inWindow = clock >= (schedule.start ?? "") && clock < (schedule.end ?? "");
            if (days.has(p.weekday) && !holidays.has(date) && inWindow) expected += MINUTE_MS;
          }
          const from = startMinute * MINUTE_MS;
          expect(workingMsBetween(schedule, from, from + minutes * MINUTE_MS)).toBe(expected);
        },
      ),
      { numRuns: 60 },
    );
  });
});
