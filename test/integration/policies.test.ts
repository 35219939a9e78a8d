/**
 * Review policies and experiments through the Worker with real API keys (docs/policies.md): the
 * implicit `default` v1; creating, versioning (rules or a `.foreman.yml`) and activating policies,
 * with invalid ones refused by field path (and line) and nothing stored; dry runs by facts and by a
 * tracked PR; effectiveness per version and rule; a replay of two stored policies; patterns; an
 * experiment's start, figures, stop and promote by role; and another tenant seeing none of it.
 * PRs are decided by the tenant's standing Review Manager (test/agents/review-manager/support.ts).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { unwrap } from "../../src/platform/errors";
import {
  deliver,
  HOUR,
  MONDAY_9,
  prEvent,
  REPO,
  repoPush,
  reviewManager,
  reviewSubmitted,
  setupTenant,
} from "../agents/review-manager/support";
import { errorOf, jsonOf, newKey, viaWorker } from "../http/helpers";

const A = "t-polapi-a";
const B = "t-polapi-b";

const STRICT_RULES = [
  {
    name: "migrations",
    match: { paths: ["migrations/**"] },
    decide: { pool: { logins: ["bob", "carol", "lena"] }, reviewers: 2, slaHours: 4 },
  },
  { name: "default", decide: { reviewers: 1 } },
];

/**
 * Version 2 of `strict`, as a `.foreman.yml`: the same migrations rule; the default adds a label and
 * sets a 6-hour SLA (so it decides every PR differently from the `default` policy).
 */
const STRICT_FILE = `rules:
  - name: migrations
    match:
      paths: ["migrations/**"]
    decide:
      pool:
        logins: [bob, carol, lena]
      reviewers: 2
      slaHours: 4
  - name: default
    decide:
      reviewers: 1
      slaHours: 6
      addLabels: [reviewed-by-policy]
`;

/** Invalid: the default rule asks 20 reviewers (line 9). */
const BAD_FILE = `rules:
  - name: migrations
    match:
      paths: ["migrations/**"]
    decide:
      reviewers: 2
  - name: default
    decide:
      reviewers: 20
`;

interface Version {
  policyId: string;
  version: number;
  policy: { rules: Array<{ name: string; match?: unknown; decide: Record<string, unknown> }> };
  source: string;
  createdBy: string;
}
interface Listing {
  id: string;
  latestVersion: number;
  activeVersion: number | null;
}
interface PolicyList {
  active: { policyId: string; version: number };
  policies: Listing[];
  experiment: { id: string } | null;
}
interface Verdict {
  rule: string;
  matched: boolean;
  reasons: string[];
}
interface DryRun {
  pr: { repo: string; files?: string[]; filesKnown: boolean };
  policy: { id: string; version: number; why: string };
  rule: string;
  verdicts: Verdict[];
  decision: { reviewers: number; slaHours: number; pool: string[] | null; addLabels: string[] };
  sources: { reviewers: string; strategy: string; slaHours: string };
  recorded: { policyId: string; version: number; rule: string; reviewers: number } | null;
}
interface StageFigures {
  n: number;
  median: number | null;
}
interface Summary {
  prs: number;
  firstReview: StageFigures;
}
interface Effectiveness {
  policyId: string;
  versions: Array<{ version: number; summary: Summary; rules: Array<{ rule: string; summary: Summary }> }>;
}
interface Replay {
  prs: number;
  policies: Array<{
    label: string;
    reviewersAsked: number;
    rules: Array<{ rule: string; prs: number; reviewers: number; slaHours: number }>;
  }>;
  differ: { prs: number; examples: string[] };
}
interface Experiment {
  id: string;
  status: string;
  controlVersion: number;
  variantVersion: number;
  spec: { control: { policyId: string }; variant: { policyId: string }; minSample: number };
}

const issueFields = async (res: Response) => ((await errorOf(res)).details?.issues ?? []).map((i) => i.field);

