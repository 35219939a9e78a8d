/**
 * SLA steps of one reviewer, on top of src/domain/sla.ts: which step comes next, which one is due,
 * and how the deadlines move on a draft pause, a resume and a snooze. Pure: every instant is given.
 */
import { resumeAfterPause, type SlaDeadlines, usedWorkingMs } from "../../../domain/sla";
import { HOUR_MS } from "../../../domain/time";
import { SLA_STEPS, type SlaStep } from "./model";

export function stepAt(d: SlaDeadlines, step: SlaStep): number {
  return step === "reminder" ? d.reminderAtMs : step === "breach" ? d.breachAtMs : d.escalationAtMs;
}

/** The step after `fired` steps, or null when all have fired. */
export function nextStep(fired: number): SlaStep | null {
  return SLA_STEPS[fired] ?? null;
}

/** When the next step is due, or null when every step has fired (or there is no SLA). */
export function nextStepAt(d: SlaDeadlines | null, fired: number): number | null {
  const step = nextStep(fired);
  return d && step ? stepAt(d, step) : null;
}

export interface DueStep {
  step: SlaStep;
  /** How many steps have fired once this one has. */
  fired: number;
  /** Earlier steps that were due too and are skipped (one message, not three in a row). */
  skipped: SlaStep[];
}

/**
 * The latest step due at `nowMs` that has not fired yet, or null. When the agent was paused or
 * asleep past several steps, only the latest is acted on; the earlier ones count as fired.
 */
export function dueStep(d: SlaDeadlines, fired: number, nowMs: number): DueStep | null {
  let due = -1;
  for (let i = fired; i < SLA_STEPS.length; i++) {
    const step = SLA_STEPS[i] as SlaStep;
    if (stepAt(d, step) <= nowMs) due = i;
  }
  if (due < 0) return null;
  return {
    step: SLA_STEPS[due] as SlaStep,
    fired: due + 1,
    skipped: SLA_STEPS.slice(fired, due) as SlaStep[],
  };
}

/** Deadlines after a draft pause in [pausedAtMs, resumedAtMs): working time used before it is kept. */
export function resumed(d: SlaDeadlines, pausedAtMs: number, resumedAtMs: number): SlaDeadlines {
  // A snooze may have moved the clock start past the pause: nothing was used after the start then.
  const from = Math.min(d.clockStartMs, pausedAtMs);
  const next = resumeAfterPause(from, pausedAtMs, Math.max(pausedAtMs, resumedAtMs), {
    hours: d.budgetMs / HOUR_MS,
    schedule: d.schedule,
    steps: d.steps,
    usedMs: d.usedMs,
  });
  return { ...next, requestedAtMs: d.requestedAtMs };
}

/** Working time left until the breach (negative once breached). */
export function leftUntilBreach(d: SlaDeadlines, nowMs: number): number {
  return Math.round(d.steps.breach * d.budgetMs) - usedWorkingMs(d, nowMs);
}

/** The "Snooze 2h" button: wall-clock time added to the clock start (src/domain/sla.ts `snooze`). */
export const SNOOZE_MS = 2 * HOUR_MS;
