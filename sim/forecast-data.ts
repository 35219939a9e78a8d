/**
 * The history a run leaves, as the forecast sees it (src/domain/forecast.ts): one row per PR that got
 * a review request, with the facts known at the request (the first reviewer asked, their open reviews
 * and 30-day requests from the engine's RequestRecords, their and the author's working windows, the
 * PR's size and labels), the outcomes (wall-clock hours from that request to the first review and to
 * the merge, as the Review Manager's samples count them) and the PR's SLA as a wall-clock deadline from
 * the request and as a breach (the author's working hours from ready, as sim/metrics.ts counts breaches).
 */
import type { ReviewRequestFacts } from "../src/domain/forecast";
import { reviewerTiming, workingWindows } from "../src/domain/forecast";
import { resolveSla } from "../src/domain/sla";
import { DAY_MS, HOUR_MS } from "../src/domain/time";
import { addWorkingMs, compileSchedule, workingMsBetween } from "../src/domain/working-hours";
import { slaRulesOf } from "./metrics";
import type { Scenario } from "./scenario";
import type { SimPerson } from "./team";
import type { RunResult } from "./world";

export interface HistoryRow {
  pr: number;
  reviewer: string;
  requestedAtMs: number;
  facts: ReviewRequestFacts;
  /** Wall-clock hours from the request to the first review; null when never reviewed. */
  hours: number | null;
  /** Wall-clock hours from the request to the merge; null when never merged. */
  mergeHours: number | null;
  /** The SLA's deadline in wall-clock hours from the request (its working hours on the author's clock from ready). */
  slaWallH: number;
  breached: boolean;
}

/** One row per PR that was asked of someone, in order of the request (then PR number). */
export function historyOf(scenario: Scenario, people: readonly SimPerson[], result: RunResult): HistoryRow[] {
  const byLogin = new Map(people.map((p) => [p.login, p]));
  const rules = slaRulesOf(scenario);
  const firstRequest = new Map<number, RunResult["requests"][number]>();
  const timesByLogin = new Map<string, number[]>();
  for (const r of result.requests) {
    if (!firstRequest.has(r.pr)) firstRequest.set(r.pr, r);
    const times = timesByLogin.get(r.login) ?? [];
    times.push(r.atMs);
    timesByLogin.set(r.login, times);
  }
  const rows: HistoryRow[] = [];
  for (const pr of result.prs) {
    const request = firstRequest.get(pr.trace.number);
    const reviewer = request ? byLogin.get(request.login) : undefined;
    const author = byLogin.get(pr.trace.author);
    if (!request || !reviewer) continue;
    const ready = pr.readyAtMs ?? pr.trace.readyAtMs;
    const times = timesByLogin.get(reviewer.login) ?? [];
    const requests30d = times.filter((t) => t < request.atMs && t >= request.atMs - 30 * DAY_MS).length;
    const sla = resolveSla(rules, pr.trace.repo, pr.trace.labels).hours;
    const clock = compileSchedule(author?.hours ?? { tz: "UTC" });
    const first = pr.firstReviewAtMs;
    rows.push({
      pr: pr.trace.number,
      reviewer: reviewer.login,
      requestedAtMs: request.atMs,
      facts: {
        repo: pr.trace.repo,
        author: pr.trace.author,
        lines: pr.trace.lines,
        openReviews: request.openReviews,
        requests30d,
        ...reviewerTiming(reviewer.available, request.atMs),
        urgent: sla < scenario.sla.hours,
        reviewer: reviewer.login,
        ...(author ? { authorWindows: workingWindows(author.available, request.atMs) } : {}),
      },
      hours: first === null ? null : Math.max(0, first - request.atMs) / HOUR_MS,
      mergeHours: pr.mergedAtMs === null ? null : Math.max(0, pr.mergedAtMs - request.atMs) / HOUR_MS,
      slaWallH: (addWorkingMs(clock, ready, sla * HOUR_MS) - request.atMs) / HOUR_MS,
      breached: first === null || workingMsBetween(clock, ready, first) > sla * HOUR_MS,
    });
  }
  return rows.sort((a, b) => a.requestedAtMs - b.requestedAtMs || a.pr - b.pr);
}

/** Area under the ROC curve of `scores` for `labels` (Mann–Whitney U, ties half); null without both classes. */
export function auc(scores: readonly number[], labels: readonly boolean[]): number | null {
  const items = scores.map((s, i) => ({ s, y: labels[i] === true })).sort((a, b) => a.s - b.s);
  const pos = items.filter((i) => i.y).length;
  const neg = items.length - pos;
  if (pos === 0 || neg === 0) return null;
  // Mid-ranks over ties, then U of the positives.
  let rankSum = 0;
  for (let i = 0; i < items.length; ) {
    let j = i;
    while (j + 1 < items.length && (items[j + 1] as { s: number }).s === (items[i] as { s: number }).s) j++;
    const mid = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if ((items[k] as { y: boolean }).y) rankSum += mid;
    i = j + 1;
  }
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Pinball (quantile) loss of predicting `q` for `actual` at level tau. */
export const pinball = (actual: number, q: number, tau: number): number =>
  actual >= q ? tau * (actual - q) : (1 - tau) * (q - actual);

export const round = (x: number, digits = 4): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

export const mean = (xs: readonly number[]): number =>
  xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 0;

/** The p-quantile of the values, linear between order statistics (0 with none). */
export function quantile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  const at = (sorted.length - 1) * p;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (at - lo);
}
