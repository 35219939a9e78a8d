/**
 * Pushes in the Review Manager (src/agents/review-manager/policy-files.ts, docs/policies.md "Policy as
 * code"): a `.foreman.yml` pushed to the default branch is read through the (fake) GitHub API at the
 * pushed commit, validated and stored as a new version of `repo-<owner>-<name>`; an invalid file
 * changes nothing and is reported by line and field to the linked channels and as a failing commit
 * status; without a token GitHub is never called and the channels are told the file was not read.
 * Pushes to other branches record the paths they touched (a PR's changed files without GitHub), and a
 * deleted branch forgets them.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Work } from "../../../src/agents/review-manager/context";
import type { Effect } from "../../../src/agents/review-manager/effects";
import {
  applyPolicyFile,
  type FileOutcome,
  type Push,
  pushOf,
  reportPolicyFile,
} from "../../../src/agents/review-manager/policy-files";
import type { ChannelRef } from "../../../src/chat/platform";
import type { DeliveryMessage } from "../../../src/delivery/types";
import type { Env } from "../../../src/env";
import type { DomainEvent } from "../../../src/events/types";
import { unwrap } from "../../../src/platform/errors";
import { settings } from "../../../src/settings/stub";
import { type FakeApi, fakeApi, TEST_TOKENS } from "../../helpers/fake-api";
import { stickySeam } from "../../helpers/seams";
import {
  CHANNEL,
  deliver,
  type Harness,
  postText,
  prEvent,
  REPO,
  reviewManager,
  setupTenant,
  slackPosts,
  storePolicy,
} from "./support";

const POLICY_ID = "repo-acme-widgets";
const CONTENTS = `/github/repos/${REPO}/contents/.foreman.yml`;

const VALID = `# acme/widgets reviews
rules:
  - name: migrations
    match: { paths: ["migrations/**"] }
    decide: { reviewers: 2, slaHours: 4 }
  - name: default
    decide: { reviewers: 1 }
`;
/** `reviewers: 20` on line 7: too many. */
const INVALID = VALID.replace("decide: { reviewers: 1 }", "decide: { reviewers: 20 }");

const sha = (c: string) => c.repeat(40);

function pushEvent(
  branch: string,
  files: Partial<{ added: string[]; modified: string[]; removed: string[] }>,
  options: { after?: string; deleted?: boolean; defaultBranch?: string } = {},
): DomainEvent {
  const deleted = options.deleted ?? false;
  return {
    kind: "repo.pushed",
    repo: { id: 1, fullName: REPO },
    installationId: null,
    sender: "octocat",
    at: new Date().toISOString(),
    ref: `refs/heads/${branch}`,
    branch,
    defaultBranch: options.defaultBranch ?? "main",
    before: sha("1"),
    after: deleted ? sha("0") : (options.after ?? sha("a")),
    deleted,
    files: { added: [], modified: [], removed: [], ...files },
  } as DomainEvent;
}

/** The push as the Review Manager reads it from `github.repo.pushed`. */
function push(...args: Parameters<typeof pushEvent>): Push {
  const parsed = pushOf("github.repo.pushed", pushEvent(...args));
  if (!parsed) throw new Error("not a push");
  return parsed;
}

const statuses = (sent: DeliveryMessage[]) =>
  sent.filter((d) => d.platform === "github" && d.action === "repos.createCommitStatus");

/** The harness' Review Manager reads GitHub through `fake` (with the test token) from now on. */
async function withGitHub(h: Harness, fake: FakeApi): Promise<void> {
  await stickySeam(h.stub, h.agentId, (instance) => {
    const agent = instance as { env: Env };
    if (agent.env.GITHUB_TOKEN !== TEST_TOKENS.GITHUB_TOKEN) agent.env = fake.env(agent.env);
  });
}

