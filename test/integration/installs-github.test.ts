/**
 * A GitHub App installation connected to a tenant (issue 18): the connect link and the setup URL,
 * GitHub's answer about the installation (the App's JWT, verified by the fake with the App's public
 * key), the repositories it covers, deliveries routed by installation id to that tenant alone, review
 * requests sent through @octokit/rest with the installation's own token, a repository no installation
 * covers refused without a call, and an uninstalled installation stopping at once.
 */
import { env, exports } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import { outbox } from "../../src/delivery/stub";
import type { Env } from "../../src/env";
import { forgetInstallationToken } from "../../src/integrations/github/app-auth";
import { signGitHub } from "../../src/integrations/github/verify";
import { slackDirectoryReads } from "../../src/integrations/slack/directory-reads";
import { tenantGitHubDirectory } from "../../src/integrations/slack/github-directory";
import { directory } from "../../src/tenants/stub";
import { chatContext, run, shown, slack } from "../commands/helpers";
import { delivery, recordingQueue, runQueue } from "../delivery/support";
import { fakeApi } from "../helpers/fake-api";
import type { FakeGitHubAppSetup } from "../helpers/fake-github-app";
import { setPath } from "../helpers/payloads";
import { waitFor } from "../helpers/wait";
import { prPayload } from "../reliability/review-setup";
import { ADMIN, call, ORIGIN } from "./installs-support";

const keys = inject("githubAppKeys");
const APP_ID = "424242";

async function setup(
  namespace: string,
  installations: { id: number; login: string; repos: string[]; createdAt?: string }[],
  directory: Pick<FakeGitHubAppSetup, "teams" | "users"> = {},
) {
  const api = fakeApi(namespace);
  await api.githubApp({
    ...directory,
    appId: APP_ID,
    publicKeyPem: keys.publicKeyPem,
    installations: installations.map((i) => ({
      id: i.id,
      account: { login: i.login, type: "Organization" },
      repos: i.repos,
      ...(i.createdAt ? { createdAt: i.createdAt } : {}),
    })),
  });
  for (const i of installations) forgetInstallationToken(i.id);
  const { queue, sent } = recordingQueue();
  const e: Env = api.env(env, {
    tokens: false,
    extra: {
      GITHUB_APP_ID: APP_ID,
      GITHUB_APP_PRIVATE_KEY: keys.privateKeyPem,
      GITHUB_APP_SLUG: "foreman-test",
      OUTBOUND: queue,
    },
  });
  return { api, e, sent };
}

/** The admin's connect link, followed to GitHub and back through the setup URL. */
async function connect(e: Env, tenant: string, installationId: number): Promise<Response> {
  const link = await call(e, `/api/tenants/${tenant}/connect/github`, { method: "POST", headers: ADMIN });
  expect(link.status).toBe(201);
  const { url } = (await link.json()) as { url: string };
  const toGitHub = await call(e, url);
  expect(toGitHub.status).toBe(302);
  const location = new URL(toGitHub.headers.get("Location") ?? "");
  expect(location.origin + location.pathname).toBe("https://github.com/apps/foreman-test/installations/new");
  const state = location.searchParams.get("state");
  return call(e, `/github/setup?installation_id=${installationId}&setup_action=install&state=${state}`);
}

async function webhook(e: Env, payload: unknown, event: string): Promise<Response> {
  const body = JSON.stringify(payload);
  return call(e, "/api/webhooks/github", {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-GitHub-Event": event,
      "X-GitHub-Delivery": crypto.randomUUID(),
      "X-Hub-Signature-256": await signGitHub(body, "test-github-secret"),
    },
    body,
  });
}