describe("/api/policies, /api/patterns, /api/experiments through the Worker", () => {
  let h: Awaited<ReturnType<typeof reviewManager>>;
  let viewer = "";
  let operator = "";
  let operatorId = "";
  let admin = "";
  let viewerB = "";
  let operatorB = "";
  let experimentId = "";

  const policies = async (key = viewer) => jsonOf<PolicyList>(await viaWorker("/api/policies", { key }));
  const versionsOf = async (id: string, key = viewer) => {
    const res = await viaWorker(`/api/policies/${id}`, { key });
    expect(res.status).toBe(200);
    return (await jsonOf<{ summary: Listing; versions: Version[] }>(res)).versions;
  };
  const dryRun = (body: unknown, key = viewer) => viaWorker("/api/policies/dry-run", { key, body });

  beforeAll(async () => {
    await setupTenant(A);
    h = await reviewManager(A);
    const op = await newKey(A, "operator");
    operator = op.key;
    operatorId = op.id;
    viewer = (await newKey(A, "viewer")).key;
    admin = (await newKey(A, "admin")).key;
    // B: its own team and keys, but no agents (no Review Manager runs for it).
    await setupTenant(B);
    viewerB = (await newKey(B, "viewer")).key;
    operatorB = (await newKey(B, "operator")).key;
  });

  it("answers the implicit default v1 as active on a fresh tenant", async () => {
    const res = await viaWorker("/api/policies", { key: viewer });
    expect(res.status).toBe(200);
    const body = await jsonOf<PolicyList>(res);
    expect(body.active).toEqual({ policyId: "default", version: 1 });
    expect(body.policies).toEqual([
      expect.objectContaining({ id: "default", latestVersion: 1, activeVersion: 1 }),
    ]);
    expect(body.experiment).toBeNull();
    const [v1, ...older] = await versionsOf("default");
    expect(older).toEqual([]);
    expect(v1).toMatchObject({
      policyId: "default",
      version: 1,
      source: "migration",
      policy: { rules: [{ name: "default", decide: {} }] },
    });
  });

  it("refuses a viewer and invalid policies (naming the field), creating nothing", async () => {
    const denied = await viaWorker("/api/policies", {
      key: viewer,
      body: { id: "strict", rules: STRICT_RULES },
    });
    expect(denied.status).toBe(403);

    const tooMany = await viaWorker("/api/policies", {
      key: operator,
      body: {
        id: "strict",
        rules: [STRICT_RULES[0], { name: "default", decide: { reviewers: 20 } }],
      },
    });
    expect(tooMany.status).toBe(400);
    expect(await issueFields(tooMany)).toContain("rules.1.decide.reviewers");

    const noDefault = await viaWorker("/api/policies", {
      key: operator,
      body: { id: "strict", rules: [STRICT_RULES[0]] },
    });
    expect(noDefault.status).toBe(400);
    const noDefaultError = await errorOf(noDefault);
    expect(noDefaultError.details?.issues?.map((i) => i.field)).toContain("rules.0.match");
    expect(noDefaultError.message).toContain("last rule must match every PR");

    const unknown = await viaWorker("/api/policies", {
      key: operator,
      body: { id: "strict", rules: [{ name: "default", decide: { reviewrs: 2 } }] },
    });
    expect(unknown.status).toBe(400);
    expect(await issueFields(unknown)).toContain("rules.0.decide.reviewrs");

    // A misspelt top-level field is refused too, not dropped (`activte` would leave it inactive).
    const misspelt = await viaWorker("/api/policies", {
      key: operator,
      body: { id: "strict", rules: STRICT_RULES, activte: true },
    });
    expect(misspelt.status).toBe(400);

    const badId = await viaWorker("/api/policies", {
      key: operator,
      body: { id: "Not An Id", rules: STRICT_RULES },
    });
    expect(badId.status).toBe(400);
    expect(await issueFields(badId)).toContain("id");

    const both = await viaWorker("/api/policies", {
      key: operator,
      body: { id: "strict", rules: STRICT_RULES, file: STRICT_FILE },
    });
    expect(both.status).toBe(400);
    expect(await issueFields(both)).toContain("file");

    // Nothing was created: still only the implicit default, active.
    const after = await policies();
    expect(after.policies.map((p) => p.id)).toEqual(["default"]);
    expect(after.active).toEqual({ policyId: "default", version: 1 });
    expect((await viaWorker("/api/policies/strict", { key: viewer })).status).toBe(404);
  });

  it("creates a policy at version 1 (201), active with activate; the same id again is 409", async () => {
    const res = await viaWorker("/api/policies", {
      key: operator,
      body: {
        id: "strict",
        description: "Two reviewers for migrations",
        rules: STRICT_RULES,
        activate: true,
      },
    });
    expect(res.status).toBe(201);
    const { policy } = await jsonOf<{ policy: Version }>(res);
    expect(policy).toMatchObject({
      policyId: "strict",
      version: 1,
      source: "api",
      createdBy: `api:${operatorId}`,
      policy: { rules: STRICT_RULES },
    });

    const listed = await policies();
    expect(listed.active).toEqual({ policyId: "strict", version: 1 });
    expect(listed.policies.map((p) => p.id).sort()).toEqual(["default", "strict"]);
    expect(listed.policies.find((p) => p.id === "strict")).toMatchObject({
      latestVersion: 1,
      activeVersion: 1,
    });
    // The default was stored by the first write, no longer active.
    expect(listed.policies.find((p) => p.id === "default")).toMatchObject({
      latestVersion: 1,
      activeVersion: null,
    });

    const again = await viaWorker("/api/policies", {
      key: operator,
      body: { id: "strict", rules: STRICT_RULES },
    });
    expect(again.status).toBe(409);
    expect((await errorOf(again)).code).toBe("conflict");
    expect((await versionsOf("strict")).map((v) => v.version)).toEqual([1]);
  });

  it("refuses an invalid .foreman.yml naming the line and field, and the latest version stays", async () => {
    const before = await versionsOf("strict");

    const res = await viaWorker("/api/policies/strict", {
      key: operator,
      method: "PUT",
      body: { file: BAD_FILE },
    });
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe("validation_failed");
    expect(error.details?.issues?.map((i) => i.field)).toContain("file line 9: rules.1.decide.reviewers");
    expect(error.message).toContain("line 9");
    expect(error.message).toContain("rules.1.decide.reviewers");

    const yamlError = await viaWorker("/api/policies/strict", {
      key: operator,
      method: "PUT",
      body: { file: "rules:\n  - name: default\n    decide: {reviewers: 1\n" },
    });
    expect(yamlError.status).toBe(400);
    expect((await issueFields(yamlError)).some((f) => f.startsWith("file line"))).toBe(true);

    const viewerPut = await viaWorker("/api/policies/strict", {
      key: viewer,
      method: "PUT",
      body: { file: STRICT_FILE },
    });
    expect(viewerPut.status).toBe(403);
    const missing = await viaWorker("/api/policies/nope", {
      key: operator,
      method: "PUT",
      body: { file: STRICT_FILE },
    });
    expect(missing.status).toBe(404);

    expect(await versionsOf("strict")).toEqual(before);
    expect((await policies()).active).toEqual({ policyId: "strict", version: 1 });
  });

  it("adds version 2 from a valid .foreman.yml, active at once; version 1 stays as it was", async () => {
    const v1Before = (await versionsOf("strict")).find((v) => v.version === 1);
    const res = await viaWorker("/api/policies/strict", {
      key: operator,
      method: "PUT",
      body: { file: STRICT_FILE },
    });
    expect(res.status).toBe(200);
    const { policy } = await jsonOf<{ policy: Version }>(res);
    expect(policy).toMatchObject({ policyId: "strict", version: 2, source: "file" });
    expect(policy.policy.rules.map((r) => r.name)).toEqual(["migrations", "default"]);
    expect(policy.policy.rules[1]?.decide).toEqual({
      reviewers: 1,
      slaHours: 6,
      addLabels: ["reviewed-by-policy"],
    });

    expect((await policies()).active).toEqual({ policyId: "strict", version: 2 });
    const versions = await versionsOf("strict");
    expect(versions.map((v) => v.version)).toEqual([2, 1]);
    expect(versions.find((v) => v.version === 1)).toEqual(v1Before);
    expect(versions.find((v) => v.version === 1)?.policy).toEqual({ rules: STRICT_RULES });
  });

  it("dry-runs a PR given by its facts: the rule, the decision and each rule's reasons", async () => {
    const res = await dryRun({ pr: { repo: REPO, files: ["migrations/001.sql"], additions: 10 } });
    expect(res.status).toBe(200);
    const r = await jsonOf<DryRun>(res);
    expect(r.policy).toMatchObject({ id: "strict", version: 2, why: "the active policy" });
    expect(r.rule).toBe("migrations");
    expect(r.decision).toMatchObject({ reviewers: 2, slaHours: 4, pool: ["bob", "carol", "lena"] });
    expect(r.sources).toMatchObject({ reviewers: "rule migrations", slaHours: "rule migrations" });
    expect(r.recorded).toBeNull();
    expect(r.pr.filesKnown).toBe(true);
    expect(r.verdicts).toHaveLength(1);
    expect(r.verdicts[0]).toMatchObject({ rule: "migrations", matched: true });
    expect(r.verdicts[0]?.reasons.join(" ")).toContain("migrations/001.sql");

    const docs = await jsonOf<DryRun>(await dryRun({ pr: { repo: REPO, files: ["README.md"] } }));
    expect(docs.rule).toBe("default");
    expect(docs.decision).toMatchObject({ reviewers: 1, slaHours: 6, addLabels: ["reviewed-by-policy"] });
    expect(docs.verdicts.map((v) => [v.rule, v.matched])).toEqual([
      ["migrations", false],
      ["default", true],
    ]);
    expect(docs.verdicts[0]?.reasons[0]).toContain("no changed file matches migrations/**");
    expect(docs.verdicts[1]?.reasons.length).toBeGreaterThan(0);

    // Another policy than the one in force, by id and version.
    const asDefault = await jsonOf<DryRun>(
      await dryRun({ pr: { repo: REPO, files: ["migrations/001.sql"] }, policyId: "default", version: 1 }),
    );
    expect(asDefault.policy).toMatchObject({ id: "default", version: 1, why: "the policy asked for" });
    expect(asDefault.rule).toBe("default");
  });

  it("refuses malformed dry runs with 400 and an unknown policy with 404", async () => {
    const extra = await dryRun({ pr: { repo: REPO, files: [], colour: "red" } });
    expect(extra.status).toBe(400);
    expect(await issueFields(extra)).toEqual(expect.arrayContaining([expect.stringContaining("colour")]));

    const noPr = await dryRun({ policyId: "strict" });
    expect(noPr.status).toBe(400);
    expect(await issueFields(noPr)).toContain("pr");

    const badRef = await dryRun({ pr: "not a pull request" });
    expect(badRef.status).toBe(400);
    expect(await issueFields(badRef)).toContain("pr");

    const badRepo = await dryRun({ pr: { repo: "no-slash", files: [] } });
    expect(badRepo.status).toBe(400);

    const notJson = await viaWorker("/api/policies/dry-run", { key: viewer, body: "{not json" });
    expect(notJson.status).toBe(400);
    expect(await errorOf(notJson)).toMatchObject({ code: "bad_request", details: { field: "body" } });

    const unknownPolicy = await dryRun({ pr: { repo: REPO, files: [] }, policyId: "nope" });
    expect(unknownPolicy.status).toBe(404);
  });

  it("decides PRs by the active policy, and explains a tracked PR's recorded decision", async () => {
    await deliver(
      h,
      repoPush("add-migration", ["migrations/001.sql", "src/db.ts"], h.clock.t),
      repoPush("docs-only", ["README.md"], h.clock.t),
      prEvent("opened", { number: 2, author: "octocat", branch: "add-migration" }, h.clock.t),
      prEvent("opened", { number: 3, author: "octocat", branch: "docs-only" }, h.clock.t),
    );

    const two = await dryRun({ pr: `${REPO}#2` });
    expect(two.status).toBe(200);
    const e2 = await jsonOf<DryRun>(two);
    expect(e2.recorded).toMatchObject({ policyId: "strict", version: 2, rule: "migrations", reviewers: 2 });
    expect(e2.policy).toMatchObject({ id: "strict", version: 2, why: "the policy that decided this PR" });
    expect(e2.rule).toBe("migrations");
    expect(e2.pr.files).toEqual(expect.arrayContaining(["migrations/001.sql"]));
    expect(e2.verdicts[0]?.reasons.join(" ")).toContain("migrations/001.sql");

    const e3 = await jsonOf<DryRun>(await dryRun({ pr: "ACME/Widgets#3" }));
    expect(e3.recorded).toMatchObject({ policyId: "strict", version: 2, rule: "default" });
    expect(e3.verdicts[0]).toMatchObject({ rule: "migrations", matched: false });

    const untracked = await dryRun({ pr: `${REPO}#999` });
    expect(untracked.status).toBe(404);
    expect((await errorOf(untracked)).code).toBe("not_found");
  });

  it("counts effectiveness per version and rule", async () => {
    // One of the two reviewers the migrations rule asked comments two hours later.
    const two = unwrap(await h.agent.pullRequest({ repo: REPO, number: 2 }));
    expect(two?.reviewers).toHaveLength(2);
    const reviewer = two?.reviewers[0]?.login ?? "";
    h.clock.t = MONDAY_9 + 2 * HOUR;
    await deliver(
      h,
      reviewSubmitted(
        { number: 2, author: "octocat", branch: "add-migration" },
        reviewer,
        h.clock.t,
        "commented",
      ),
    );
    const res = await viaWorker("/api/policies/strict/effectiveness", { key: viewer });
    expect(res.status).toBe(200);
    const eff = await jsonOf<Effectiveness>(res);
    expect(eff.policyId).toBe("strict");
    expect(eff.versions.map((v) => v.version)).toEqual([2]);
    const v2 = eff.versions[0];
    expect(v2?.summary.prs).toBe(2);
    expect(v2?.rules.map((r) => [r.rule, r.summary.prs])).toEqual([
      ["default", 1],
      ["migrations", 1],
    ]);
    const migrations = v2?.rules.find((r) => r.rule === "migrations")?.summary;
    expect(migrations?.firstReview.n).toBe(1);
    expect(migrations?.firstReview.median).toBeCloseTo(2, 5);

    // The default decided nothing here; an unknown policy is 404.
    const none = await jsonOf<Effectiveness>(
      await viaWorker("/api/policies/default/effectiveness", { key: viewer }),
    );
    expect(none.versions).toEqual([]);
    expect((await viaWorker("/api/policies/nope/effectiveness", { key: viewer })).status).toBe(404);
  });

  it("replays the recorded PRs through two stored policies and counts the PRs they decide differently", async () => {
    const res = await viaWorker("/api/policies/simulate", {
      key: viewer,
      body: { policies: [{ policyId: "default" }, { policyId: "strict" }] },
    });
    expect(res.status).toBe(200);
    const replay = await jsonOf<Replay>(res);
    expect(replay.prs).toBe(2);
    const [asDefault, asStrict] = replay.policies;
    expect(asDefault?.label).toBe("default v1");
    expect(asDefault?.rules.map((r) => [r.rule, r.prs])).toEqual([["default", 2]]);
    expect(asStrict?.label).toBe("strict v2");
    expect(asStrict?.rules.reduce((n, r) => n + r.prs, 0)).toBe(2);
    expect(asStrict?.rules.find((r) => r.rule === "default")).toMatchObject({ reviewers: 1, slaHours: 6 });
    // strict's default asks a 6-hour SLA where `default` leaves it to the SLA rules (8 h): both differ.
    expect(replay.differ.prs).toBeGreaterThanOrEqual(1);
    expect(replay.differ.examples).toContain(`${REPO}#3`);

    // A given policy beside a stored one; the same policy twice decides nothing differently.
    const same = await jsonOf<Replay>(
      await viaWorker("/api/policies/simulate", {
        key: viewer,
        body: { policies: [{ policyId: "strict", version: 2 }, { policyId: "strict" }] },
      }),
    );
    expect(same.differ.prs).toBe(0);
    const given = await viaWorker("/api/policies/simulate", {
      key: viewer,
      body: {
        policies: [{ policyId: "strict" }, { rules: [{ name: "default", decide: { reviewers: 3 } }] }],
      },
    });
    expect(given.status).toBe(200);
    const givenReplay = await jsonOf<Replay>(given);
    expect(givenReplay.policies[1]?.label).toBe("given-2");
    expect(givenReplay.differ.prs).toBe(2);

    const one = await viaWorker("/api/policies/simulate", {
      key: viewer,
      body: { policies: [{ policyId: "strict" }] },
    });
    expect(one.status).toBe(400);
    expect(await issueFields(one)).toContain("policies");
    const unknown = await viaWorker("/api/policies/simulate", {
      key: viewer,
      body: { policies: [{ policyId: "strict" }, { policyId: "nope" }] },
    });
    expect(unknown.status).toBe(404);
  });

  // A src bug (files known only from pushes are not kept with the PR's decision, so the replay sees
  // them as unknown and a `paths` rule never matches): expected to fail until it is fixed; then make it
  // a plain `it`.
  it("replays a PR decided by its pushed files through the paths rule that decided it", async () => {
    const replay = await jsonOf<Replay>(
      await viaWorker("/api/policies/simulate", {
        key: viewer,
        body: { policies: [{ policyId: "strict", version: 2 }, { policyId: "default" }] },
      }),
    );
    expect(replay.policies[0]?.rules.map((r) => [r.rule, r.prs]).sort()).toEqual([
      ["default", 1],
      ["migrations", 1],
    ]);
    expect(replay.policies[0]?.rules.find((r) => r.rule === "migrations")).toMatchObject({
      reviewers: 2,
      slaHours: 4,
    });
  });

  it("lists the built-in patterns and applies one as a new version before the default", async () => {
    const res = await viaWorker("/api/patterns", { key: viewer });
    expect(res.status).toBe(200);
    const ids = (await jsonOf<{ patterns: Array<{ id: string; title: string }> }>(res)).patterns.map(
      (p) => p.id,
    );
    expect(ids).toEqual(
      expect.arrayContaining([
        "hotfix-fast-lane",
        "migrations-two-reviewers",
        "follow-the-sun",
        "pair-newcomer",
        "large-pr-two-reviewers",
      ]),
    );

    const denied = await viaWorker("/api/policies/strict/patterns", {
      key: viewer,
      body: { pattern: "hotfix-fast-lane" },
    });
    expect(denied.status).toBe(403);

    const unknown = await viaWorker("/api/policies/strict/patterns", {
      key: operator,
      body: { pattern: "no-such-pattern" },
    });
    expect(unknown.status).toBe(400);
    expect(await issueFields(unknown)).toEqual(["pattern"]);

    const noParams = await viaWorker("/api/policies/strict/patterns", {
      key: operator,
      body: { pattern: "pair-newcomer" },
    });
    expect(noParams.status).toBe(400);
    const noParamsError = await errorOf(noParams);
    expect(noParamsError.details?.issues?.map((i) => i.field)).toEqual(["pattern"]);
    expect(noParamsError.message).toContain("newcomers");
    expect((await versionsOf("strict")).map((v) => v.version)).toEqual([2, 1]);

    const applied = await viaWorker("/api/policies/strict/patterns", {
      key: operator,
      body: { pattern: "hotfix-fast-lane" },
    });
    expect(applied.status).toBe(200);
    const { policy } = await jsonOf<{ policy: Version }>(applied);
    expect(policy).toMatchObject({ policyId: "strict", version: 3 });
    expect(policy.policy.rules.map((r) => r.name)).toEqual(["migrations", "hotfix-fast-lane", "default"]);
    expect(policy.policy.rules[1]).toMatchObject({
      match: { labels: ["hotfix", "urgent"] },
      decide: { slaHours: 2, strategy: "least-busy-now" },
    });
    expect((await policies()).active).toEqual({ policyId: "strict", version: 3 });

    const hotfix = await jsonOf<DryRun>(await dryRun({ pr: { repo: REPO, labels: ["Hotfix"], files: [] } }));
    expect(hotfix).toMatchObject({ rule: "hotfix-fast-lane", decision: { slaHours: 2 } });
  });

  it("activates a chosen version", async () => {
    const res = await viaWorker("/api/policies/strict/activate", { key: operator, body: { version: 2 } });
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toEqual({ active: { policyId: "strict", version: 2 } });
    expect((await policies()).active).toEqual({ policyId: "strict", version: 2 });
    expect(
      (await viaWorker("/api/policies/strict/activate", { key: operator, body: { version: 9 } })).status,
    ).toBe(404);
    expect((await viaWorker("/api/policies/strict/activate", { key: viewer, body: {} })).status).toBe(403);
    const latest = await viaWorker("/api/policies/strict/activate", { key: operator, body: {} });
    expect(await jsonOf(latest)).toEqual({ active: { policyId: "strict", version: 3 } });
    // No body at all: the latest too.
    const bare = await viaWorker("/api/policies/strict/activate", { key: operator, method: "POST" });
    expect(await jsonOf(bare)).toEqual({ active: { policyId: "strict", version: 3 } });
  });

  it("starts one experiment at a time, shows its figures, stops it, and promotes only as admin", async () => {
    const spec = {
      name: "strict against default",
      control: { policyId: "default" },
      variant: { policyId: "strict" },
      minSample: 5,
    };
    expect((await viaWorker("/api/experiments", { key: viewer, body: spec })).status).toBe(403);
    const same = await viaWorker("/api/experiments", {
      key: operator,
      body: { ...spec, variant: { policyId: "default" } },
    });
    expect(same.status).toBe(400);
    expect(await issueFields(same)).toContain("variant");
    const unknownArm = await viaWorker("/api/experiments", {
      key: operator,
      body: { ...spec, variant: { policyId: "nope" } },
    });
    expect(unknownArm.status).toBe(404);

    const res = await viaWorker("/api/experiments", { key: operator, body: spec });
    expect(res.status).toBe(201);
    const { experiment } = await jsonOf<{ experiment: Experiment }>(res);
    expect(experiment.id).toMatch(/^exp-[a-z0-9]+$/);
    expect(experiment).toMatchObject({
      status: "running",
      controlVersion: 1,
      variantVersion: 3,
      spec: { control: { policyId: "default" }, variant: { policyId: "strict" }, minSample: 5 },
    });
    experimentId = experiment.id;
    expect((await policies()).experiment).toMatchObject({ id: experimentId });

    const second = await viaWorker("/api/experiments", { key: operator, body: { ...spec, name: "another" } });
    expect(second.status).toBe(409);
    expect((await errorOf(second)).message).toContain(experimentId);

    const listed = await jsonOf<{ experiments: Experiment[] }>(
      await viaWorker("/api/experiments", { key: viewer }),
    );
    expect(listed.experiments.map((e) => e.id)).toEqual([experimentId]);

    const shown = await viaWorker(`/api/experiments/${experimentId}`, { key: viewer });
    expect(shown.status).toBe(200);
    const status = await jsonOf<{
      experiment: Experiment;
      analysis: { decision: string; arms: { control: { n: number }; variant: { n: number } } };
    }>(shown);
    expect(status.experiment).toMatchObject({ id: experimentId, status: "running" });
    expect(status.analysis.decision).toBe("continue");
    expect(status.analysis.arms.control).toMatchObject({ n: 0 });
    expect(status.analysis.arms.variant).toMatchObject({ n: 0 });
    expect((await viaWorker("/api/experiments/exp-nope", { key: viewer })).status).toBe(404);

    const operatorPromote = await viaWorker(`/api/experiments/${experimentId}/promote`, {
      key: operator,
      method: "POST",
    });
    expect(operatorPromote.status).toBe(403);
    expect(
      (await viaWorker(`/api/experiments/${experimentId}/stop`, { key: viewer, method: "POST" })).status,
    ).toBe(403);

    const stopped = await viaWorker(`/api/experiments/${experimentId}/stop`, {
      key: operator,
      method: "POST",
    });
    expect(stopped.status).toBe(200);
    expect((await jsonOf<{ experiment: Experiment }>(stopped)).experiment).toMatchObject({
      id: experimentId,
      status: "stopped",
    });
    expect((await policies()).experiment).toBeNull();
    expect(
      (await viaWorker(`/api/experiments/${experimentId}/stop`, { key: operator, method: "POST" })).status,
    ).toBe(409);

    const promoted = await viaWorker(`/api/experiments/${experimentId}/promote`, {
      key: admin,
      method: "POST",
    });
    expect(promoted.status).toBe(409);
    // Nothing changed: the control policy has no new version, strict v3 still active.
    expect((await versionsOf("default")).map((v) => v.version)).toEqual([1]);
    expect((await policies()).active).toEqual({ policyId: "strict", version: 3 });
  });

  it("answers 409 where a Review Manager is needed and none runs (tenant B)", async () => {
    const dry = await dryRun({ pr: { repo: REPO, files: ["migrations/001.sql"] } }, viewerB);
    expect(dry.status).toBe(409);
    expect((await errorOf(dry)).message).toContain("No Review Manager");
    const eff = await viaWorker("/api/policies/default/effectiveness", { key: viewerB });
    expect(eff.status).toBe(409);
    const sim = await viaWorker("/api/policies/simulate", {
      key: viewerB,
      body: {
        policies: [{ policyId: "default" }, { rules: [{ name: "default", decide: { reviewers: 2 } }] }],
      },
    });
    expect(sim.status).toBe(409);
  });

  it("shows another tenant none of A's policies or experiments", async () => {
    const listed = await policies(viewerB);
    expect(listed.active).toEqual({ policyId: "default", version: 1 });
    expect(listed.policies.map((p) => p.id)).toEqual(["default"]);
    expect(listed.experiment).toBeNull();

    const foreign = await viaWorker("/api/policies/strict", { key: viewerB });
    expect(foreign.status).toBe(404);
    expect((await errorOf(foreign)).code).toBe("not_found");
    expect(
      (
        await viaWorker("/api/policies/strict", {
          key: operatorB,
          method: "PUT",
          body: { rules: STRICT_RULES },
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await viaWorker("/api/policies/strict/patterns", {
          key: operatorB,
          body: { pattern: "follow-the-sun" },
        })
      ).status,
    ).toBe(404);
    expect((await viaWorker("/api/policies/strict/activate", { key: operatorB, body: {} })).status).toBe(404);

    const experiments = await jsonOf<{ experiments: Experiment[] }>(
      await viaWorker("/api/experiments", { key: viewerB }),
    );
    expect(experiments.experiments).toEqual([]);
    expect((await viaWorker(`/api/experiments/${experimentId}`, { key: viewerB })).status).toBe(404);

    // B can make its own `strict`, and A's is untouched by it.
    const own = await viaWorker("/api/policies", {
      key: operatorB,
      body: { id: "strict", rules: [{ name: "default", decide: { reviewers: 3 } }] },
    });
    expect(own.status).toBe(201);
    expect((await versionsOf("strict")).map((v) => v.version)).toEqual([3, 2, 1]);
    expect((await versionsOf("strict", viewerB)).map((v) => v.version)).toEqual([1]);
  });
});
