import { describe, expect, it } from "vitest";
import {
  BURST_MS,
  canReleaseAt,
  DEFAULT_NOTIFY_PREFS,
  daysOfRanges,
  decide,
  type NotifyPrefs,
  nextWindowMs,
  presenceAt,
  recipientOf,
} from "../../src/domain/notify";

/** Monday 2030-01-07 in Berlin (UTC+1): 09:00 local is 08:00 UTC. */
const MON_9_BERLIN = Date.UTC(2030, 0, 7, 8, 0);
const MIN = 60_000;
const HOUR = 60 * MIN;
const berlin = { tz: "Europe/Berlin" };
const none = { sentToday: 0, lastAboutPrMs: null };
const prefs = (patch: Partial<NotifyPrefs>): NotifyPrefs => ({ ...DEFAULT_NOTIFY_PREFS, ...patch });

describe("when a message may reach a person", () => {
  it("batched: held for the next window in the person's zone", () => {
    const r = recipientOf(berlin, prefs({}), null, MON_9_BERLIN);
    expect(decide(r, false, MON_9_BERLIN, none)).toEqual({
      send: false,
      untilMs: MON_9_BERLIN + 30 * MIN,
      reason: "window",
    });
    // After the last window of the day: the first one of the next working day.
    const late = MON_9_BERLIN + 7 * HOUR + 45 * MIN; // 16:45
    expect(decide(r, false, late, none)).toMatchObject({ untilMs: MON_9_BERLIN + 24 * HOUR + 30 * MIN });
  });

  it("windows a person chose open when they said, even outside working hours or on a weekend", () => {
    const own = prefs({ windows: ["03:02"], ownWindows: true });
    const saturday3am = MON_9_BERLIN + 5 * 24 * HOUR - 6 * HOUR; // Sat 03:00 Berlin
    const r = recipientOf(berlin, own, null, saturday3am);
    expect(decide(r, false, saturday3am, none)).toMatchObject({ untilMs: saturday3am + 2 * MIN });
    expect(canReleaseAt(r, saturday3am + 2 * MIN)).toBe(true);
    // The team's default windows keep to working days and hours.
    const team = recipientOf(berlin, prefs({ windows: ["03:02"] }), null, saturday3am);
    expect(decide(team, false, saturday3am, none)).toMatchObject({ untilMs: MON_9_BERLIN + 7 * 24 * HOUR });
    // Not while away.
    const away = recipientOf(berlin, own, { from: null, until: "2030-01-12" }, saturday3am);
    expect(decide(away, false, saturday3am, none)).toMatchObject({
      untilMs: saturday3am + 24 * HOUR + 2 * MIN,
    });
  });

  it("digest: once a day at the first window", () => {
    const r = recipientOf(berlin, prefs({ mode: "digest" }), null, MON_9_BERLIN);
    const noon = MON_9_BERLIN + 3 * HOUR;
    expect(nextWindowMs(r, noon)).toBe(MON_9_BERLIN + 24 * HOUR + 30 * MIN);
  });

  it("immediate: now in working hours; otherwise at the next working start; never on a weekend", () => {
    const r = recipientOf(berlin, prefs({ mode: "immediate" }), null, MON_9_BERLIN);
    expect(decide(r, false, MON_9_BERLIN, none)).toEqual({ send: true });
    const friday6pm = MON_9_BERLIN + 4 * 24 * HOUR + 9 * HOUR;
    expect(decide(r, false, friday6pm, none)).toMatchObject({
      untilMs: MON_9_BERLIN + 7 * 24 * HOUR,
      reason: "off-hours",
    });
  });

  it("focus blocks hold like a window; urgent items go through them", () => {
    const focus = [{ days: ["mon" as const], start: "09:00", end: "12:00" }];
    const r = recipientOf(berlin, prefs({ mode: "immediate", focus }), null, MON_9_BERLIN);
    expect(decide(r, false, MON_9_BERLIN + HOUR, none)).toEqual({
      send: false,
      untilMs: MON_9_BERLIN + 3 * HOUR,
      reason: "focus",
    });
    expect(decide(r, true, MON_9_BERLIN + HOUR, none)).toEqual({ send: true });
    // A batched window inside the focus block: released when the block ends.
    const b = recipientOf(berlin, prefs({ focus }), null, MON_9_BERLIN);
    expect(decide(b, false, MON_9_BERLIN, none)).toMatchObject({ untilMs: MON_9_BERLIN + 3 * HOUR });
  });

  it("away (out of office or holiday): even urgent items wait until they are back", () => {
    const ooo = { from: "2030-01-07", until: "2030-01-08" };
    const r = recipientOf(berlin, prefs({ mode: "immediate" }), ooo, MON_9_BERLIN);
    expect(decide(r, true, MON_9_BERLIN, none)).toEqual({
      send: false,
      untilMs: MON_9_BERLIN + 48 * HOUR,
      reason: "away",
    });
    const h = recipientOf(berlin, prefs({ mode: "immediate", holidays: [ooo] }), null, MON_9_BERLIN);
    expect(decide(h, false, MON_9_BERLIN, none)).toMatchObject({ reason: "away" });
  });

  it("an open-ended absence is checked again later, never dropped", () => {
    const r = recipientOf(berlin, prefs({ mode: "immediate" }), { from: null, until: null }, MON_9_BERLIN);
    const d = decide(r, false, MON_9_BERLIN, none);
    expect(d.send).toBe(false);
    if (!d.send) expect(d.untilMs).toBeGreaterThan(MON_9_BERLIN);
  });

  it("daily cap: above it, immediate items wait for the next window; urgent ones do not", () => {
    const r = recipientOf(berlin, prefs({ mode: "immediate", dailyCap: 2 }), null, MON_9_BERLIN);
    expect(decide(r, false, MON_9_BERLIN, { sentToday: 2, lastAboutPrMs: null })).toMatchObject({
      reason: "cap",
      untilMs: MON_9_BERLIN + 30 * MIN,
    });
    expect(decide(r, true, MON_9_BERLIN, { sentToday: 9, lastAboutPrMs: null })).toEqual({ send: true });
  });

  it("bursts: a second message about one PR within a minute waits and merges", () => {
    const r = recipientOf(berlin, prefs({ mode: "immediate" }), null, MON_9_BERLIN);
    const last = MON_9_BERLIN - 20_000;
    expect(decide(r, false, MON_9_BERLIN, { sentToday: 1, lastAboutPrMs: last })).toEqual({
      send: false,
      untilMs: last + BURST_MS,
      reason: "burst",
    });
  });

  it("day ranges expand from today on", () => {
    expect(daysOfRanges([{ from: "2030-01-05", until: "2030-01-08" }], "2030-01-07")).toEqual([
      "2030-01-07",
      "2030-01-08",
    ]);
    expect(daysOfRanges([{ from: "2029-12-01", until: "2029-12-02" }], "2030-01-07")).toEqual([]);
  });
});

