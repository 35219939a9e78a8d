/**
 * Replay storms and concurrency through the full app: the same signed GitHub delivery 100 times at
 * once, the same Slack click 100 times at once, 50 different deliveries for one pull request at
 * once, 50 different clicks on one review card at once. Each ends in one consistent outcome.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { EVENT_TYPES } from "../../src/agents/coordinator/intake";
import { coordinator } from "../../src/agents/coordinator/stub";
import { githubRequests, settled, slackPosts } from "../agents/review-manager/support";
import { runQueue } from "../delivery/support";
import { fakeApi } from "../helpers/fake-api";
import { inboxRows } from "../webhooks/support";
import { claimClick, githubDelivery, prPayload, repeatedKeys, reviewTenant, tracked } from "./review-setup";
import { call, fuzzEnv } from "./support";

const takesEvents = (type: string) => (EVENT_TYPES as readonly string[]).includes(type);

const json = (text: string) => JSON.parse(text) as Record<string, unknown>;

/**
 * Who is on the pull request and in which state, by login. Rows come back in request-time order,
 * and storms decide only the set: compared sorted, never in the order work happened to land.
 */
const byLogin = (reviewers: Array<{ login: string; status: string }>) =>
  reviewers.map((r) => [r.login, r.status]).sort(([a], [b]) => String(a).localeCompare(String(b)));

describe("replay storms", () => {
  it("the same signed GitHub delivery 100 times at once: one accepted, one effect", async () => {
    const t = await reviewTenant("st-replay-gh", "acme/storm-replay");
    const { env: testEnv } = fuzzEnv(t.tenant);
    const delivery = crypto.randomUUID();
    const payload = prPayload(t.repo, 1);
    const requests = await Promise.all(Array.from({ length: 100 }, () => githubDelivery(payload, delivery)));
    const answers = await Promise.all(requests.map((r) => call(r, testEnv)));

    expect(answers.map((a) => a.status)).toEqual(Array(100).fill(200));
    const statuses = answers.map((a) => json(a.text).status);
    expect(statuses.filter((s) => s === "accepted")).toHaveLength(1);
    expect(statuses.filter((s) => s === "duplicate")).toHaveLength(99);

    await settled(t);
    expect(await coordinator(env, t.tenant).webhookDelivery("github", delivery)).toMatchObject({
      status: "published",
    });
    const agents = await coordinator(env, t.tenant).listAgents();
    expect(agents.ok && agents.value.length).toBe(5);
    // Once in every standing agent that takes webhook events (the Context Optimizer and the Pattern
    // Bridge take none).
    for (const agent of agents.ok ? agents.value : [])
      expect(await inboxRows(agent, delivery)).toHaveLength(takesEvents(agent.type) ? 1 : 0);

    const { reviewers } = await tracked(t, 1);
    expect(reviewers.map((r) => [r.login, r.status])).toEqual([["bob", "requested"]]);
    expect(githubRequests(t.sent)).toHaveLength(1);
    expect(slackPosts(t.sent, t.channel.channelId)).toHaveLength(1);
    expect(repeatedKeys(t.sent)).toEqual([]);
  });

  it("the same Slack click 100 times at once: one claim, one post to the response URL", async () => {
    const t = await reviewTenant("st-replay-click", "acme/storm-click");
    const api = fakeApi("st-replay-click");
    const opened = await call(
      await githubDelivery(prPayload(t.repo, 2), crypto.randomUUID()),
      fuzzEnv(t.tenant).env,
    );
    expect(opened.status).toBe(200);
    await settled(t);
    t.sent.length = 0;

    const { env: testEnv, sent } = fuzzEnv(t.tenant);
    const click = {
      userId: "U0CAROL",
      userName: "carol",
      triggerId: "111.222.storm",
      responseUrl: api.responseUrl("storm/1"),
    };
    const requests = await Promise.all(Array.from({ length: 100 }, () => claimClick(t, 2, click)));
    const answers = await Promise.all(requests.map((r) => call(r, testEnv)));
    expect(answers.map((a) => a.status)).toEqual(Array(100).fill(200));
    await settled(t);

    const { reviewers } = await tracked(t, 2);
    expect(byLogin(reviewers)).toEqual([
      ["bob", "released"],
      ["carol", "in_progress"],
    ]);
    expect(githubRequests(t.sent).map((d) => d.body.reviewers)).toEqual([["carol"]]);

    // Every request answers through the response URL under the click's one delivery key, which
    // the tenant's Outbox records once: one message is queued ...
    expect(sent).toHaveLength(1);
    expect(new Set(sent.map((d) => d.key)).size).toBe(1);
    // ... and the consumer posts it once, however the copies are batched.
    const withTokens = api.env(env, { extra: { LOG_LEVEL: "error" } });
    for (let i = 0; i < sent.length; i += 10) {
      await runQueue(
        withTokens,
        sent.slice(i, i + 10).map((body) => ({ body })),
      );
    }
    expect(await api.requests("/slack/hooks/storm/1")).toHaveLength(1);
  });
});

