import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_SLA_RULE,
  remainingWorkingMs,
  resolveSla,
  resumeAfterPause,
  type SlaDeadlines,
  type SlaRule,
  slaDeadlines,
  slaState,
  snooze,
  usedWorkingMs,
} from "../../src/domain/sla";
import { HOUR_MS } from "../../src/domain/time";
import { addWorkingMs, type WorkingSchedule } from "../../src/domain/working-hours";

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString().replace(".000", "");
const NY: WorkingSchedule = { tz: "America/New_York" };
const MON_0900 = at("2026-11-02T14:00:00Z"); // Monday 09:00 EST
const steps = (d: SlaDeadlines) => [iso(d.reminderAtMs), iso(d.breachAtMs), iso(d.escalationAtMs)];

describe("slaDeadlines", () => {
  it("puts reminder, breach and escalation at 50 %, 100 % and 200 % of working time", () => {
    const d = slaDeadlines({ requestedAtMs: MON_0900, hours: 8, schedule: NY });
    expect(steps(d)).toEqual(["2026-11-02T18:00:00Z", "2026-11-02T22:00:00Z", "2026-11-03T22:00:00Z"]);
  });

  it("spans the weekend (and the DST change) for a request on Friday afternoon", () => {
    const d = slaDeadlines({ requestedAtMs: at("2026-10-30T20:00:00Z"), hours: 24, schedule: NY });
    // Fri 16:00 EDT + 12 h = Tue 12:00 EST; + 24 h = Wed 16:00 EST; + 48 h = Mon 16:00 EST.
    expect(steps(d)).toEqual(["2026-11-03T17:00:00Z", "2026-11-04T21:00:00Z", "2026-11-09T21:00:00Z"]);
  });

  it("takes configurable step fractions", () => {
    const d = slaDeadlines({
      requestedAtMs: MON_0900,
      hours: 8,
      schedule: NY,
      steps: { reminder: 0.75, escalation: 1.5 },
    });
    expect(steps(d)).toEqual(["2026-11-02T20:00:00Z", "2026-11-02T22:00:00Z", "2026-11-03T18:00:00Z"]);
  });

  it("rejects bad hours and unordered steps", () => {
    expect(() => slaDeadlines({ requestedAtMs: 0, hours: -1, schedule: NY })).toThrow(RangeError);
    expect(() =>
      slaDeadlines({ requestedAtMs: 0, hours: 8, schedule: NY, steps: { reminder: 1.5 } }),
    ).toThrow(RangeError);
  });

  it("equals adding each step's working time directly (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: at("2026-01-01T00:00:00Z"), max: at("2027-12-31T00:00:00Z") }),
        fc.integer({ min: 0, max: 200 }),
        (requestedAtMs, quarterHours) => {
          const hours = quarterHours / 4;
          const d = slaDeadlines({ requestedAtMs, hours, schedule: NY });
          expect(d.reminderAtMs).toBe(addWorkingMs(NY, requestedAtMs, hours * 0.5 * HOUR_MS));
          expect(d.breachAtMs).toBe(addWorkingMs(NY, requestedAtMs, hours * HOUR_MS));
          expect(d.escalationAtMs).toBe(addWorkingMs(NY, requestedAtMs, hours * 2 * HOUR_MS));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("slaState / remainingWorkingMs", () => {
  const d = slaDeadlines({ requestedAtMs: MON_0900, hours: 8, schedule: NY });

  it.each([
    ["2026-11-02T14:00:00Z", "ok", 8],
    ["2026-11-02T17:59:59Z", "ok", 4 + 1 / 3600],
    ["2026-11-02T18:00:00Z", "at_risk", 4],
    ["2026-11-02T23:30:00Z", "breached", 0],
    ["2026-11-03T15:00:00Z", "breached", -1],
  ])("at %s: %s with %d working hours left", (now, state, hoursLeft) => {
    expect(slaState(at(now), d)).toBe(state);
    expect(remainingWorkingMs(at(now), d)).toBe(Math.round(hoursLeft * HOUR_MS));
  });
});

describe("snooze", () => {
  const d = slaDeadlines({ requestedAtMs: MON_0900, hours: 8, schedule: NY });

  it("restarts the clock at the snoozed instant, inside working hours", () => {
    expect(steps(snooze(d, 2 * HOUR_MS))).toEqual([
      "2026-11-02T20:00:00Z",
      "2026-11-03T16:00:00Z",
      "2026-11-04T16:00:00Z",
    ]);
  });

  it("lands a snooze into the night on the next working morning, and snoozes add up", () => {
    const overnight = snooze(d, 10 * HOUR_MS); // clock starts Mon 19:00 -> counts from Tue 09:00
    expect(steps(overnight)).toEqual([
      "2026-11-03T18:00:00Z",
      "2026-11-03T22:00:00Z",
      "2026-11-04T22:00:00Z",
    ]);
    expect(snooze(snooze(d, 4 * HOUR_MS), 6 * HOUR_MS)).toEqual(overnight);
  });

  it("works on deadlines restored from JSON", () => {
    const stored = JSON.parse(JSON.stringify(d)) as SlaDeadlines;
    expect(snooze(stored, 2 * HOUR_MS)).toEqual(snooze(d, 2 * HOUR_MS));
  });
});

describe("resumeAfterPause", () => {
  const WED_0900 = at("2026-11-04T14:00:00Z");

  it("keeps the working time used before the PR went to draft", () => {
    const d = resumeAfterPause(MON_0900, MON_0900 + 2 * HOUR_MS, WED_0900, { hours: 8, schedule: NY });
    expect(d.usedMs).toBe(2 * HOUR_MS);
    expect(steps(d)).toEqual(["2026-11-04T16:00:00Z", "2026-11-04T20:00:00Z", "2026-11-05T20:00:00Z"]);
    expect(usedWorkingMs(d, WED_0900 + HOUR_MS)).toBe(3 * HOUR_MS);
    expect(remainingWorkingMs(WED_0900 + HOUR_MS, d)).toBe(5 * HOUR_MS);
  });

  it("puts a step reached before the pause at the resume instant", () => {
    const d = resumeAfterPause(MON_0900, MON_0900 + 5 * HOUR_MS, WED_0900, { hours: 8, schedule: NY });
    expect(d.reminderAtMs).toBe(WED_0900);
    expect(slaState(WED_0900, d)).toBe("at_risk");
    expect(iso(d.breachAtMs)).toBe("2026-11-04T17:00:00Z");
  });

  it("chains pauses through usedMs and ignores non-working time while paused", () => {
    const first = resumeAfterPause(MON_0900, MON_0900 + HOUR_MS, WED_0900, { hours: 8, schedule: NY });
    const pausedAgain = WED_0900 + 2 * HOUR_MS;
    const used = usedWorkingMs(first, pausedAgain);
    expect(used).toBe(3 * HOUR_MS);
    const second = resumeAfterPause(pausedAgain, pausedAgain, at("2026-11-05T14:00:00Z"), {
      hours: 8,
      schedule: NY,
      usedMs: used,
    });
    expect(iso(second.breachAtMs)).toBe("2026-11-05T19:00:00Z"); // Thu 09:00 + 5 h
  });

  it("rejects instants out of order", () => {
    expect(() => resumeAfterPause(MON_0900, MON_0900 - 1, WED_0900, { hours: 8, schedule: NY })).toThrow(
      RangeError,
    );
    expect(() => resumeAfterPause(MON_0900, WED_0900, MON_0900 + 1, { hours: 8, schedule: NY })).toThrow(
      RangeError,
    );
  });
});

describe("resolveSla (the one resolver: settings and the Review Manager use it)", () => {
  const rule = (hours: number, repo: string | null = null, label: string | null = null): SlaRule => ({
    repo,
    label,
    hours,
    isDefault: false,
    setBy: "test",
    setAt: null,
  });
  const rules: SlaRule[] = [
    rule(48),
    rule(12, "acme/api"),
    rule(8, null, "bug"),
    rule(4, "acme/api", "urgent"),
    rule(6, null, "security"),
    rule(2, "acme/web", "Urgent"),
  ];

  it.each([
    ["acme/api", ["urgent", "bug"], 4, "repo+label"],
    ["acme/api", ["bug"], 8, "label"],
    ["acme/api", [], 12, "repo"],
    ["ACME/web", ["URGENT"], 2, "repo+label"],
    ["acme/web", ["docs"], 48, "any"],
    ["acme/web", ["bug", "security"], 6, "label"], // equally specific: the strictest wins
    ["acme/web", ["security", "bug"], 6, "label"],
  ])("%s %j -> %d h (%s)", (repo, labels, hours, match) => {
    const picked = resolveSla(rules, repo, labels);
    expect(picked.hours).toBe(hours);
    const kind =
      picked.repo !== null
        ? picked.label !== null
          ? "repo+label"
          : "repo"
        : picked.label !== null
          ? "label"
          : "any";
    expect(kind).toBe(match);
  });

  it("falls back to the built-in 8 h rule", () => {
    expect(resolveSla([rule(1, "other/repo")], "acme/api", [])).toEqual(DEFAULT_SLA_RULE);
    expect(DEFAULT_SLA_RULE).toMatchObject({ hours: 8, isDefault: true });
  });
});