describe("applyPolicyFile", () => {
  it("reads a pushed .foreman.yml at the commit, stores it, keeps the last good version, adds no duplicate", async () => {
    const tenant = "t-pf-apply";
    const fake = fakeApi(tenant);
    const github = fake.env(env);
    const store = settings(env, tenant);

    await fake.script(CONTENTS, [{ body: VALID, headers: { "content-type": "text/plain" } }]);
    const applied = await applyPolicyFile(github, tenant, push("main", { added: [".foreman.yml"] }));
    expect(applied).toEqual({ kind: "applied", policyId: POLICY_ID, version: 1, added: true });
    const read = await fake.requests(CONTENTS);
    expect(read).toHaveLength(1);
    expect(read[0]?.method).toBe("GET");
    expect(read[0]?.query).toBe(`?ref=${sha("a")}`);
    expect(read[0]?.headers.authorization).toContain(TEST_TOKENS.GITHUB_TOKEN);
    const v1 = unwrap(await store.policyVersion(POLICY_ID));
    expect(v1).toMatchObject({
      policyId: POLICY_ID,
      version: 1,
      source: "file",
      sourceRef: `${REPO}@${sha("a").slice(0, 12)}`,
    });
    expect(v1.policy.rules.map((r) => r.name)).toEqual(["migrations", "default"]);
    // The repository's own policy decides its PRs; it is not the tenant's active policy.
    expect((await store.activePolicy()).policyId).toBe("default");

    // An invalid file changes nothing, and says where the problem is.
    await fake.script(CONTENTS, [{ body: INVALID }]);
    const invalid = await applyPolicyFile(
      github,
      tenant,
      push("main", { modified: [".foreman.yml"] }, { after: sha("b") }),
    );
    expect(invalid).toMatchObject({ kind: "invalid", policyId: POLICY_ID, activeVersion: 1 });
    if (invalid?.kind !== "invalid") throw new Error("expected invalid");
    expect(invalid.problems).toContain(".foreman.yml line 7, rules.1.decide.reviewers:");
    expect(unwrap(await store.policyVersion(POLICY_ID)).version).toBe(1);

    // The same valid file again: no new version.
    await fake.script(CONTENTS, [{ body: VALID }]);
    const same = await applyPolicyFile(
      github,
      tenant,
      push("main", { modified: [".foreman.yml", "README.md"] }, { after: sha("c") }),
    );
    expect(same).toEqual({ kind: "applied", policyId: POLICY_ID, version: 1, added: false });

    // A changed valid file: version 2.
    await fake.script(CONTENTS, [{ body: VALID.replace("slaHours: 4", "slaHours: 6") }]);
    const changed = await applyPolicyFile(
      github,
      tenant,
      push("main", { modified: [".foreman.yml"] }, { after: sha("d") }),
    );
    expect(changed).toEqual({ kind: "applied", policyId: POLICY_ID, version: 2, added: true });
    expect(unwrap(await store.policyVersion(POLICY_ID)).policy.rules[0]?.decide.slaHours).toBe(6);
    expect(await fake.requests(CONTENTS)).toHaveLength(4);
  });

  it("ignores pushes elsewhere, reports a removal, and a file GitHub cannot give", async () => {
    const tenant = "t-pf-other";
    const fake = fakeApi(tenant);
    const github = fake.env(env);
    // Another branch, a deleted default branch, a push not touching the file: nothing.
    expect(await applyPolicyFile(github, tenant, push("feature", { added: [".foreman.yml"] }))).toBeNull();
    expect(
      await applyPolicyFile(github, tenant, push("main", { added: [".foreman.yml"] }, { deleted: true })),
    ).toBeNull();
    expect(await applyPolicyFile(github, tenant, push("main", { modified: ["src/app.ts"] }))).toBeNull();
    // Only the root file counts.
    expect(await applyPolicyFile(github, tenant, push("main", { added: ["docs/.foreman.yml"] }))).toBeNull();
    expect(await fake.requests("/github/")).toEqual([]);

    // The file removed: reported, and nothing was in force.
    expect(await applyPolicyFile(github, tenant, push("main", { removed: [".foreman.yml"] }))).toEqual({
      kind: "removed",
      policyId: POLICY_ID,
      activeVersion: null,
    });
    expect(await fake.requests("/github/")).toEqual([]);

    // GitHub says it is not there (404): as removed. GitHub failing: not read, with why.
    await fake.script(CONTENTS, [{ status: 404, body: { message: "Not Found" } }]);
    expect(await applyPolicyFile(github, tenant, push("main", { added: [".foreman.yml"] }))).toMatchObject({
      kind: "removed",
    });
    await fake.script(CONTENTS, [{ status: 502, body: { message: "bad gateway" } }]);
    const failed = await applyPolicyFile(github, tenant, push("main", { added: [".foreman.yml"] }));
    expect(failed).toMatchObject({ kind: "unread", policyId: POLICY_ID, activeVersion: null });
    if (failed?.kind !== "unread") throw new Error("expected unread");
    expect(failed.why).toContain("502");
    expect((await settings(env, tenant).policyVersion(POLICY_ID)).ok).toBe(false);
  });

  it("the removal of a file in force reports the version that was in force", async () => {
    const tenant = "t-pf-removed";
    const fake = fakeApi(tenant);
    const github = fake.env(env);
    await fake.script(CONTENTS, [{ body: VALID }]);
    await applyPolicyFile(github, tenant, push("main", { added: [".foreman.yml"] }));
    expect(
      await applyPolicyFile(github, tenant, push("main", { removed: [".foreman.yml"] }, { after: sha("e") })),
    ).toEqual({ kind: "removed", policyId: POLICY_ID, activeVersion: 1 });
    // Removing the file does not delete the policy's versions.
    expect(unwrap(await settings(env, tenant).policyVersion(POLICY_ID)).version).toBe(1);
  });

  it("without a GitHub token the file is not read, and GitHub is never called", async () => {
    const tenant = "t-pf-token";
    const fake = fakeApi(tenant);
    await fake.script(CONTENTS, [{ body: VALID }]);
    // The test env has GITHUB_TOKEN "".
    expect(env.GITHUB_TOKEN).toBe("");
    const plain = await applyPolicyFile(env, tenant, push("main", { added: [".foreman.yml"] }));
    expect(plain).toMatchObject({ kind: "unread", policyId: POLICY_ID, activeVersion: null });
    if (plain?.kind !== "unread") throw new Error("expected unread");
    expect(plain.why).toContain("GITHUB_TOKEN");
    // Pointed at the fake but without tokens: still unread, and the fake saw nothing.
    const noTokens = fake.env(env, { tokens: false });
    const unread = await applyPolicyFile(noTokens, tenant, push("main", { added: [".foreman.yml"] }));
    expect(unread).toMatchObject({ kind: "unread" });
    const blank = await applyPolicyFile(
      { ...noTokens, GITHUB_TOKEN: "   " },
      tenant,
      push("main", { added: [".foreman.yml"] }),
    );
    expect(blank).toMatchObject({ kind: "unread" });
    expect(await fake.requests()).toEqual([]);
    expect((await settings(env, tenant).policyVersion(POLICY_ID)).ok).toBe(false);
  });
});

