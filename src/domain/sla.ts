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
export const DEFAULT_SLA_HOURS = 24;

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
  hours: number;
  /** "owner/name", case-insensitive. */
  repo?: string;
  /** A label name, case-insensitive. */
  label?: string;
}

export type SlaRuleMatch = "repo+label" | "label" | "repo" | "any" | "default";

export interface PickedSlaRule {
  hours: number;
  /** The winning rule, or null for the built-in default of 24 h. */
  rule: SlaRule | null;
  match: SlaRuleMatch;
}

const SPECIFICITY: Record<Exclude<SlaRuleMatch, "default">, number> = {
  "repo+label": 3,
  label: 2,
  repo: 1,
  any: 0,
};

/**
 * The most specific matching rule: repo+label > label > repo > a rule with neither > 24 h default.
 * Ties go to the earliest rule in the list.
 */
export function pickSlaRule(
  rules: readonly SlaRule[],
  pr: { repo: string; labels: readonly string[] },
): PickedSlaRule {
  const repo = pr.repo.toLowerCase();
  const labels = new Set(pr.labels.map((l) => l.toLowerCase()));
  let best: PickedSlaRule = { hours: DEFAULT_SLA_HOURS, rule: null, match: "default" };
  let bestScore = -1;
  for (const rule of rules) {
    if (rule.repo !== undefined && rule.repo.toLowerCase() !== repo) continue;
    if (rule.label !== undefined && !labels.has(rule.label.toLowerCase())) continue;
    const match: SlaRuleMatch =
      rule.repo !== undefined
        ? rule.label !== undefined
          ? "repo+label"
          : "repo"
        : rule.label !== undefined
          ? "label"
          : "any";
    const score = SPECIFICITY[match];
    if (score > bestScore) {
      best = { hours: rule.hours, rule, match };
      bestScore = score;
    }
  }
  return best;
}
