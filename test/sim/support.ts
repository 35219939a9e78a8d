/** Small scenarios for the simulator's tests. */
import { parseScenario, type Scenario } from "../../sim/scenario";

export function scenario(extra: Record<string, unknown> = {}): Scenario {
  return parseScenario(
    {
      name: "test",
      seed: 9,
      weeks: 3,
      start: "2027-01-04",
      people: [
        { login: "ana", tz: "Europe/Berlin", ooo: [{ from: "2027-01-11", to: "2027-01-13" }] },
        { login: "bo", tz: "Europe/Berlin" },
        {
          login: "cy",
          tz: "America/New_York",
          workingHours: { days: ["mon", "tue", "wed", "thu"], start: "10:00", end: "16:00" },
        },
        { login: "di", tz: "Asia/Tokyo", ooo: [{ from: "2027-01-18", to: "2027-01-22" }] },
        { login: "ed", tz: "America/New_York" },
      ],
      prsPerPersonPerWeek: 4,
      labels: { hotfix: 0.1 },
      sla: { hours: 8, rules: [{ label: "hotfix", hours: 2 }] },
      ...extra,
    },
    "test scenario",
  );
}