describe("reportPolicyFile", () => {
  const OTHER: ChannelRef = { platform: "discord", workspaceId: "112233445566778899", channelId: "998877" };

  function report(outcome: FileOutcome, channels: ChannelRef[], pushed = push("main", {})) {
    const effects: Effect[] = [];
    const logs: string[] = [];
    const work = {
      emit: (e: Effect) => effects.push(e),
      log: (m: string) => logs.push(m),
    } as unknown as Work;
    reportPolicyFile(work, pushed, outcome, channels);
    return { effects, logs };
  }

  it("an invalid file: a failing commit status, and each linked channel told the line and field", () => {
    const problems = ".foreman.yml line 7, rules.1.decide.reviewers: Too big: expected number to be <=10";
    const { effects, logs } = report(
      { kind: "invalid", policyId: POLICY_ID, activeVersion: 3, problems },
      [CHANNEL, OTHER],
      push("main", { modified: [".foreman.yml"] }, { after: sha("f") }),
    );
    const status = effects.filter((e) => e.kind === "github");
    expect(status).toEqual([
      {
        kind: "github",
        action: "repos.createCommitStatus",
        body: {
          owner: "acme",
          repo: "widgets",
          sha: sha("f"),
          state: "failure",
          context: "foreman/policy",
          description: expect.stringContaining(".foreman.yml is not valid: .foreman.yml line 7"),
        },
        key: expect.any(String),
      },
    ]);
    const body = status[0]?.kind === "github" ? status[0].body : {};
    expect(String(body.description).length).toBeLessThanOrEqual(140);
    const posts = effects.filter((e) => e.kind === "channel");
    expect(posts.map((p) => p.kind === "channel" && p.channel)).toEqual([CHANNEL, OTHER]);
    for (const p of posts) {
      if (p.kind !== "channel") continue;
      expect(p.reply.tone).toBe("warning");
      expect(p.reply.text).toContain("line 7, rules.1.decide.reviewers");
      expect(p.reply.text).toContain(`version 3 of ${POLICY_ID} stays in force`);
    }
    // One key per channel, and the same keys for the same push (posted once).
    expect(new Set(posts.map((p) => p.key)).size).toBe(2);
    const again = report(
      { kind: "invalid", policyId: POLICY_ID, activeVersion: 3, problems },
      [CHANNEL, OTHER],
      push("main", { modified: [".foreman.yml"] }, { after: sha("f") }),
    );
    expect(again.effects.map((e) => e.key)).toEqual(effects.map((e) => e.key));
    expect(logs.join("\n")).toContain("invalid");
  });

  it("an unchanged valid file: a passing status and no message; unread: a message and no status", () => {
    const same = report({ kind: "applied", policyId: POLICY_ID, version: 2, added: false }, [CHANNEL]);
    expect(same.effects).toHaveLength(1);
    expect(same.effects[0]).toMatchObject({
      kind: "github",
      body: { state: "success", description: "Policy unchanged" },
    });
    const added = report({ kind: "applied", policyId: POLICY_ID, version: 2, added: true }, [CHANNEL]);
    expect(added.effects.map((e) => e.kind)).toEqual(["github", "channel"]);
    expect(added.effects[0]).toMatchObject({ body: { state: "success" } });
    const unread = report(
      { kind: "unread", policyId: POLICY_ID, activeVersion: null, why: "no GITHUB_TOKEN" },
      [CHANNEL],
    );
    expect(unread.effects.map((e) => e.kind)).toEqual(["channel"]);
    const text = unread.effects[0]?.kind === "channel" ? unread.effects[0].reply.text : "";
    expect(text).toContain("was not read");
    expect(text).toContain("the tenant's active policy keeps deciding");
  });
});

