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
  const data = await read(`installation ${installationId}`, [appJwt], async () => {
    const res = await octokit.rest.apps.getInstallation({ installation_id: installationId });
    return res.data;
  });
  const parsed = parse(InstallationSchema, data, `installation ${installationId}`);
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
  const names: string[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const data = await read("the installation's repositories", [token], async () => {
      const res = await octokit.rest.apps.listReposAccessibleToInstallation({ per_page: PER_PAGE, page });
      return res.data;
    });
    const { repositories } = parse(ReposPageSchema, data, "the installation's repositories");
    for (const repo of repositories) names.push(repo.full_name.toLowerCase());
    if (repositories.length < PER_PAGE) break;
  }
  return names;
}

/** GET /orgs/{org}/teams/{team_slug}/members, every page: the members' logins. 404: no such team. */
export async function listTeamMembers(
  token: string,
  org: string,
  teamSlug: string,
  deps: GitHubApiDeps = {},
): Promise<string[]> {
  const octokit = githubOctokit({ ...deps, token });
  const logins: string[] = [];
  const what = `team ${org}/${teamSlug}`;
  for (let page = 1; page <= MAX_PAGES; page++) {
    const data = await read(what, [token], async () => {
      const res = await octokit.rest.teams.listMembersInOrg({
        org,
        team_slug: teamSlug,
        per_page: PER_PAGE,
        page,
      });
      return res.data;
    });
    const members = parse(LoginsSchema, data, what);
    for (const m of members) logins.push(m.login);
    if (members.length < PER_PAGE) break;
  }
  return logins;
}

/** GET /users/{login}: the login as GitHub spells it, and the public name and e-mail (null when unset). */
export async function getUser(token: string, login: string, deps: GitHubApiDeps = {}): Promise<GitHubUser> {
  const octokit = githubOctokit({ ...deps, token });
  const data = await read(`user ${login}`, [token], async () => {
    const res = await octokit.rest.users.getByUsername({ username: login });
    return res.data;
  });
  const user = parse(UserSchema, data, `user ${login}`);
  return { login: user.login, name: user.name ?? null, email: user.email ?? null };
}

/** GET /user/installations, every page, with a user's OAuth token: the installations they can reach. */
export async function listUserInstallations(userToken: string, deps: GitHubApiDeps = {}): Promise<number[]> {
  const octokit = githubOctokit({ ...deps, token: userToken });
  const ids: number[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const data = await read("the user's installations", [userToken], async () => {
      const res = await octokit.rest.apps.listInstallationsForAuthenticatedUser({ per_page: PER_PAGE, page });
      return res.data;
    });
    const { installations } = parse(UserInstallationsPageSchema, data, "the user's installations");
    for (const i of installations) ids.push(i.id);
    if (installations.length < PER_PAGE) break;
  }
  return ids;
}

/** Runs one octokit call; its failure becomes a `GitHubApiError` (never with a token in the text). */
export async function read<T>(what: string, secrets: string[], call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toGitHubApiError(err, what, secrets);
  }
}

export function toGitHubApiError(err: unknown, what: string, secrets: string[]): GitHubApiError {
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
