import { describe, expect, it } from "vitest";
import { configFor } from "../../../src/agents/review-manager/model/candidates";
import { reviewEvent } from "../../../src/agents/review-manager/model/events";
import { duration, localTime } from "../../../src/agents/review-manager/model/format";
import { dueStep, nextStepAt, resumed } from "../../../src/agents/review-manager/model/steps";
import { deliveryKey, parsePrRef, parsePrTarget } from "../../../src/domain/pr-refs";
import { slaDeadlines } from "../../../src/domain/sla";
import { HOUR, MONDAY_9, prEvent } from "./support";

const UTC_OFFICE = { tz: "UTC" };
const sla = slaDeadlines({ requestedAtMs: MONDAY_9, hours: 8, schedule: UTC_OFFICE });

describe("SLA steps", () => {
  it("fires the next step once due, and only the latest when several are due at once", () => {
    expect(nextStepAt(sla, 0)).toBe(MONDAY_9 + 4 * HOUR);
    expect(nextStepAt(sla, 3)).toBeNull();
    expect(dueStep(sla, 0, MONDAY_9 + 3 * HOUR)).toBeNull();
    expect(dueStep(sla, 0, MONDAY_9 + 4 * HOUR)).toEqual({ step: "reminder", fired: 1, skipped: [] });
    expect(dueStep(sla, 1, MONDAY_9 + 4 * HOUR)).toBeNull();
    expect(dueStep(sla, 0, MONDAY_9 + 40 * HOUR)).toEqual({
      step: "escalation",
      fired: 3,
      skipped: ["reminder", "breach"],
    });
  });

  it("a draft pause keeps the working time used; a snoozed clock start past the pause is safe", () => {
    const back = resumed(sla, MONDAY_9 + 2 * HOUR, MONDAY_9 + 24 * HOUR);
    expect(back.reminderAtMs).toBe(MONDAY_9 + 26 * HOUR);
    expect(back.requestedAtMs).toBe(MONDAY_9);
    const future = { ...sla, clockStartMs: MONDAY_9 + 3 * HOUR };
    expect(resumed(future, MONDAY_9 + HOUR, MONDAY_9 + 24 * HOUR).reminderAtMs).toBe(MONDAY_9 + 28 * HOUR);
  });
});

describe("references and keys", () => {
  it("parses PR references and short ids", () => {
    expect(parsePrRef("Acme/Widgets#42")).toEqual({ repo: "acme/widgets", number: 42 });
    expect(parsePrRef("acme/widgets#0")).toBeNull();
    expect(parsePrRef("acme#4")).toBeNull();
    expect(parsePrTarget("p17")).toEqual({ id: 17 });
    expect(parsePrTarget("p")).toBeNull();
  });

  it("keeps delivery keys within 256 characters, stable for the same input", () => {
    const logins = Array.from({ length: 10 }, (_, i) => `reviewer-${"x".repeat(28)}-${i}`);
    const long = deliveryKey("gh:req", "acme/widgets#1", logins.join(","));
    expect(long.length).toBeLessThanOrEqual(256);
    expect(long).toBe(deliveryKey("gh:req", "acme/widgets#1", logins.join(",")));
    expect(long).not.toBe(deliveryKey("gh:req", "acme/widgets#1", logins.reverse().join(",")));
    expect(deliveryKey("gh:req", "acme/widgets#1", "bob")).toBe("gh:req:acme/widgets#1:bob");
  });
});

describe("formatting and config", () => {
  it("shows times in the person's zone and working durations in hours", () => {
    expect(localTime(MONDAY_9, "Europe/Berlin")).toBe("Mon 2030-01-07 10:00 Europe/Berlin");
    expect(duration(4.5 * HOUR)).toBe("4 h 30 min");
    expect(duration(25 * 60_000)).toBe("25 min");
  });

  it("per-repository overrides win over the agent's defaults", () => {
    const defaults = { reviewersPerPr: 1, algorithm: "round-robin" as const, capacity: 5 };
    const repos = { "Acme/API": { reviewersPerPr: 2, algorithm: "load-balance" as const } };
    expect(configFor(defaults, repos, "acme/api")).toEqual({
      reviewersPerPr: 2,
      algorithm: "load-balance",
      capacity: 5,
    });
    expect(configFor(defaults, repos, "acme/web")).toEqual(defaults);
  });

  it("reads the events it handles and nothing else", () => {
    const opened = prEvent("opened", { number: 1 }, MONDAY_9);
    expect(reviewEvent("github.pr.opened", opened)?.kind).toBe("pr.opened");
    expect(reviewEvent("github.pr.closed", opened)).toBeNull();
    expect(reviewEvent("github.checks.completed", { kind: "checks.completed" })).toBeNull();
  });
});
