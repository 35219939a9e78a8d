import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type DigestSchedule,
  dueSlot,
  nextFireAt,
  nextSlot,
  validateDigestSchedule,
} from "../../src/domain/digest-schedule";
import { HOUR_MS, MINUTE_MS, WEEKDAYS, type Weekday } from "../../src/domain/time";

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString().replace(".000", "");
const EVERY_DAY: Weekday[] = [...WEEKDAYS];

/** The next `n` slots after `fromMs`. */
function slots(schedule: DigestSchedule, fromMs: number, n: number): string[] {
  const out: string[] = [];
  let t = fromMs;
  for (let i = 0; i < n; i++) {
    t = nextSlot(schedule, t);
    out.push(iso(t));
  }
  return out;
}

/** Runs a UTC cron every 5 minutes over [fromMs, toMs) and returns what it posted. */
function cron(
  schedule: DigestSchedule,
  fromMs: number,
  toMs: number,
  delay = (_k: number) => 0,
  twice = false,
) {
  let last: number | null = fromMs;
  const posted: string[] = [];
  for (let k = 0, t = fromMs; t < toMs; k++, t += 5 * MINUTE_MS) {
    for (let r = 0; r < (twice ? 2 : 1); r++) {
      const due = dueSlot(schedule, t + delay(k), last);
      expect(due.missed).toEqual([]);
      if (due.slotMs !== null) {
        posted.push(iso(due.slotMs));
        last = due.slotMs;
      }
    }
  }
  return posted;
}

describe("nextSlot", () => {
  it("resolves 09:00 Europe/Berlin across CEST->CET (2026-10-25)", () => {
    const berlin: DigestSchedule = { time: "09:00", tz: "Europe/Berlin", days: EVERY_DAY };
    expect(slots(berlin, at("2026-10-23T12:00:00Z"), 3)).toEqual([
      "2026-10-24T07:00:00Z",
      "2026-10-25T08:00:00Z",
      "2026-10-26T08:00:00Z",
    ]);
  });

  it("resolves 09:00 America/New_York across EDT->EST (2026-11-01)", () => {
    const ny: DigestSchedule = { time: "09:00", tz: "America/New_York", days: EVERY_DAY };
    expect(slots(ny, at("2026-10-31T00:00:00Z"), 3)).toEqual([
      "2026-10-31T13:00:00Z",
      "2026-11-01T14:00:00Z",
      "2026-11-02T14:00:00Z",
    ]);
  });

  it("moves a slot in the spring-forward gap to the next valid instant", () => {
    const ny: DigestSchedule = { time: "02:30", tz: "America/New_York", days: EVERY_DAY };
    expect(slots(ny, at("2026-03-07T00:00:00Z"), 3)).toEqual([
      "2026-03-07T07:30:00Z", // 02:30 EST
      "2026-03-08T07:00:00Z", // 03:00 EDT: 02:30 does not exist
      "2026-03-09T06:30:00Z", // 02:30 EDT
    ]);
    const berlin: DigestSchedule = { time: "02:30", tz: "Europe/Berlin", days: ["sun"] };
    expect(slots(berlin, at("2026-03-28T00:00:00Z"), 1)).toEqual(["2026-03-29T01:00:00Z"]);
  });

  it("keeps weekdays only and works in Asia/Kolkata", () => {
    const kolkata: DigestSchedule = {
      time: "09:30",
      tz: "Asia/Kolkata",
      days: ["mon", "tue", "wed", "thu", "fri"],
    };
    // Friday 2026-01-16 09:30 IST = 04:00Z, then Monday.
    expect(slots(kolkata, at("2026-01-16T00:00:00Z"), 2)).toEqual([
      "2026-01-16T04:00:00Z",
      "2026-01-19T04:00:00Z",
    ]);
  });
});

/** 09:00 Berlin time on weekdays: the schedule `dueSlot` and `nextFireAt` are walked through. */
const BERLIN_WEEKDAYS: DigestSchedule = {
  time: "09:00",
  tz: "Europe/Berlin",
  days: ["mon", "tue", "wed", "thu", "fri"],
};