describe("presenceAt (the Team page's working now / focus / out / off-hours)", () => {
  const focus = [{ days: ["mon" as const], start: "10:00", end: "12:00" }];

  it("working in hours, focus inside a block until its end, off hours until the next start", () => {
    const r = recipientOf(berlin, prefs({ focus }), null, MON_9_BERLIN);
    expect(presenceAt(r, MON_9_BERLIN)).toEqual({ state: "working", untilMs: null });
    expect(presenceAt(r, MON_9_BERLIN + HOUR + 5 * MIN)).toEqual({
      state: "focus",
      untilMs: MON_9_BERLIN + 3 * HOUR,
    });
    // Monday 20:00 in Berlin: off hours until Tuesday 09:00.
    expect(presenceAt(r, MON_9_BERLIN + 11 * HOUR)).toEqual({
      state: "off-hours",
      untilMs: MON_9_BERLIN + 24 * HOUR,
    });
  });

  it("out of office or on a holiday: out until the first working moment after", () => {
    const ooo = { from: "2030-01-07", until: "2030-01-08" };
    const r = recipientOf(berlin, prefs({}), ooo, MON_9_BERLIN);
    expect(presenceAt(r, MON_9_BERLIN)).toEqual({ state: "out", untilMs: MON_9_BERLIN + 48 * HOUR });
    const h = recipientOf(berlin, prefs({ holidays: [ooo] }), null, MON_9_BERLIN);
    expect(presenceAt(h, MON_9_BERLIN).state).toBe("out");
  });
});
