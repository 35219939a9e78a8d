import { describe, expect, it } from "vitest";
import {
  ALERT_WINDOW_MS,
  alertKey,
  describeValue,
  evaluateRule,
  type Incident,
  isBreaching,
  thresholdsFrom,
} from "../../src/domain/alert-rules";

const T0 = Date.UTC(2026, 10, 24, 10, 0);

/** Runs the rule over a series of values, one check per 5 minutes, like the cron. */
function run(values: number[], threshold: number, start: Incident | null = null) {
  let latest = start;
  return values.map((value, i) => {
    const t = evaluateRule(latest, "dead_letters", value, threshold, T0 + i * 300_000);
    if (t.type !== "quiet") latest = t.incident;
    return t;
  });
}

describe("thresholdsFrom", () => {
  it("uses the defaults when nothing is configured", () => {
    expect(thresholdsFrom({})).toEqual([
      { rule: "delivery_failures", threshold: 10, windowMs: ALERT_WINDOW_MS },
      { rule: "dead_letters", threshold: 1, windowMs: ALERT_WINDOW_MS },
      { rule: "sla_breaches", threshold: 5, windowMs: ALERT_WINDOW_MS },
    ]);
  });

  it("takes non-negative integers and ignores anything else", () => {
    const t = thresholdsFrom({
      ALERT_DELIVERY_FAILURES: " 25 ",
      ALERT_DEAD_LETTERS: "0",
      ALERT_SLA_BREACHES: "-3",
    });
    expect(t.map((x) => x.threshold)).toEqual([25, 0, 5]);
    expect(thresholdsFrom({ ALERT_DELIVERY_FAILURES: "ten", ALERT_DEAD_LETTERS: "1.5" })[0]?.threshold).toBe(
      10,
    );
    expect(thresholdsFrom({ ALERT_DEAD_LETTERS: "1.5" })[1]?.threshold).toBe(1);
    expect(thresholdsFrom({ ALERT_SLA_BREACHES: 7 })[2]?.threshold).toBe(7);
  });
});

describe("evaluateRule", () => {
  it("reaching the threshold opens an incident; at or above it stays the same incident", () => {
    const steps = run([0, 2, 3, 5, 2], 2);
    expect(steps.map((s) => s.type)).toEqual(["quiet", "opened", "ongoing", "ongoing", "ongoing"]);
    const last = steps.at(-1);
    if (last?.type !== "ongoing") throw new Error("expected an ongoing incident");
    expect(last.incident).toMatchObject({ seq: 1, status: "open", openedValue: 2, peak: 5, lastValue: 2 });
    expect(last.incident.openedAtMs).toBe(T0 + 300_000);
  });

  it("drops below: resolved; a later crossing is a new incident with the next number", () => {
    const steps = run([1, 1, 0, 0, 3, 0], 1);
    expect(steps.map((s) => s.type)).toEqual([
      "opened",
      "ongoing",
      "resolved",
      "quiet",
      "opened",
      "resolved",
    ]);
    const seqs = steps.flatMap((s) => (s.type === "quiet" ? [] : [s.incident.seq]));
    expect(seqs).toEqual([1, 1, 1, 2, 2]);
    const resolved = steps[2];
    if (resolved?.type !== "resolved") throw new Error("expected resolved");
    expect(resolved.incident).toMatchObject({ status: "resolved", resolvedAtMs: T0 + 600_000, lastValue: 0 });
  });

  it("threshold 0 turns the rule off and resolves what is open", () => {
    const opened = run([4], 1)[0];
    if (opened?.type !== "opened") throw new Error("expected opened");
    expect(evaluateRule(opened.incident, "dead_letters", 100, 0, T0).type).toBe("resolved");
    expect(evaluateRule(null, "dead_letters", 100, 0, T0).type).toBe("quiet");
    expect(isBreaching(100, 0)).toBe(false);
    expect(isBreaching(1, 1)).toBe(true);
    expect(isBreaching(0, 1)).toBe(false);
  });
});

describe("alert keys and text", () => {
  it("one key per incident and notice", () => {
    expect(alertKey("acme", "dead_letters", 3, "opened")).toBe("alert:acme:dead_letters:3");
    expect(alertKey("acme", "dead_letters", 3, "resolved")).toBe("alert:acme:dead_letters:3:resolved");
  });

  it("describes the value over the window", () => {
    expect(describeValue("delivery_failures", 12, 10, ALERT_WINDOW_MS)).toBe(
      "12 delivery failures in the last hour (threshold 10)",
    );
    expect(describeValue("sla_breaches", 5, 5, 30 * 60_000)).toBe(
      "5 review SLA breaches in the last 30 minutes (threshold 5)",
    );
  });
});
