/** Plain data the linear-state agent stores and returns over RPC. */
import type { IssueKeyRelation, IssueKeySource } from "../../events/issue-keys";

export type PrState = "open" | "closed" | "merged";
export type Transition = "in_review" | "done";

export interface PrRecord {
  /** `owner/repo`, lower-case. */
  repo: string;
  number: number;
  title: string;
  url: string;
  branch: string;
  state: PrState;
  draft: boolean;
  /** The PR's `updated_at` in the newest event seen (older events are stale). */
  updatedAt: string;
}

export interface PrIssueLink {
  repo: string;
  number: number;
  /** `ENG-123`. */
  issue: string;
  teamKey: string;
  relation: IssueKeyRelation;
  /** Where the key was found: branch, title and/or body. */
  sources: IssueKeySource[];
  linkedAt: string;
  updatedAt: string;
  /** When the PR link (attachment or comment) was queued for the issue; null: not yet. */
  postedAt: string | null;
  pr: Omit<PrRecord, "repo" | "number">;
}

export interface IssueSnapshot {
  identifier: string;
  id: string;
  teamKey: string;
  title: string;
  url: string;
  state: { id: string; name: string; type: string } | null;
  /** Linear's `updatedAt` of the newest webhook applied. */
  updatedAt: string;
}

export interface StateMove {
  issue: string;
  repo: string;
  number: number;
  transition: Transition;
  stateName: string;
  deliveryKey: string;
  deliveryId: string;
  movedAt: string;
}

/** One linked issue of a PR with what Foreman knows of it (for cards and digests). */
export interface LinkedIssue {
  link: PrIssueLink;
  /** The newest snapshot from Linear webhooks; null until Linear has sent one. */
  issue: IssueSnapshot | null;
  /** State moves Foreman asked for on this issue because of this PR. */
  moves: StateMove[];
}
