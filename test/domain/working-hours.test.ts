import { describe, expect, it } from "vitest";
import { HOUR_MS } from "../../src/domain/time";
import {
  addWorkingMs,
  compileSchedule,
  isWorkingAt,
  nextWorkingStart,
  validateSchedule,
  type WorkingSchedule,
  workingMsBetween,
} from "../../src/domain/working-hours";

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString();
const NY: WorkingSchedule = { tz: "America/New_York" };
const BERLIN: WorkingSchedule = { tz: "Europe/Berlin", start: "09:00", end: "17:00" };

describe("isWorkingAt / nextWorkingStart", () => {
  it("treats the window as [start, end)", () => {
    expect(isWorkingAt(NY, at("2026-10-30T12:59:59Z"))).toBe(false); // Fri 08:59:59 EDT
    expect(isWorkingAt(NY, at("2026-10-30T13:00:00Z"))).toBe(true); // Fri 09:00 EDT
    expect(isWorkingAt(NY, at("2026-10-30T20:59:59Z"))).toBe(true);
    expect(isWorkingAt(NY, at("2026-10-30T21:00:00Z"))).toBe(false); // Fri 17:00 EDT
    expect(isWorkingAt(NY, at("2026-10-31T15:00:00Z"))).toBe(false); // Saturday
    expect(isWorkingAt(NY, at("2026-11-02T14:00:00Z"))).toBe(true); // Mon 09:00 EST
  });

  it("finds the next window start, or the instant itself while working", () => {
    expect(iso(nextWorkingStart(NY, at("2026-10-30T21:00:00Z")))).toBe("2026-11-02T14:00:00.000Z");
    expect(iso(nextWorkingStart(NY, at("2026-11-02T10:00:00Z")))).toBe("2026-11-02T14:00:00.000Z");
    expect(nextWorkingStart(NY, at("2026-11-02T15:30:00Z"))).toBe(at("2026-11-02T15:30:00Z"));
  });
});

describe("addWorkingMs", () => {
  it("Friday 16:00 + 2 working hours = Monday 10:00 (across the US fall-back weekend)", () => {
    const friday16 = at("2026-10-30T20:00:00Z"); // 16:00 EDT
    expect(iso(addWorkingMs(NY, friday16, 2 * HOUR_MS))).toBe("2026-11-02T15:00:00.000Z"); // 10:00 EST
  });

  it("Friday 16:00 + 2 h in Berlin across the CEST->CET weekend", () => {
    const friday16 = at("2026-10-23T14:00:00Z"); // 16:00 CEST
    expect(iso(addWorkingMs(BERLIN, friday16, 2 * HOUR_MS))).toBe("2026-10-26T09:00:00.000Z"); // 10:00 CET
  });

  it("an exact fit ends at the window's end, not the next morning", () => {
    expect(iso(addWorkingMs(NY, at("2026-10-30T20:00:00Z"), HOUR_MS))).toBe("2026-10-30T21:00:00.000Z");
  });

  it("adding 0 returns the start, even outside hours", () => {
    expect(addWorkingMs(NY, at("2026-10-31T03:00:00Z"), 0)).toBe(at("2026-10-31T03:00:00Z"));
  });

  it("starting outside hours counts from the next window", () => {
    expect(iso(addWorkingMs(NY, at("2026-10-31T16:00:00Z"), HOUR_MS))).toBe("2026-11-02T15:00:00.000Z"); // Sat
    expect(iso(addWorkingMs(NY, at("2026-11-02T12:00:00Z"), HOUR_MS))).toBe("2026-11-02T15:00:00.000Z"); // Mon 07:00
    expect(iso(addWorkingMs(NY, at("2026-11-02T23:00:00Z"), HOUR_MS))).toBe("2026-11-03T15:00:00.000Z"); // Mon 18:00
  });

  it("skips holidays in the person's zone", () => {
    const withHoliday = { ...NY, holidays: ["2026-11-02", "2026-11-03"] };
    const friday16 = at("2026-10-30T20:00:00Z");
    expect(iso(addWorkingMs(withHoliday, friday16, 2 * HOUR_MS))).toBe("2026-11-04T15:00:00.000Z"); // Wed 10:00
    expect(workingMsBetween(withHoliday, friday16, at("2026-11-05T00:00:00Z"))).toBe(9 * HOUR_MS);
  });

  it("works for a person in Asia/Kolkata (+05:30)", () => {
    const kolkata: WorkingSchedule = { tz: "Asia/Kolkata", start: "10:00", end: "18:00" };
    expect(isWorkingAt(kolkata, at("2026-01-15T04:30:00Z"))).toBe(true); // Thu 10:00 IST
    expect(isWorkingAt(kolkata, at("2026-01-15T04:29:00Z"))).toBe(false);
    // Thu 17:00 IST + 2 h = Fri 11:00 IST = 05:30Z
    expect(iso(addWorkingMs(kolkata, at("2026-01-15T11:30:00Z"), 2 * HOUR_MS))).toBe(
      "2026-01-16T05:30:00.000Z",
    );
  });

  it("handles long spans (a working year) with week skipping", () => {
    const from = at("2026-01-01T05:00:00Z"); // Thu 00:00 EST
    const deadline = addWorkingMs(NY, from, 261 * 8 * HOUR_MS); // 2026 has 261 weekdays
    expect(iso(deadline)).toBe("2026-12-31T22:00:00.000Z"); // Thu 17:00 EST
  });

  it("rejects negative amounts", () => {
    expect(() => addWorkingMs(NY, 0, -1)).toThrow(RangeError);
  });
});

