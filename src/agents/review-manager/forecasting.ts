/**
 * The Review Manager's forecasts (docs/predictions.md): the facts of each review request are recorded
 * as it is made (what the reviewer had open, their load, their working time, the PR's size), each
 * PR's outcomes as they happen (first review, merge), and two models — time to first review and time
 * to merge — are fitted from them per tenant: nightly, and after every `refitAfter` merges. The
 * models are plain JSON in the agent's storage; predicting is pure (src/domain/forecast.ts).
 */
import { z } from "zod";
import type { ReviewCandidate } from "../../domain/assignment";
import {
  type Forecast,
  type ForecastModel,
  predict,
  type Remaining,
  type ReviewRequestFacts,
  remaining,
  reviewerTiming,
  workingWindows,
} from "../../domain/forecast";
import { fitForecast } from "../../domain/forecast-fit";
import { DEFAULT_SLA_RULE } from "../../domain/sla";
import { DAY_MS, HOUR_MS } from "../../domain/time";
import { addWorkingMs, type ScheduleLike, UTC_OFFICE } from "../../domain/working-hours";
import { isUrgent } from "./assign";
import type { TenantView, Work } from "./context";
import type { ForecastTarget } from "./forecast-store";
import { availableSchedule, entryOf, loginKey } from "./model/candidates";
import type { TrackedPr } from "./model/model";
import { slaOf } from "./policy";

/** Scheduled task that fits the models again (key `forecast:fit`). */
export const FIT_TASK = "review.fit";
const FIT_KEY = "forecast:fit";
/**
 * Merges after which the models are fitted again, sooner than the nightly fit: 20, or a tenth of what
 * the model was fitted on (a large tenant's fit is not repeated every few minutes for little news).
 */
export const REFIT_AFTER_MERGES = 20;
export const refitAfter = (trainedOn: number): number =>
  Math.max(REFIT_AFTER_MERGES, Math.ceil(trainedOn / 10));
/** A tenant's first fit waits this long after a first review (several may come at once). */
const FIRST_FIT_DELAY_MS = 60_000;
/** The nightly fit, at this hour UTC. */
const FIT_HOUR_UTC = 3;

/** What is known of a request to `login` on `pr` now (before it is logged). */
export function requestFacts(work: Work, view: TenantView, pr: TrackedPr, login: string): ReviewRequestFacts {
  const key = loginKey(login);
  return {
    repo: pr.repo,
    author: pr.author ?? "",
    lines: pr.lines ?? 0,
    openReviews: work.store.openReviewsOf(key),
    requests30d: work.store.requestsLast30d(key, work.nowMs),
    ...reviewerTiming(scheduleOfLogin(view, login), work.nowMs),
    urgent: isUrgent(work, pr) || slaOf(work, view, pr).hours < DEFAULT_SLA_RULE.hours,
    reviewer: key,
    // The author's clock: a model may count a wait on it (merges are the author's to make).
    authorWindows: workingWindows(scheduleOfLogin(view, pr.author), work.nowMs),
  };
}

/** A login's working hours with their days off (UTC office hours when not on the team). */
function scheduleOfLogin(view: TenantView, login: string | null): ScheduleLike {
  const entry = login ? entryOf(view.team, login) : undefined;
  if (entry) return availableSchedule(entry);
  return (login ? view.people.get(loginKey(login))?.schedule : undefined) ?? UTC_OFFICE;
}

/** The model of a target, or null before the first fit. */
export function modelOf(work: Work, target: ForecastTarget): ForecastModel | null {
  return work.forecasts.model(target);
}

/**
 * The forecast of a request under the tenant's model, or null when there is none worth acting on:
 * no model yet, or only the global default (no history at all).
 */
export function forecastOf(model: ForecastModel | null, facts: ReviewRequestFacts): Forecast | null {
  if (!model) return null;
  const f = predict(model, facts);
  return f.basis === "default" ? null : f;
}

/**
 * What a request's forecast says once it has waited `elapsedH` hours with no review: conditioned on
 * that, and on no review before the reviewer is next at work (a review is not expected of someone
 * outside their working hours, so "likely" never falls before they start).
 */
export function outlook(f: Forecast, facts: ReviewRequestFacts, elapsedH: number): Remaining {
  return remaining(f, Math.max(elapsedH, facts.hoursUntilWorking));
}

/** First reviews a tenant's history must hold before forecasts steer anything (else fixed rules). */
export const MIN_HISTORY = 10;

/** The tenant's first-review model when it has enough history to steer by, else null. */
export function steeringModel(work: Work): ForecastModel | null {
  const model = modelOf(work, "review");
  return model && model.trainedOn >= MIN_HISTORY ? model : null;
}

/**
 * Assignment by the forecast (`forecast.assign`): each candidate's chance that their first review
 * would come after the PR's deadline — its SLA in the author's working hours, what the author waits —
 * given their open reviews, load and working time now. Candidates likelier late rank after the rest
 * (src/domain/assignment.ts LATE_RISK). Unchanged without a model to steer by.
 */
