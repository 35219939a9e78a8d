/**
 * One SLA clock per PR and reviewer: the reviewer row and its single schedule
 * (`sla:<repo>#<n>:<login>`, replaced as the state advances) are always written together.
 */

import { type PrRef, prRef } from "../../domain/pr-refs";
import { snooze } from "../../domain/sla";
import type { Scheduler } from "../framework/scheduler";
import type { Work } from "./context";
import { loginKey } from "./model/candidates";
import { isActive, type ReviewerRecord, type ReviewerStatus } from "./model/model";
import { nextStep, nextStepAt, resumed, SNOOZE_MS } from "./model/steps";
import type { ReviewStore } from "./store";

/** Scheduled task kind of an SLA step. */
export const SLA_TASK = "review.sla";

export const slaKey = (pr: PrRef, login: string) => `sla:${prRef(pr)}:${loginKey(login)}`;

export interface SlaTaskPayload {
  repo: string;
  number: number;
  login: string;
  step: string;
}

/** Stores `r` with its next step time recomputed, and schedules (or cancels) that step. */
export function save(work: Work, pr: PrRef, r: ReviewerRecord): ReviewerRecord {
  const running = isActive(r.status) && r.pausedAtMs === null;
  const nextAtMs = running ? nextStepAt(r.sla, r.fired) : null;
  const saved: ReviewerRecord = { ...r, nextAtMs, updatedAtMs: work.nowMs };
  work.store.putReviewer(saved);
  const key = slaKey(pr, r.login);
  if (nextAtMs === null) {
    work.scheduler.cancel(key);
  } else {
    const payload: SlaTaskPayload = {
      repo: pr.repo,
      number: pr.number,
      login: r.login,
      step: nextStep(r.fired) ?? "",
    };
    work.scheduler.schedule(nextAtMs, SLA_TASK, { ...payload }, key, work.nowMs);
  }
  return saved;
}

/** Ends the reviewer's part (reviewed, removed, reassigned, released, closed): the clock stops. */
export function stop(
  work: Work,
  pr: PrRef,
  r: ReviewerRecord,
  status: ReviewerStatus,
  patch: Partial<ReviewerRecord> = {},
): ReviewerRecord {
  return save(work, pr, { ...r, ...patch, status });
}

/** PR converted to draft: the clock pauses, keeping the working time used. */
export function pause(work: Work, pr: PrRef, r: ReviewerRecord): ReviewerRecord {
  if (!isActive(r.status) || r.pausedAtMs !== null) return r;
  return save(work, pr, { ...r, pausedAtMs: work.nowMs });
}

/** Ready for review again: the clock restarts now with the working time used before the pause. */
export function resume(work: Work, pr: PrRef, r: ReviewerRecord): ReviewerRecord {
  if (!isActive(r.status) || r.pausedAtMs === null) return r;
  const sla = r.sla ? resumed(r.sla, r.pausedAtMs, work.nowMs) : null;
  return save(work, pr, { ...r, sla, pausedAtMs: null });
}

/** "Snooze 2h": every remaining step moves 2 hours of wall-clock time later. */
export function snoozeClock(work: Work, pr: PrRef, r: ReviewerRecord): ReviewerRecord {
  if (!r.sla || !isActive(r.status) || r.pausedAtMs !== null) return r;
  return save(work, pr, { ...r, sla: snooze(r.sla, SNOOZE_MS), snoozes: r.snoozes + 1 });
}

/**
 * The agent's alarm runs on real time, its decisions on the agent's clock (which tests move): SLA
 * steps, and tasks of `kinds`, due by the agent's clock at `nowMs` are scheduled at once (`real`).
 */
export function bringDueForward(
  store: ReviewStore,
  scheduler: Scheduler,
  kinds: readonly string[],
  nowMs: number,
  real: number,
): void {
  for (const r of store.due(nowMs)) {
    const pr = store.prById(r.prId);
    if (!pr || r.nextAtMs === null) continue;
    const step = nextStep(r.fired) ?? "";
    const payload: SlaTaskPayload = { repo: pr.repo, number: pr.number, login: r.login, step };
    scheduler.schedule(Math.min(r.nextAtMs, real), SLA_TASK, { ...payload }, slaKey(pr, r.login), real);
  }
  for (const kind of kinds) {
    for (const task of scheduler.dueOfKind(kind, nowMs)) {
      scheduler.schedule(Math.min(task.at, real), kind, task.payload, task.key, real);
    }
  }
}
