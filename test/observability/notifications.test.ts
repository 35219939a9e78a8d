/**
 * The notification metrics, pure: which person-days count for messages per person per day (past
 * working days with zero too, days with a message, today only with one; not before joining, not on
 * days off), the quantiles (simple-statistics, type 7), today's sums per local date, people not on
 * the team, and the Prometheus gauges.
 */
import { quantileSorted } from "simple-statistics";
import { describe, expect, it } from "vitest";
import { prometheusText } from "../../src/observability/metrics-prometheus";
import {
  type DailyCounts,
  type NotifyCounts,
  notificationsView,
  spread,
  type WindowPerson,
  windowStart,
} from "../../src/observability/notifications";
import { parseExposition } from "./exposition";

/** Wednesday 2030-01-09 12:00 UTC. */
const NOW = Date.UTC(2030, 0, 9, 12, 0);
const WEEK = ["mon", "tue", "wed", "thu", "fri"] as const;

const counts = (sent: number, more: Partial<NotifyCounts> = {}): NotifyCounts => ({
  sent,
  held: 0,
  merged: 0,
  avoided: 0,
  focusInterruptions: 0,
  ...more,
});
const row = (person: string, day: string, c: NotifyCounts): DailyCounts => ({ person, day, counts: c });
const member = (person: string, more: Partial<WindowPerson> = {}): WindowPerson => ({
  person,
  localDate: "2030-01-09",
  since: null,
  workDays: WEEK,
  daysOff: [],
  ...more,
});

describe("messages per person per day", () => {
  it("counts past working days with zero, any day with a message, and today only with one", () => {
    // Window 2030-01-03 (Thu) .. 2030-01-09 (Wed): past working days Thu 3, Fri 4, Mon 7, Tue 8.
    const view = notificationsView(
      [
        row("slack:A", "2030-01-03", counts(4)),
        row("slack:A", "2030-01-05", counts(2)), // a Saturday with messages counts
        row("slack:A", "2030-01-08", counts(0, { held: 3 })), // a working day with none: zero
        row("slack:A", "2030-01-02", counts(9)), // before the window
      ],
      [member("slack:A")],
      NOW,
    );
    // Thu 4, Fri 0, Sat 2, Mon 0, Tue 0; Sun 6 (no message) and today (none yet) do not count.
    expect(view.personDays).toBe(5);
    expect(view.messagesPerPersonDay).toEqual({ median: 0, p95: 3.6, max: 4 });
    expect(view.last7Days).toEqual(counts(6, { held: 3 }));
    expect(view.today).toEqual(counts(0));
    expect(view).toMatchObject({ days: 7, from: "2030-01-03", to: "2030-01-09", people: 1 });
  });

  it("leaves out days before someone joined and their days off, but not their messages", () => {
    const view = notificationsView(
      [row("slack:A", "2030-01-03", counts(1)), row("slack:B", "2030-01-09", counts(2))],
      [
        member("slack:A", { since: "2030-01-07" }),
        member("slack:B", {
          daysOff: [
            { from: "2030-01-03", until: "2030-01-04" },
            { from: "2030-01-08", until: null },
          ],
        }),
      ],
      NOW,
    );
    // A: Thu 3 (a message before joining) 1, Mon 7 0, Tue 8 0. B: Mon 7 0, today 2.
    expect(view.personDays).toBe(5);
    expect(view.people).toBe(2);
    expect(view.messagesPerPersonDay).toEqual({ median: 0, p95: 1.8, max: 2 });
    expect(view.today).toEqual(counts(2));
  });

  it("takes each person's today in their own zone, and people off the team on UTC days", () => {
    const view = notificationsView(
      [
        row("slack:EAST", "2030-01-10", counts(3, { focusInterruptions: 1 })),
        row("slack:EAST", "2030-01-09", counts(5, { merged: 2 })),
        row("slack:WEST", "2030-01-08", counts(1, { avoided: 4 })),
        row("slack:GONE", "2030-01-09", counts(2, { held: 1 })),
        row("slack:GONE", "2030-01-01", counts(7)),
      ],
      [
        member("slack:EAST", { localDate: "2030-01-10", workDays: [] }),
        member("slack:WEST", { localDate: "2030-01-08", workDays: [] }),
      ],
      NOW,
    );
    expect(view.today).toEqual({ sent: 6, held: 1, merged: 0, avoided: 4, focusInterruptions: 1 });
    expect(view.last7Days).toEqual({ sent: 11, held: 1, merged: 2, avoided: 4, focusInterruptions: 1 });
    expect(view).toMatchObject({ from: "2030-01-02", to: "2030-01-10", people: 3, personDays: 4 });
  });

  it("is empty, not an error, with no one and nothing", () => {
    const view = notificationsView([], [], NOW);
    expect(view).toMatchObject({
      available: true,
      people: 0,
      personDays: 0,
      messagesPerPersonDay: { median: null, p95: null, max: null },
      from: "2030-01-03",
      to: "2030-01-09",
    });
  });

  it("uses simple-statistics' quantiles, rounded to 2 decimals", () => {
    const values = [0, 0, 1, 1, 2, 3, 3, 4, 6, 11];
    expect(spread(values)).toEqual({
      median: Math.round(quantileSorted(values, 0.5) * 100) / 100,
      p95: Math.round(quantileSorted(values, 0.95) * 100) / 100,
      max: 11,
    });
    expect(spread(values).p95).toBe(8.75);
  });

  it("asks the optimizer from the earliest window start", () => {
    expect(windowStart([], NOW)).toBe("2030-01-03");
    expect(windowStart([member("a", { localDate: "2030-01-08" })], NOW)).toBe("2030-01-02");
    expect(windowStart([member("a", { localDate: "2030-01-10" })], NOW)).toBe("2030-01-03");
  });
});

