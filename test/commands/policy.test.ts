/**
 * `/foreman policy list|explain|promote` (src/commands/handlers/policy.ts, docs/policies.md): the
 * policies and which is active (the migrated `default` on a fresh tenant), why a decided PR was
 * decided as it was (policy, version, rule, each rule's verdict), an error for a PR Foreman does not
 * track, promotion of an experiment's variant for chat admins only, and outside text shown inert.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { coordinator } from "../../src/agents/coordinator/stub";
import { encodeAction } from "../../src/chat/actions";
import { renderDiscord } from "../../src/chat/discord/render";
import { literal, unmarked } from "../../src/chat/markup";
import { renderSlack } from "../../src/chat/slack/render";
import { ExperimentSpecSchema } from "../../src/domain/experiment";
import { analyse } from "../../src/domain/experiment-analysis";
import { unwrap } from "../../src/platform/errors";
import { settings } from "../../src/settings/stub";
import { deliver, prEvent, reviewManager, setupTenant, storePolicy } from "../agents/review-manager/support";
import { policySample } from "../helpers/policy-sample";
import { chatContext, click, run, shown, slack } from "./helpers";

const EVIL = "*bold* <@U123> [click](https://e.example) <!here>";

const LANES = {
  rules: [
    { name: "hotfix", match: { labels: ["hotfix"] }, decide: { reviewers: 2, slaHours: 2 } },
    { name: "default", decide: { reviewers: 1 } },
  ],
};

/** The reply as Slack and Discord would show it: no mention, link or formatting from `EVIL` is live. */
function expectInert(reply: Parameters<typeof renderSlack>[0]): void {
  const slackJson = JSON.stringify(renderSlack(reply));
  expect(slackJson).not.toContain("<@U123>");
  expect(slackJson).not.toContain("<!here>");
  expect(slackJson).not.toContain("<https://e.example");
  expect(slackJson).toContain("&lt;@U123&gt;");
  expect(slackJson).not.toContain("*bold*");
  const discord = renderDiscord(reply);
  const outsideCode = JSON.stringify(discord).replace(/`[^`]*`/g, "");
  expect(outsideCode).not.toContain("<@U123>");
  expect(outsideCode).not.toContain("](https://e.example)");
  expect(outsideCode).not.toContain("*bold*");
  expect(discord.allowed_mentions).toEqual({ parse: [], users: [] });
}

describe("policy list", () => {
  it("a fresh tenant has the migrated default, active", async () => {
    const reply = await run("policy list", chatContext("t-cmd-policy-fresh"));
    expect(reply.title).toBe("Policies");
    const text = shown(reply);
    expect(text).toContain("`default` v1 — **active** (version 1)");
    expect(text).not.toContain("Experiment running");
  });

  it("lists a created policy beside the active one, its description inert; and a running experiment", async () => {
    const tenant = "t-cmd-policy-list";
    const store = settings(env, tenant);
    await storePolicy(tenant, "lanes", LANES, { activate: false, description: EVIL });
    const reply = await run("policy list", chatContext(tenant));
    const text = shown(reply);
    expect(text).toContain("`default` v1 — **active** (version 1)");
    expect(text).toContain(`\`lanes\` v1: ${EVIL}`);
    expect(text).not.toContain("`lanes` v1 — **active**");
    expect(JSON.stringify(reply)).toContain(literal(EVIL));
    expectInert(reply);

    const spec = ExperimentSpecSchema.parse({
      name: "lanes <@U123>",
      control: { policyId: "default" },
      variant: { policyId: "lanes" },
      minSample: 5,
    });
    unwrap(await store.startExperiment({ id: "exp-list", spec, by: "test" }));
    const running = await run("policy list", chatContext(tenant));
    expect(shown(running)).toContain("`exp-list` lanes <@U123>: `default` v1 against `lanes` v1");
    expectInert(running);
  });
});

describe("policy explain", () => {
  it("names the policy, version and rule of a decided PR and each rule's verdict", async () => {
    const tenant = "t-cmd-policy-explain";
    await setupTenant(tenant);
    await storePolicy(tenant, "lanes", LANES);
    const h = await reviewManager(tenant);
    await deliver(
      h,
      prEvent("opened", { number: 7, author: "lena", labels: ["docs"] }, h.clock.t),
      prEvent("opened", { number: 8, author: "lena", labels: ["HotFix"] }, h.clock.t),
    );
    const ctx = chatContext(tenant, { now: new Date(h.clock.t) });

    const seven = await run("policy explain acme/widgets#7", ctx);
    expect(seven.title).toBe("Policy explain");
    expect(unmarked(seven.text)).toBe(
      "`acme/widgets#7`: policy `lanes` v1 (the policy that decided this PR), rule `default`.",
    );
    const rules = seven.sections.find((s) => s.title === "Rules, in order")?.lines?.map(unmarked);
    expect(rules).toEqual([
      "✗ `hotfix`: none of the labels hotfix",
      "✓ `default`: matches every PR (the default)",
    ]);
    const decision = seven.sections.find((s) => s.title === "Decision")?.lines?.map(unmarked) ?? [];
    expect(decision[0]).toContain("1 reviewer(s)");
    expect(decision[0]).toContain("(from rule default)");
    expect(decision[1]).toContain("SLA 8 working hours");

    const eight = await run("policy explain acme/widgets#8", ctx);
    expect(unmarked(eight.text)).toContain("policy `lanes` v1");
    expect(unmarked(eight.text)).toContain("rule `hotfix`.");
    expect(eight.sections.find((s) => s.title === "Rules, in order")?.lines?.map(unmarked)).toEqual([
      "✓ `hotfix`: label hotfix",
    ]);
    const decided = shown(eight);
    expect(decided).toContain("2 reviewer(s)");
    expect(decided).toContain("SLA 2 working hours (from rule hotfix)");
  });

  it("a PR Foreman does not track is an error that says so", async () => {
    const tenant = "t-cmd-policy-unknown";
    await setupTenant(tenant);
    const reply = await run("policy explain acme/widgets#999", chatContext(tenant));
    expect(reply.tone).toBe("error");
    expect(reply.ephemeral).toBe(true);
    expect(shown(reply)).toContain("Foreman does not track acme/widgets#999");
  });

  it("rule conditions from outside (a label in the policy) are shown inert", async () => {
    const tenant = "t-cmd-policy-inert";
    await setupTenant(tenant);
    await storePolicy(tenant, "odd", {
      rules: [
        { name: "odd", match: { labels: [EVIL] }, decide: { reviewers: 2 } },
        { name: "default", decide: {} },
      ],
    });
    const h = await reviewManager(tenant);
    await deliver(h, prEvent("opened", { number: 3, author: "lena" }, h.clock.t));
    const reply = await run("policy explain acme/widgets#3", chatContext(tenant));
    expect(shown(reply)).toContain(`✗ \`odd\`: none of the labels ${EVIL}`);
    expectInert(reply);
  });
});

