/**
 * GET /api/insights and `/foreman insights` (issue 15's acceptance): one reviewer given six requested
 * reviews with a capacity of five is named over capacity — and, once the reviews have waited past
 * the SLA reminder, as a bottleneck with the suggested action and a Rebalance button; an empty tenant
 * has nothing to report (not an error); the route's key, parameters and repository filter.
 */

import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { coordinator } from "../../src/agents/coordinator/stub";
import { decodeAction } from "../../src/chat/actions";
import { literal } from "../../src/chat/markup";
import type { ReviewerLoad } from "../../src/domain/insights";
import {
  deliver,
  type Harness,
  HOUR,
  MONDAY_9,
  prEvent,
  REPO,
  reviewManager,
  setupTenant,
} from "../agents/review-manager/support";
import { chatContext, click, run, shown, slack } from "../commands/helpers";
import { errorOf, jsonOf, newKey, viaWorker } from "../http/helpers";

interface Body {
  generatedAt: string;
  weeks: number;
  capacity: number | null;
  reviewers: ReviewerLoad[];
  repos: unknown[];
  bottlenecks: Array<{ kind: string; login?: string; action: string; suggestion: string }>;
  quality: { repos: unknown[]; reviewers: unknown[]; sizeEffect: { ratio: number | null } };
  empty: boolean;
  sources: { reviewManager: { agentId: string } | null; integrationDashboard: { agentId: string } | null };
}

/** Six PRs by alice, each asking bob on GitHub, at the harness's clock. */
async function sixForBob(h: Harness): Promise<void> {
  const prs = [1, 2, 3, 4, 5, 6].map((number) => ({ number, author: "alice", requested: ["bob"] }));
  await deliver(h, ...prs.map((pr) => prEvent("opened", pr, h.clock.t)));
  const queue = await h.agent.reviewQueue({ login: "bob" });
  if (!queue.ok) throw new Error(queue.error.message);
  expect(queue.value.items).toHaveLength(6);
}

const insights = async (key: string, query = "") => {
  const res = await viaWorker(`/api/insights${query}`, { key });
  expect(res.status).toBe(200);
  return jsonOf<Body>(res);
};

