/**
 * The behaviour model's invariants, whatever the strategy: nobody reviews outside their working hours
 * or while out of office, every PR of the trace is counted, and the same scenario and seed give the
 * same result.
 */
import { describe, expect, it } from "vitest";
import { Simulation } from "../../sim/engine";
import { measure } from "../../sim/metrics";
import type { Scenario } from "../../sim/scenario";
import { GitHubStrategy } from "../../sim/strategies/github";
import { isoDay, peopleOf, type SimPerson, startMs } from "../../sim/team";
import { traceOf } from "../../sim/trace";
import type { RunResult } from "../../sim/world";
import { localDayOf, toLocalMs } from "../../src/domain/time";
import { scenario } from "./support";

function run(
  s: Scenario,
  algorithm: "round-robin" | "load-balance",
): { result: RunResult; people: SimPerson[] } {
  const people = peopleOf(s);
  const sim = new Simulation(s, people, traceOf(s, people), startMs(s));
  return { result: sim.run(new GitHubStrategy(sim, algorithm)), people };
}

/** Local minutes since midnight and the local date of an instant in `tz`. */
function local(ms: number, tz: string): { minutes: number; date: string; weekday: number } {
  const day = localDayOf(ms, tz);
  return {
    minutes: Math.floor((toLocalMs(ms, tz) - day * 86_400_000) / 60_000),
    date: isoDay(day),
    weekday: (((day + 3) % 7) + 7) % 7, // 0 = Monday (1970-01-01 was a Thursday)
  };
}

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const clock = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));

/** Whether `ms` lies in the person's stated working hours and outside their out-of-office days. */
function atWork(person: Scenario["people"][number], ms: number, endInclusive = false): boolean {
  const { minutes, date, weekday } = local(ms, person.tz);
  const hours = person.workingHours;
  const inWindow =
    hours.days.includes(DAYS[weekday] as (typeof hours.days)[number]) &&
    minutes >= clock(hours.start) &&
    (endInclusive ? minutes <= clock(hours.end) : minutes < clock(hours.end));
  const away = person.ooo.some((o) => o.from <= date && date <= o.to);
  return inWindow && !away;
}

describe("the reviewer model", () => {
  for (const algorithm of ["round-robin", "load-balance"] as const) {
    it(`never has anyone start or submit a review outside working hours or out of office (${algorithm})`, () => {
      const s = scenario();
      const { result } = run(s, algorithm);
      expect(result.reviews.length).toBeGreaterThan(20);
      for (const review of result.reviews) {
        const person = s.people.find((p) => p.login === review.login);
        if (!person) throw new Error(`unknown reviewer ${review.login}`);
        expect(atWork(person, review.startedAtMs), `${review.login} starts #${review.pr}`).toBe(true);
        // A review ends at a working instant, or exactly at the end of a working window.
        expect(atWork(person, review.submittedAtMs - 1, true), `${review.login} submits #${review.pr}`).toBe(
          true,
        );
      }
    });
  }

  it("asks people who are out of office for nothing they act on while away", () => {
    const s = scenario();
    const { result } = run(s, "load-balance");
    const ana = s.people.find((p) => p.login === "ana");
    const during = result.reviews.filter(
      (r) =>
        r.login === "ana" &&
        local(r.startedAtMs, "Europe/Berlin").date >= "2027-01-11" &&
        local(r.startedAtMs, "Europe/Berlin").date <= "2027-01-13",
    );
    expect(ana?.ooo).toHaveLength(1);
    expect(during).toEqual([]);
  });

  it("counts every PR of the trace, and the same scenario and seed give the same numbers", () => {
    const s = scenario();
    const people = peopleOf(s);
    const trace = traceOf(s, people);
    const a = run(s, "round-robin");
    const b = run(s, "round-robin");
    expect(a.result.prs).toHaveLength(trace.length);
    const ma = measure(s, a.people, a.result, startMs(s)).metrics;
    const mb = measure(s, b.people, b.result, startMs(s)).metrics;
    expect(JSON.stringify(ma)).toBe(JSON.stringify(mb));
    expect(ma.merged + (trace.length - ma.merged)).toBe(trace.length);
  });

  it("gives every strategy the same trace, and a different seed a different one", () => {
    const s = scenario();
    const people = peopleOf(s);
    const one = traceOf(s, people);
    expect(traceOf(s, people)).toEqual(one);
    expect(traceOf({ ...s, seed: s.seed + 1 }, people)).not.toEqual(one);
    // Authors open PRs in their own working time, never while out of office.
    for (const pr of one) {
      const author = s.people.find((p) => p.login === pr.author);
      if (!author) throw new Error(pr.author);
      expect(atWork(author, pr.openedAtMs), `#${pr.number} by ${pr.author}`).toBe(true);
    }
  });

  it("only measures focus time: the same run with and without focus blocks, interruptions aside", () => {
    const plain = run(scenario(), "load-balance");
    const s = scenario({
      focusDefault: [{ days: ["mon", "tue", "wed", "thu", "fri"], start: "09:00", end: "12:00" }],
    });
    const focused = run(s, "load-balance");
    expect(focused.result.reviews).toEqual(plain.result.reviews);
    expect(focused.result.workHoursMessages).toBe(plain.result.workHoursMessages);
    expect(plain.result.focusByChannel).toEqual({ github: 0, dm: 0, mention: 0 });
    const m = measure(s, focused.people, focused.result, startMs(s)).metrics;
    expect(m.focusInterruptions.total).toBeGreaterThan(0);
    expect(m.focusInterruptions.total).toBeLessThan(m.workHoursMessages);
    expect(m.focusInterruptions.perPersonWeek).toBeCloseTo(m.focusInterruptions.total / (5 * s.weeks), 2);
    // Counted per person too, adding up to the total.
    const perPerson = [...focused.result.tallies.values()].reduce((n, t) => n + t.focus, 0);
    expect(perPerson).toBe(m.focusInterruptions.total);
  });

  it("lets a changes-requested review send the PR back to its author, then to the same reviewer", () => {
    const s = scenario({ behaviour: { changesRequested: 1, changesRequestedLater: 0 } });
    const { result } = run(s, "load-balance");
    const first = result.reviews.find((r) => r.round === 1 && r.state === "changes_requested");
    if (!first) throw new Error("expected a review asking for changes");
    const again = result.reviews.find((r) => r.pr === first.pr && r.round === 2);
    expect(again?.login).toBe(first.login);
    expect(again?.startedAtMs).toBeGreaterThan(first.submittedAtMs);
    expect(result.prs.every((pr) => pr.mergedAtMs === null || pr.round >= 2)).toBe(true);
  });
});
