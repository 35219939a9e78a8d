/** The PRs waiting for review (`review list`, `review mine`), read from the agent's state. */
import type { OpenReview } from "../../domain/insights";
import { slaState, usedWorkingMs } from "../../domain/sla";
import { UTC_OFFICE, workingMsBetween } from "../../domain/working-hours";
import { loginKey, type People } from "./model/candidates";
import {
  isActive,
  type QueueItem,
  type QueueReviewer,
  type ReviewerRecord,
  type ReviewQueue,
  type TrackedPr,
} from "./model/model";
import type { ReviewStore } from "./store";

function reviewerView(r: ReviewerRecord, people: People, nowMs: number): QueueReviewer {
  const paused = r.pausedAtMs !== null;
  const schedule = r.sla?.schedule ?? people.get(loginKey(r.login))?.schedule ?? UTC_OFFICE;
  const waited = r.sla
    ? usedWorkingMs(r.sla, r.pausedAtMs ?? nowMs)
    : workingMsBetween(schedule, r.requestedAtMs, nowMs);
  return {
    login: r.login,
    status: r.status,
    reason: r.reason,
    requestedAtMs: r.requestedAtMs,
    waitingWorkingMs: Math.max(0, waited),
    dueAtMs: r.sla ? r.sla.breachAtMs : null,
    tz: r.sla ? r.sla.schedule.tz : null,
    state: r.sla ? slaState(r.pausedAtMs ?? nowMs, r.sla) : null,
    paused,
  };
}

export interface QueueOptions {
  /** Only this person's reviews (and only their own line). */
  login?: string;
  /** Drafts too (flagged `draft`), for digests that show them; their clocks are paused. */
  includeDrafts?: boolean;
  /** One page: `limit` items from `offset` (forecasts and Linear issues are looked up for it only). */
  offset?: number;
  limit?: number;
  /** With the policy each PR was decided by (default); the digest, which shows none, says false. */
  policies?: boolean;
  /** Only PRs of these repositories (`owner/repo`, any case): a channel's digest. */
  repos?: string[];
}

/** The open PRs and their reviewers, read in two queries (the queue and its forecasts share them). */
export interface OpenPrs {
  prs: TrackedPr[];
  reviewers: ReadonlyMap<number, ReviewerRecord[]>;
}

export function openPrsOf(store: ReviewStore): OpenPrs {
  const prs = store.openPrs();
  return { prs, reviewers: store.reviewersOf(prs.map((pr) => pr.id)) };
}

/** The open PRs of `ids` and their reviewers, in the order of `ids` (a page of the queue). */
export function openPrsOfIds(store: ReviewStore, ids: readonly number[]): OpenPrs {
  const byId = new Map(store.openPrsByIds(ids).map((pr) => [pr.id, pr]));
  const prs = ids.flatMap((id) => byId.get(id) ?? []);
  return { prs, reviewers: store.reviewersOf(prs.map((pr) => pr.id)) };
}

/**
 * The open PRs `login` is asked to review, by the reviewers' login index (three indexed queries
 * whatever the number of open PRs): what `review mine` reads.
 */
export function openPrsOfLogin(store: ReviewStore, login: string): OpenPrs {
  const prs = store.openPrsByIds(store.queueOf(login).map((r) => r.prId));
  return { prs, reviewers: store.reviewersOf(prs.map((pr) => pr.id)) };
}

/**
 * Open, ready PRs with someone still to review (or nobody assigned), oldest first; with `login`,
 * only theirs (and only their own line).
 */
export function buildQueue(
  open: OpenPrs,
  people: People,
  nowMs: number,
  options: QueueOptions = {},
): ReviewQueue {
  const { login, includeDrafts = false } = options;
  const repos = options.repos ? new Set(options.repos.map((r) => r.toLowerCase())) : null;
  const items: QueueItem[] = [];
  for (const pr of open.prs) {
    if (pr.draft && (!includeDrafts || login)) continue;
    if (repos && !repos.has(pr.repo.toLowerCase())) continue;
    const rows = open.reviewers.get(pr.id) ?? [];
    let waiting = rows.filter((r) => isActive(r.status));
    if (login) waiting = waiting.filter((r) => loginKey(r.login) === loginKey(login));
    // Handled (or a draft), yet nobody is reviewing and nobody has reviewed: it waits for someone.
    const unassigned =
      !login &&
      waiting.length === 0 &&
      !rows.some((r) => r.status === "reviewed") &&
      (pr.assignedRound >= pr.round || pr.draft);
    if (waiting.length === 0 && !unassigned) continue;
    const readyAtMs = pr.readyAtMs ?? pr.firstSeenAtMs;
    const reviewers = waiting.map((r) => reviewerView(r, people, nowMs));
    const schedule = waiting[0]?.sla?.schedule ?? UTC_OFFICE;
    items.push({
      id: pr.id,
      repo: pr.repo,
      number: pr.number,
      title: pr.title,
      url: pr.url,
      author: pr.author,
      readyAtMs,
      waitingWorkingMs: workingMsBetween(schedule, readyAtMs, nowMs),
      reviewers,
      draft: pr.draft,
      approvals: rows.filter((r) => r.reviewState === "approved").length,
      labels: pr.labels,
    });
  }
  items.sort((a, b) => a.readyAtMs - b.readyAtMs || a.id - b.id);
  return { nowMs, items };
}

/** Each reviewer's open review of each queue item (paused reviews of drafts left out). */
export function openReviews(items: readonly QueueItem[], repo?: string): OpenReview[] {
  const only = repo?.toLowerCase();
  return items
    .filter((item) => only === undefined || item.repo.toLowerCase() === only)
    .flatMap((item) =>
      item.reviewers
        .filter((r) => !r.paused && (r.status === "requested" || r.status === "in_progress"))
        .map((r) => ({
          login: r.login,
          repo: item.repo,
          number: item.number,
          requestedAtMs: r.requestedAtMs,
          waitingWorkingMs: r.waitingWorkingMs,
          state: r.state,
        })),
    );
}
