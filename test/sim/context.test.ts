/**
 * `foreman+context`: the Review Manager's messages to people through the Context Optimizer's own
 * routing. What reaches a person does so at work, outside their focus blocks unless it carries an
 * urgent item; nothing routed is lost (it is delivered, or still held for someone who is away); the
 * same seed gives the same run.
 */
import { describe, expect, it } from "vitest";
import type { RoutedItem } from "../../sim/strategies/context";
import { isoDay, type SimPerson } from "../../sim/team";
import { localDayOf, MINUTE_MS, toLocalMs } from "../../src/domain/time";
import { focusScenario, runForeman } from "./support";

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));

/** Wall-clock checks written apart from the simulator's: at work (hours, not away), in a focus block. */
function local(p: SimPerson, ms: number) {
  const day = localDayOf(ms, p.tz);
  return {
    minute: Math.floor((toLocalMs(ms, p.tz) - day * 86_400_000) / MINUTE_MS),
    weekday: DAYS[(((day + 3) % 7) + 7) % 7] as string,
    date: isoDay(day),
  };
}
function atWork(p: SimPerson, ms: number): boolean {
  const { minute, weekday, date } = local(p, ms);
  const h = p.hours;
  const inHours =
    (h.days ?? []).includes(weekday as never) &&
    minute >= minutesOf(h.start ?? "09:00") &&
    minute < minutesOf(h.end ?? "17:00");
  return inHours && !p.ooo.some((o) => o.from <= date && date <= o.to);
}
function inFocus(p: SimPerson, ms: number): boolean {
  const { minute, weekday } = local(p, ms);
  return p.focus.some(
    (b) => b.days.includes(weekday as never) && minute >= minutesOf(b.start) && minute < minutesOf(b.end),
  );
}

/** The DMs that went out: items grouped by the message that carried them. */
function sends(items: readonly RoutedItem[]): Map<string, RoutedItem[]> {
  const out = new Map<string, RoutedItem[]>();
  for (const i of items) if (i.sentAs) out.set(i.sentAs, [...(out.get(i.sentAs) ?? []), i]);
  return out;
}

describe("foreman+context", () => {
  it("reaches people only at work, and inside a focus block only with an urgent item", async () => {
    const s = focusScenario();
    const off = await runForeman(s, false, "ctx-focus-off");
    const on = await runForeman(s, true, "ctx-focus-on");
    const byLogin = new Map(on.people.map((p) => [p.login, p]));
    const out = sends(on.items);
    expect(out.size).toBeGreaterThan(30);
    let merged = 0;
    for (const [key, group] of out) {
      const first = group[0] as RoutedItem;
      const p = byLogin.get(first.login) as SimPerson;
      const at = first.deliveredAtMs as number;
      expect(
        group.every((i) => i.deliveredAtMs === at && i.login === first.login),
        key,
      ).toBe(true);
      expect(atWork(p, at), `${key} to ${p.login} at ${new Date(at).toISOString()}`).toBe(true);
      if (inFocus(p, at))
        expect(
          group.some((i) => i.urgent),
          `${key} in focus`,
        ).toBe(true);
      if (group.length > 1) merged++;
    }
    expect(merged).toBeGreaterThan(0);
    // Each DM that went out is one message to its person.
    expect(on.metrics.messages.dm).toBe(out.size);
    // With the optimizer off the same people are interrupted by DMs in focus: the test means something.
    expect(off.metrics.focusInterruptions.byChannel.dm).toBeGreaterThan(
      on.metrics.focusInterruptions.byChannel.dm,
    );
    expect(on.metrics.focusInterruptions.total).toBeLessThan(off.metrics.focusInterruptions.total);
  });

  it("loses nothing: every item is delivered by the end of the run, or still held for someone away", async () => {
    // di leaves in the second week, with notices about her own PRs waiting, and is away past the end.
    const base = focusScenario();
    const s = focusScenario({
      people: base.people.map((p) =>
        p.login === "di" ? { ...p, ooo: [{ from: "2027-01-12", to: "2027-12-31" }] } : p,
      ),
    });
    const run = await runForeman(s, true, "ctx-held");
    const byLogin = new Map(run.people.map((p) => [p.login, p]));
    const later = run.items.filter((i) => i.deliveredAtMs !== null && i.deliveredAtMs > i.routedAtMs);
    expect(later.length).toBeGreaterThan(20);
    const held = run.items.filter((i) => i.deliveredAtMs === null);
    for (const i of run.items) {
      if (i.deliveredAtMs !== null) expect(i.deliveredAtMs).toBeGreaterThanOrEqual(i.routedAtMs);
    }
    for (const i of held) {
      const p = byLogin.get(i.login) as SimPerson;
      const date = local(p, run.result.endMs).date;
      expect(
        p.ooo.some((o) => o.from <= date && date <= o.to),
        `${i.key} held for ${i.login}`,
      ).toBe(true);
    }
    expect(held.length).toBeGreaterThan(0);
    expect(run.settled).toBe(false);
    // Everyone else's items all went out, after the last PR was merged if need be.
    expect(run.items.filter((i) => i.login !== "di").every((i) => i.deliveredAtMs !== null)).toBe(true);
  });

  it("gives the same run for the same seed", async () => {
    const s = focusScenario({ weeks: 2 });
    const a = await runForeman(s, true, "ctx-same-a");
    const b = await runForeman(s, true, "ctx-same-b");
    expect(JSON.stringify(b.metrics)).toBe(JSON.stringify(a.metrics));
    expect(b.items).toEqual(a.items);
    const c = await runForeman({ ...s, seed: s.seed + 1 }, true, "ctx-same-c");
    expect(JSON.stringify(c.metrics)).not.toBe(JSON.stringify(a.metrics));
  });
});