describe("concurrency", () => {
  it("50 different deliveries for one pull request at once: one tracked PR, one assignment, one card", async () => {
    const t = await reviewTenant("st-burst-gh", "acme/storm-burst");
    const { env: testEnv } = fuzzEnv(t.tenant);
    const actions = ["opened", "synchronize", "labeled", "ready_for_review", "unlabeled"];
    const requests = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        githubDelivery(
          prPayload(t.repo, 3, actions[i % actions.length]),
          `burst-${i}-${crypto.randomUUID()}`,
        ),
      ),
    );
    const answers = await Promise.all(requests.map((r) => call(r, testEnv)));
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(200));
    expect(answers.every((a) => json(a.text).status === "accepted")).toBe(true);
    await settled(t);

    const { pr, reviewers } = await tracked(t, 3);
    expect(pr.number).toBe(3);
    const active = reviewers.filter((r) => r.status === "requested" || r.status === "in_progress");
    expect(active).toHaveLength(1);
    expect(new Set(reviewers.map((r) => r.login)).size).toBe(reviewers.length);
    expect(githubRequests(t.sent)).toHaveLength(1);
    expect(
      slackPosts(t.sent, t.channel.channelId).filter((d) => d.action === "chat.postMessage"),
    ).toHaveLength(1);
    expect(repeatedKeys(t.sent)).toEqual([]);
  });

  it("50 clicks on one card at once: one claimer, one row per person, state and effects agree", async () => {
    const t = await reviewTenant("st-burst-click", "acme/storm-cards");
    const api = fakeApi("st-burst-click");
    const opened = await call(
      await githubDelivery(prPayload(t.repo, 4), crypto.randomUUID()),
      fuzzEnv(t.tenant).env,
    );
    expect(opened.status).toBe(200);
    await settled(t);
    t.sent.length = 0;
    const { env: testEnv, sent } = fuzzEnv(t.tenant);
    const clicks = (from: number, who: (i: number) => [string, string]) =>
      Promise.all(
        Array.from({ length: 25 }, async (_, k) => {
          const i = from + k;
          const [userId, userName] = who(i);
          const click = {
            userId,
            userName,
            triggerId: `click.${i}`,
            responseUrl: api.responseUrl(`cards/${i}`),
          };
          return call(await claimClick(t, 4, click), testEnv);
        }),
      );

    // 25 distinct clicks by carol at once: she takes the review over from bob, once.
    const carol = await clicks(0, () => ["U0CAROL", "carol"]);
    expect(carol.map((a) => a.status)).toEqual(Array(25).fill(200));
    await settled(t);
    expect(byLogin((await tracked(t, 4)).reviewers)).toEqual([
      ["bob", "released"],
      ["carol", "in_progress"],
    ]);
    expect(githubRequests(t.sent).map((d) => d.body.reviewers)).toEqual([["carol"]]);

    // 25 more, carol and lena racing: whoever clicked last holds it, nobody else is active.
    const race = await clicks(25, (i) => (i % 2 ? ["U0LENA", "lena"] : ["U0CAROL", "carol"]));
    expect(race.map((a) => a.status)).toEqual(Array(25).fill(200));
    await settled(t);
    const { reviewers } = await tracked(t, 4);
    const active = reviewers.filter((r) => r.status === "requested" || r.status === "in_progress");
    expect(active).toHaveLength(1);
    expect(active[0]?.status).toBe("in_progress");
    expect(new Set(reviewers.map((r) => r.login)).size).toBe(reviewers.length);
    // The last review request sent to GitHub names the reviewer the state holds; no effect twice.
    expect(githubRequests(t.sent).at(-1)?.body.reviewers).toEqual([active[0]?.login]);
    expect(repeatedKeys(t.sent)).toEqual([]);
    // Every click is answered once, on its own response URL.
    expect(sent).toHaveLength(50);
    expect(new Set(sent.map((d) => d.key)).size).toBe(50);
  });
});
