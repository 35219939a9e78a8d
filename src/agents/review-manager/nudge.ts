/**
 * Nudges in the way of Microsoft's Nudge (docs/predictions.md): a pull request that is overdue against
 * its own forecast and has been idle (no push, review, comment or start for `forecast.idleMinutes`)
 * gets one nudge, to whoever it waits on (model/blocker.ts) — the reviewer while it waits for review,
 * the author after changes were asked for, while checks fail or once it is approved — through the
 * Context Optimizer. Nothing is sent while there is activity: the nudge moves to after the quiet
 * spell. A review with a forecast gets the nudge instead of the fixed 50 % reminder (when it comes is
 * the forecast's to say: a review likely on time is not reminded at all until it is overdue); one
 * without a forecast (too little history) keeps the reminder. Only in the person's working hours, and
 * never once the review's SLA is breached (the breach and the escalation take over).
 *
 * One task per PR (`nudge:<prId>`), planned again whenever something happens to the PR; when it runs it
 * checks everything again, so a task that fires early only moves itself.
 */

import { literal } from "../../chat/markup";
import type { ChatPlatform } from "../../chat/platform";
import { type Forecast, type ReviewRequestFacts, remaining } from "../../domain/forecast";
import { prRef } from "../../domain/pr-refs";
import { HOUR_MS, MINUTE_MS } from "../../domain/time";
import { isWorkingAt, nextWorkingStart } from "../../domain/working-hours";
import { ConflictError } from "../../platform/errors";
import { cardFor, isUrgent } from "./assign";
import type { TenantView, Work } from "./context";
import { forecastOf, MIN_HISTORY, modelOf, outlook, steeringModel } from "./forecasting";
import { type Blocker, blockerOf } from "./model/blocker";
import { loginKey } from "./model/candidates";
import { duration, localTime } from "./model/format";
import type { ReviewerRecord, TrackedPr } from "./model/model";
import { dmPerson } from "./notify";

/** Scheduled task of a PR's nudge; key `nudge:<prId>`. */
export const NUDGE_TASK = "review.nudge";
const nudgeKey = (prId: number) => `nudge:${prId}`;

export interface NudgePlan {
  blocker: Blocker;
  /** One nudge per stage: `r:<login>:<seq>` for a review, `a:<reason>:<since>` for the author. */
  stage: string;
  /** When the PR is overdue against its forecast. */
  dueAtMs: number;
  /** When it may be sent: due, and idle long enough. */
  sendAtMs: number;
  /** The forecast it is overdue against (its likely time, for the message). */
  likelyAtMs: number;
}

/** The forecast of a review request, from the facts recorded when it was made. */
export function reviewForecast(
  work: Work,
  pr: TrackedPr,
  r: ReviewerRecord,
): { f: Forecast; facts: ReviewRequestFacts } | null {
  const model = steeringModel(work);
  if (!model) return null;
  const asked = work.forecasts.requestFacts([pr.id]).get(`${pr.id}:${loginKey(r.login)}:${r.seq}`);
  const f = asked ? forecastOf(model, asked.facts) : null;
  return f && asked ? { f, facts: asked.facts } : null;
}

/** Whether a forecast nudge takes the place of this reviewer's fixed 50 % reminder. */
export function nudgeReplacesReminder(work: Work, pr: TrackedPr, r: ReviewerRecord): boolean {
  if (!work.config.forecast.nudges || reviewForecast(work, pr, r) === null) return false;
  const blocker = blockerOf(pr, work.store.reviewers(pr.id), work.forecasts.activity(pr.id));
  return blocker?.reviewer !== undefined && loginKey(blocker.reviewer.login) === loginKey(r.login);
}

