import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { coordinator } from "../../../src/agents/coordinator/stub";
import { linearStateAgent } from "../../../src/agents/linear-state";
import { agentNamespace } from "../../../src/agents/registry";
import { peopleOf } from "../../../src/agents/review-manager/model/candidates";
import { queueLine } from "../../../src/agents/review-manager/model/queue";
import { unmarked } from "../../../src/chat/markup";
import type { Env } from "../../../src/env";
import { unwrap } from "../../../src/platform/errors";
import { settings } from "../../../src/settings/stub";
import { recordingQueue } from "../../delivery/support";
import { stickySeam } from "../../helpers/seams";
import { waitFor } from "../../helpers/wait";
import { issueEvent } from "../linear-state/support";
import {
  CHANNEL,
  deliver,
  eventMessage,
  only,
  postText,
  prEvent,
  reviewManager,
  setupTenant,
  slackPosts,
} from "./support";

/** The tenant's standing linear-state agent, its deliveries recorded instead of queued. */
async function linearState(tenant: string) {
  const standing = unwrap(await coordinator(env, tenant).standingAgents(tenant, { correlationId: "test" }));
  const agentId = standing["linear-state"];
  const { queue } = recordingQueue();
  await stickySeam(agentNamespace(env, "linear-state").getByName(agentId), agentId, (instance) => {
    const agent = instance as { env: Env };
    agent.env = { ...agent.env, OUTBOUND: queue };
  });
  return linearStateAgent(env, agentId);
}

/** Links Linear teams to the review channel: their keys are the only ones that count. */
async function linkLinear(tenant: string, ...teams: string[]) {
  for (const team of teams) unwrap(await settings(env, tenant).link("linear", team, CHANNEL, "test"));
}

describe("Linear issues on review cards", () => {
  it("shows the keys of the PR's branch on the card and in `review list` before linear-state linked them", async () => {
    const tenant = "t-rev-linear-keys";
    await setupTenant(tenant);
    await linkLinear(tenant, "ENG");
    const h = await reviewManager(tenant);
    const body = "Part of ENG-13";
    await deliver(
      h,
      prEvent("opened", { number: 1, author: "octocat", branch: "eng-12-fix", body }, h.clock.t),
    );

    const card = postText(only(slackPosts(h.sent)));
    expect(card).toContain("Linear");
    expect(card).toContain("ENG-12 · ENG-13 (references)");
    expect(postText(only(slackPosts(h.sent, "U0BOB")))).toContain("ENG-12");

    // The queue has no PR body: the branch still names ENG-12.
    const queue = unwrap(await h.agent.reviewQueue());
    const item = only(queue.items);
    expect(item.linear).toEqual([{ key: "ENG-12", relation: "closes", state: null }]);
    expect(unmarked(queueLine(item, peopleOf([]), "slack"))).toContain(" · Linear: ENG-12");
  });

  it("shows the state of the linked issue from the linear-state agent's snapshot", async () => {
    const tenant = "t-rev-linear-state";
    await setupTenant(tenant);
    await linkLinear(tenant, "ENG");
    const h = await reviewManager(tenant);
    const linear = await linearState(tenant);
    const opened = prEvent("opened", { number: 2, author: "octocat", branch: "eng-12-fix" }, h.clock.t);
    const issue = issueEvent("create", {
      identifier: "ENG-12",
      state: { id: "st-review", name: "In Review", type: "started" },
    });
    const fromLinear = eventMessage(issue);
    fromLinear.payload = { ...fromLinear.payload, name: issue.kind };
    unwrap(await linear.receive(fromLinear));
    unwrap(await linear.receive(eventMessage(opened)));
    await waitFor(async () => {
      const linked = await linear.issuesForPr("acme/widgets", 2);
      expect(linked.map((l) => [l.link.issue, l.issue?.state?.name])).toEqual([["ENG-12", "In Review"]]);
    });

    await deliver(h, opened);
    expect(postText(only(slackPosts(h.sent)))).toContain("ENG-12 In Review");
    const item = only(unwrap(await h.agent.reviewQueue()).items);
    expect(unmarked(queueLine(item, peopleOf([]), "slack"))).toContain("Linear: ENG-12 In Review");
  });

  it("no Linear team linked: a branch like feature/eng-42-rate-limit-101 shows no Linear line", async () => {
    const tenant = "t-rev-linear-none";
    await setupTenant(tenant);
    const h = await reviewManager(tenant);
    const branch = "feature/eng-42-rate-limit-101";
    await deliver(
      h,
      prEvent("opened", { number: 3, author: "octocat", branch, body: "Fixes ENG-7" }, h.clock.t),
    );
    const card = postText(only(slackPosts(h.sent)));
    expect(card).not.toContain("Linear");
    expect(card).not.toContain("ENG-42");
    expect(postText(only(slackPosts(h.sent, "U0BOB")))).not.toContain("Linear");
    const item = only(unwrap(await h.agent.reviewQueue()).items);
    expect(item.linear ?? []).toEqual([]);
    expect(queueLine(item, peopleOf([]), "slack")).not.toContain("Linear");
  });

  it("teams linked: only their keys count (ENG-42, not LIMIT-101)", async () => {
    const tenant = "t-rev-linear-only";
    await setupTenant(tenant);
    await linkLinear(tenant, "ENG", "OPS");
    const h = await reviewManager(tenant);
    const branch = "feature/eng-42-rate-limit-101";
    await deliver(
      h,
      prEvent("opened", { number: 4, author: "octocat", branch, body: "Part of OPS-3" }, h.clock.t),
    );
    const card = postText(only(slackPosts(h.sent)));
    expect(card).toContain("ENG-42 · OPS-3 (references)");
    expect(card).not.toContain("LIMIT-101");
    const item = only(unwrap(await h.agent.reviewQueue()).items);
    expect(item.linear).toEqual([{ key: "ENG-42", relation: "closes", state: null }]);
  });
});
