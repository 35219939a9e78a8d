/**
 * The review SLA: a budget of working hours in the reviewer's schedule, counted from a clock start.
 * Steps are fractions of the budget: reminder (default 50 %), breach (100 %), escalation (200 %).
 * Deadlines are plain data (JSON-safe) so they can be stored and later snoozed or resumed.
 */
import { HOUR_MS } from "./time";
import {
  addWorkingMs,
  compileSchedule,
  type ScheduleLike,
  type WorkingSchedule,
  workingMsBetween,
} from "./working-hours";

export interface SlaSteps {
  reminder: number;
  breach: number;
  escalation: number;
}

export const DEFAULT_SLA_STEPS: SlaSteps = { reminder: 0.5, breach: 1, escalation: 2 };
export const DEFAULT_SLA_HOURS = 8;

export interface SlaPolicy {
  /** Working hours allowed for the review. */
  hours: number;
  schedule: ScheduleLike;
  steps?: Partial<SlaSteps>;
}

export interface SlaDeadlines {
  /** When the review was requested. */
  requestedAtMs: number;
  /** The instant from which working time is counted (request, resume, or snoozed instant). */
  clockStartMs: number;
  /** Working time already used before clockStartMs (kept across a draft pause). */
  usedMs: number;
  /** hours in ms: the budget the step fractions apply to. */
  budgetMs: number;
  steps: SlaSteps;
  schedule: WorkingSchedule;
  reminderAtMs: number;
  breachAtMs: number;
  escalationAtMs: number;
}

export type SlaState = "ok" | "at_risk" | "breached";

function resolveSteps(steps: Partial<SlaSteps> | undefined): SlaSteps {
  const s = { ...DEFAULT_SLA_STEPS, ...steps };
  const valid = [s.reminder, s.breach, s.escalation].every((f) => Number.isFinite(f) && f >= 0);
  if (!valid || s.reminder > s.breach || s.breach > s.escalation) {
    throw new RangeError("SLA steps must be finite fractions with 0 <= reminder <= breach <= escalation");
  }
  return s;
}

function budgetOf(hours: number): number {
  if (!Number.isFinite(hours) || hours < 0) throw new RangeError(`SLA hours must be >= 0, got ${hours}`);
  return Math.round(hours * HOUR_MS);
}

/** Deadlines from a clock start; each step continues from the previous one (same result, less work). */
function compute(
  requestedAtMs: number,
  clockStartMs: number,
  usedMs: number,
  budgetMs: number,
  steps: SlaSteps,
  schedule: ScheduleLike,
): SlaDeadlines {
  const c = compileSchedule(schedule);
  let at = clockStartMs;
  let elapsed = usedMs;
  const stepAt = (fraction: number): number => {
    const target = Math.round(fraction * budgetMs);
    if (target > elapsed) {
      at = addWorkingMs(c, at, target - elapsed);
      elapsed = target;
    }
    return at;
  };
  const reminderAtMs = stepAt(steps.reminder);
  const breachAtMs = stepAt(steps.breach);
  const escalationAtMs = stepAt(steps.escalation);
  return {
    requestedAtMs,
    clockStartMs,
    usedMs,
    budgetMs,
    steps,
    schedule: c.source,
    reminderAtMs,
    breachAtMs,
    escalationAtMs,
  };
}

/** Reminder, breach and escalation instants for a review requested at `requestedAtMs`. */
export function slaDeadlines(input: SlaPolicy & { requestedAtMs: number }): SlaDeadlines {
  const { requestedAtMs, hours, schedule, steps } = input;
  return compute(requestedAtMs, requestedAtMs, 0, budgetOf(hours), resolveSteps(steps), schedule);
}

/** "breached" from the breach instant on, "at_risk" from the reminder on, else "ok". */
export function slaState(nowMs: number, deadlines: SlaDeadlines): SlaState {
  if (nowMs >= deadlines.breachAtMs) return "breached";
  if (nowMs >= deadlines.reminderAtMs) return "at_risk";
  return "ok";
}