export function withLateRisk(
  work: Work,
  view: TenantView,
  pr: TrackedPr,
  candidates: ReviewCandidate[],
): ReviewCandidate[] {
  const model = work.config.forecast.assign ? steeringModel(work) : null;
  if (!model) return candidates;
  const now = work.nowMs;
  const author = scheduleOfLogin(view, pr.author);
  const slaHours = slaOf(work, view, pr).hours;
  const deadlineH = (addWorkingMs(author, now, slaHours * HOUR_MS) - now) / HOUR_MS;
  const authorWindows = workingWindows(author, now);
  const urgent = isUrgent(work, pr) || slaHours < DEFAULT_SLA_RULE.hours;
  return candidates.map((c) => {
    if (c.ooo) return c;
    const facts: ReviewRequestFacts = {
      repo: pr.repo,
      author: pr.author ?? "",
      lines: pr.lines ?? 0,
      openReviews: c.openReviews,
      requests30d: c.assignedLast30d,
      ...reviewerTiming(c.schedule ?? UTC_OFFICE, Math.max(now, c.focusUntilMs ?? now)),
      urgent,
      reviewer: loginKey(c.login),
      authorWindows,
    };
    const f = forecastOf(model, facts);
    return f ? { ...c, lateRisk: outlook(f, facts, 0).exceedProbability(deadlineH) } : c;
  });
}

/** Fits both models from the samples and stores them; returns them. */
export function fitModels(work: Work): Record<ForecastTarget, ForecastModel> {
  work.forecasts.prune(work.nowMs);
  const out = {} as Record<ForecastTarget, ForecastModel>;
  for (const target of ["review", "merge"] as const) {
    const model = fitForecast(work.forecasts.trainingRows(target, work.nowMs), work.nowMs);
    work.forecasts.saveModel(target, model);
    out[target] = model;
  }
  work.log(`forecast fitted on ${out.review.trainedOn} first reviews and ${out.merge.trainedOn} merges`);
  scheduleFit(work, nextNightly(work.nowMs));
  return out;
}

/** The next nightly fit after `nowMs`. */
function nextNightly(nowMs: number): number {
  const day = Math.floor(nowMs / DAY_MS) * DAY_MS + FIT_HOUR_UTC * HOUR_MS;
  return day > nowMs ? day : day + DAY_MS;
}

function scheduleFit(work: Work, atMs: number): void {
  work.scheduler.schedule(atMs, FIT_TASK, {}, FIT_KEY, work.nowMs);
}

/** Makes sure a fit is scheduled (the first event of a new agent schedules the nightly one). */
export function ensureFitScheduled(work: Work): void {
  if (!work.scheduler.has(FIT_KEY)) scheduleFit(work, nextNightly(work.nowMs));
}

/** A first review came in: a tenant with no model yet gets its first fit within a minute. */
export function noteFirstReview(work: Work, prId: number): void {
  work.forecasts.firstReview(prId, work.nowMs);
  if (!modelOf(work, "review")) scheduleFit(work, work.nowMs + FIRST_FIT_DELAY_MS);
}

/** A PR was merged or closed: its outcome is recorded; every `refitAfter` merges, a fit soon. */
export function noteClosed(work: Work, pr: TrackedPr): void {
  const merged = pr.state === "merged";
  work.forecasts.closed(pr.id, merged ? work.nowMs : null);
  const due = refitAfter(modelOf(work, "merge")?.trainedOn ?? 0);
  if (merged && work.forecasts.countMerge() >= due) scheduleFit(work, work.nowMs);
}

const ChecksEvent = z.looseObject({
  kind: z.literal("checks.completed"),
  repo: z.looseObject({ fullName: z.string().min(1) }),
  conclusion: z.string().nullable(),
  prNumbers: z.array(z.number().int().positive()),
});
/** Conclusions that leave a PR's checks failing (the author's turn). */
const FAILING = new Set(["failure", "timed_out", "action_required", "startup_failure"]);

/**
 * A completed check run or suite: failing ones make the PRs on that head wait on their author, a
 * passing one clears that (the latest result counts). The PRs touched, for their nudges.
 */
export function noteChecks(work: Work, name: string, data: unknown): TrackedPr[] {
  const parsed = ChecksEvent.safeParse(data);
  if (name !== "github.checks.completed" || !parsed.success) return [];
  const { repo, conclusion, prNumbers } = parsed.data;
  const prs = prNumbers.flatMap((n) => work.store.pr(repo.fullName, n) ?? []);
  for (const pr of prs) {
    if (conclusion && FAILING.has(conclusion)) work.forecasts.touch(pr.id, work.nowMs, "checks-failed");
    else if (conclusion === "success") work.forecasts.checksPassed(pr.id);
  }
  return prs;
}

const hours = z
  .number()
  .min(0)
  .max(24 * 366);
/** Working windows, hours from the request: [start, end, start, end, …]. */
const windows = z.array(hours).max(32).optional();
/** An imported history sample, checked (it crosses an RPC and is stored). */
export const HistorySampleSchema = z.strictObject({
  key: z.string().min(1).max(300),
  requestedAtMs: z.number().int().nonnegative(),
  facts: z.strictObject({
    repo: z.string().min(1).max(200),
    author: z.string().max(100),
    lines: z.number().int().min(0).max(10_000_000),
    openReviews: z.number().int().min(0).max(10_000),
    requests30d: z.number().int().min(0).max(100_000),
    hoursUntilWorking: hours,
    workingHoursLeft: hours,
    gapAfterWindowH: hours,
    urgent: z.boolean(),
    reviewer: z.string().min(1).max(100).optional(),
    reviewerWindows: windows,
    authorWindows: windows,
  }),
  firstReviewAtMs: z.number().int().nonnegative().nullable(),
  mergedAtMs: z.number().int().nonnegative().nullable(),
});
