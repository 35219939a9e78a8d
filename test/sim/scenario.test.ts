import { describe, expect, it } from "vitest";
import { parseScenario, ScenarioError, unknownFields } from "../../sim/scenario";

const core = {
  name: "example",
  seed: 42,
  weeks: 8,
  start: "2027-01-04",
  people: [
    {
      login: "alice",
      tz: "Europe/Berlin",
      workingHours: { days: ["mon", "tue", "wed", "thu", "fri"], start: "09:00", end: "17:00" },
      reviewSpeed: 1.0,
      ooo: [{ from: "2027-01-11", to: "2027-01-15" }],
    },
    { login: "bob", tz: "America/New_York" },
  ],
  prsPerPersonPerWeek: 3,
  labels: { hotfix: 0.05 },
  sla: { hours: 8, rules: [{ label: "hotfix", hours: 2 }] },
};

const problem = (input: unknown): string => {
  try {
    parseScenario(input, "team.json");
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return (err as Error).message;
  }
  throw new Error("expected the scenario to be refused");
};

describe("scenario files", () => {
  it("accept the core format, with defaults for the rest", () => {
    const s = parseScenario(core, "team.json");
    expect(s.people[1]?.workingHours).toEqual({
      days: ["mon", "tue", "wed", "thu", "fri"],
      start: "09:00",
      end: "17:00",
    });
    expect(s.reviewersPerPr).toBe(1);
    expect(s.behaviour.checkEveryH).toBeGreaterThan(0);
  });

  it("name the field that is wrong", () => {
    const bad = (patch: (c: typeof core) => unknown) => problem(patch(structuredClone(core)));
    expect(bad((c) => ({ ...c, people: [{ ...c.people[0], tz: "Mars/Olympus" }, c.people[1]] }))).toMatch(
      /people\[0\]\.tz: unknown IANA time zone/,
    );
    expect(bad((c) => ({ ...c, weeks: 0 }))).toMatch(/weeks:/);
    expect(bad((c) => ({ ...c, start: "2027-02-30" }))).toMatch(/start: expected a YYYY-MM-DD date/);
    expect(bad((c) => ({ ...c, labels: { hotfix: 2 } }))).toMatch(/labels\.hotfix:/);
    expect(
      bad((c) => ({
        ...c,
        people: [{ ...c.people[0], ooo: [{ from: "2027-01-15", to: "2027-01-11" }] }, c.people[1]],
      })),
    ).toMatch(/people\[0\]\.ooo\[0\]\.to: to must not be before from/);
    expect(
      bad((c) => ({
        ...c,
        people: [
          { ...c.people[0], workingHours: { days: ["mon"], start: "18:00", end: "09:00" } },
          c.people[1],
        ],
      })),
    ).toMatch(/people\[0\]\.workingHours\.end: end must be after start/);
    expect(bad((c) => ({ ...c, people: [c.people[0], { ...c.people[1], login: "ALICE" }] }))).toMatch(
      /people\[1\]\.login: duplicate login/,
    );
    expect(bad((c) => ({ ...c, people: [c.people[0]] }))).toMatch(/people:/);
    expect(bad((c) => ({ ...c, people: [{ ...c.people[0], reviewSpeed: "fast" }, c.people[1]] }))).toMatch(
      /people\[0\]\.reviewSpeed:/,
    );
  });

  it("take focus blocks per person over the scenario's default, and name a bad one", () => {
    const focus = [{ days: ["tue", "thu"], start: "09:00", end: "12:00" }];
    const s = parseScenario(
      {
        ...core,
        focusDefault: focus,
        people: [{ ...core.people[0], focus: [] }, core.people[1]],
      },
      "team.json",
    );
    expect(s.focusDefault).toEqual(focus);
    expect(s.people[0]?.focus).toEqual([]);
    expect(s.people[1]?.focus).toBeUndefined();
    expect(parseScenario(core, "team.json").focusDefault).toEqual([]);
    const bad = (block: unknown) => problem({ ...core, focusDefault: [block] });
    expect(bad({ days: ["tue"], start: "12:00", end: "09:00" })).toMatch(
      /focusDefault\[0\]\.end: end must be after start/,
    );
    expect(bad({ days: ["tue"], start: "9:00", end: "12:00" })).toMatch(
      /focusDefault\[0\]\.start: expected HH:MM/,
    );
    expect(bad({ days: [], start: "09:00", end: "12:00" })).toMatch(/focusDefault\[0\]\.days:/);
    expect(
      problem({
        ...core,
        people: [
          { ...core.people[0], focus: [{ days: ["someday"], start: "09:00", end: "10:00" }] },
          core.people[1],
        ],
      }),
    ).toMatch(/people\[0\]\.focus\[0\]\.days\[0\]:/);
  });

  it("report unknown top-level fields (ignored), so a typo is noticed", () => {
    expect(unknownFields({ ...core, prsPerPersonPerWek: 3 })).toEqual(["prsPerPersonPerWek"]);
    expect(unknownFields(core)).toEqual([]);
  });
});