describe("GitHub App installations", () => {
  it("reaches the Worker (not the dashboard's assets) at every install path", async () => {
    for (const path of [
      "/github/install",
      "/github/setup",
      "/linear/install",
      "/linear/oauth_redirect",
      "/slack/install",
      "/discord/install",
    ]) {
      const res = await exports.default.fetch(new Request(ORIGIN + path, { redirect: "manual" }));
      expect(res.headers.get("Content-Type"), path).toContain("text/html");
      expect([400, 503], path).toContain(res.status);
    }
  });

  it("binds an installation through the setup URL with the repositories it covers", async () => {
    const { e } = await setup("gh-setup", [{ id: 7101, login: "acme", repos: ["acme/api", "acme/web"] }]);
    const res = await connect(e, "gh-acme", 7101);
    const text = await res.text();
    expect(res.status, text).toBe(200);
    expect(text).toContain("2 repositories of acme");
    const installation = await directory(e).installation("github", "7101");
    expect(installation?.tenant).toBe("gh-acme");
    const box = outbox(e, "gh-acme");
    expect((await box.credentialFor("github", "acme/api")).state).toBe("active");
    expect(await box.credentialFor("github", "acme/other")).toEqual({
      state: "uncovered",
      repo: "acme/other",
    });
    expect(await box.coveredRepos("", 10)).toEqual(["acme/api", "acme/web"]);
  });

  it("refuses a forged state, another tenant's installation, and an old one GitHub did not vouch for", async () => {
    const old = new Date(Date.now() - 3 * 86_400_000).toISOString();
    const { e } = await setup("gh-refuse", [
      { id: 7201, login: "first", repos: ["first/a"] },
      { id: 7202, login: "old", repos: ["old/a"], createdAt: old },
    ]);
    const forged = await call(
      e,
      `/github/setup?installation_id=7201&setup_action=install&state=${"C".repeat(43)}`,
    );
    expect(forged.status).toBe(400);
    expect(await directory(e).installation("github", "7201")).toBeNull();

    expect((await connect(e, "gh-first", 7201)).status).toBe(200);
    const taken = await connect(e, "gh-second", 7201);
    expect(taken.status).toBe(409);
    expect((await directory(e).installation("github", "7201"))?.tenant).toBe("gh-first");

    const stale = await connect(e, "gh-second", 7202);
    expect(stale.status).toBe(403);
    expect(await directory(e).installation("github", "7202")).toBeNull();

    const unknown = await connect(e, "gh-second", 7299);
    expect(unknown.status).toBe(404);
  });

  it("routes deliveries by installation to its tenant only, and sends with that installation's token", async () => {
    const ctx = await setup("gh-route", [
      { id: 7301, login: "acme", repos: ["acme/api"] },
      { id: 7302, login: "beta", repos: ["beta/app"] },
    ]);
    const { e } = ctx;
    expect((await connect(e, "gh-route-a", 7301)).status).toBe(200);
    expect((await connect(e, "gh-route-b", 7302)).status).toBe(200);
    for (const [tenant, repo] of [
      ["gh-route-a", "acme/api"],
      ["gh-route-b", "beta/app"],
    ] as const) {
      const c = chatContext(tenant, { actor: slack("U0ADMIN", "admin"), env: e });
      expect(shown(await run("team add <@U0ALICE|alice> github:alice", c))).not.toContain("error");
      expect(shown(await run("team add <@U0BOB|bob> github:bob", c))).not.toContain("error");
      const linked = await run(`link github ${repo}`, c);
      expect(linked.tone, shown(linked)).not.toBe("error");
      // The App delivers the events: no webhook (and no secret) to set up.
      expect(shown(linked)).toContain("come through the GitHub App's installation on");
      expect(shown(linked)).not.toContain("fmwh_");
    }

    // A pull request of installation 7301 reaches gh-route-a, never gh-route-b.
    const pr = setPath(
      setPath(prPayload("acme/api", 11), "installation", { id: 7301 }),
      "pull_request.title",
      "Acme only",
    );
    const res = await webhook(e, pr, "pull_request");
    expect(res.status, await res.clone().text()).toBe(200);
    expect(((await res.json()) as { tenants: number }).tenants).toBe(1);
    // The same repository named under the other installation reaches nobody: it is not linked there.
    const crossed = setPath(
      setPath(prPayload("acme/api", 12), "installation", { id: 7302 }),
      "pull_request.title",
      "Crossed",
    );
    const crossedRes = await webhook(e, crossed, "pull_request");
    expect(crossedRes.status).toBe(202);
    // An installation connected to no tenant reaches nobody.
    const stranger = setPath(prPayload("acme/api", 13), "installation", { id: 7399 });
    expect((await webhook(e, stranger, "pull_request")).status).toBe(202);

    // Review requests go to GitHub with installation 7301's token, through octokit.
    const request = {
      tenant: "gh-route-a",
      platform: "github" as const,
      action: "pulls.requestReviewers",
      body: { owner: "acme", repo: "api", pull_number: 11, reviewers: ["bob"] },
    };
    await runQueue(e, [{ body: delivery(request) }]);
    const sentToGitHub = await ctx.api.requests("/github/repos/acme/api/pulls/11/requested_reviewers");
    expect(sentToGitHub).toHaveLength(1);
    expect(sentToGitHub[0]?.headers.authorization).toMatch(/^(?:Bearer|token) ghs_7301_\d+$/);
    expect(sentToGitHub[0]?.headers["user-agent"]).toContain("foreman-bot");

    // A repository none of the tenant's installations covers: refused, no call.
    const uncovered = delivery({ ...request, body: { ...request.body, repo: "secret" } });
    await runQueue(e, [{ body: uncovered }]);
    expect(await ctx.api.requests("/github/repos/acme/secret")).toHaveLength(0);
    const dead = await outbox(e, "gh-route-a").listDeadLetters(10);
    expect(dead.map((d) => d.lastError).join(" ")).toContain("covers acme/secret");

    // Uninstalled on GitHub: the installation's deliveries stop at once.
    const deleted = {
      action: "deleted",
      installation: { id: 7301, account: { login: "acme" }, repository_selection: "selected" },
      repositories: [{ full_name: "acme/api", name: "api", id: 1, private: false }],
      sender: { login: "acme-owner" },
    };
    expect((await webhook(e, deleted, "installation")).status).toBeLessThan(300);
    expect((await directory(e).installation("github", "7301"))?.revokedAt).not.toBeNull();
    const before = (await ctx.api.requests("/github/repos/")).length;
    await runQueue(e, [{ body: delivery(request) }]);
    expect(await ctx.api.requests("/github/repos/")).toHaveLength(before);
    expect((await webhook(e, pr, "pull_request")).status).toBe(202);
  });

  it("keeps the covered repositories in step with installation_repositories", async () => {
    const { e } = await setup("gh-repos", [{ id: 7401, login: "acme", repos: ["acme/one"] }]);
    expect((await connect(e, "gh-repos", 7401)).status).toBe(200);
    const changed = {
      action: "added",
      installation: { id: 7401, account: { login: "acme" }, repository_selection: "selected" },
      repository_selection: "selected",
      repositories_added: [{ full_name: "acme/two", name: "two", id: 2, private: false }],
      repositories_removed: [{ full_name: "acme/one", name: "one", id: 1, private: false }],
      sender: { login: "acme-owner" },
    };
    expect((await webhook(e, changed, "installation_repositories")).status).toBeLessThan(300);
    await waitFor(async () => expect(await outbox(e, "gh-repos").coveredRepos("", 10)).toEqual(["acme/two"]));
  });

  it("imports a team through the installation on its organisation, matching people by e-mail", async () => {
    const ctx = await setup("gh-import", [{ id: 7501, login: "acme", repos: ["acme/api"] }], {
      teams: { "acme/backend": ["alice", "bob", "carl"] },
      users: {
        alice: { email: "alice@acme.test" },
        bob: { email: "bob@elsewhere.test" },
        carl: { email: null },
      },
    });
    const e = { ...ctx.e, SLACK_BOT_TOKEN: "xoxb-import-token" };
    expect((await connect(e, "gh-import", 7501)).status).toBe(200);
    await ctx.api.script("/slack/api/users.lookupByEmail", [
      { body: { ok: true, user: { id: "U0ALICE7", tz: "Europe/Berlin" } } },
      { body: { ok: false, error: "users_not_found" } },
    ]);
    await ctx.api.script("/slack/api/users.info", [
      { body: { ok: true, user: { id: "U0ALICE7", tz: "Europe/Berlin" } } },
    ]);
    const reads = slackDirectoryReads(e, "gh-import", tenantGitHubDirectory(e, "gh-import"));
    const c = {
      ...chatContext("gh-import", { actor: slack("U0ADMIN", "admin"), env: e }),
      directoryReads: reads,
    };
    const text = shown(await run("team import github:acme/backend", c));
    expect(text).toContain("1 added");
    expect(text).toContain("2 not matched");
    expect(text).toContain("carl");
    const members = await ctx.api.requests("/github/orgs/acme/teams/backend/members");
    expect(members[0]?.headers.authorization).toMatch(/ghs_7501_\d+$/);
    // Alice's page shows what was filled in for her, and where it came from.
    const alice = chatContext("gh-import", { actor: slack("U0ALICE7", "alice"), env: e });
    const page = shown(await run("me", alice));
    expect(page).toContain("Filled in for you");
    expect(page).toContain("Europe/Berlin");
    expect(shown(await run("me zone Europe/Paris", alice))).toContain("Time zone changed");
    expect(shown(await run("me", alice))).not.toContain("Filled in for you");
    const missing = shown(await run("team import github:acme/nope", c));
    expect(missing).toContain("not found");
  });
});