/** What the PR's nudge would be now (null: nobody to nudge, or no forecast to be overdue against). */
export function nudgePlan(work: Work, pr: TrackedPr): NudgePlan | null {
  const reviewers = work.store.reviewers(pr.id);
  const activity = work.forecasts.activity(pr.id);
  const blocker = blockerOf(pr, reviewers, activity);
  if (!blocker) return null;
  let dueAtMs: number;
  let likelyAtMs: number;
  let stage: string;
  const r = blocker.reviewer;
  if (r) {
    // Past its SLA the steps take over (the breach is told, then the review moves): no nudge then.
    if (r.sla && (r.fired >= 2 || work.nowMs >= r.sla.breachAtMs)) return null;
    const forecast = reviewForecast(work, pr, r);
    if (!forecast) return null;
    const { f, facts } = forecast;
    const expected = outlook(f, facts, 0);
    // Overdue: past the forecast's upper quantile, or, with an SLA, once missing it is likelier than
    // the tenant's at-risk threshold (whichever is later: a quick forecast does not nudge at once).
    dueAtMs = r.requestedAtMs + expected.p80H * HOUR_MS;
    if (r.sla)
      dueAtMs = Math.max(
        dueAtMs,
        atRiskFrom(f, r.requestedAtMs, r.sla.breachAtMs, work.config.forecast.atRisk),
      );
    likelyAtMs = r.requestedAtMs + expected.medianH * HOUR_MS;
    stage = `r:${loginKey(r.login)}:${r.seq}`;
  } else {
    const sample = work.forecasts.sampleOf(pr.id);
    const model = modelOf(work, "merge");
    const f = sample && model && model.trainedOn >= MIN_HISTORY ? forecastOf(model, sample.facts) : null;
    if (!sample || !f) return null;
    dueAtMs = Math.max(blocker.sinceMs, sample.atMs + f.p80H * HOUR_MS);
    likelyAtMs = sample.atMs + f.medianH * HOUR_MS;
    // The author hears once per PR round: a nudge about changes, failing checks or the merge.
    stage = `a:${pr.round}`;
  }
  if (activity.nudged.includes(stage)) return null;
  const lastActive = Math.max(activity.activeAtMs ?? 0, blocker.sinceMs, r?.claimedAtMs ?? 0);
  // Whole milliseconds: the schedule stores them so, and a task must find itself due when it runs.
  dueAtMs = Math.ceil(dueAtMs);
  const sendAtMs = Math.max(dueAtMs, lastActive + work.config.forecast.idleMinutes * MINUTE_MS);
  return { blocker, stage, dueAtMs, sendAtMs, likelyAtMs: Math.round(likelyAtMs) };
}

/** Schedules (or cancels) the PR's nudge as things stand. */
export function planNudge(work: Work, pr: TrackedPr): void {
  const plan = work.config.forecast.nudges ? nudgePlan(work, pr) : null;
  if (!plan) {
    work.scheduler.cancel(nudgeKey(pr.id));
    return;
  }
  work.scheduler.schedule(plan.sendAtMs, NUDGE_TASK, { prId: pr.id }, nudgeKey(pr.id), work.nowMs);
}

/** The PR's nudge task ran: sends the nudge when it is due and the PR idle, else plans it again. */
export function nudgeDue(work: Work, view: TenantView, pr: TrackedPr): boolean {
  const plan = work.config.forecast.nudges ? nudgePlan(work, pr) : null;
  if (!plan || plan.sendAtMs > work.nowMs) {
    planNudge(work, pr);
    return false;
  }
  const { blocker } = plan;
  const person = blocker.login ? view.people.get(loginKey(blocker.login)) : undefined;
  // A nudge helps only when they can act on it: outside their working hours it waits for them.
  const schedule = blocker.reviewer?.sla?.schedule ?? person?.schedule;
  if (schedule && !isWorkingAt(schedule, work.nowMs)) {
    const at = nextWorkingStart(schedule, work.nowMs);
    work.scheduler.schedule(at, NUDGE_TASK, { prId: pr.id }, nudgeKey(pr.id), work.nowMs);
    return false;
  }
  work.forecasts.markNudged(pr.id, plan.stage);
  const text = nudgeText(work, pr, plan);
  const build = (platform: ChatPlatform) => cardFor(work, view, pr, platform, text, { tone: "warning" });
  const sent = dmPerson(work, pr, person, build, `nudge:${plan.stage}`, "nudge", isUrgent(work, pr));
  work.log(
    sent
      ? `${prRef(pr)}: nudged ${blocker.login} (${blocker.role}, ${blocker.reason}), overdue against its forecast`
      : `${prRef(pr)}: overdue and idle, but ${blocker.login ?? "its author"} cannot be messaged`,
  );
  planNudge(work, pr);
  return sent;
}

