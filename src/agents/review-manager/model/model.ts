/**
 * Shapes of the Review Manager's state and views: tracked pull requests, their reviewers (with SLA
 * deadlines and the steps already fired), and what `review list` / `review mine` show.
 * Plain, JSON-safe data only: these are stored in SQLite and cross Durable Object RPC.
 */

import type { ChatUserRef } from "../../../chat/platform";
import type { AssignmentAlgorithm, AssignmentResult } from "../../../domain/assignment";
import type { SlaDeadlines, SlaState } from "../../../domain/sla";
import type { WorkingSchedule } from "../../../domain/working-hours";
import type { ReviewState } from "../../../events/types";
import type { Predicted } from "../predicted";
import type { LinearIssueLine } from "./linear";

export type PrState = "open" | "closed" | "merged";

/**
 * requested: waiting for their review · in_progress: they pressed "Start review" · reviewed: a
 * review was submitted · removed: the request was removed on GitHub · reassigned: handed to someone
 * else · released: someone else claimed the review · closed: the PR was closed or merged.
 */
export type ReviewerStatus =
  | "requested"
  | "in_progress"
  | "reviewed"
  | "removed"
  | "reassigned"
  | "released"
  | "closed";

/** Statuses that count as an open review (and run an SLA clock). */
export const ACTIVE_STATUSES: readonly ReviewerStatus[] = ["requested", "in_progress"];
export const isActive = (status: ReviewerStatus) => ACTIVE_STATUSES.includes(status);

/** Who put the reviewer on the PR: Foreman's assignment, a request made on GitHub, or a claim in chat. */
export type ReviewerSource = "foreman" | "github" | "claim";

export const SLA_STEPS = ["reminder", "breach", "escalation"] as const;
export type SlaStep = (typeof SLA_STEPS)[number];

/** The pull request as the latest webhook described it. */
export interface PrSnapshot {
  /** `owner/repo`, lower-case. */
  repo: string;
  number: number;
  title: string;
  url: string;
  author: string | null;
  draft: boolean;
  state: PrState;
  labels: string[];
  headRef: string;
  /** Users requested on GitHub. */
  requestedReviewers: string[];
  /** Team slugs requested on GitHub. */
  requestedTeams: string[];
  /** The snapshot's `updated_at` (epoch ms): older snapshots do not overwrite newer ones. */
  updatedAtMs: number;
  /** Lines added plus deleted, when known (a later snapshot without it keeps the one known). */
  lines?: number | null;
  /** The base branch, when known (kept like `lines`). */
  baseRef?: string | null;
}

export interface TrackedPr extends PrSnapshot {
  /** Row id; short button ids use it when `owner/repo#n` would not fit. */
  id: number;
  /** 1 when first seen; +1 on every reopen. */
  round: number;
  /** The round Foreman last assigned for (or found nobody); equal to `round` means done. */
  assignedRound: number;
  /** When it last became ready for review (opened, reopened, ready_for_review). */
  readyAtMs: number | null;
  /** When it was converted to draft (SLA clocks paused), null while ready. */
  pausedAtMs: number | null;
  /** The last assignment's ranking (alternates for reassignment, skipped for "nobody fits"). */
  lastResult: AssignmentResult | null;
  firstSeenAtMs: number;
}

export interface ReviewerRecord {
  prId: number;
  login: string;
  source: ReviewerSource;
  /** Why Foreman chose them (assignReviewers' reason), or null for requests made on GitHub. */
  reason: string | null;
  requestedAtMs: number;
  status: ReviewerStatus;
  reviewState: ReviewState | null;
  claimedBy: ChatUserRef | null;
  claimedAtMs: number | null;
  /** SLA deadlines in the reviewer's working hours; null for people not on the team. */
  sla: SlaDeadlines | null;
  /** How many SLA steps have fired (0 none, 1 reminder, 2 breach, 3 escalation). */
  fired: number;
  /** When the next SLA step is due; null when the clock is stopped. */
  nextAtMs: number | null;
  /** Draft pause start for this reviewer's clock. */
  pausedAtMs: number | null;
  snoozes: number;
  /** Assignment log sequence of the request this row stands for (delivery keys use it). */
  seq: number;
  /** Who they took over from (reassignment or claim). */
  previous: string | null;
  updatedAtMs: number;
}

/** Per-repository overrides in the agent config, over the agent's own defaults. */
export interface RepoReviewConfig {
  reviewersPerPr?: number;
  algorithm?: AssignmentAlgorithm;
  capacity?: number;
}

export interface ReviewConfig {
  reviewersPerPr: number;
  algorithm: AssignmentAlgorithm;
  capacity: number;
}

/** A team member as cards need them: their chat user (for mentions), zone, schedule and lead flag. */
export interface Person {
  login: string;
  user: ChatUserRef;
  tz: string;
  lead: boolean;
  schedule: WorkingSchedule;
}

export interface QueueReviewer {
  login: string;
  status: ReviewerStatus;
  reason: string | null;
  requestedAtMs: number;
  /** Working time waited so far, in the reviewer's hours (UTC office hours when not on the team). */
  waitingWorkingMs: number;
  dueAtMs: number | null;
  tz: string | null;
  state: SlaState | null;
  paused: boolean;
}

/** One PR waiting for review, as `review list` / `review mine` show it. */
export interface QueueItem {
  id: number;
  repo: string;
  number: number;
  title: string;
  url: string;
  author: string | null;
  readyAtMs: number;
  waitingWorkingMs: number;
  reviewers: QueueReviewer[];
  /** Digest filters use these: a draft (only with `includeDrafts`), approvals given, labels. */
  draft: boolean;
  approvals: number;
  labels: string[];
  /** Linear issues the PR links (absent or empty: none known). */
  linear?: LinearIssueLine[];
  /** What the forecasts say of it (src/agents/review-manager/predicted.ts). */
  predicted?: Predicted;
  /** The review policy, version and rule that decided its round (docs/policies.md). */
  policy?: { policyId: string; version: number; rule: string; arm: "control" | "variant" | null };
}

export interface ReviewQueue {
  nowMs: number;
  items: QueueItem[];
  /** Items in the whole queue (a page holds `items` of them, from `offset`). */
  total?: number;
  offset?: number;
  /** Over the whole queue, not just the page: how many are breached and at risk. */
  counts?: { breached: number; atRisk: number };
}
