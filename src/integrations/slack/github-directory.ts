/**
 * `team import`'s GitHub reads for one tenant (./directory-reads.ts; here, in the chat adapter, because
 * only chat adapters may use the commands' error classes): with the
 * token of the tenant's GitHub App installation on the team's organisation (minted from the App's
 * key), else the deployment's GITHUB_TOKEN (self-hosting). Members through `GET /orgs/{org}/teams/
 * {team}/members`, each account's public e-mail through `GET /users/{login}`.
 *
 * SAML identities (GitHub's GraphQL `samlIdentityProvider`) are not read: an account without a public
 * e-mail is listed as unmatched, to be matched by hand.
 */

import { DirectoryReadError, TeamNotFoundError } from "../../commands/directory-errors";
import { outbox } from "../../delivery/stub";
import type { Env } from "../../env";
import { defaultFetch } from "../../platform/http-client";
import { GitHubApiError, getUser, listTeamMembers } from "../github/api";
import { githubAppConfig, installationToken } from "../github/app-auth";
import { DEFAULT_GITHUB_API_URL } from "../github/client";
import type { GithubDirectory } from "./directory-reads";

/** The token that reads `org`: the tenant's installation on it, else the deployment's token. */
async function tokenFor(env: Env, tenant: string, org: string): Promise<string> {
  const config = githubAppConfig(env);
  if (config) {
    const credentials = await outbox(env, tenant).credentials();
    const installation = credentials.find(
      (c) =>
        c.platform === "github" &&
        c.revokedAt === null &&
        String(c.details.account ?? "").toLowerCase() === org.toLowerCase(),
    );
    if (installation) {
      return (
        await installationToken(config, Number(installation.account), { fetch: defaultFetch, now: Date.now })
      ).token;
    }
  }
  const token = env.GITHUB_TOKEN?.trim();
  if (token) return token;
  throw new DirectoryReadError(
    "github",
    config
      ? `Foreman's GitHub App is not installed on ${org}: connect it in /foreman setup first`
      : "Foreman has no GitHub access on this deployment (GITHUB_TOKEN or a GitHub App)",
  );
}

export function tenantGitHubDirectory(env: Env, tenant: string): GithubDirectory {
  const deps = { baseUrl: env.GITHUB_API_URL?.trim() || DEFAULT_GITHUB_API_URL, fetch: defaultFetch };
  let current: Promise<string> | null = null;
  return {
    async listTeamMembers(org, team) {
      current = tokenFor(env, tenant, org);
      try {
        return await listTeamMembers(await current, org, team, deps);
      } catch (err) {
        if (err instanceof GitHubApiError && err.notFound) throw new TeamNotFoundError(org, team);
        if (err instanceof GitHubApiError) throw new DirectoryReadError("github", err.message);
        throw err;
      }
    },
    async getUser(login) {
      if (current === null) throw new DirectoryReadError("github", "no organisation read yet");
      try {
        return await getUser(await current, login, deps);
      } catch (err) {
        if (err instanceof GitHubApiError) throw new DirectoryReadError("github", err.message);
        throw err;
      }
    },
  };
}
