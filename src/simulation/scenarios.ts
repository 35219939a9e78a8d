/**
 * The simulator's built-in scenarios (sim/scenarios/*.json, the files `npm run simulate --scenario`
 * reads), bundled into the Worker for the dashboard's Simulate page, and the size a run from a request
 * may have: the simulator is the same code as on the command line, but a request must finish, so a
 * run is refused above `MAX_EXPECTED_PRS` with the number of weeks that fits (the command line has no
 * such limit).
 */

import { parseScenario, type Scenario } from "../../sim/scenario";
import bigOrg from "../../sim/scenarios/big-org.json";
import base from "../../sim/scenarios/default.json";
import followTheSun from "../../sim/scenarios/follow-the-sun.json";
import startup from "../../sim/scenarios/startup.json";
import vacations from "../../sim/scenarios/vacations.json";
import { ValidationError } from "../platform/errors";

const RAW: Record<string, { input: unknown; about: string }> = {
  default: { input: base, about: "A product team across Berlin, London and New York." },
  "follow-the-sun": {
    input: followTheSun,
    about: "A team spread around the world, with little overlap in working hours.",
  },
  vacations: { input: vacations, about: "A team with holidays and time out through the weeks." },
  startup: { input: startup, about: "A small early team, the founder reviewing fast." },
  "big-org": { input: bigOrg, about: "A 200-person engineering organisation." },
};
export const SCENARIO_NAMES = Object.keys(RAW);

/**
 * Expected pull requests a web run may simulate (people × PRs per person-week × weeks). About 10 s of
 * one core per Foreman strategy at this size (`npm run simulate -- --scenario big-org`, measured at
 * 70 s for 15,390 PRs on this project's machine).
 */
export const MAX_EXPECTED_PRS = 2_500;

export interface ScenarioSummary {
  name: string;
  about: string;
  people: number;
  zones: string[];
  weeks: number;
  seed: number;
  prsPerPersonPerWeek: number;
  slaHours: number;
  /** The most weeks a web run of this scenario may take. */
  maxWeeks: number;
}

const parsed = new Map<string, Scenario>();
function builtin(name: string): Scenario {
  const raw = RAW[name];
  if (!raw) {
    throw new ValidationError([
      { field: "scenario", message: `unknown scenario "${name}": use one of ${SCENARIO_NAMES.join(", ")}` },
    ]);
  }
  let scenario = parsed.get(name);
  if (!scenario) {
    scenario = parseScenario(raw.input, `sim/scenarios/${name}.json`);
    parsed.set(name, scenario);
  }
  return scenario;
}

const expectedPrsPerWeek = (s: Scenario) => s.people.length * s.prsPerPersonPerWeek;
const maxWeeksOf = (s: Scenario) =>
  Math.max(1, Math.min(s.weeks, Math.floor(MAX_EXPECTED_PRS / Math.max(1, expectedPrsPerWeek(s)))));

export function scenarioSummaries(): ScenarioSummary[] {
  return SCENARIO_NAMES.map((name) => {
    const s = builtin(name);
    return {
      name,
      about: RAW[name]?.about ?? "",
      people: s.people.length,
      zones: [...new Set(s.people.map((p) => p.tz))].sort(),
      weeks: s.weeks,
      seed: s.seed,
      prsPerPersonPerWeek: s.prsPerPersonPerWeek,
      slaHours: s.sla.hours,
      maxWeeks: maxWeeksOf(s),
    };
  });
}

/** The built-in scenario with the seed and weeks asked for; a run too big for a request is refused. */
export function scenarioFor(name: string, options: { seed?: number; weeks?: number }): Scenario {
  const s = builtin(name);
  const weeks = options.weeks ?? Math.min(s.weeks, maxWeeksOf(s));
  if (weeks > maxWeeksOf(s)) {
    throw new ValidationError([
      {
        field: "weeks",
        message: `${name} over ${weeks} weeks is about ${Math.round(expectedPrsPerWeek(s) * weeks)} pull requests; a run from the dashboard takes at most ${MAX_EXPECTED_PRS} (${maxWeeksOf(s)} weeks here). Longer runs: npm run simulate -- --scenario ${name} --weeks ${weeks}`,
      },
    ]);
  }
  return { ...s, seed: options.seed ?? s.seed, weeks };
}
