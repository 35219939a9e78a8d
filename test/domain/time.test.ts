import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  civilFromDays,
  daysFromCivil,
  isValidTimeZone,
  offsetMs,
  parseClockTime,
  parseIsoDate,
  zonedParts,
  zonedToInstant,
} from "../../src/domain/time";

const at = (iso: string): number => Date.parse(iso);
const local = (iso: string) => {
  const [date = "", time = ""] = iso.split("T");
  const [y = 0, m = 0, d = 0] = date.split("-").map(Number);
  const [h = 0, min = 0] = time.split(":").map(Number);
  return { y, m, d, h, min };
};

describe("zonedToInstant", () => {
  it.each([
    // [zone, local wall clock, expected UTC instant, case]
    ["America/New_York", "2026-11-01T00:30", "2026-11-01T04:30:00Z", "before fall-back"],
    ["America/New_York", "2026-11-01T01:30", "2026-11-01T05:30:00Z", "overlap: the earlier (EDT) instant"],
    ["America/New_York", "2026-11-01T02:00", "2026-11-01T07:00:00Z", "after fall-back (EST)"],
    ["America/New_York", "2026-03-08T01:59", "2026-03-08T06:59:00Z", "before spring-forward"],
    ["America/New_York", "2026-03-08T02:00", "2026-03-08T07:00:00Z", "gap start: the transition"],
    ["America/New_York", "2026-03-08T02:30", "2026-03-08T07:00:00Z", "in the gap: next valid instant"],
    ["America/New_York", "2026-03-08T03:00", "2026-03-08T07:00:00Z", "first valid EDT time"],
    ["America/New_York", "2026-03-08T09:00", "2026-03-08T13:00:00Z", "EDT morning"],
    ["America/New_York", "2026-11-01T12:00", "2026-11-01T17:00:00Z", "EST noon on the fall-back day"],
    ["America/New_York", "2026-11-01T23:59", "2026-11-02T04:59:00Z", "end of the fall-back day"],
    ["Europe/Berlin", "2026-10-25T02:30", "2026-10-25T00:30:00Z", "overlap: the earlier (CEST) instant"],
    ["Europe/Berlin", "2026-10-25T03:00", "2026-10-25T02:00:00Z", "CET after fall-back"],
    ["Europe/Berlin", "2026-10-25T09:00", "2026-10-25T08:00:00Z", "digest time on fall-back day"],
    ["Europe/Berlin", "2026-03-29T02:30", "2026-03-29T01:00:00Z", "in the gap: next valid instant"],
    ["Europe/Berlin", "2026-03-29T09:00", "2026-03-29T07:00:00Z", "CEST morning"],
    ["Asia/Kolkata", "2026-01-15T09:00", "2026-01-15T03:30:00Z", "+05:30"],
    ["Australia/Lord_Howe", "2026-10-04T02:15", "2026-10-03T15:30:00Z", "30-minute gap"],
    ["Australia/Lord_Howe", "2026-10-04T02:30", "2026-10-03T15:30:00Z", "after 30-minute gap (+11)"],
    ["Australia/Lord_Howe", "2026-04-05T01:45", "2026-04-04T14:45:00Z", "30-minute overlap: earlier"],
    ["Australia/Lord_Howe", "2026-04-05T02:00", "2026-04-04T15:30:00Z", "after overlap (+10:30)"],
    ["Pacific/Chatham", "2026-06-15T09:00", "2026-06-14T20:15:00Z", "+12:45"],
    ["Pacific/Chatham", "2026-09-27T03:00", "2026-09-26T14:00:00Z", "gap 02:45-03:45"],
    ["Pacific/Chatham", "2026-04-05T03:00", "2026-04-04T13:15:00Z", "overlap: earlier (+13:45)"],
    ["UTC", "2026-02-28T23:59", "2026-02-28T23:59:00Z", "UTC"],
  ])("%s %s -> %s (%s)", (tz, wall, expected) => {
    expect(new Date(zonedToInstant(local(wall), tz)).toISOString()).toBe(
      new Date(at(expected)).toISOString(),
    );
  });

  it("normalizes overflowing fields", () => {
    expect(zonedToInstant({ y: 2026, m: 13, d: 1, h: 0, min: 0 }, "UTC")).toBe(at("2027-01-01T00:00:00Z"));
    expect(zonedToInstant({ y: 2026, m: 1, d: 32, h: 24, min: 0 }, "UTC")).toBe(at("2026-02-02T00:00:00Z"));
  });
});

