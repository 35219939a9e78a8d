import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { unmarked } from "../../../src/chat/markup";
import type { GithubAccount } from "../../../src/commands/context";
import { TeamNotFoundError } from "../../../src/commands/directory-errors";
import type { Env } from "../../../src/env";
import { type GithubDirectory, slackDirectoryReads } from "../../../src/integrations/slack/directory-reads";
import { chatContext, discord, run, shown } from "../../commands/helpers";
import { fakeApi } from "../../helpers/fake-api";

/** GitHub reads over plain fetch against the fake (the deployment wires the real client here). */
function githubOverFetch(e: Env): GithubDirectory {
  const base = e.GITHUB_API_URL ?? "";
  return {
    async listTeamMembers(org, team) {
      const res = await fetch(`${base}/orgs/${org}/teams/${team}/members`);
      if (res.status === 404) throw new TeamNotFoundError(org, team);
      return ((await res.json()) as { login: string }[]).map((m) => m.login);
    },
    async getUser(login) {
      const res = await fetch(`${base}/users/${login}`);
      const body = (await res.json()) as { login: string; name?: string | null; email?: string | null };
      const account: GithubAccount = {
        login: body.login,
        name: body.name ?? null,
        email: body.email ?? null,
      };
      return account;
    },
  };
}

const found = (id: string, tz: string) => ({ body: { ok: true, user: { id, tz, name: id.toLowerCase() } } });
const notFound = { body: { ok: false, error: "users_not_found" } };

describe("team import github:<org>/<team>", () => {
  it("adds members whose public email matches a Slack user, with their zone; lists the rest with Add buttons; twice adds nobody twice", async () => {
    const api = fakeApi("team-import");
    await api.reset();
    const e = api.env(env);
    const tenant = "team-import";
    const ctx = {
      ...chatContext(tenant, { env: e }),
      directoryReads: slackDirectoryReads(e, tenant, githubOverFetch(e)),
    };
    await api.script("/github/orgs/acme/teams/backend/members", [
      { body: [{ login: "alice" }, { login: "bob" }, { login: "carl" }] },
      { body: [{ login: "alice" }, { login: "bob" }, { login: "carl" }] },
    ]);
    await api.script("/github/users/alice", [
      { body: { login: "alice", name: "Alice", email: "alice@acme.test" } },
    ]);
    await api.script("/github/users/bob", [
      { body: { login: "bob", name: "Bob", email: "bob@elsewhere.test" } },
      { body: { login: "bob", name: "Bob", email: "bob@elsewhere.test" } },
    ]);
    await api.script("/github/users/carl", [
      { body: { login: "carl", name: null, email: null } },
      { body: { login: "carl", name: null, email: null } },
    ]);
    await api.script("/slack/api/users.lookupByEmail", [
      found("U0ALICE1", "America/New_York"),
      notFound,
      notFound,
    ]);
    await api.script("/slack/api/users.info", [found("U0ALICE1", "Europe/Berlin")]);

    const first = await run("team import github:acme/backend", ctx);
    expect(unmarked(first.text)).toBe(
      "Imported `github:acme/backend`: 1 added, 0 already on the team, 2 not matched.",
    );
    const text = unmarked(shown(first));
    expect(text).toContain("`alice` · Europe/Berlin");
    expect(text).toContain("`bob` — no Slack user with their public email");
    expect(text).toContain("`carl` — no public email on GitHub");
    expect(first.buttons.map((b) => b.action)).toStrictEqual(["fm1:team.form:bob", "fm1:team.form:carl"]);

    const lookups = await api.requests("/slack/api/users.lookupByEmail");
    expect(lookups.map((r) => new URLSearchParams(r.query).get("email"))).toStrictEqual([
      "alice@acme.test",
      "bob@elsewhere.test",
    ]);
    expect(lookups[0]?.headers.authorization).toBe("Bearer xoxb-test-token");

    const team = unmarked(shown(await run("team list", ctx)));
    expect(team).toContain("`alice` · Europe/Berlin");
    expect(team).toContain("1 team member");

    const second = await run("team import github:acme/backend", ctx);
    expect(unmarked(second.text)).toBe(
      "Imported `github:acme/backend`: 0 added, 1 already on the team, 2 not matched.",
    );
    expect(unmarked(shown(await run("team list", ctx)))).toContain("1 team member");
    // Alice was not looked up again.
    expect(await api.requests("/slack/api/users.lookupByEmail")).toHaveLength(3);
  });

  it("a team GitHub does not know gets a clear answer", async () => {
    const api = fakeApi("team-import-404");
    await api.reset();
    const e = api.env(env);
    const ctx = {
      ...chatContext("team-import-404", { env: e }),
      directoryReads: slackDirectoryReads(e, "team-import-404", githubOverFetch(e)),
    };
    await api.script("/github/orgs/acme/teams/nope/members", [
      { status: 404, body: { message: "Not Found" } },
    ]);
    const answer = await run("team import github:acme/nope", ctx);
    expect(answer.tone).toBe("error");
    expect(unmarked(answer.text)).toBe("GitHub team `github:acme/nope` was not found.");
  });

  it("without directory reads (and on Discord) says how to add people instead", async () => {
    const slackAnswer = await run("team import github:acme/backend", chatContext("team-import-none"));
    expect(unmarked(shown(slackAnswer))).toContain(
      "`/foreman team add @person github:login [--tz Europe/Berlin]`",
    );
    const onDiscord = await run(
      "team import github:acme/backend",
      chatContext("team-import-dc", { actor: discord("123456789012345678") }),
    );
    expect(unmarked(onDiscord.text)).toContain("Discord does not give Foreman its members' emails");
  });
});
