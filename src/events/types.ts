/**
 * Domain events: what the rest of Foreman consumes from GitHub and Linear webhooks.
 *
 * A discriminated union on `kind`. Events carry ids and logins, never names or e-mail addresses;
 * text is limited to titles, label names and a PR body truncated to `BODY_LIMIT_BYTES` (for
 * issue-key detection). Times are the platform's ISO 8601 strings.
 */

import type { FieldIssue } from "../platform/errors";

/** PR bodies are cut to this many UTF-8 bytes. */
export const BODY_LIMIT_BYTES = 4096;

/** A push's added, modified and removed paths are each cut to this many. */
export const PUSH_PATHS_LIMIT = 500;

export type EventSource = "github" | "linear";

/** A repository: numeric id and `owner/repo` lower-cased. */
export interface RepoRef {
  id: number;
  fullName: string;
}

/** The pull request as the delivery described it. */
export interface PullRequestSnapshot {
  number: number;
  title: string;
  htmlUrl: string;
  /** Login of the author; null when GitHub sends no user. */
  author: string | null;
  state: "open" | "closed";
  draft: boolean;
  merged: boolean;
  headRef: string;
  headSha: string;
  baseRef: string;
  /** At most `BODY_LIMIT_BYTES` of UTF-8; "" when the PR has no body. */
  body: string;
  labels: string[];
  /** Logins of requested reviewers (users). */
  requestedReviewers: string[];
  /** Slugs of requested teams. */
  requestedTeams: string[];
  assignees: string[];
  updatedAt: string;
  /** Lines added plus deleted, when the payload says (pull_request events do; reviews' do not). */
  changedLines?: number;
}

interface GitHubBase {
  repo: RepoRef;
  /** GitHub App installation; null for plain repository webhooks. */
  installationId: number | null;
  /** Login of whoever caused the event (may be a bot such as Foreman itself). */
  sender: string | null;
  /** When the action happened: `updated_at`, `closed_at`, `submitted_at`, ... */
  at: string;
}

interface PrBase extends GitHubBase {
  pr: PullRequestSnapshot;
}

export type PrLifecycleKind = "pr.opened" | "pr.reopened" | "pr.ready_for_review" | "pr.converted_to_draft";

export interface PrLifecycleEvent extends PrBase {
  kind: PrLifecycleKind;
}

export interface PrSynchronizedEvent extends PrBase {
  kind: "pr.synchronized";
  beforeSha: string | null;
  afterSha: string;
}

export interface PrEditedEvent extends PrBase {
  kind: "pr.edited";
  /** Keys of `changes`: `title`, `body`, `base`. */
  changed: string[];
}

export interface PrClosedEvent extends PrBase {
  kind: "pr.closed";
  merged: boolean;
}

/** A review request names either a user or a team. */
export type Reviewer = { type: "user"; login: string } | { type: "team"; slug: string };

export interface PrReviewRequestEvent extends PrBase {
  kind: "pr.review_requested" | "pr.review_request_removed";
  reviewer: Reviewer;
}

export interface PrLabelEvent extends PrBase {
  kind: "pr.labeled" | "pr.unlabeled";
  label: string;
}

export interface PrAssigneeEvent extends PrBase {
  kind: "pr.assigned" | "pr.unassigned";
  /** Null when GitHub sends no assignee. */
  assignee: string | null;
}

export type ReviewState = "approved" | "changes_requested" | "commented";

export interface ReviewSubmittedEvent extends PrBase {
  kind: "review.submitted";
  reviewId: number;
  reviewer: string | null;
  state: ReviewState;
}

export interface ReviewDismissedEvent extends PrBase {
  kind: "review.dismissed";
  reviewId: number;
  reviewer: string | null;
}

export interface ReviewCommentEvent extends PrBase {
  kind: "review.comment";
  commentId: number;
  reviewId: number | null;
  inReplyToId: number | null;
  author: string | null;
  htmlUrl: string;
}

export interface ChecksCompletedEvent extends GitHubBase {
  kind: "checks.completed";
  check: "check_suite" | "check_run";
  /** Check suite or check run id. */
  id: number;
  /** Check run name, or the suite's app slug; null when absent. */
  name: string | null;
  /** `success`, `failure`, `neutral`, `cancelled`, `skipped`, `timed_out`, `action_required`, ... */
  conclusion: string | null;
  headSha: string;
  headBranch: string | null;
  /** PRs of this repository whose head is `headSha` (GitHub omits PRs from forks). */
  prNumbers: number[];
}

