import { beforeAll, describe, expect, it } from "vitest";
import type { Env } from "../../../src/env";
import { unwrap } from "../../../src/platform/errors";
import { fakeApi, TEST_TOKENS } from "../../helpers/fake-api";
import { stickySeam } from "../../helpers/seams";
import { deliver, prEvent, REPO, reviewManager, setupTenant, storePolicy } from "./support";

const POLICY = {
  rules: [
    {
      name: "owned",
      match: { paths: ["src/**"] },
      decide: { pool: { codeowners: true }, reviewers: 1 },
    },
    { name: "default", decide: {} },
  ],
};
const CODEOWNERS = "*  @lena\n/src/  @carol @bob\n";

/** A tenant whose active policy is POLICY, and its Review Manager. */
async function tenantWithPolicy(tenant: string) {
  await setupTenant(tenant);
  await storePolicy(tenant, "p", POLICY);
  return reviewManager(tenant);
}

describe("Review Manager: a CODEOWNERS pool", () => {
  const fake = fakeApi("policy-codeowners");

  beforeAll(async () => {
    await fake.reset();
  });

  it("asks the owners of the matched paths, read from GitHub once, and keeps them for the round", async () => {
    const tenant = "t-pco-github";
    const h = await tenantWithPolicy(tenant);
    await stickySeam(h.stub, h.agentId, (instance) => {
      const agent = instance as { env: Env };
      if (agent.env.GITHUB_TOKEN !== TEST_TOKENS.GITHUB_TOKEN) agent.env = fake.env(agent.env);
    });
    await fake.script(`/github/repos/${REPO}/pulls/7/files`, [{ body: [{ filename: "src/app.ts" }] }]);
    await fake.script(`/github/repos/${REPO}/contents/.github/CODEOWNERS`, [{ status: 404, body: {} }]);
    await fake.script(`/github/repos/${REPO}/contents/CODEOWNERS`, [{ body: CODEOWNERS }]);
    // carol wrote it: bob is the only owner who may review.
    await deliver(h, prEvent("opened", { number: 7, author: "carol" }, h.clock.t));
    const pr = unwrap(await h.agent.pullRequest({ repo: REPO, number: 7 }));
    expect(pr?.reviewers.map((r) => r.login)).toEqual(["bob"]);
    const read = await fake.requests(`/github/repos/${REPO}/contents/`);
    expect(read.map((r) => r.path)).toEqual([
      `/github/repos/${REPO}/contents/.github/CODEOWNERS`,
      `/github/repos/${REPO}/contents/CODEOWNERS`,
    ]);
    expect(read[1]?.query).toContain("ref=");
    // A later event of the round reads nothing again.
    await deliver(h, prEvent("ready_for_review", { number: 7, author: "carol" }, h.clock.t));
    expect(await fake.requests(`/github/repos/${REPO}/contents/`)).toHaveLength(2);
  });

  it("without GitHub access reads nothing, and the team is the pool", async () => {
    const tenant = "t-pco-demo";
    const h = await tenantWithPolicy(tenant);
    await deliver(h, prEvent("opened", { number: 8, author: "carol" }, h.clock.t));
    const pr = unwrap(await h.agent.pullRequest({ repo: REPO, number: 8 }));
    expect(pr?.reviewers).toHaveLength(1);
    const explained = unwrap(await h.agent.explainPolicy({ ref: { repo: REPO, number: 8 } }));
    expect(explained.pr.filesKnown).toBe(false);
  });
});