describe("workingMsBetween", () => {
  it.each([
    ["US fall-back", "2026-10-26T04:00:00Z", "2026-11-02T05:00:00Z"],
    ["US spring-forward", "2026-03-02T05:00:00Z", "2026-03-09T04:00:00Z"],
  ])("Monday-to-Monday across %s is exactly 40 h", (_name, from, to) => {
    expect(workingMsBetween(NY, at(from), at(to))).toBe(40 * HOUR_MS);
  });

  it("counts real elapsed time when a window contains the DST change", () => {
    const night: WorkingSchedule = { tz: "America/New_York", days: ["sun"], start: "00:00", end: "04:00" };
    expect(workingMsBetween(night, at("2026-10-31T00:00:00Z"), at("2026-11-02T00:00:00Z"))).toBe(5 * HOUR_MS);
    expect(workingMsBetween(night, at("2026-03-07T00:00:00Z"), at("2026-03-09T00:00:00Z"))).toBe(3 * HOUR_MS);
  });

  it("counts a year with holidays (only weekday holidays matter)", () => {
    const schedule = { ...NY, holidays: ["2026-01-01", "2026-07-03", "2026-12-25", "2026-07-04"] };
    const total = workingMsBetween(schedule, at("2026-01-01T05:00:00Z"), at("2027-01-01T05:00:00Z"));
    expect(total).toBe((261 - 3) * 8 * HOUR_MS);
  });

  it("is 0 for empty or reversed spans and clips partial windows", () => {
    expect(workingMsBetween(NY, 10, 10)).toBe(0);
    expect(workingMsBetween(NY, 10, 5)).toBe(0);
    expect(workingMsBetween(NY, at("2026-10-30T20:30:00Z"), at("2026-11-02T14:15:00Z"))).toBe(45 * 60_000);
  });

  it("supports an end of 24:00 and custom days", () => {
    const weekend: WorkingSchedule = {
      tz: "Europe/Berlin",
      days: ["sat", "sun"],
      start: "20:00",
      end: "24:00",
    };
    expect(workingMsBetween(weekend, at("2026-10-24T00:00:00Z"), at("2026-10-26T00:00:00Z"))).toBe(
      8 * HOUR_MS,
    );
  });
});

describe("validation", () => {
  it("lists every problem", () => {
    const errors = validateSchedule({
      tz: "Nowhere/City",
      days: [],
      start: "17:00",
      end: "09:00",
      holidays: ["2026-02-30"],
    });
    expect(errors).toEqual([
      'unknown time zone "Nowhere/City"',
      "at least one working day is required",
      "end 09:00 must be after start 17:00 (windows across midnight are not supported)",
      'holiday "2026-02-30" is not a YYYY-MM-DD date',
    ]);
    expect(validateSchedule({ tz: "UTC", start: "9:00", end: "25:00" })).toHaveLength(2);
    expect(validateSchedule(NY)).toEqual([]);
    expect(() => compileSchedule({ tz: "UTC", start: "10:00", end: "10:00" })).toThrow(RangeError);
  });

  it("reads schedules by value, so a changed object gives a changed result", () => {
    const schedule = { tz: "America/New_York", holidays: [] as string[] };
    const friday16 = at("2026-10-30T20:00:00Z");
    expect(iso(addWorkingMs(schedule, friday16, 2 * HOUR_MS))).toBe("2026-11-02T15:00:00.000Z");
    schedule.holidays.push("2026-11-02");
    expect(iso(addWorkingMs(schedule, friday16, 2 * HOUR_MS))).toBe("2026-11-03T15:00:00.000Z");
  });

  it("accepts a compiled schedule wherever a schedule is expected", () => {
    const compiled = compileSchedule(NY);
    expect(compileSchedule(compiled)).toBe(compiled);
    expect(workingMsBetween(compiled, at("2026-10-26T04:00:00Z"), at("2026-11-02T05:00:00Z"))).toBe(
      40 * HOUR_MS,
    );
  });
});
