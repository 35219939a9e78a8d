/**
 * GitHub webhook payloads to domain events.
 *
 * Schemas name only the fields Foreman uses and accept anything else (loose objects). The event
 * name and `action` decide first: anything not handled is `ignored` before the rest is checked,
 * so unrelated changes to other payloads never make a delivery `invalid`. (`push` has no `action`.)
 * Never throws.
 */

import { z } from "zod";
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

const Id = z.number().int().nonnegative();
const Login = z.looseObject({ login: z.string() });
const Named = z.looseObject({ name: z.string() });
const Repo = z.looseObject({ id: Id, full_name: z.string().min(1) });
const GitRef = z.looseObject({ ref: z.string(), sha: z.string() });
const Reviewerish = z.looseObject({ login: z.string().optional(), slug: z.string().optional() });

const Common = {
  repository: Repo,
  installation: z.looseObject({ id: Id }).nullish(),
  sender: Login.nullish(),
};

const PullRequest = z.looseObject({
  number: Id,
  title: z.string(),
  html_url: z.string(),
  user: Login.nullish(),
  state: z.enum(["open", "closed"]),
  draft: z.boolean().nullish(),
  merged: z.boolean().nullish(),
  merged_at: z.string().nullish(),
  closed_at: z.string().nullish(),
  updated_at: z.string(),
  additions: z.number().int().nonnegative().nullish(),
  deletions: z.number().int().nonnegative().nullish(),
  head: GitRef,
  base: GitRef,
  body: z.string().nullish(),
  labels: z.array(Named).nullish(),
  requested_reviewers: z.array(Reviewerish).nullish(),
  requested_teams: z.array(z.looseObject({ slug: z.string() })).nullish(),
  assignees: z.array(Login).nullish(),
});

const PrPayload = z.looseObject({ ...Common, pull_request: PullRequest });
type PrPayload = z.infer<typeof PrPayload>;

const Team = z.looseObject({ slug: z.string() });
const PrLabel = PrPayload.extend({ label: Named });
const PrAssignee = PrPayload.extend({ assignee: Login.nullish() });
const PrSync = PrPayload.extend({ before: z.string().nullish(), after: z.string().nullish() });
const PrEdited = PrPayload.extend({ changes: z.record(z.string(), z.unknown()).nullish() });
const PrReviewRequest = PrPayload.extend({
  requested_reviewer: Login.nullish(),
  requested_team: Team.nullish(),
});

const ReviewPayload = PrPayload.extend({
  review: z.looseObject({
    id: Id,
    user: Login.nullish(),
    state: z.string(),
    submitted_at: z.string().nullish(),
  }),
});

const CommentPayload = PrPayload.extend({
  comment: z.looseObject({
    id: Id,
    user: Login.nullish(),
    html_url: z.string(),
    created_at: z.string(),
    updated_at: z.string().nullish(),
    pull_request_review_id: Id.nullish(),
    in_reply_to_id: Id.nullish(),
  }),
});

const CheckPr = z.looseObject({
  number: Id,
  base: z.looseObject({ repo: z.looseObject({ id: Id }).nullish() }).nullish(),
});
const CheckFields = {
  id: Id,
  head_sha: z.string(),
  conclusion: z.string().nullish(),
  pull_requests: z.array(CheckPr).nullish(),
};
/** Both check payloads, normalised to `check: { ..., name, branch, at }`. */
const CHECKS = {
  check_suite: z
    .looseObject({
      ...Common,
      check_suite: z.looseObject({
        ...CheckFields,
        head_branch: z.string().nullish(),
        updated_at: z.string().nullish(),
        app: z.looseObject({ slug: z.string().nullish() }).nullish(),
      }),
    })
    .transform(({ check_suite: c, ...p }) => ({
      ...p,
      check: { ...c, name: c.app?.slug ?? null, branch: c.head_branch ?? null, at: c.updated_at },
    })),
  check_run: z
    .looseObject({
      ...Common,
      check_run: z.looseObject({
        ...CheckFields,
        name: z.string(),
        completed_at: z.string().nullish(),
        check_suite: z.looseObject({ head_branch: z.string().nullish() }).nullish(),
      }),
    })
    .transform(({ check_run: c, ...p }) => ({
      ...p,
      check: { ...c, branch: c.check_suite?.head_branch ?? null, at: c.completed_at },
    })),
};

const Paths = z.array(z.string()).nullish();
const PushPayload = z.looseObject({
  ...Common,
  repository: Repo.extend({
    default_branch: z.string().nullish(),
    master_branch: z.string().nullish(),
    /** Seconds since the epoch in push payloads (an ISO string in others). */
    pushed_at: z.union([z.number(), z.string()]).nullish(),
  }),
  ref: z.string().min(1),
  before: z.string(),
  after: z.string(),
  deleted: z.boolean().nullish(),
  commits: z.array(z.looseObject({ added: Paths, modified: Paths, removed: Paths })).nullish(),
  head_commit: z.looseObject({ timestamp: z.string().nullish() }).nullish(),
});
type PushPayload = z.infer<typeof PushPayload>;

const RepoList = z.array(Repo).nullish();
const InstallationPayload = z.looseObject({
  installation: z.looseObject({
    id: Id,
    account: Login.nullish(),
    repository_selection: z.enum(["all", "selected"]).nullish(),
  }),
  sender: Login.nullish(),
  repositories: RepoList,
  repositories_added: RepoList,
  repositories_removed: RepoList,
});

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
