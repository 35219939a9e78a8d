/**
 * Review policies in the Review Manager (docs/policies.md): the migrated default keeps today's
 * behaviour; a `migrations/**` rule asks two of its pool with a 4-working-hour SLA and records the
 * policy, version and rule; the default rule decides the rest; dry runs explain both; effectiveness
 * counts per rule; an experiment splits PRs by hash, reaches a decision with a CI and p-value, and
 * Promote makes the variant the control policy's new active version.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { findPatternBridge } from "../../../src/agents/pattern-bridge";
import { armOf } from "../../../src/domain/experiment";
import { unwrap } from "../../../src/platform/errors";
import { settings } from "../../../src/settings/stub";
import {
  deliver,
  githubRequests,
  HOUR,
  MONDAY_9,
  prEvent,
  REPO,
  repoPush,
  reviewManager,
  reviewSubmitted,
  setupTenant,
  storePolicy,
} from "./support";

const TENANT = "t-policy";

const STRICT = {
  rules: [
    {
      name: "migrations",
      match: { paths: ["migrations/**"] },
      decide: { pool: { logins: ["bob", "carol", "dave"] }, reviewers: 2, slaHours: 4 },
    },
    { name: "default", decide: { reviewers: 1 } },
  ],
};

describe("Review Manager: review policies", () => {
  let h: Awaited<ReturnType<typeof reviewManager>>;

  beforeAll(async () => {
    await setupTenant(TENANT);
    h = await reviewManager(TENANT);
  });

  it("starts every tenant on the migrated default: one catch-all rule deciding nothing itself", async () => {
    const store = settings(env, TENANT);
    const active = await store.activePolicy();
    expect(active).toMatchObject({ policyId: "default", version: 1 });
    expect(active.policy.rules).toEqual([{ name: "default", decide: {} }]);
    await deliver(h, prEvent("opened", { number: 1, author: "bob" }, h.clock.t));
    const explained = unwrap(await h.agent.explainPolicy({ ref: { repo: REPO, number: 1 } }));
    expect(explained.recorded).toMatchObject({ policyId: "default", version: 1, rule: "default" });
    // Today's settings fill what the rule leaves out: one reviewer, the tenant's SLA rule (8 h).
    expect(explained.decision).toMatchObject({ reviewers: 1, slaHours: 8 });
    expect(explained.sources.slaHours).toContain("SLA");
  });

  it("decides by the active policy: migrations/** asks two of the pool on a 4-hour SLA; others the default", async () => {
    const _store = settings(env, TENANT);
    await storePolicy(TENANT, "strict", STRICT);
    h.sent.length = 0;
    await deliver(
      h,
      repoPush("add-migration", ["migrations/001.sql", "src/db.ts"], h.clock.t),
      prEvent("opened", { number: 2, author: "lena", branch: "add-migration" }, h.clock.t),
      prEvent("opened", { number: 3, author: "lena", branch: "docs-only" }, h.clock.t),
    );
    const two = unwrap(await h.agent.pullRequest({ repo: REPO, number: 2 }));
    expect(two?.reviewers).toHaveLength(2);
    for (const r of two?.reviewers ?? []) {
      expect(["bob", "carol", "dave"]).toContain(r.login);
      // 4 working hours from Monday 09:00 (UTC office hours and the team's 09-17): 13:00.
      expect(r.sla?.breachAtMs).toBe(MONDAY_9 + 4 * HOUR);
    }
    const three = unwrap(await h.agent.pullRequest({ repo: REPO, number: 3 }));
    expect(three?.reviewers).toHaveLength(1);
    expect(three?.reviewers[0]?.sla?.breachAtMs).toBe(MONDAY_9 + 8 * HOUR);

    const e2 = unwrap(await h.agent.explainPolicy({ ref: { repo: REPO, number: 2 } }));
    expect(e2.recorded).toMatchObject({ policyId: "strict", version: 1, rule: "migrations", reviewers: 2 });
    expect(e2.verdicts[0]?.reasons.join(" ")).toContain("migrations/001.sql");
    const e3 = unwrap(await h.agent.explainPolicy({ ref: { repo: REPO, number: 3 } }));
    expect(e3.recorded).toMatchObject({ policyId: "strict", version: 1, rule: "default" });
    expect(e3.verdicts[0]).toMatchObject({ rule: "migrations", matched: false });
    // The review queue (GET /api/reviews) carries it too.
    const queue = unwrap(await h.agent.reviewQueue({}));
    expect(queue.items.find((i) => i.number === 2)?.policy).toEqual({
      policyId: "strict",
      version: 1,
      rule: "migrations",
      arm: null,
    });
    // The card says which policy and rule decided.
    expect(JSON.stringify(h.sent)).toContain("Policy strict v1, rule migrations");
    expect(githubRequests(h.sent).length).toBeGreaterThanOrEqual(2);
  });

  it("dry-runs a PR given by its facts, explaining each rule, without recording anything", async () => {
    const pr = {
      repo: REPO,
      author: "x",
      labels: [],
      files: ["migrations/002.sql"],
      additions: 3,
      deletions: 0,
      draft: false,
      base: "main",
    };
    const r = unwrap(await h.agent.explainPolicy({ pr }));
    expect(r).toMatchObject({ rule: "migrations", policy: { id: "strict", version: 1 }, recorded: null });
    expect(r.decision).toMatchObject({ reviewers: 2, slaHours: 4, pool: ["bob", "carol", "dave"] });
    const other = unwrap(await h.agent.explainPolicy({ pr: { ...pr, files: ["README.md"] } }));
    expect(other.rule).toBe("default");
    expect(other.verdicts[0]?.reasons[0]).toContain("no changed file matches migrations/**");
  });

  it("counts effectiveness per version and rule", async () => {
    h.clock.t = MONDAY_9 + 2 * HOUR;
    const two = unwrap(await h.agent.pullRequest({ repo: REPO, number: 2 }));
    const first = two?.reviewers[0]?.login ?? "";
    await deliver(
      h,
      reviewSubmitted({ number: 2, author: "lena", branch: "add-migration" }, first, h.clock.t, "commented"),
    );
    const eff = unwrap(await h.agent.policyEffectiveness("strict"));
    const v1 = eff.versions.find((v) => v.version === 1);
    expect(v1?.summary.prs).toBe(2);
    const mig = v1?.rules.find((r) => r.rule === "migrations")?.summary;
    expect(mig?.firstReview.n).toBe(1);
    expect(mig?.firstReview.median).toBeCloseTo(2, 5);
  });

  it("runs an experiment to a decision with a CI and p-value, and Promote makes the variant active", async () => {
    const store = settings(env, TENANT);
    const variant = {
      rules: [{ name: "default", decide: { reviewers: 1, strategy: "least-busy-now" as const } }],
    };
    await storePolicy(TENANT, "fast", variant, { activate: false });
    const spec = {
      name: "least busy now",
      control: { policyId: "strict" },
      variant: { policyId: "fast" },
      allocation: { variantShare: 0.5 },
      primaryMetric: "firstReviewHours" as const,
      guardrails: [],
      minSample: 5,
      maxDays: 28,
      alpha: 0.05,
    };
    unwrap(await store.startExperiment({ id: "exp-test", spec, by: "test" }));
    // PRs split by hash: the variant's are reviewed within half an hour, the control's after three.
    const start = MONDAY_9 + 24 * HOUR;
    const numbers = Array.from({ length: 24 }, (_, i) => 100 + i);
    h.clock.t = start;
    await deliver(
      h,
      ...numbers.map((n) => prEvent("opened", { number: n, author: "lena", branch: `b${n}` }, start)),
    );
    const arms = numbers.map((n) => ({ n, arm: armOf("exp-test", `${REPO}#${n}`, 0.5) }));
    expect(arms.filter((a) => a.arm === "variant").length).toBeGreaterThanOrEqual(5);
    expect(arms.filter((a) => a.arm === "control").length).toBeGreaterThanOrEqual(5);
    for (const { n, arm } of arms) {
      const pr = unwrap(await h.agent.pullRequest({ repo: REPO, number: n }));
      const reviewer = pr?.reviewers[0]?.login ?? "bob";
      h.clock.t = start + (arm === "variant" ? 0.5 : 3) * HOUR + n * 1000;
      await deliver(
        h,
        reviewSubmitted({ number: n, author: "lena", branch: `b${n}` }, reviewer, h.clock.t, "commented"),
      );
    }
    // The Pattern Bridge (a standing agent) analyses the Review Manager's figures and records the decision.
    const bridge = await findPatternBridge(env, TENANT);
    if (!bridge) throw new Error("no Pattern Bridge");
    const { experiment, analysis } = unwrap(await bridge.experimentStatus("exp-test", "test"));
    expect(analysis.decision).toBe("variant-wins");
    expect(analysis.pValue).toBeLessThan(0.05);
    expect(analysis.effect.ci95?.[1]).toBeLessThan(0);
    expect(experiment.status).toBe("decided");
    // Asked again, the recorded decision is answered (told to the leads once).
    const again = unwrap(await bridge.experimentStatus("exp-test", "test"));
    expect(again.analysis).toEqual(analysis);
    const promoted = unwrap(await store.promoteExperiment("exp-test", "slack:U0LENA"));
    expect(promoted.version).toMatchObject({ policyId: "strict", version: 2, source: "promotion" });
    const active = await store.activePolicy();
    expect(active).toMatchObject({ policyId: "strict", version: 2 });
    expect(active.policy).toEqual(variant);
    // A second click changes nothing.
    expect((await store.promoteExperiment("exp-test", "slack:U0LENA")).ok).toBe(false);
  });
});
