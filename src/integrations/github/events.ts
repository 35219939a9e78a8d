/**
 * GitHub webhook payloads to domain events.
 *
 * Schemas name only the fields Foreman uses and accept anything else (loose objects). The event
 * name and `action` decide first: anything not handled is `ignored` before the rest is checked,
 * so unrelated changes to other payloads never make a delivery `invalid`. (`push` has no `action`.)
 * Never throws.
 */

import type { z } from "zod";
import { asRecord, eventsOutcome, ignored, invalid, parseWith, truncateUtf8 } from "../../events/outcome";
import {
  BODY_LIMIT_BYTES,
  type GitHubEvent,
  type ParseOutcome,
  PUSH_PATHS_LIMIT,
  type PullRequestSnapshot,
  type RepoPushedEvent,
  type RepoRef,
  type ReviewState,
} from "../../events/types";
import { errorMessage } from "../../platform/errors";
import {
  CHECKS,
  CommentPayload,
  InstallationPayload,
  PrAssignee,
  PrEdited,
  PrLabel,
  PrPayload,
  PrReviewRequest,
  PrSync,
  PushPayload,
  ReviewPayload,
} from "./payloads";

const REVIEW_STATES: readonly string[] = [
  "approved",
  "changes_requested",
  "commented",
] satisfies ReviewState[];

type RepoIn = { id: number; full_name: string };
const repoRef = (r: RepoIn): RepoRef => ({ id: r.id, fullName: r.full_name.toLowerCase() });
const repoRefs = (list: RepoIn[] | null | undefined): RepoRef[] => (list ?? []).map(repoRef);
const logins = (list: readonly { login?: string | undefined }[] | null | undefined): string[] =>
  (list ?? []).flatMap((u) => (u.login ? [u.login] : []));

function snapshot(pr: PrPayload["pull_request"]): PullRequestSnapshot {
  const teams = [
    ...(pr.requested_teams ?? []).map((t) => t.slug),
    ...(pr.requested_reviewers ?? []).flatMap((r) => (!r.login && r.slug ? [r.slug] : [])),
  ];
  return {
    number: pr.number,
    title: pr.title,
    htmlUrl: pr.html_url,
    author: pr.user?.login ?? null,
    state: pr.state,
    draft: pr.draft ?? false,
    merged: pr.merged ?? pr.merged_at != null,
    headRef: pr.head.ref,
    headSha: pr.head.sha,
    baseRef: pr.base.ref,
    body: truncateUtf8(pr.body ?? "", BODY_LIMIT_BYTES),
    labels: (pr.labels ?? []).map((l) => l.name),
    requestedReviewers: logins(pr.requested_reviewers),
    requestedTeams: [...new Set(teams)],
    assignees: logins(pr.assignees),
    updatedAt: pr.updated_at,
    ...(typeof pr.additions === "number" && typeof pr.deletions === "number"
      ? { changedLines: pr.additions + pr.deletions }
      : {}),
  };
}

function prBase(p: PrPayload) {
  return {
    repo: repoRef(p.repository),
    installationId: p.installation?.id ?? null,
    sender: p.sender?.login ?? null,
    at: p.pull_request.updated_at,
    pr: snapshot(p.pull_request),
  };
}

type Step = GitHubEvent | ParseOutcome;

/** Parses `payload` with `schema`, then maps it; a failed parse is the `invalid` outcome. */
function using<T>(schema: z.ZodType<T>, payload: unknown, map: (value: T) => Step): Step {
  const parsed = parseWith(schema, payload);
  return parsed.ok ? map(parsed.value) : parsed.outcome;
}

