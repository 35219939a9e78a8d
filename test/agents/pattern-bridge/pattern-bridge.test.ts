/**
 * The Pattern Bridge (src/agents/pattern-bridge): a standing agent that schedules its looks at spawn,
 * and finds opportunities in the Review Manager's recorded decisions — here PRs labelled `hotfix`
 * waiting far longer for a first review than the rest — suggesting the matching pattern to the leads'
 * channel once, however often it looks.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { coordinator } from "../../../src/agents/coordinator/stub";
import { findPatternBridge } from "../../../src/agents/pattern-bridge";
import { EXPERIMENT_TASK, OPPORTUNITY_TASK } from "../../../src/agents/pattern-bridge/agent";
import type { DeliveryMessage } from "../../../src/delivery/types";
import { DAY_MS } from "../../../src/domain/time";
import type { Env } from "../../../src/env";
import { unwrap } from "../../../src/platform/errors";
import { recordingQueue } from "../../delivery/support";
import { stickySeam } from "../../helpers/seams";
import {
  deliver,
  type Harness,
  HOUR,
  MONDAY_9,
  postText,
  prEvent,
  reviewManager,
  reviewSubmitted,
  setupTenant,
  slackPosts,
} from "../review-manager/support";

const TENANT = "t-pattern-bridge";
const HOTFIX = 8;
const OTHERS = 12;

/** 09:00 UTC on the `i`-th working day from MONDAY_9 (weekends skipped). */
const workday = (i: number) => MONDAY_9 + (Math.floor(i / 5) * 7 + (i % 5)) * 24 * HOUR;

/** PR `number` opened at 09:00 on its own working day and first reviewed by its reviewer `hours` later. */
async function reviewedAfter(h: Harness, number: number, day: number, hours: number, labels: string[]) {
  const pr = { number, author: "lena", labels, branch: `b${number}` };
  h.clock.t = workday(day);
  await deliver(h, prEvent("opened", pr, h.clock.t));
  const tracked = unwrap(await h.agent.pullRequest({ repo: "acme/widgets", number }));
  const reviewer = tracked?.reviewers[0]?.login;
  if (!reviewer) throw new Error(`no reviewer for #${number}`);
  h.clock.t += hours * HOUR;
  await deliver(h, reviewSubmitted(pr, reviewer, h.clock.t, "commented"));
}

describe("Pattern Bridge", () => {
  let h: Harness;
  let bridgeId: string;
  const { queue, sent } = recordingQueue();
  /** The Pattern Bridge's clock: real time unless a test sets it. */
  const bridgeClock: { t: number | null } = { t: null };

  beforeAll(async () => {
    await setupTenant(TENANT);
    h = await reviewManager(TENANT);
    const standing = unwrap(await coordinator(env, TENANT).standingAgents(TENANT, { correlationId: "test" }));
    bridgeId = standing["pattern-bridge"];
    await stickySeam(env.PATTERN_BRIDGE.getByName(bridgeId), bridgeId, (instance) => {
      const agent = instance as { env: Env; now: () => number };
      if (agent.env.OUTBOUND !== queue) agent.env = { ...agent.env, OUTBOUND: queue };
      agent.now = () => bridgeClock.t ?? Date.now();
    });
  });

  it("is a standing agent whose experiment and opportunity looks are scheduled at spawn", async () => {
    const bridge = await findPatternBridge(env, TENANT);
    if (!bridge) throw new Error("no Pattern Bridge");
    const kinds = (await bridge.schedules()).map((s) => s.kind);
    expect(kinds).toEqual(expect.arrayContaining(["pattern.experiment", "pattern.opportunities"]));
    // Watching again schedules nothing twice.
    unwrap(await bridge.watch());
    const again = (await bridge.schedules()).map((s) => s.kind);
    expect(again.filter((k) => k === EXPERIMENT_TASK)).toHaveLength(1);
    expect(again.filter((k) => k === OPPORTUNITY_TASK)).toHaveLength(1);
  });

  it("suggests the hotfix fast lane once when hotfix PRs wait far longer for a first review", async () => {
    const bridge = await findPatternBridge(env, TENANT);
    if (!bridge) throw new Error("no Pattern Bridge");
    // Nothing decided yet: nothing to suggest.
    expect(unwrap(await bridge.lookForOpportunities("test-empty")).suggested).toEqual([]);

    // Eight hotfix PRs first reviewed after 4 working hours, twelve others after half an hour.
    for (let i = 0; i < HOTFIX; i++) await reviewedAfter(h, 1 + i, i, 4, ["hotfix"]);
    for (let i = 0; i < OTHERS; i++) await reviewedAfter(h, 101 + i, HOTFIX + i, 0.5, []);

    // What the Review Manager hands over (decided_at is on its clock, in 2030).
    const facts = unwrap(await h.agent.opportunityFacts(0));
    expect(facts.overall.prs).toBe(HOTFIX + OTHERS);
    expect(facts.overall.firstReviewWorking.median).toBeCloseTo(0.5, 5);
    const hotfix = facts.groups.find((g) => g.kind === "label" && g.value === "hotfix");
    expect(hotfix?.summary.prs).toBe(HOTFIX);
    expect(hotfix?.summary.firstReviewWorking.median).toBeCloseTo(4, 5);
    // Only decisions since the given time count.
    expect(unwrap(await h.agent.opportunityFacts(workday(HOTFIX + OTHERS))).overall.prs).toBe(0);

    // By the Pattern Bridge's clock, the decisions are older than its window: nothing found.
    bridgeClock.t = workday(HOTFIX + OTHERS) + 60 * DAY_MS;
    expect(unwrap(await bridge.lookForOpportunities("test-late")).suggested).toEqual([]);
    bridgeClock.t = workday(HOTFIX + OTHERS) + DAY_MS;

    sent.length = 0;
    const first = unwrap(await bridge.lookForOpportunities("test-first"));
    expect(first.suggested).toEqual(["label:hotfix:slow"]);
    const told = slackPosts(sent);
    expect(told).toHaveLength(1);
    const post = told[0] as DeliveryMessage;
    expect(post.key).toContain("opportunity:label:hotfix:slow");
    expect(postText(post)).toContain("PRs labelled hotfix wait 4.0 h for a first review (median of 8)");
    expect(postText(post)).toContain("hotfix-fast-lane");
    const health = unwrap(await bridge.health(50));
    expect(health.recentEvents.map((e) => e.message)).toContain("suggested label:hotfix:slow");

    // Looked at again: the same opportunity is not suggested twice.
    sent.length = 0;
    expect(unwrap(await bridge.lookForOpportunities("test-second")).suggested).toEqual([]);
    expect(slackPosts(sent)).toEqual([]);
  });
});
