/**
 * What a policy rule decides, carried out by the Review Manager (docs/policies.md, "Decide"): required
 * people on top of the pool's pick, labels added on GitHub once per round, a named channel told (and a
 * rule naming an unlinked one says it was not posted there), the reminder/escalation chain, and a pool
 * member who is not on the team asked on UTC office hours.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { ChannelRef } from "../../../src/chat/platform";
import { unwrap } from "../../../src/platform/errors";
import { settings } from "../../../src/settings/stub";
import {
  deliver,
  HOUR,
  MONDAY_9,
  prEvent,
  REPO,
  reviewManager,
  setupTenant,
  slackPosts,
  storePolicy,
  WORKSPACE,
} from "./support";

const TENANT = "t-policy-decide";
const OTHER: ChannelRef = { platform: "slack", workspaceId: WORKSPACE, channelId: "C0POLICY" };

const POLICY = {
  rules: [
    {
      name: "security",
      match: { labels: ["security"] },
      decide: {
        pool: { logins: ["bob"] },
        reviewers: 1,
        required: ["lena", "octocat"],
        addLabels: ["needs-security-review", "security"],
        channel: "slack:C0POLICY",
        slaHours: 2,
        slaSteps: { reminder: 0.25, escalation: 1.5 },
      },
    },
    {
      name: "outsider",
      match: { labels: ["outsider"] },
      decide: { pool: { logins: ["zed"] }, channel: "slack:C0NOTLINKED" },
    },
    { name: "default", decide: {} },
  ],
};

describe("Review Manager: what a policy rule decides", () => {
  let h: Awaited<ReturnType<typeof reviewManager>>;

  beforeAll(async () => {
    await setupTenant(TENANT);
    const s = settings(env, TENANT);
    unwrap(await s.link("github", "acme/elsewhere", OTHER, "test"));
    await storePolicy(TENANT, "p", POLICY);
    h = await reviewManager(TENANT);
  });

  it("asks the pool's pick and the required people (never the author), adds labels once, tells the named channel", async () => {
    h.sent.length = 0;
    await deliver(h, prEvent("opened", { number: 1, author: "octocat", labels: ["security"] }, h.clock.t));
    const pr = unwrap(await h.agent.pullRequest({ repo: REPO, number: 1 }));
    expect(pr?.reviewers.map((r) => r.login).sort()).toEqual(["bob", "lena"]);
    const labels = h.sent.filter((d) => d.platform === "github" && d.action === "issues.addLabels");
    expect(labels).toHaveLength(1);
    // Only the labels the PR does not carry yet.
    expect(labels[0]?.body).toMatchObject({ issue_number: 1, labels: ["needs-security-review"] });
    expect(slackPosts(h.sent, OTHER.channelId).length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(slackPosts(h.sent, OTHER.channelId))).toContain("rule security");
    // The reminder at a quarter of the 2-hour SLA, the breach at 2 h, the escalation at 1.5 × 2 h.
    const bob = pr?.reviewers.find((r) => r.login === "bob");
    expect(bob?.sla).toMatchObject({
      reminderAtMs: MONDAY_9 + 0.5 * HOUR,
      breachAtMs: MONDAY_9 + 2 * HOUR,
      escalationAtMs: MONDAY_9 + 3 * HOUR,
    });

    // A later event of the same round adds no labels again and keeps the decision.
    h.sent.length = 0;
    await deliver(
      h,
      prEvent("labeled", { number: 1, author: "octocat", labels: ["security", "ui"] }, h.clock.t),
    );
    expect(h.sent.filter((d) => d.platform === "github" && d.action === "issues.addLabels")).toHaveLength(0);
  });

  it("asks a pool member who is not on the team on UTC office hours, and says an unlinked channel was not told", async () => {
    h.sent.length = 0;
    await deliver(h, prEvent("opened", { number: 2, author: "bob", labels: ["outsider"] }, h.clock.t));
    const pr = unwrap(await h.agent.pullRequest({ repo: REPO, number: 2 }));
    expect(pr?.reviewers.map((r) => r.login)).toEqual(["zed"]);
    // The tenant's 8-hour SLA (the rule sets none) on 09:00–17:00 UTC: due at 17:00.
    expect(pr?.reviewers[0]?.sla?.breachAtMs).toBe(MONDAY_9 + 8 * HOUR);
    const card = JSON.stringify(slackPosts(h.sent));
    expect(card).toContain("not linked to Foreman");
    expect(card).toContain("C0NOTLINKED");
    expect(slackPosts(h.sent, "C0NOTLINKED")).toHaveLength(0);
  });

  it("explains a decided PR by its recorded rule even after it changed, and says what would match now", async () => {
    await deliver(h, prEvent("labeled", { number: 1, author: "octocat", labels: ["ui"] }, h.clock.t));
    const r = unwrap(await h.agent.explainPolicy({ ref: { repo: REPO, number: 1 } }));
    expect(r.rule).toBe("security");
    expect(r.decision).toMatchObject({ reviewers: 1, slaHours: 2 });
    expect(r.now).toContain("rule default would match first");
  });

  it("counts a PR closed and reopened in its round's reopen rate", async () => {
    await deliver(
      h,
      prEvent("closed", { number: 2, author: "bob", labels: ["outsider"], state: "closed" }, h.clock.t),
      prEvent("reopened", { number: 2, author: "bob", labels: ["outsider"] }, h.clock.t),
    );
    const eff = unwrap(await h.agent.policyEffectiveness("p"));
    const outsider = eff.versions[0]?.rules.find((r) => r.rule === "outsider")?.summary;
    // Round 1 was reopened; round 2 is decided afresh (and not reopened).
    expect(outsider).toMatchObject({ prs: 2, reopenRate: 0.5 });
  });

  it("dry-runs say where each value came from", async () => {
    const r = unwrap(
      await h.agent.explainPolicy({
        pr: {
          repo: REPO,
          author: "x",
          labels: ["Security"],
          additions: 1,
          deletions: 0,
          draft: false,
          base: "main",
        },
      }),
    );
    expect(r).toMatchObject({ rule: "security", decision: { slaHours: 2, required: ["lena", "octocat"] } });
    expect(r.sources).toMatchObject({ slaHours: "rule security", reviewers: "rule security" });
    const plain = unwrap(
      await h.agent.explainPolicy({
        pr: { repo: REPO, author: "x", labels: [], additions: 1, deletions: 0, draft: false, base: "main" },
      }),
    );
    expect(plain.rule).toBe("default");
    expect(plain.sources.reviewers).toBe("the Review Manager's config");
  });
});