describe("insights name a reviewer over capacity", () => {
  it("six aging reviews: a bottleneck, with the oldest to reassign, over the API and in chat", async () => {
    const tenant = "it-insights-aging";
    await setupTenant(tenant);
    const h = await reviewManager(tenant);
    await sixForBob(h);
    h.clock.t = MONDAY_9 + 7 * HOUR; // seven working hours later (everyone works 09-17 UTC)
    const { key } = await newKey(tenant, "viewer");

    const body = await insights(key);
    expect(body.capacity).toBe(5);
    expect(body.empty).toBe(false);
    expect(body.sources.reviewManager?.agentId).toBe(h.agentId);
    const [bob] = body.reviewers;
    expect(bob).toMatchObject({
      login: "bob",
      open: 6,
      capacity: 5,
      aging: 6,
      oldestWaitingMs: 7 * HOUR,
      overCapacity: true,
      bottleneck: true,
    });
    expect(bob?.oldest.repo).toBe(REPO);
    expect(body.bottlenecks).toEqual([
      expect.objectContaining({
        kind: "reviewer",
        login: "bob",
        action: "rebalance",
        suggestion: `rebalance: reassign the oldest (${REPO}#${bob?.oldest.number}, waiting 7 h)`,
      }),
    ]);

    const ctx = chatContext(tenant, { actor: slack("U0LENA", "lena") });
    const reply = await run("insights", ctx);
    const text = shown(reply);
    expect(text).toContain("Over capacity: **bob** (capacity 5).");
    expect(text).toContain(
      "**bob**: 6 open reviews, capacity 5, oldest waiting 7 h (6 aging) — rebalance: reassign the oldest",
    );
    expect(reply.tone).toBe("warning");
    // The login is outside text: marked literal wherever it is shown.
    expect(reply.text).toContain(literal("bob"));
    expect(reply.buttons).toHaveLength(1);
    const [button] = reply.buttons;
    expect(button?.label).toBe("Rebalance bob");
    expect(decodeAction(button?.action)).toEqual({ verb: "review.rebalance", arg: "bob" });
    // The lead's click reassigns bob's oldest review to the next candidate.
    const clicked = await click(button?.action ?? "", ctx);
    expect(clicked.ephemeral).toBe(false);
    expect(shown(clicked)).toContain(`Reassigned ${REPO}#${bob?.oldest.number} from`);
    const after = await h.agent.reviewQueue({ login: "bob" });
    if (!after.ok) throw new Error(after.error.message);
    expect(after.value.items).toHaveLength(5);
    // bob himself may move his own; someone else who is not an admin may not.
    const carol = await click(
      button?.action ?? "",
      chatContext(tenant, { actor: slack("U0CAROL", "carol") }),
    );
    expect(carol.ephemeral).toBe(true);
    const again = await h.agent.reviewQueue({ login: "bob" });
    if (!again.ok) throw new Error(again.error.message);
    expect(again.value.items).toHaveLength(5);
  });

  it("six reviews requested just now: named over capacity, not yet a bottleneck", async () => {
    const tenant = "it-insights-fresh";
    await setupTenant(tenant);
    const h = await reviewManager(tenant);
    await sixForBob(h);
    const { key } = await newKey(tenant, "viewer");

    const body = await insights(key);
    expect(body.reviewers[0]).toMatchObject({
      login: "bob",
      open: 6,
      aging: 0,
      overCapacity: true,
      bottleneck: false,
    });
    expect(body.bottlenecks).toEqual([]);

    const reply = await run("insights", chatContext(tenant));
    const text = shown(reply);
    expect(text).toContain("Over capacity: **bob** (capacity 5). No review of theirs is aging yet.");
    expect(text).toContain("**bob**: 6 open reviews, capacity 5, oldest waiting 0 min — none aging yet");
    expect(reply.buttons).toEqual([]);

    // Only another repository: nobody's reviews there.
    const other = await insights(key, "?repo=acme/other&weeks=2");
    expect(other.reviewers).toEqual([]);
    expect(other.empty).toBe(true);
    expect(other.weeks).toBe(2);
    expect(shown(await run("insights acme/other", chatContext(tenant)))).toContain(
      "Nothing to report yet in `acme/other`: no open reviews",
    );
  });
});

describe("an empty tenant", () => {
  it("has nothing to report, and reading starts no agent", async () => {
    const tenant = "it-insights-empty";
    const { key } = await newKey(tenant, "viewer");
    const body = await insights(key);
    expect(body).toMatchObject({
      capacity: null,
      reviewers: [],
      repos: [],
      bottlenecks: [],
      empty: true,
      sources: { reviewManager: null, integrationDashboard: null },
    });
    const reply = await run("insights", chatContext(tenant));
    expect(reply.tone).not.toBe("error");
    expect(shown(reply)).toContain(
      "Nothing to report yet: no open reviews, and no reviews recorded in the last 4 weeks.",
    );
    const live = await coordinator(env, tenant).liveAgent("review-manager");
    expect(live).toEqual({ ok: true, value: null });
  });
});

describe("GET /api/insights", () => {
  it("needs a key and names the field it cannot take", async () => {
    const none = await viaWorker("/api/insights", { key: null });
    expect(none.status).toBe(401);
    const { key } = await newKey("it-insights-params", "viewer");
    for (const [query, field] of [
      ["?weeks=13", "weeks"],
      ["?weeks=0", "weeks"],
      ["?repo=not-a-repo", "repo"],
    ] as const) {
      const res = await viaWorker(`/api/insights${query}`, { key });
      expect(res.status, query).toBe(400);
      expect((await errorOf(res)).details?.issues?.map((i) => i.field)).toEqual([field]);
    }
    expect((await viaWorker("/api/insights?repo=", { key })).status).toBe(200);
  });
});