describe("policy promote", () => {
  const sample = (firstReviewHours: number) =>
    policySample({ firstReviewHours, firstReviewWorkingHours: firstReviewHours });

  it("needs chat admin rights; by a lead, a decided experiment's variant becomes the active policy", async () => {
    const tenant = "t-cmd-policy-promote";
    const lena = chatContext(tenant, { actor: slack("U0LENA", "lena") });
    const bob = chatContext(tenant, { actor: slack("U0BOB", "bob") });
    // A lead exists: the first run (anyone may) is over.
    expect((await run("team add <@U0LENA|lena> github:lena --lead", lena)).tone).toBe("success");

    const store = settings(env, tenant);
    const variant = { rules: [{ name: "default", decide: { strategy: "least-busy-now" as const } }] };
    await storePolicy(tenant, "fast", variant, { activate: false });
    const spec = ExperimentSpecSchema.parse({
      name: "least busy now",
      control: { policyId: "default" },
      variant: { policyId: "fast" },
      primaryMetric: "firstReviewHours",
      guardrails: [],
      minSample: 5,
    });
    const started = unwrap(await store.startExperiment({ id: "exp-promote", spec, by: "test" }));

    const refused = await run("policy promote exp-promote", bob);
    expect(refused.title).toBe("Not allowed");
    expect(refused.ephemeral).toBe(true);
    expect(shown(refused)).toContain("needs chat admin rights");
    expect(shown(refused)).toContain("Ask a lead: <@U0LENA>.");
    expect(unwrap(await store.experiment("exp-promote")).status).toBe("running");
    // The Promote button is refused the same way.
    const button = encodeAction("policy.promote", "exp-promote");
    expect((await click(button, bob)).title).toBe("Not allowed");
    expect((await store.activePolicy()).policyId).toBe("default");
    expect((await store.activePolicy()).version).toBe(1);

    // The experiment reaches a decision: the variant's PRs are reviewed far sooner.
    const analysis = analyse({
      spec,
      control: [3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5].map(sample),
      variant: [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9].map(sample),
      startedAtMs: Date.parse(started.startedAt),
      nowMs: Date.parse(started.startedAt) + 86_400_000,
      seed: "exp-promote",
    });
    expect(analysis.decision).toBe("variant-wins");
    expect((await store.decideExperiment("exp-promote", analysis)).record.status).toBe("decided");

    const promoted = await run("policy promote exp-promote", lena);
    expect(promoted.tone).toBe("success");
    expect(promoted.title).toBe("Policy promoted");
    expect(unmarked(promoted.text)).toBe(
      "Promoted experiment `exp-promote`: the variant is now version 2 of `default`, the active policy.",
    );
    const active = await store.activePolicy();
    expect(active).toMatchObject({ policyId: "default", version: 2 });
    expect(active.policy).toEqual(variant);
    expect(unwrap(await store.experiment("exp-promote")).status).toBe("promoted");
    expect(shown(await run("policy list", lena))).toContain("`default` v2 — **active** (version 2)");
    // The audit log has it, with who promoted it from chat.
    const audit = await coordinator(env, tenant).listAudit(50);
    expect(audit).toContainEqual(
      expect.objectContaining({
        keyId: "chat:slack:U0LENA",
        action: "policy.promote",
        target: "exp-promote -> default v2",
      }),
    );

    // A second promotion (command or button) changes nothing and says who promoted it.
    const again = await click(button, lena);
    expect(again.tone).toBe("error");
    expect(shown(again)).toContain("was promoted by slack:U0LENA (version 2)");
    expect((await store.activePolicy()).version).toBe(2);
  });

  it("an unknown experiment is an error", async () => {
    const tenant = "t-cmd-policy-promote-unknown";
    const reply = await run("policy promote exp-nope", chatContext(tenant));
    expect(reply.tone).toBe("error");
    expect(shown(reply)).toContain("exp-nope");
  });
});