function pullRequest(action: string, payload: unknown): Step {
  switch (action) {
    case "opened":
    case "reopened":
    case "ready_for_review":
    case "converted_to_draft":
      return using(PrPayload, payload, (p) => ({ kind: `pr.${action}`, ...prBase(p) }));
    case "synchronize":
      return using(PrSync, payload, (p) => {
        const base = prBase(p);
        return {
          kind: "pr.synchronized",
          ...base,
          beforeSha: p.before ?? null,
          afterSha: p.after ?? base.pr.headSha,
        };
      });
    case "edited":
      return using(PrEdited, payload, (p) => ({
        kind: "pr.edited",
        ...prBase(p),
        changed: Object.keys(p.changes ?? {}),
      }));
    case "closed":
      return using(PrPayload, payload, (p) => {
        const base = prBase(p);
        return {
          kind: "pr.closed",
          ...base,
          at: p.pull_request.closed_at ?? base.at,
          merged: base.pr.merged,
        };
      });
    case "labeled":
    case "unlabeled":
      return using(PrLabel, payload, (p) => ({ kind: `pr.${action}`, ...prBase(p), label: p.label.name }));
    case "assigned":
    case "unassigned":
      return using(PrAssignee, payload, (p) => ({
        kind: `pr.${action}`,
        ...prBase(p),
        assignee: p.assignee?.login ?? null,
      }));
    case "review_requested":
    case "review_request_removed":
      return using(PrReviewRequest, payload, (p) => {
        const kind = `pr.${action}` as const;
        if (p.requested_reviewer)
          return { kind, ...prBase(p), reviewer: { type: "user", login: p.requested_reviewer.login } };
        if (p.requested_team)
          return { kind, ...prBase(p), reviewer: { type: "team", slug: p.requested_team.slug } };
        return invalid([
          { field: "requested_reviewer", message: "requested_reviewer or requested_team is required" },
        ]);
      });
    default:
      return ignored(`pull_request.${action} is not handled`);
  }
}

function review(action: string, payload: unknown): Step {
  if (action !== "submitted" && action !== "dismissed")
    return ignored(`pull_request_review.${action} is not handled`);
  return using(ReviewPayload, payload, (p) => {
    const { id: reviewId, user, state, submitted_at } = p.review;
    const reviewer = user?.login ?? null;
    if (action === "dismissed") return { kind: "review.dismissed", ...prBase(p), reviewId, reviewer };
    const lower = state.toLowerCase();
    if (!REVIEW_STATES.includes(lower)) return ignored(`review state ${state} is not handled`);
    const base = prBase(p);
    return {
      kind: "review.submitted",
      ...base,
      at: submitted_at ?? base.at,
      reviewId,
      reviewer,
      state: lower as ReviewState,
    };
  });
}

function reviewComment(action: string, payload: unknown): Step {
  if (action !== "created") return ignored(`pull_request_review_comment.${action} is not handled`);
  return using(CommentPayload, payload, ({ comment: c, ...p }) => ({
    kind: "review.comment",
    ...prBase(p),
    at: c.updated_at ?? c.created_at,
    commentId: c.id,
    reviewId: c.pull_request_review_id ?? null,
    inReplyToId: c.in_reply_to_id ?? null,
    author: c.user?.login ?? null,
    htmlUrl: c.html_url,
  }));
}

function checks(event: keyof typeof CHECKS, action: string, payload: unknown, receivedAt: string): Step {
  if (action !== "completed") return ignored(`${event}.${action} is not handled`);
  const schema: z.ZodType<z.output<(typeof CHECKS)["check_run" | "check_suite"]>> = CHECKS[event];
  return using(schema, payload, ({ check: c, ...p }) => {
    const repo = repoRef(p.repository);
    const prs = (c.pull_requests ?? []).filter((pr) => (pr.base?.repo?.id ?? repo.id) === repo.id);
    return {
      kind: "checks.completed",
      repo,
      installationId: p.installation?.id ?? null,
      sender: p.sender?.login ?? null,
      at: c.at ?? receivedAt,
      check: event,
      id: c.id,
      name: c.name,
      conclusion: c.conclusion ?? null,
      headSha: c.head_sha,
      headBranch: c.branch,
      prNumbers: [...new Set(prs.map((pr) => pr.number))],
    };
  });
}

/** A time as ISO 8601 UTC: epoch seconds or a date string; null when absent or out of range. */
function isoTime(value: number | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const ms = typeof value === "number" ? value * 1000 : Date.parse(value);
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : null;
}