describe("dueSlot", () => {
  const berlin = BERLIN_WEEKDAYS;
  const TUE = at("2026-10-27T08:00:00Z"); // Tuesday 09:00 CET
  const MON = at("2026-10-26T08:00:00Z");

  it.each([
    ["before the slot", TUE - MINUTE_MS, MON, null, []],
    ["on time", TUE, MON, TUE, []],
    ["a late cron (+17 min)", TUE + 17 * MINUTE_MS, MON, TUE, []],
    ["a repeated cron after posting", TUE + 20 * MINUTE_MS, TUE, null, []],
    ["at the end of the catch-up window", TUE + HOUR_MS, MON, null, [TUE]],
    ["missed by 2 h", TUE + 2 * HOUR_MS, MON, null, [TUE]],
    ["a first run inside the window", TUE + 5 * MINUTE_MS, null, TUE, []],
    ["a first run after the window", TUE + 2 * HOUR_MS, null, null, []],
    [
      "after three days down",
      TUE + 72 * HOUR_MS + 10 * MINUTE_MS,
      MON,
      TUE + 72 * HOUR_MS,
      [TUE, TUE + 24 * HOUR_MS, TUE + 48 * HOUR_MS],
    ],
  ])("%s", (_case, now, last, slotMs, missed) => {
    expect(dueSlot(berlin, now, last)).toEqual({ slotMs, missed });
  });

  it("posts each slot exactly once across DST in both directions", () => {
    const fallBack: DigestSchedule = { time: "01:30", tz: "America/New_York", days: EVERY_DAY };
    expect(cron(fallBack, at("2026-10-31T00:00:00Z"), at("2026-11-02T12:00:00Z"), () => 0, true)).toEqual([
      "2026-10-31T05:30:00Z",
      "2026-11-01T05:30:00Z", // the first 01:30 (EDT); not again at 06:30Z (EST)
      "2026-11-02T06:30:00Z",
    ]);
    const springForward: DigestSchedule = { time: "02:30", tz: "America/New_York", days: EVERY_DAY };
    expect(
      cron(springForward, at("2026-03-07T00:00:00Z"), at("2026-03-09T12:00:00Z"), () => 0, true),
    ).toEqual(["2026-03-07T07:30:00Z", "2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z"]);
  });

  it("posts every slot exactly once for a late, repeated cron (property)", () => {
    const zones = [
      "Europe/Berlin",
      "America/New_York",
      "Australia/Lord_Howe",
      "Pacific/Chatham",
      "Asia/Kolkata",
    ];
    const slotTime = fc.integer({ min: 0, max: 24 * 4 - 1 }).map((q) => {
      const minutes = q * 15;
      return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
    });
    const transitions = [
      "2026-03-07",
      "2026-03-28",
      "2026-04-04",
      "2026-09-26",
      "2026-10-03",
      "2026-10-24",
      "2026-10-31",
    ];
    fc.assert(
      fc.property(
        fc.record({
          time: slotTime,
          tz: fc.constantFrom(...zones),
          days: fc.subarray([...WEEKDAYS] as Weekday[], { minLength: 1 }),
        }),
        fc.constantFrom(...transitions),
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 50 }),
        fc.boolean(),
        (schedule, day, delays, twice) => {
          const from = at(`${day}T00:00:00Z`);
          const to = from + 3 * 24 * HOUR_MS;
          const posted = cron(schedule, from, to, (k) => (delays[k % delays.length] ?? 0) * MINUTE_MS, twice);
          const expected: string[] = [];
          for (let t = nextSlot(schedule, from); t < to; t = nextSlot(schedule, t)) expected.push(iso(t));
          expect(posted.filter((s) => s < iso(to))).toEqual(expected);
          expect(new Set(posted).size).toBe(posted.length);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe("nextFireAt", () => {
  const berlin = BERLIN_WEEKDAYS;
  const MON = at("2026-10-26T08:00:00Z"); // Monday 09:00 CET
  const TUE = at("2026-10-27T08:00:00Z");
  const WED = at("2026-10-28T08:00:00Z");

  it.each([
    ["after posting Monday's slot", MON, MON + 5 * MINUTE_MS, TUE],
    ["a new schedule whose slot passed inside the catch-up window: due now", null, TUE + 5 * MINUTE_MS, TUE],
    ["a new schedule after the window: the next day's slot", null, TUE + 2 * HOUR_MS, WED],
    ["an old last slot: slots past the catch-up window are skipped", MON, TUE + 2 * HOUR_MS, WED],
    ["an old last slot, Tuesday's still inside the window", MON, TUE + 30 * MINUTE_MS, TUE],
    [
      "Friday's slot posted: Monday next",
      at("2026-10-30T08:00:00Z"),
      at("2026-10-30T09:00:00Z"),
      at("2026-11-02T08:00:00Z"),
    ],
  ])("%s", (_name, last, now, expected) => {
    expect(iso(nextFireAt(berlin, last, now))).toBe(iso(expected));
  });

  it("rejects a catch-up window that is not positive", () => {
    expect(() => nextFireAt(berlin, null, MON, 0)).toThrow(RangeError);
  });

  it("a cron that looks only from nextFireAt on posts what dueSlot would post, no later (property)", () => {
    const zones = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney"];
    const slotTime = fc
      .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
      .map(([h, m]) => `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`);
    fc.assert(
      fc.property(
        fc.record({
          time: slotTime,
          tz: fc.constantFrom(...zones),
          days: fc.subarray([...WEEKDAYS] as Weekday[], { minLength: 1 }),
        }),
        fc.integer({ min: 0, max: 400 * 24 }),
        fc.option(fc.integer({ min: 0, max: 10 * 24 * 60 }), { nil: null }),
        (schedule, hour, minutesBack) => {
          const now = at("2026-01-01T00:00:00Z") + hour * HOUR_MS;
          const last =
            minutesBack === null
              ? null
              : nextSlot(schedule, now - minutesBack * MINUTE_MS - 8 * 24 * HOUR_MS);
          const fire = nextFireAt(schedule, last, now);
          // Runs from `now` until the fire time post nothing; a run at it (or now, when it is past) posts it.
          for (const t of [now, (now + fire) / 2, fire - 1].filter((t) => t >= now && t < fire)) {
            expect(dueSlot(schedule, t, last).slotMs).toBeNull();
          }
          expect(dueSlot(schedule, Math.max(now, fire), last).slotMs).toBe(fire);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("validateDigestSchedule", () => {
  it("lists problems", () => {
    expect(validateDigestSchedule({ time: "9am", tz: "Nowhere/City", days: [] })).toHaveLength(3);
    expect(validateDigestSchedule({ time: "09:00", tz: "UTC", days: ["mon"] })).toEqual([]);
    expect(() => nextSlot({ time: "25:00", tz: "UTC", days: ["mon"] }, 0)).toThrow(RangeError);
  });
});
