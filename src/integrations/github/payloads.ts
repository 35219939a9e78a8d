/**
 * The GitHub webhook payloads Foreman reads, as zod schemas naming only the fields it uses (loose
 * objects: anything else is accepted). Mapped to domain events by ./events.ts.
 */
import { z } from "zod";

export const Id = z.number().int().nonnegative();
export const Login = z.looseObject({ login: z.string() });
export const Named = z.looseObject({ name: z.string() });
export const Repo = z.looseObject({ id: Id, full_name: z.string().min(1) });
export const GitRef = z.looseObject({ ref: z.string(), sha: z.string() });
export const Reviewerish = z.looseObject({ login: z.string().optional(), slug: z.string().optional() });

export const Common = {
  repository: Repo,
  installation: z.looseObject({ id: Id }).nullish(),
  sender: Login.nullish(),
};

export const PullRequest = z.looseObject({
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

export const PrPayload = z.looseObject({ ...Common, pull_request: PullRequest });
export type PrPayload = z.infer<typeof PrPayload>;

export const Team = z.looseObject({ slug: z.string() });
export const PrLabel = PrPayload.extend({ label: Named });
export const PrAssignee = PrPayload.extend({ assignee: Login.nullish() });
export const PrSync = PrPayload.extend({ before: z.string().nullish(), after: z.string().nullish() });
export const PrEdited = PrPayload.extend({ changes: z.record(z.string(), z.unknown()).nullish() });
export const PrReviewRequest = PrPayload.extend({
  requested_reviewer: Login.nullish(),
  requested_team: Team.nullish(),
});

export const ReviewPayload = PrPayload.extend({
  review: z.looseObject({
    id: Id,
    user: Login.nullish(),
    state: z.string(),
    submitted_at: z.string().nullish(),
  }),
});

export const CommentPayload = PrPayload.extend({
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

export const CheckPr = z.looseObject({
  number: Id,
  base: z.looseObject({ repo: z.looseObject({ id: Id }).nullish() }).nullish(),
});
export const CheckFields = {
  id: Id,
  head_sha: z.string(),
  conclusion: z.string().nullish(),
  pull_requests: z.array(CheckPr).nullish(),
};
/** Both check payloads, normalised to `check: { ..., name, branch, at }`. */
export const CHECKS = {
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

export const Paths = z.array(z.string()).nullish();
export const PushPayload = z.looseObject({
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
export type PushPayload = z.infer<typeof PushPayload>;

export const RepoList = z.array(Repo).nullish();
export const InstallationPayload = z.looseObject({
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