/** The distinct paths under `key` over every commit, in order, at most `PUSH_PATHS_LIMIT`. */
function pushedPaths(commits: PushPayload["commits"], key: "added" | "modified" | "removed"): string[] {
  const paths = new Set<string>();
  for (const commit of commits ?? []) {
    for (const path of commit[key] ?? []) {
      if (paths.size >= PUSH_PATHS_LIMIT) return [...paths];
      paths.add(path);
    }
  }
  return [...paths];
}

function push(payload: unknown, receivedAt: string): Step {
  return using(PushPayload, payload, (p): RepoPushedEvent => {
    const r = p.repository;
    return {
      kind: "repo.pushed",
      repo: repoRef(r),
      installationId: p.installation?.id ?? null,
      sender: p.sender?.login ?? null,
      at: isoTime(r.pushed_at) ?? isoTime(p.head_commit?.timestamp) ?? receivedAt,
      ref: p.ref,
      branch: p.ref.startsWith("refs/heads/") ? p.ref.slice("refs/heads/".length) : null,
      defaultBranch: r.default_branch ?? r.master_branch ?? null,
      before: p.before,
      after: p.after,
      deleted: p.deleted ?? /^0+$/.test(p.after),
      files: {
        added: pushedPaths(p.commits, "added"),
        modified: pushedPaths(p.commits, "modified"),
        removed: pushedPaths(p.commits, "removed"),
      },
    };
  });
}

type InstallationEvent = "installation" | "installation_repositories";

function installation(event: InstallationEvent, action: string, payload: unknown, receivedAt: string): Step {
  return using(InstallationPayload, payload, (p) => {
    const listed = event === "installation" ? repoRefs(p.repositories) : [];
    const added = action === "created" ? listed : repoRefs(p.repositories_added);
    const removed = action === "deleted" ? listed : repoRefs(p.repositories_removed);
    return {
      kind: "installation.changed",
      installationId: p.installation.id,
      event,
      action,
      account: p.installation.account?.login ?? null,
      repositorySelection: p.installation.repository_selection ?? null,
      added,
      removed,
      sender: p.sender?.login ?? null,
      at: receivedAt,
    };
  });
}

type Handler = (action: string, body: unknown, receivedAt: string) => Step;

const HANDLERS: Readonly<Record<string, Handler>> = {
  pull_request: (action, body) => pullRequest(action, body),
  pull_request_review: (action, body) => review(action, body),
  pull_request_review_comment: (action, body) => reviewComment(action, body),
  check_suite: (action, body, at) => checks("check_suite", action, body, at),
  check_run: (action, body, at) => checks("check_run", action, body, at),
  push: (_action, body, at) => push(body, at),
  installation: (action, body, at) => installation("installation", action, body, at),
  installation_repositories: (action, body, at) =>
    installation("installation_repositories", action, body, at),
};

/** Events whose payloads have no `action` (their handlers get ""). */
const WITHOUT_ACTION: ReadonlySet<string> = new Set(["push"]);

/** Maps one delivery (`X-GitHub-Event`, parsed JSON body) to domain events. */
export function parseGitHubEvent(
  eventName: string,
  payload: unknown,
  deliveryId: string,
  receivedAt: string,
): ParseOutcome {
  try {
    if (eventName === "ping") return { status: "ping" };
    const handler = Object.hasOwn(HANDLERS, eventName) ? HANDLERS[eventName] : undefined;
    if (!handler) return ignored(`event ${eventName || "(none)"} is not handled`);
    const body = asRecord(payload);
    if (!body) return invalid([{ field: "body", message: "expected a JSON object" }]);
    const action = WITHOUT_ACTION.has(eventName) ? "" : body.action;
    if (typeof action !== "string") return invalid([{ field: "action", message: "expected a string" }]);
    const result = handler(action, body, receivedAt);
    return "status" in result ? result : eventsOutcome("github", deliveryId, receivedAt, [result]);
  } catch (err) {
    // Defensive: the schemas make this unreachable short of hostile objects (throwing getters).
    return invalid([{ field: "body", message: errorMessage(err) }]);
  }
}