function nudgeText(work: Work, pr: TrackedPr, plan: NudgePlan): string {
  const ref = literal(prRef(pr));
  const { blocker } = plan;
  const waited = duration(work.nowMs - blocker.sinceMs);
  const tz = blocker.reviewer?.sla?.schedule.tz ?? "UTC";
  const likely = localTime(plan.likelyAtMs, tz);
  switch (blocker.reason) {
    case "review":
      return `Nudge: ${ref} has waited ${waited} for your review, longer than reviews here usually take (likely by ${likely}), and nothing has happened on it since.`;
    case "changes":
      return `Nudge: ${ref} is waiting on you: changes were asked for ${waited} ago and nothing has been pushed since.`;
    case "checks":
      return `Nudge: ${ref} is waiting on you: its checks have been failing for ${waited}.`;
    case "merge":
      return `Nudge: ${ref} is approved and has waited ${waited} to be merged.`;
  }
}

/**
 * When a review not yet come, asked at `fromMs` and due at `dueMs`, becomes likelier than `threshold`
 * to miss its due time: the risk given no review by t, S(due) / S(t), grows as t nears the due time,
 * so it is where S(t) = S(due) / threshold (at once when that is 1 or more).
 */
export function atRiskFrom(f: Forecast, fromMs: number, dueMs: number, threshold: number): number {
  const dueH = Math.max(0, dueMs - fromMs) / HOUR_MS;
  const survivalAtDue = remaining(f, 0).exceedProbability(dueH);
  const target = survivalAtDue / threshold;
  if (target >= 1) return fromMs;
  const h = remaining(f, 0).quantileH(1 - target);
  return fromMs + Math.min(dueH, Math.max(0, h)) * HOUR_MS;
}

/** What a nudge asked for now says the PR waits for. */
const WAITS_FOR = {
  review: "is waiting for your review",
  changes: "is waiting on you: changes were asked for",
  checks: "is waiting on you: its checks are failing",
  merge: "is approved and waiting to be merged",
} as const;

export interface NudgeNowResult {
  /** Who was nudged (GitHub login), as whom, and why. */
  login: string;
  role: Blocker["role"];
  reason: Blocker["reason"];
  /** What happened, as plain text. */
  message: string;
}

/**
 * A nudge asked for now (the dashboard's Nudge): to whoever the PR waits on (model/blocker.ts), whatever
 * its forecast, through the Context Optimizer like the planned one. At most one per person and PR an
 * hour. ConflictError when it does not apply: closed, draft, nobody it waits on, nobody to message.
 */
export function nudgeNow(work: Work, view: TenantView, pr: TrackedPr, by: string): NudgeNowResult {
  const ref = prRef(pr);
  if (pr.state !== "open") throw new ConflictError(`${ref} is ${pr.state}: there is nobody to nudge.`);
  if (pr.draft) throw new ConflictError(`${ref} is a draft: it waits on nobody yet.`);
  const blocker = blockerOf(pr, work.store.reviewers(pr.id), work.forecasts.activity(pr.id));
  if (!blocker?.login)
    throw new ConflictError(`${ref} waits on nobody Foreman can name: there is nobody to nudge.`);
  const login = blocker.login;
  const person = view.people.get(loginKey(login));
  if (!person)
    throw new ConflictError(
      `${login} (the ${blocker.role}) is not on the team: Foreman cannot message them.`,
    );
  const stage = `asked:${loginKey(login)}:${Math.floor(work.nowMs / HOUR_MS)}`;
  if (work.forecasts.activity(pr.id).nudged.includes(stage))
    throw new ConflictError(`${login} was nudged about ${ref} within this hour already.`);
  const waited = duration(work.nowMs - blocker.sinceMs);
  const text = `Nudge from ${literal(by)}: ${literal(ref)} ${WAITS_FOR[blocker.reason]} (for ${waited}).`;
  const build = (platform: ChatPlatform) => cardFor(work, view, pr, platform, text, { tone: "warning" });
  if (!dmPerson(work, pr, person, build, `nudge:${stage}`, "nudge", isUrgent(work, pr)))
    throw new ConflictError(`${login} (the ${blocker.role}) has no chat user Foreman can message.`);
  work.forecasts.markNudged(pr.id, stage);
  work.log(`${ref}: nudged ${login} (${blocker.role}, ${blocker.reason}), asked by ${by}`);
  const message = `Nudged ${login} (the ${blocker.role}; ${ref} ${blocker.reason === "review" ? "waits for their review" : `waits on them: ${blocker.reason}`}, for ${waited}). The message goes through their notification settings.`;
  return { login, role: blocker.role, reason: blocker.reason, message };
}