/** Working time used by `atMs` (before the clock start plus working time since). */
export function usedWorkingMs(deadlines: SlaDeadlines, atMs: number): number {
  return deadlines.usedMs + workingMsBetween(deadlines.schedule, deadlines.clockStartMs, atMs);
}

/** Working ms left until breach; negative once breached (working time overdue). */
export function remainingWorkingMs(nowMs: number, deadlines: SlaDeadlines): number {
  const allowed = Math.round(deadlines.steps.breach * deadlines.budgetMs);
  return allowed - usedWorkingMs(deadlines, nowMs);
}

/**
 * Snooze: the clock start moves `byMs` of wall-clock time later and every step is recomputed from
 * that snoozed instant, keeping working time already used. Snoozes add up.
 */
export function snooze(deadlines: SlaDeadlines, byMs: number): SlaDeadlines {
  if (!Number.isFinite(byMs) || byMs < 0) throw new RangeError(`snooze must be >= 0 ms, got ${byMs}`);
  const d = deadlines;
  return compute(d.requestedAtMs, d.clockStartMs + byMs, d.usedMs, d.budgetMs, d.steps, d.schedule);
}

/**
 * Deadlines after a pause (PR converted to draft at `pausedAtMs`, ready again at `resumedAtMs`):
 * working time used in [requestedAtMs, pausedAtMs) plus `usedMs` from earlier segments is kept and the
 * clock restarts at `resumedAtMs`. A step already reached before the pause falls at `resumedAtMs`.
 */
export function resumeAfterPause(
  requestedAtMs: number,
  pausedAtMs: number,
  resumedAtMs: number,
  policy: SlaPolicy & { usedMs?: number },
): SlaDeadlines {
  if (pausedAtMs < requestedAtMs || resumedAtMs < pausedAtMs) {
    throw new RangeError("expected requestedAtMs <= pausedAtMs <= resumedAtMs");
  }
  const c = compileSchedule(policy.schedule);
  const used = (policy.usedMs ?? 0) + workingMsBetween(c, requestedAtMs, pausedAtMs);
  return compute(requestedAtMs, resumedAtMs, used, budgetOf(policy.hours), resolveSteps(policy.steps), c);
}

export interface SlaRule {
  /** Lower-case owner/repo, or null for every repository. */
  repo: string | null;
  /** Label (matched case-insensitively), or null for every pull request. */
  label: string | null;
  hours: number;
  /** The built-in 8 h rule (one working day), in force while no unscoped rule is set. */
  isDefault: boolean;
  setBy: string | null;
  setAt: string | null;
}

export const DEFAULT_SLA_RULE: SlaRule = {
  repo: null,
  label: null,
  hours: DEFAULT_SLA_HOURS,
  isDefault: true,
  setBy: null,
  setAt: null,
};

/** 3: repo and label, 2: label only, 1: repo only, 0: everything. A label is more telling than a repo. */
export function specificity(rule: Pick<SlaRule, "repo" | "label">): number {
  return (rule.label !== null ? 2 : 0) + (rule.repo !== null ? 1 : 0);
}

/**
 * The SLA for a pull request: the most specific matching rule; among equally specific ones (several
 * labels) the strictest. `rules` must include an unscoped rule (see `TenantSettings.slaRules`).
 */
export function resolveSla(rules: readonly SlaRule[], repo: string, labels: readonly string[]): SlaRule {
  const r = repo.toLowerCase();
  const ls = new Set(labels.map((l) => l.toLowerCase()));
  const matching = rules.filter(
    (rule) =>
      (rule.repo === null || rule.repo === r) && (rule.label === null || ls.has(rule.label.toLowerCase())),
  );
  const best = matching.sort((a, b) => specificity(b) - specificity(a) || a.hours - b.hours)[0];
  return best ?? DEFAULT_SLA_RULE;
}
