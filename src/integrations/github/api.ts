/**
 * Reads from GitHub for installs, through `@octokit/rest` (`githubOctokit`: the injected fetch, a
 * timeout per request, no retries), with a given token: an installation token, `GITHUB_TOKEN`, a
 * user's OAuth token, or the App's JWT where GitHub asks for it. Lists are read to the end, at most
 * `MAX_PAGES` pages of 100. Answers are checked with zod; failures are `GitHubApiError`.
 */

import { z } from "zod";
import { errorText } from "../../platform/errors";
import { type FetchFn, scrub, truncate } from "../../platform/http-client";
import { githubOctokit, isOctokitFailure } from "./client";

/** Where and how to reach GitHub (`GITHUB_API_URL`; the fetch is injected in tests). */
export interface GitHubApiDeps {
  baseUrl?: string | undefined;
  fetch?: FetchFn | undefined;
}

/** GitHub answered with an error (`status`: 401, 403, 404, ...), or did not answer (`status` null). */
export class GitHubApiError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = "GitHubApiError";
  }

  /** 404: the installation, team, user ... does not exist (or the token may not see it). */
  get notFound(): boolean {
    return this.status === 404;
  }
}

export const MAX_PAGES = 100;
const PER_PAGE = 100;

export interface GitHubInstallation {
  id: number;
  account: { login: string; type: string };
  /** "all" or "selected" repositories. */
  repositorySelection: string;
  /** When it was installed (ISO), if GitHub said. */
  createdAt: string | null;
}

export interface GitHubUser {
  login: string;
  name: string | null;
  email: string | null;
}

const InstallationSchema = z.object({
  id: z.number().int(),
  account: z.object({ login: z.string(), type: z.string() }).nullable(),
  repository_selection: z.string(),
  created_at: z.string().nullish(),
});
const ReposPageSchema = z.object({
  total_count: z.number().optional(),
  repositories: z.array(z.object({ full_name: z.string() })),
});
const LoginsSchema = z.array(z.object({ login: z.string() }));
const UserSchema = z.object({
  login: z.string(),
  name: z.string().nullable().optional(),
  email: z.string().nullable().optional(),
});
const UserInstallationsPageSchema = z.object({
  total_count: z.number().optional(),
  installations: z.array(z.object({ id: z.number().int() })),
});

/** GET /app/installations/{id}, authenticated as the App (its JWT, `appJwt`). */
export async function getInstallation(
  appJwt: string,
  installationId: number,
  deps: GitHubApiDeps = {},
): Promise<GitHubInstallation> {
  const octokit = githubOctokit({ ...deps, token: appJwt });
  const what = `installation ${installationId}`;
  const data = await read(what, [appJwt], () =>
    octokit.rest.apps.getInstallation({ installation_id: installationId }),
  );
  const parsed = parse(InstallationSchema, data, what);
  if (parsed.account === null) throw new GitHubApiError(`installation ${installationId} has no account`, 200);
  return {
    id: parsed.id,
    account: { login: parsed.account.login, type: parsed.account.type },
    repositorySelection: parsed.repository_selection,
    createdAt: parsed.created_at ?? null,
  };
}

/** GET /installation/repositories, every page: the installation's repositories as lower-case `owner/repo`. */
export async function listInstallationRepos(token: string, deps: GitHubApiDeps = {}): Promise<string[]> {
  const octokit = githubOctokit({ ...deps, token });
  const what = "the installation's repositories";
  const repos = await everyPage(
    what,
    [token],
    (page) => octokit.rest.apps.listReposAccessibleToInstallation({ per_page: PER_PAGE, page }),
    (data) => parse(ReposPageSchema, data, what).repositories,
  );
  return repos.map((repo) => repo.full_name.toLowerCase());
}

/** GET /orgs/{org}/teams/{team_slug}/members, every page: the members' logins. 404: no such team. */
export async function listTeamMembers(
  token: string,
  org: string,
  teamSlug: string,
  deps: GitHubApiDeps = {},
): Promise<string[]> {
  const octokit = githubOctokit({ ...deps, token });
  const what = `team ${org}/${teamSlug}`;
  const members = await everyPage(
    what,
    [token],
    (page) => octokit.rest.teams.listMembersInOrg({ org, team_slug: teamSlug, per_page: PER_PAGE, page }),
    (data) => parse(LoginsSchema, data, what),
  );
  return members.map((m) => m.login);
}

/** GET /users/{login}: the login as GitHub spells it, and the public name and e-mail (null when unset). */
export async function getUser(token: string, login: string, deps: GitHubApiDeps = {}): Promise<GitHubUser> {
  const octokit = githubOctokit({ ...deps, token });
  const data = await read(`user ${login}`, [token], () =>
    octokit.rest.users.getByUsername({ username: login }),
  );
  const user = parse(UserSchema, data, `user ${login}`);
  return { login: user.login, name: user.name ?? null, email: user.email ?? null };
}

/** GET /user/installations, every page, with a user's OAuth token: the installations they can reach. */
export async function listUserInstallations(userToken: string, deps: GitHubApiDeps = {}): Promise<number[]> {
  const octokit = githubOctokit({ ...deps, token: userToken });
  const what = "the user's installations";
  const installations = await everyPage(
    what,
    [userToken],
    (page) => octokit.rest.apps.listInstallationsForAuthenticatedUser({ per_page: PER_PAGE, page }),
    (data) => parse(UserInstallationsPageSchema, data, what).installations,
  );
  return installations.map((i) => i.id);
}

/** Runs one octokit call and gives its data; a failure becomes a `GitHubApiError` (never with a token in the text). */
export async function read<T>(what: string, secrets: string[], call: () => Promise<{ data: T }>): Promise<T> {
  try {
    return (await call()).data;
  } catch (err) {
    throw toGitHubApiError(err, what, secrets);
  }
}

/** A list read page by page (`PER_PAGE` each) until a short page, at most `MAX_PAGES` pages. */
async function everyPage<T>(
  what: string,
  secrets: string[],
  page: (n: number) => Promise<{ data: unknown }>,
  itemsOf: (data: unknown) => T[],
): Promise<T[]> {
  const all: T[] = [];
  for (let n = 1; n <= MAX_PAGES; n++) {
    const items = itemsOf(await read(what, secrets, () => page(n)));
    all.push(...items);
    if (items.length < PER_PAGE) break;
  }
  return all;
}

function toGitHubApiError(err: unknown, what: string, secrets: string[]): GitHubApiError {
  const redact = (text: string) => truncate(scrub(text, secrets));
  if (isOctokitFailure(err) && err.response !== undefined) {
    const status = err.response.status;
    return new GitHubApiError(redact(`GitHub answered ${status} reading ${what}: ${err.message}`), status);
  }
  return new GitHubApiError(redact(`GitHub could not be reached reading ${what} (${errorText(err)})`), null);
}

function parse<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
  const result = schema.safeParse(data);
  if (!result.success) throw new GitHubApiError(`GitHub's answer for ${what} was not as documented`, 200);
  return result.data;
}