describe("Review Manager: pushes", () => {
  it("without a token, the linked channel is told .foreman.yml was not read, and no status is sent", async () => {
    const tenant = "t-pf-demo";
    await setupTenant(tenant);
    const h = await reviewManager(tenant);
    await deliver(h, pushEvent("main", { modified: [".foreman.yml"] }));
    const posts = slackPosts(h.sent).filter((d) => postText(d).includes(".foreman.yml"));
    expect(posts).toHaveLength(1);
    expect(postText(posts[0] as DeliveryMessage)).toContain("was not read");
    expect(postText(posts[0] as DeliveryMessage)).toContain("GITHUB_TOKEN");
    expect(statuses(h.sent)).toEqual([]);
    expect((await settings(env, tenant).policyVersion(POLICY_ID)).ok).toBe(false);
  });

  it("with GitHub: an invalid file fails the commit and names the line; a valid one passes and decides", async () => {
    const tenant = "t-pf-github";
    const fake = fakeApi(tenant);
    await setupTenant(tenant);
    const h = await reviewManager(tenant);
    await withGitHub(h, fake);

    await fake.script(CONTENTS, [{ body: INVALID }]);
    await deliver(h, pushEvent("main", { added: [".foreman.yml"] }, { after: sha("b") }));
    expect(await fake.requests(CONTENTS)).toHaveLength(1);
    const failed = statuses(h.sent);
    expect(failed).toHaveLength(1);
    expect(failed[0]?.body).toMatchObject({
      owner: "acme",
      repo: "widgets",
      sha: sha("b"),
      state: "failure",
      context: "foreman/policy",
    });
    expect(String(failed[0]?.body.description)).toContain("line 7");
    const told = slackPosts(h.sent).filter((d) => postText(d).includes(".foreman.yml"));
    expect(told).toHaveLength(1);
    expect(postText(told[0] as DeliveryMessage)).toContain("line 7, rules.1.decide.reviewers");
    expect((await settings(env, tenant).policyVersion(POLICY_ID)).ok).toBe(false);

    h.sent.length = 0;
    await fake.script(CONTENTS, [{ body: VALID }]);
    await deliver(h, pushEvent("main", { modified: [".foreman.yml"] }, { after: sha("c") }));
    expect(statuses(h.sent).map((d) => d.body)).toEqual([
      expect.objectContaining({ sha: sha("c"), state: "success" }),
    ]);
    expect(slackPosts(h.sent).map(postText).join("\n")).toContain(`${POLICY_ID} version 1`);
    expect(unwrap(await settings(env, tenant).policyVersion(POLICY_ID)).version).toBe(1);

    // The repository's policy decides its PRs (GitHub's file list says what changed).
    await fake.script(`/github/repos/${REPO}/pulls/1/files`, [
      { body: [{ filename: "migrations/001.sql", status: "added", additions: 3, deletions: 0, changes: 3 }] },
    ]);
    await deliver(h, prEvent("opened", { number: 1, author: "lena" }, h.clock.t));
    const explained = unwrap(await h.agent.explainPolicy({ ref: { repo: REPO, number: 1 } }));
    expect(explained.recorded).toMatchObject({ policyId: POLICY_ID, version: 1, rule: "migrations" });
    expect(explained.pr.files).toEqual(["migrations/001.sql"]);
    expect(await fake.requests(`/github/repos/${REPO}/pulls/1/files`)).toHaveLength(1);
  });

  it("a push to a feature branch records its files for the PR on it; a deleted branch forgets them", async () => {
    const tenant = "t-pf-branch";
    await setupTenant(tenant);
    await storePolicy(tenant, "strict", {
      rules: [
        { name: "migrations", match: { paths: ["migrations/**"] }, decide: { reviewers: 2 } },
        { name: "default", decide: {} },
      ],
    });
    const h = await reviewManager(tenant);
    await deliver(
      h,
      pushEvent("add-migration", { added: ["migrations/001.sql"], modified: ["src/db.ts"] }),
      prEvent("opened", { number: 1, author: "lena", branch: "add-migration" }, h.clock.t),
    );
    const one = unwrap(await h.agent.explainPolicy({ ref: { repo: REPO, number: 1 } }));
    expect(one.recorded).toMatchObject({ policyId: "strict", version: 1, rule: "migrations" });
    expect(one.pr.files).toEqual(["migrations/001.sql", "src/db.ts"]);
    // A feature-branch push is not a policy file push: nothing told, nothing read.
    expect(slackPosts(h.sent).filter((d) => postText(d).includes(".foreman.yml"))).toEqual([]);

    // The branch is deleted; a new PR from a branch of the same name is not known to touch migrations.
    await deliver(h, pushEvent("add-migration", {}, { deleted: true }));
    await deliver(h, prEvent("opened", { number: 2, author: "lena", branch: "add-migration" }, h.clock.t));
    const two = unwrap(await h.agent.explainPolicy({ ref: { repo: REPO, number: 2 } }));
    expect(two.recorded).toMatchObject({ policyId: "strict", rule: "default" });
    expect(two.pr.filesKnown).toBe(false);
    expect(two.verdicts[0]).toMatchObject({ rule: "migrations", matched: false });
    // The first PR's recorded decision stands.
    const oneAgain = unwrap(await h.agent.explainPolicy({ ref: { repo: REPO, number: 1 } }));
    expect(oneAgain.recorded?.rule).toBe("migrations");
  });
});
