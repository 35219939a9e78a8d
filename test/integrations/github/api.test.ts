/** Installs reads over octokit (src/integrations/github/api.ts) against the fake GitHub App. */
import { describe, expect, inject, it } from "vitest";
import {
  GitHubApiError,
  getInstallation,
  getUser,
  listInstallationRepos,
  listTeamMembers,
  listUserInstallations,
  MAX_PAGES,
} from "../../../src/integrations/github/api";
import { appJwt, githubAppConfig, installationToken } from "../../../src/integrations/github/app-auth";
import { fakeApi } from "../../helpers/fake-api";

const keys = inject("githubAppKeys");

/** A namespace playing the App with one installation of `repos` and the given teams and users. */
async function app(namespace: string, id: number, repos: string[], extra: Record<string, unknown> = {}) {
  const api = fakeApi(namespace);
  await api.githubApp({
    appId: 5150,
    publicKeyPem: keys.publicKeyPem,
    installations: [{ id, account: { login: "Acme", type: "Organization" }, repos }],
    ...extra,
  });
  const config = githubAppConfig({
    GITHUB_APP_ID: "5150",
    GITHUB_APP_PRIVATE_KEY: keys.privateKeyPem,
    GITHUB_APP_SLUG: "",
    GITHUB_API_URL: api.urls.GITHUB_API_URL,
  });
  if (config === null) throw new Error("expected a config");
  return { api, config, deps: { baseUrl: api.urls.GITHUB_API_URL } };
}

describe("installs reads", () => {
  it("getInstallation: the account and repository selection, with the App's JWT", async () => {
    const { config, deps } = await app("gh-api-installation", 81001, []);
    const jwt = await appJwt(config, Date.now());
    expect(await getInstallation(jwt, 81001, deps)).toEqual({
      id: 81001,
      account: { login: "Acme", type: "Organization" },
      repositorySelection: "selected",
      createdAt: expect.any(String),
    });
    await expect(getInstallation(jwt, 81999, deps)).rejects.toMatchObject({
      name: "GitHubApiError",
      status: 404,
    });
    await expect(getInstallation("not-a-jwt", 81001, deps)).rejects.toMatchObject({ status: 401 });
  });

  it("listInstallationRepos: every page, lower-case owner/repo", async () => {
    const repos = Array.from({ length: 230 }, (_, i) => `Acme/Repo-${i}`);
    const { api, config, deps } = await app("gh-api-repos", 81002, repos);
    const { token } = await installationToken(config, 81002, { now: Date.now });
    const names = await listInstallationRepos(token, deps);
    expect(names).toHaveLength(230);
    expect(names.slice(0, 2)).toEqual(["acme/repo-0", "acme/repo-1"]);
    const pages = await api.requests("/github/installation/repositories");
    expect(pages.map((r) => new URLSearchParams(r.query).get("page"))).toEqual(["1", "2", "3"]);
    expect(pages[0]?.headers.authorization).toBe(`Bearer ${token}`);
  });

  it("listInstallationRepos with an unknown token: 401, the token not in the message", async () => {
    const { deps } = await app("gh-api-repos-401", 81003, ["acme/web"]);
    const failure = await listInstallationRepos("ghs_unknown_token", deps).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(GitHubApiError);
    expect(failure).toMatchObject({ status: 401 });
    expect(String(failure)).not.toContain("ghs_unknown_token");
  });

  it("listTeamMembers: every page; an unknown team is a 404 (notFound)", async () => {
    const members = Array.from({ length: 120 }, (_, i) => `dev${i}`);
    const { api, deps } = await app("gh-api-team", 81004, [], { teams: { "acme/platform": members } });
    expect(await listTeamMembers("ghs_any", "acme", "platform", deps)).toEqual(members);
    expect(await api.requests("/github/orgs/acme/teams/platform/members")).toHaveLength(2);
    const missing = await listTeamMembers("ghs_any", "acme", "nobody", deps).catch((err: unknown) => err);
    expect(missing).toBeInstanceOf(GitHubApiError);
    expect(missing).toMatchObject({ status: 404, notFound: true });
  });

  it("getUser: the name and e-mail when public, null otherwise", async () => {
    const users = { octocat: { name: "The Octocat", email: "octo@example.com" } };
    const { deps } = await app("gh-api-user", 81005, [], { users });
    expect(await getUser("ghs_any", "octocat", deps)).toEqual({
      login: "octocat",
      name: "The Octocat",
      email: "octo@example.com",
    });
    expect(await getUser("ghs_any", "hubot", deps)).toEqual({ login: "hubot", name: null, email: null });
  });

  it("listUserInstallations: every page with the user's token, at most MAX_PAGES pages", async () => {
    const api = fakeApi("gh-api-user-installations");
    const page = (from: number, n: number) => ({
      body: { total_count: 101, installations: Array.from({ length: n }, (_, i) => ({ id: from + i })) },
    });
    await api.script("/github/user/installations", [page(1, 100), page(101, 1)]);
    const ids = await listUserInstallations("ghu_user_token", { baseUrl: api.urls.GITHUB_API_URL });
    expect(ids).toHaveLength(101);
    expect(ids.at(-1)).toBe(101);
    const requests = await api.requests("/github/user/installations");
    expect(requests[0]?.headers.authorization).toBe("Bearer ghu_user_token");

    const endless = fakeApi("gh-api-user-installations-endless");
    await endless.script("/github/user/installations", [page(1, 100)], { persist: true });
    const bounded = await listUserInstallations("ghu_user_token", { baseUrl: endless.urls.GITHUB_API_URL });
    expect(bounded).toHaveLength(100 * MAX_PAGES);
    expect(await endless.requests("/github/user/installations")).toHaveLength(MAX_PAGES);
  });

  it("an answer that is not as documented is a GitHubApiError", async () => {
    const api = fakeApi("gh-api-odd");
    await api.script("/github/users/", [{ body: { id: 1 } }]);
    await expect(getUser("t0ken", "octocat", { baseUrl: api.urls.GITHUB_API_URL })).rejects.toBeInstanceOf(
      GitHubApiError,
    );
  });
});