/**
 * A `push` to a branch or tag (a deletion too). Carries no commit messages, authors or pusher: only
 * the refs, shas and the paths the pushed commits touched. `at` is the push's `repository.pushed_at`,
 * else the head commit's timestamp, else the receipt time (as ISO 8601 UTC).
 */
export interface RepoPushedEvent extends GitHubBase {
  kind: "repo.pushed";
  /** The full ref: `refs/heads/main`, `refs/tags/v1.2`. */
  ref: string;
  /** The branch (`ref` without `refs/heads/`); null for tags and other refs. */
  branch: string | null;
  /** The repository's default branch (`default_branch`, else `master_branch`); null when absent. */
  defaultBranch: string | null;
  /** Shas before and after the push; all zeros for a created (`before`) or deleted (`after`) ref. */
  before: string;
  after: string;
  /** The ref was deleted (no commits then). */
  deleted: boolean;
  /**
   * Paths the pushed commits added, modified and removed: the union over the payload's `commits`
   * (GitHub lists at most 2,048 commits), each list deduplicated and cut to `PUSH_PATHS_LIMIT`.
   */
  files: { added: string[]; modified: string[]; removed: string[] };
}

export interface InstallationChangedEvent {
  kind: "installation.changed";
  installationId: number;
  event: "installation" | "installation_repositories";
  /** `created`, `deleted`, `suspend`, `unsuspend`, `new_permissions_accepted`, `added`, `removed`. */
  action: string;
  /** Login of the account the app is installed on. */
  account: string | null;
  repositorySelection: "all" | "selected" | null;
  added: RepoRef[];
  removed: RepoRef[];
  sender: string | null;
  at: string;
}

export type LinearAction = "create" | "update" | "remove";

export interface LinearIssueSnapshot {
  id: string;
  /** `ENG-123`. */
  identifier: string;
  teamId: string;
  teamKey: string;
  title: string;
  url: string;
  state: { id: string; name: string; type: string } | null;
  assigneeId: string | null;
  labelIds: string[];
  labels: string[];
}

interface LinearBase {
  organizationId: string | null;
  webhookId: string | null;
  /** Id of the user, integration or app whose change this was (Foreman's own changes included). */
  actorId: string | null;
  /** `data.updatedAt`, else the payload's `createdAt`. */
  at: string;
}

export interface LinearIssueEvent extends LinearBase {
  kind: "linear.issue.created" | "linear.issue.updated" | "linear.issue.removed";
  issue: LinearIssueSnapshot;
  /** Keys of `updatedFrom` (fields that changed): `stateId`, `title`, `labelIds`, ... */
  updatedFrom: string[];
  /** `updatedFrom.stateId` when the state changed. */
  previousStateId: string | null;
}

export interface LinearCommentEvent extends LinearBase {
  kind: "linear.comment";
  action: LinearAction;
  commentId: string;
  issueId: string;
  issueIdentifier: string | null;
  userId: string | null;
  parentId: string | null;
  url: string | null;
}

/** An `IssueLabel` (label definition) was created, updated or removed. */
export interface LinearLabelEvent extends LinearBase {
  kind: "linear.label";
  action: LinearAction;
  labelId: string;
  name: string;
  teamId: string | null;
  parentId: string | null;
}

export type GitHubEvent =
  | PrLifecycleEvent
  | PrSynchronizedEvent
  | PrEditedEvent
  | PrClosedEvent
  | PrReviewRequestEvent
  | PrLabelEvent
  | PrAssigneeEvent
  | ReviewSubmittedEvent
  | ReviewDismissedEvent
  | ReviewCommentEvent
  | ChecksCompletedEvent
  | RepoPushedEvent
  | InstallationChangedEvent;

export type LinearEvent = LinearIssueEvent | LinearCommentEvent | LinearLabelEvent;

export type DomainEvent = GitHubEvent | LinearEvent;

export type DomainEventKind = DomainEvent["kind"];

/** The event type of one kind (`EventOfKind<"pr.labeled">` is a PrLabelEvent with that kind). */
export type EventOfKind<K extends DomainEventKind> = DomainEvent & { kind: K };

/** One domain event with where and when it came from. */
export interface EventEnvelope<E extends DomainEvent = DomainEvent> {
  source: EventSource;
  /** `X-GitHub-Delivery` / `Linear-Delivery`; kept on redelivery. */
  deliveryId: string;
  receivedAt: string;
  event: E;
}

/** What a webhook payload parser concluded. Parsers never throw. */
export type ParseOutcome =
  | { status: "event"; events: DomainEvent[]; envelopes: EventEnvelope[] }
  | { status: "ignored"; reason: string }
  | { status: "ping" }
  | { status: "invalid"; issues: FieldIssue[] };
