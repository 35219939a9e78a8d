/**
 * What the forecasts say of each PR in the review queue (`GET /api/reviews`, `GET /api/predictions`,
 * the card's "likely" line): when its first review and its merge are likely, the chance its SLA is
 * missed, and who it waits on. Made again as time passes: a review that has waited past its median
 * gets a later "likely by" (the forecast given it has not come yet, `remaining`), never one in the
 * past. Read in a fixed number of queries however many PRs are open.
 */
import { type ForecastBasis, type ReviewRequestFacts, remaining } from "../../domain/forecast";
import { HOUR_MS } from "../../domain/time";
import type { Work } from "./context";
import { forecastOf, modelOf, outlook } from "./forecasting";
import { type BlockerReason, blockerOf, emptyActivity } from "./model/blocker";
import { loginKey } from "./model/candidates";
import { likelyKey, type ReviewLikely } from "./model/cards";
import type { ReviewerRecord, TrackedPr } from "./model/model";

export interface Predicted {
  /** When the first review (the next, after changes) is likely: the forecast's median, epoch ms. */
  firstReviewBy: number | null;
  /** Its 80 % quantile: by then with probability 0.8. */
  firstReviewP80By: number | null;
  /** When the merge is likely (median), epoch ms. */
  mergeBy: number | null;
  /** Probability that the first review misses the SLA of the reviewer it waits on (1: missed). */
  breachRisk: number | null;
  /** breachRisk above the tenant's threshold (`forecast.atRisk`) before any breach. */
  atRisk: boolean;
  blocker: {
    role: "reviewer" | "author";
    login: string | null;
    reason: BlockerReason;
    sinceMs: number;
  } | null;
  /** What the forecast rests on: the tenant's model, a repository or tenant median; null: none yet. */
  basis: ForecastBasis | null;
}

const NONE: Predicted = {
  firstReviewBy: null,
  firstReviewP80By: null,
  mergeBy: null,
  breachRisk: null,
  atRisk: false,
  blocker: null,
  basis: null,
};

/** Facts for a PR no one has been asked to review yet: as if asked at ready of someone free, in UTC office hours. */
function unaskedFacts(pr: TrackedPr): ReviewRequestFacts {
  return {
    repo: pr.repo,
    author: pr.author ?? "",
    lines: pr.lines ?? 0,
    openReviews: 0,
    requests30d: 0,
    hoursUntilWorking: 0,
    workingHoursLeft: 8,
    gapAfterWindowH: 16,
    urgent: false,
  };
}

/** The predictions of these PRs at the work's time, by PR id. */
export function predictPrs(
  work: Work,
  prs: readonly TrackedPr[],
  reviewersOf: ReadonlyMap<number, ReviewerRecord[]>,
): Map<number, Predicted> {
  const out = new Map<number, Predicted>();
  const ids = prs.map((pr) => pr.id);
  const activities = work.forecasts.activities(ids);
  const requests = work.forecasts.requestFacts(ids);
  const samples = work.forecasts.samplesOf(ids);
  const reviewModel = modelOf(work, "review");
  const mergeModel = modelOf(work, "merge");
  const now = work.nowMs;
  for (const pr of prs) {
    const reviewers = reviewersOf.get(pr.id) ?? [];
    const activity = activities.get(pr.id) ?? emptyActivity(pr.id);
    const blocker = blockerOf(pr, reviewers, activity);
    const waitingOn: ReviewerRecord | undefined =
      blocker?.reviewer ?? reviewers.find((r) => r.status === "requested" || r.status === "in_progress");
    const asked = waitingOn
      ? requests.get(`${pr.id}:${loginKey(waitingOn.login)}:${waitingOn.seq}`)
      : undefined;
    const fromMs = asked?.atMs ?? waitingOn?.requestedAtMs ?? pr.readyAtMs ?? pr.firstSeenAtMs;
    const first = forecastOf(reviewModel, asked?.facts ?? unaskedFacts(pr));
    const p: Predicted = { ...NONE, blocker: blocker ? publicBlocker(blocker) : null };
    // The review it waits on now (another reviewer's may be in already: this is the next one).
    if (first) {
      const rem = outlook(first, asked?.facts ?? unaskedFacts(pr), Math.max(0, now - fromMs) / HOUR_MS);
      p.firstReviewBy = Math.round(fromMs + rem.medianH * HOUR_MS);
      p.firstReviewP80By = Math.round(fromMs + rem.p80H * HOUR_MS);
      p.basis = first.basis;
      const sla = waitingOn?.sla;
      if (sla && waitingOn?.pausedAtMs === null) {
        p.breachRisk =
          now >= sla.breachAtMs ? 1 : round(rem.exceedProbability((sla.breachAtMs - fromMs) / HOUR_MS));
        p.atRisk = now < sla.breachAtMs && p.breachRisk > work.config.forecast.atRisk;
      }
    }
    const sample = samples.get(pr.id);
    const merge = forecastOf(mergeModel, sample?.facts ?? unaskedFacts(pr));
    if (merge) {
      const start = sample?.atMs ?? pr.readyAtMs ?? pr.firstSeenAtMs;
      const rem = remaining(merge, Math.max(0, now - start) / HOUR_MS);
      p.mergeBy = Math.round(start + rem.medianH * HOUR_MS);
    }
    out.set(pr.id, p);
  }
  return out;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

function publicBlocker(b: NonNullable<ReturnType<typeof blockerOf>>): Predicted["blocker"] {
  return { role: b.role, login: b.login, reason: b.reason, sinceMs: b.sinceMs };
}

/** A PR this large gets a note on its card (review effectiveness drops past a few hundred lines). */
export const LARGE_PR_LINES = 1000;

/** The card's forecast parts: each active review's likely time, and the note on a very large PR. */
export function cardForecasts(
  work: Work,
  pr: TrackedPr,
  reviewers: readonly ReviewerRecord[],
): {
  likely: Map<string, ReviewLikely>;
  note?: string;
} {
  const likely = new Map<string, ReviewLikely>();
  const model = modelOf(work, "review");
  const active = reviewers.filter((r) => r.status === "requested" || r.status === "in_progress");
  const facts = model && active.length ? work.forecasts.requestFacts([pr.id]) : new Map();
  for (const r of active) {
    const asked = facts.get(`${pr.id}:${loginKey(r.login)}:${r.seq}`);
    const f = asked ? forecastOf(model, asked.facts) : null;
    if (!f || !asked) continue;
    const rem = outlook(f, asked.facts, Math.max(0, work.nowMs - asked.atMs) / HOUR_MS);
    const risk = r.sla ? rem.exceedProbability((r.sla.breachAtMs - asked.atMs) / HOUR_MS) : 0;
    likely.set(likelyKey(r.login, r.seq), {
      atMs: asked.atMs + rem.medianH * HOUR_MS,
      atRisk: risk > work.config.forecast.atRisk,
    });
  }
  const note = sizeNote(work, pr);
  return note ? { likely, note } : { likely };
}

function sizeNote(work: Work, pr: TrackedPr): string | null {
  const lines = pr.lines ?? 0;
  if (lines < LARGE_PR_LINES) return null;
  const figure = work.forecasts.sizeFigure();
  const here =
    figure && figure.ratio >= 1.1 ? figure.text : "reviews stay thorough up to a few hundred lines";
  return `${lines.toLocaleString("en-US")} lines: consider splitting; ${here}.`;
}
