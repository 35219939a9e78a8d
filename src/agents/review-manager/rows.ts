/** Row shapes of the Review Manager's tables and their mapping to the review model. */

import type { ChatUserRef } from "../../chat/platform";
import type { AssignmentResult } from "../../domain/assignment";
import type { SlaDeadlines } from "../../domain/sla";
import type { ReviewState } from "../../events/types";
import { parseJson } from "../../platform/sql";
import type { PrState, ReviewerRecord, ReviewerSource, ReviewerStatus, TrackedPr } from "./model/model";

export type PrRow = {
  id: number;
  repo: string;
  number: number;
  title: string;
  url: string;
  author: string | null;
  draft: number;
  state: string;
  labels: string;
  head_ref: string;
  requested: string;
  teams: string;
  updated_at: number;
  round: number;
  assigned_round: number;
  ready_at: number | null;
  paused_at: number | null;
  last_result: string | null;
  first_seen_at: number;
  lines?: number | null;
  base_ref?: string | null;
};

export type ReviewerRow = {
  pr_id: number;
  login: string;
  source: string;
  reason: string | null;
  requested_at: number;
  status: string;
  review_state: string | null;
  claimed_by: string | null;
  claimed_at: number | null;
  sla: string | null;
  fired: number;
  next_at: number | null;
  paused_at: number | null;
  snoozes: number;
  seq: number;
  previous: string | null;
  updated_at: number;
};

export function toPr(row: PrRow): TrackedPr {
  return {
    id: row.id,
    repo: row.repo,
    number: row.number,
    title: row.title,
    url: row.url,
    author: row.author,
    draft: row.draft === 1,
    state: row.state as PrState,
    labels: parseJson<string[]>(row.labels, []),
    headRef: row.head_ref,
    requestedReviewers: parseJson<string[]>(row.requested, []),
    requestedTeams: parseJson<string[]>(row.teams, []),
    updatedAtMs: row.updated_at,
    lines: row.lines ?? null,
    baseRef: row.base_ref ?? null,
    round: row.round,
    assignedRound: row.assigned_round,
    readyAtMs: row.ready_at,
    pausedAtMs: row.paused_at,
    lastResult: row.last_result ? parseJson<AssignmentResult | null>(row.last_result, null) : null,
    firstSeenAtMs: row.first_seen_at,
  };
}

export function toReviewer(row: ReviewerRow): ReviewerRecord {
  return {
    prId: row.pr_id,
    login: row.login,
    source: row.source as ReviewerSource,
    reason: row.reason,
    requestedAtMs: row.requested_at,
    status: row.status as ReviewerStatus,
    reviewState: row.review_state as ReviewState | null,
    claimedBy: row.claimed_by ? parseJson<ChatUserRef | null>(row.claimed_by, null) : null,
    claimedAtMs: row.claimed_at,
    sla: row.sla ? parseJson<SlaDeadlines | null>(row.sla, null) : null,
    fired: row.fired,
    nextAtMs: row.next_at,
    pausedAtMs: row.paused_at,
    snoozes: row.snoozes,
    seq: row.seq,
    previous: row.previous,
    updatedAtMs: row.updated_at,
  };
}