describe("notification gauges", () => {
  const snapshot = { startedAtMs: null, nowMs: NOW, windowMs: 86_400_000, window: [], totals: [] };

  it("are gauges after the rest, a quantile label per spread value", () => {
    const view = notificationsView(
      [row("slack:A", "2030-01-09", counts(3, { held: 2 }))],
      [member("slack:A", { since: "2030-01-09" })],
      NOW,
    );
    const { types, samples } = parseExposition(prometheusText(snapshot, [], view));
    expect(types.get("foreman_person_messages_per_day")).toBe("gauge");
    expect(samples.filter((s) => s.name === "foreman_person_messages_per_day")).toEqual([
      { name: "foreman_person_messages_per_day", labels: { quantile: "0.5" }, value: 3 },
      { name: "foreman_person_messages_per_day", labels: { quantile: "0.95" }, value: 3 },
      { name: "foreman_person_messages_per_day", labels: { quantile: "1" }, value: 3 },
    ]);
    expect(samples).toContainEqual({ name: "foreman_notifications_held_today", labels: {}, value: 2 });
    expect(samples).toContainEqual({ name: "foreman_notifications_available", labels: {}, value: 1 });
  });

  it("leave out quantiles with no person-day, and all but availability when unavailable", () => {
    const empty = parseExposition(prometheusText(snapshot, [], notificationsView([], [], NOW)));
    expect(empty.samples.some((s) => s.name === "foreman_person_messages_per_day")).toBe(false);
    expect(empty.samples).toContainEqual({ name: "foreman_person_days", labels: {}, value: 0 });
    const down = parseExposition(prometheusText(snapshot, [], { available: false, reason: "down" }));
    expect(down.samples.filter((s) => s.name.includes("notification") || s.name.includes("person"))).toEqual([
      { name: "foreman_notifications_available", labels: {}, value: 0 },
    ]);
    expect(parseExposition(prometheusText(snapshot, [])).types.has("foreman_notifications_available")).toBe(
      false,
    );
  });
});
