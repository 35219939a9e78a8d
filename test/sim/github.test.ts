/**
 * GitHub's team assignment algorithms against their documented behaviour: round robin picks the
 * member requested least recently whatever their open load; load balance evens out requests per
 * member over a rolling 30 days, outstanding ones counted; Busy members are skipped.
 */
import { describe, expect, it } from "vitest";
import { Simulation } from "../../sim/engine";
import { type GitHubCandidate, GitHubStrategy, githubPick } from "../../sim/strategies/github";
import { peopleOf, startMs } from "../../sim/team";
import { traceOf } from "../../sim/trace";
import { HOUR_MS } from "../../src/domain/time";
import { scenario } from "./support";

const NOW = Date.parse("2027-03-01T12:00:00Z");
const DAY = 24 * HOUR_MS;
const member = (
  login: string,
  requests: number[] = [],
  extra: Partial<GitHubCandidate> = {},
): GitHubCandidate => ({
  login,
  busy: false,
  requests,
  outstandingBefore: 0,
  ...extra,
});

describe("GitHub round robin", () => {
  it("asks whoever was requested least recently (never requested first, then by login)", () => {
    const team = [member("cy", [NOW - 2 * DAY]), member("ana", [NOW - DAY]), member("bo"), member("al")];
    expect(githubPick("round-robin", team, 3, NOW)).toEqual(["al", "bo", "cy"]);
  });

  it("ignores open load: someone with many outstanding reviews is still next in turn", () => {
    const team = [
      member("busy-bee", [NOW - 10 * DAY], { outstandingBefore: 9 }),
      member("idle", [NOW - DAY]),
    ];
    expect(githubPick("round-robin", team, 1, NOW)).toEqual(["busy-bee"]);
  });

  it("rotates through everyone when its own picks are fed back", () => {
    const requests = new Map<string, number[]>();
    const picks: string[] = [];
    for (let i = 0; i < 9; i++) {
      const now = NOW + i * HOUR_MS;
      const team = ["c", "a", "b"].map((l) => member(l, requests.get(l) ?? []));
      const [pick] = githubPick("round-robin", team, 1, now);
      picks.push(pick as string);
      requests.set(pick as string, [...(requests.get(pick as string) ?? []), now]);
    }
    expect(picks).toEqual(["a", "b", "c", "a", "b", "c", "a", "b", "c"]);
  });
});

describe("GitHub load balance", () => {
  it("asks whoever had the fewest requests in the last 30 days; older ones no longer count", () => {
    const team = [
      member("ana", [NOW - 40 * DAY, NOW - 35 * DAY, NOW - 31 * DAY, NOW - DAY]), // 1 in the window
      member("bo", [NOW - 3 * DAY, NOW - 2 * DAY]), // 2
    ];
    expect(githubPick("load-balance", team, 1, NOW)).toEqual(["ana"]);
  });

  it("counts requests still outstanding from before the window", () => {
    const team = [
      member("ana", [NOW - DAY], { outstandingBefore: 2 }),
      member("bo", [NOW - 2 * DAY, NOW - DAY]),
    ];
    expect(githubPick("load-balance", team, 1, NOW)).toEqual(["bo"]);
  });

  it("evens out requests: fed back, no member gets more than one more than another in 30 days", () => {
    const requests = new Map<string, number[]>();
    const logins = ["a", "b", "c", "d"];
    for (let i = 0; i < 200; i++) {
      const now = NOW + i * 7 * HOUR_MS;
      const [pick] = githubPick(
        "load-balance",
        logins.map((l) => member(l, requests.get(l) ?? [])),
        1,
        now,
      );
      requests.set(pick as string, [...(requests.get(pick as string) ?? []), now]);
      const counts = logins.map((l) => (requests.get(l) ?? []).filter((t) => t > now - 30 * DAY).length);
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    }
  });

  it("skips Busy members, and asks nobody when everyone is busy", () => {
    const team = [member("ana", [], { busy: true }), member("bo", [NOW - DAY])];
    for (const algorithm of ["round-robin", "load-balance"] as const) {
      expect(githubPick(algorithm, team, 1, NOW)).toEqual(["bo"]);
      expect(githubPick(algorithm, [member("ana", [], { busy: true })], 1, NOW)).toEqual([]);
    }
  });
});

describe("GitHub strategies in the simulation", () => {
  it("load balance ends with everyone asked about equally (no one out of office)", () => {
    const s = scenario({
      weeks: 4,
      people: ["ana", "bo", "cy", "di"].map((login) => ({ login, tz: "Europe/Berlin" })),
    });
    const people = peopleOf(s);
    const sim = new Simulation(s, people, traceOf(s, people), startMs(s));
    const result = sim.run(new GitHubStrategy(sim, "load-balance"));
    const counts = [...result.tallies.values()].map((t) => t.requests);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(2);
  });
});