describe("zonedParts", () => {
  it.each([
    ["America/New_York", "2026-11-01T05:59:59Z", [2026, 11, 1, 1, 59, 59, "sun"]],
    ["America/New_York", "2026-11-01T06:00:00Z", [2026, 11, 1, 1, 0, 0, "sun"]],
    ["America/New_York", "2026-03-08T07:00:00Z", [2026, 3, 8, 3, 0, 0, "sun"]],
    ["Europe/Berlin", "2026-10-25T01:00:00Z", [2026, 10, 25, 2, 0, 0, "sun"]],
    ["Europe/Berlin", "2026-12-31T23:30:00Z", [2027, 1, 1, 0, 30, 0, "fri"]],
    ["Asia/Kolkata", "2026-01-15T18:29:00Z", [2026, 1, 15, 23, 59, 0, "thu"]],
    ["Asia/Kolkata", "2026-01-15T18:30:00Z", [2026, 1, 16, 0, 0, 0, "fri"]],
    ["Pacific/Chatham", "2026-09-26T14:00:00Z", [2026, 9, 27, 3, 45, 0, "sun"]],
    ["Australia/Lord_Howe", "2026-04-04T15:00:00Z", [2026, 4, 5, 1, 30, 0, "sun"]],
  ] as const)("%s at %s", (tz, iso, [year, month, day, hour, minute, second, weekday]) => {
    expect(zonedParts(at(iso), tz)).toEqual({ year, month, day, hour, minute, second, weekday });
  });

  it("keeps sub-second precision out of the fields and offsets whole", () => {
    expect(offsetMs(at("2026-07-01T12:00:00.999Z"), "Asia/Kolkata")).toBe(5.5 * 3_600_000);
    expect(offsetMs(at("2026-07-01T12:00:00Z"), "Pacific/Chatham")).toBe(12.75 * 3_600_000);
  });

  it("round-trips with zonedToInstant for instants outside transitions (property)", () => {
    const zones = [
      "America/New_York",
      "Europe/Berlin",
      "Asia/Kolkata",
      "Australia/Lord_Howe",
      "Pacific/Chatham",
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: at("2025-01-01T00:00:00Z") / 60_000, max: at("2028-01-01T00:00:00Z") / 60_000 }),
        (tz, minute) => {
          const instant = minute * 60_000;
          const p = zonedParts(instant, tz);
          const back = zonedToInstant({ y: p.year, m: p.month, d: p.day, h: p.hour, min: p.minute }, tz);
          // Equal, or the earlier reading of a repeated (overlap) wall-clock time.
          expect(back === instant || (back < instant && instant - back <= 3_600_000)).toBe(true);
          expect(zonedParts(back, tz)).toEqual(p);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("helpers", () => {
  it("validates time zones", () => {
    expect(isValidTimeZone("Europe/Berlin")).toBe(true);
    expect(isValidTimeZone("Pacific/Chatham")).toBe(true);
    expect(isValidTimeZone("UTC")).toBe(true);
    expect(isValidTimeZone("Mars/Olympus_Mons")).toBe(false);
    expect(isValidTimeZone("")).toBe(false);
  });

  it("converts civil dates and day numbers both ways", () => {
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(daysFromCivil(2000, 3, 1)).toBe(11_017);
    fc.assert(
      fc.property(fc.integer({ min: -600_000, max: 2_900_000 }), (days) => {
        const { y, m, d } = civilFromDays(days);
        expect(daysFromCivil(y, m, d)).toBe(days);
        expect(Date.UTC(y, m - 1, d) / 86_400_000).toBe(days);
      }),
    );
  });

  it("parses clock times and dates", () => {
    expect(parseClockTime("09:30")).toBe(570);
    expect(parseClockTime("24:00")).toBeNull();
    expect(parseClockTime("24:00", true)).toBe(1440);
    expect(parseClockTime("9:30")).toBeNull();
    expect(parseIsoDate("2026-02-29")).toBeNull();
    expect(parseIsoDate("2028-02-29")).toBe(daysFromCivil(2028, 2, 29));
    expect(parseIsoDate("2026-13-01")).toBeNull();
  });
});
