/**
 * Helpers for the Review Manager tests: a tenant with a team and a linked channel, the standing
 * review-manager (or one spawned with a config), GitHub events built from the octokit example
 * payloads through the real parser, a controlled clock, and a recording of what the agent enqueues.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { coordinator } from "../../../src/agents/coordinator/stub";
import type { AgentMessage } from "../../../src/agents/model";
import type { ReviewManagerAgent } from "../../../src/agents/review-manager";
import type { HistorySample } from "../../../src/agents/review-manager/forecast-store";
import type { ChannelRef } from "../../../src/chat/platform";
import type { DeliveryMessage } from "../../../src/delivery/types";
import type { Env } from "../../../src/env";
import type { DomainEvent } from "../../../src/events/types";
import { parseGitHubEvent } from "../../../src/integrations/github/events";
import { randomId } from "../../../src/platform/ids";
import { type Remote, remote } from "../../../src/platform/rpc";
import { settings } from "../../../src/settings/stub";
import { recordingQueue } from "../../delivery/support";
import { exampleOf, onlyEvent, type Payload } from "../../helpers/payloads";
import { clearSeams, stickySeam } from "../../helpers/seams";
import { waitFor } from "../../helpers/wait";

export const REPO = "acme/widgets";
export const WORKSPACE = "T0FOREMAN";
export const CHANNEL: ChannelRef = { platform: "slack", workspaceId: WORKSPACE, channelId: "C0REVIEWS" };
/** Monday 2030-01-07 09:00 UTC: the start of everyone's working week (and far from real time). */
export const MONDAY_9 = Date.UTC(2030, 0, 7, 9, 0);
export const HOUR = 3_600_000;
const meta = { correlationId: "test-review" };

export interface MemberSpec {
  id: string;
  login: string;
  tz?: string;
  lead?: boolean;
  ooo?: boolean;
}

/** The usual team: bob, carol and the lead lena, all in UTC, all on Slack. */
export const TEAM: MemberSpec[] = [
  { id: "U0BOB", login: "bob" },
  { id: "U0CAROL", login: "carol" },
  { id: "U0LENA", login: "lena", lead: true },
];

export async function setupTenant(tenant: string, team: MemberSpec[] = TEAM, slaHours?: number) {
  const s = settings(env, tenant);
  for (const m of team) {
    const added = await s.addMember(
      {
        user: { platform: "slack", id: m.id, name: m.login },
        github: m.login,
        tz: m.tz ?? "UTC",
        lead: m.lead,
      },
      "test",
    );
    expect(added.ok).toBe(true);
    if (m.ooo) expect((await s.setOoo({ platform: "slack", id: m.id }, null, "test")).ok).toBe(true);
  }
  expect((await s.link("github", REPO, CHANNEL, "test")).ok).toBe(true);
  // These tests are about the Review Manager: its messages to people go out as they happen
  // (test/agents/context-optimizer covers batching, focus time and the rest).
  expect((await s.setTeamNotify({ mode: "immediate" }, "test")).ok).toBe(true);
  if (slaHours !== undefined) expect((await s.setSla({ hours: slaHours, repo: REPO }, "test")).ok).toBe(true);
}

export interface Harness {
  agentId: string;
  agent: Remote<ReviewManagerAgent>;
  stub: DurableObjectStub;
  /** The tenant's Context Optimizer, through which messages to people go (same clock and recording). */
  optimizer: DurableObjectStub;
  clock: { t: number };
  sent: DeliveryMessage[];
  /** Applies the clock and the recording queue to the live instance again (they stick anyway). */
  attach(): Promise<void>;
  /** Drops the clock and the recording queue: the agent's next instance runs on real ones. */
  detach(): void;
}

/**
 * The tenant's standing review-manager (or a fresh one with `config`), on a controlled clock, its
 * deliveries recorded. Both are sticky seams (test/helpers/seams.ts): an instance workerd replaces
 * mid-test gets them again.
 */
export async function reviewManager(tenant: string, config?: Record<string, unknown>): Promise<Harness> {
  const coord = coordinator(env, tenant);
  let agentId: string;
  if (config) {
    const wf = await coord.createWorkflow(tenant, { name: "reviews" }, meta);
    if (!wf.ok) throw new Error(wf.error.message);
    const spawned = await coord.spawnAgent(
      tenant,
      { type: "review-manager", workflowId: wf.value.workflowId, config },
      meta,
    );
    if (!spawned.ok) throw new Error(spawned.error.message);
    agentId = spawned.value.agentId;
  } else {
    const standing = await coord.standingAgents(tenant, meta);
    if (!standing.ok) throw new Error(standing.error.message);
    agentId = standing.value["review-manager"];
  }
  const stub = env.REVIEW_MANAGER.getByName(agentId);
  const clock = { t: MONDAY_9 };
  const { queue, sent } = recordingQueue();
  const seam = (instance: object) => {
    const seams = instance as { now: () => number; env: Env };
    seams.now = () => clock.t;
    if (seams.env.OUTBOUND !== queue) seams.env = { ...seams.env, OUTBOUND: queue };
  };
  await stickySeam(stub, agentId, seam);
  // Messages to people leave through the tenant's Context Optimizer: the same clock and recording.
  const standing = await coord.standingAgents(tenant, meta);
  if (!standing.ok) throw new Error(standing.error.message);
  const optimizerId = standing.value["context-optimizer"];
  const optimizer = env.CONTEXT_OPTIMIZER.getByName(optimizerId);
  await stickySeam(optimizer, optimizerId, seam);
  const attach = async () => {
    await runInDurableObject(stub, seam);
    await runInDurableObject(optimizer, seam);
  };
  const detach = () => {
    clearSeams(agentId);
    clearSeams(optimizerId);
  };
  return { agentId, agent: remote<ReviewManagerAgent>(stub), stub, optimizer, clock, sent, attach, detach };
}

/**
 * Moves the agent's clock to `t`, forgets what was sent before, and runs its alarm twice (a retried
 * alarm must not repeat a step).
 */
export async function alarmsAt(h: Harness, t: number): Promise<void> {
  h.clock.t = t;
  h.sent.length = 0;
  await runDurableObjectAlarm(h.stub);
  await runDurableObjectAlarm(h.stub);
}

/** Waits until the agent's inbox is empty and nothing runs. */
export async function settled(h: Harness): Promise<void> {
  await waitFor(async () => {
    const health = await h.agent.health();
    if (!health.ok) throw new Error(health.error.message);
    expect(health.value).toMatchObject({ inboxDepth: 0, runningTasks: 0 });
  });
}

export function eventMessage(event: DomainEvent, messageId = randomId("msg")): AgentMessage {
  return {
    messageId,
    from: "coordinator",
    to: "",
    type: "event",
    payload: { name: `github.${event.kind}`, data: event as unknown as Record<string, unknown> },
    correlationId: `test-${messageId}`,
    sentAt: new Date().toISOString(),
  };
}

/** Delivers events in order and waits for the agent to process them. */
export async function deliver(h: Harness, ...events: DomainEvent[]): Promise<void> {
  for (const event of events) {
    const receipt = await h.agent.receive(eventMessage(event));
    if (!receipt.ok) throw new Error(receipt.error.message);
  }
  await settled(h);
}

export interface PrSpec {
  number: number;
  title?: string;
  author?: string;
  draft?: boolean;
  labels?: string[];
  requested?: string[];
  state?: "open" | "closed";
  merged?: boolean;
  /** The head branch (`eng-12-fix`); the example payload's when absent. */
  branch?: string;
  body?: string;
}

function withPr(payload: Payload, pr: PrSpec, atMs: number): Payload {
  const p = payload.pull_request as Payload;
  Object.assign(p, {
    number: pr.number,
    title: pr.title ?? `Change ${pr.number}`,
    html_url: `https://github.com/${REPO}/pull/${pr.number}`,
    user: { ...(p.user as Payload), login: pr.author ?? "octocat" },
    draft: pr.draft ?? false,
    state: pr.state ?? "open",
    merged: pr.merged ?? false,
    labels: (pr.labels ?? []).map((name) => ({ name })),
    requested_reviewers: (pr.requested ?? []).map((login) => ({ login })),
    requested_teams: [],
    updated_at: new Date(atMs).toISOString(),
  });
  if (pr.branch !== undefined) (p.head as Payload).ref = pr.branch;
  if (pr.body !== undefined) p.body = pr.body;
  payload.number = pr.number;
  payload.repository = { ...(payload.repository as Payload), full_name: REPO };
  return payload;
}

function parse(name: string, payload: Payload): DomainEvent {
  return onlyEvent(parseGitHubEvent(name, payload, randomId("dlv"), new Date().toISOString()));
}

/** `pull_request.<action>` for `pr`, as GitHub would send it at `atMs`. */
export function prEvent(action: string, pr: PrSpec, atMs: number): DomainEvent {
  return parse("pull_request", withPr(exampleOf("pull_request", action), pr, atMs));
}

/** `pull_request.review_requested` (or `_removed`) naming a user or, with `team`, a team. */
export function reviewRequest(
  pr: PrSpec,
  who: { login?: string; team?: string },
  atMs: number,
  removed = false,
) {
  const payload = withPr(
    exampleOf("pull_request", removed ? "review_request_removed" : "review_requested"),
    pr,
    atMs,
  );
  delete payload.requested_reviewer;
  delete payload.requested_team;
  if (who.team) payload.requested_team = { slug: who.team, name: who.team, id: 1 };
  else payload.requested_reviewer = { login: who.login, id: 2 };
  return parse("pull_request", payload);
}

/** A submitted review; each call is its own review (its own id) unless `reviewId` is given. */
export function reviewSubmitted(
  pr: PrSpec,
  reviewer: string,
  atMs: number,
  state = "approved",
  reviewId = 1_000_000 + Math.floor(Math.random() * 1_000_000_000),
): DomainEvent {
  const payload = withPr(exampleOf("pull_request_review", "submitted"), pr, atMs);
  const review = payload.review as Payload;
  Object.assign(review, {
    id: reviewId,
    user: { ...(review.user as Payload), login: reviewer },
    state,
    submitted_at: new Date(atMs).toISOString(),
  });
  return parse("pull_request_review", payload);
}

/** A review comment by `author` on `pr` (a sign of life, for nudges). */
export function reviewComment(pr: PrSpec, author: string, atMs: number): DomainEvent {
  const payload = withPr(exampleOf("pull_request_review_comment", "created"), pr, atMs);
  const comment = payload.comment as Payload;
  Object.assign(comment, {
    id: 2_000_000 + Math.floor(Math.random() * 1_000_000_000),
    user: { ...(comment.user as Payload), login: author },
    created_at: new Date(atMs).toISOString(),
  });
  return parse("pull_request_review_comment", payload);
}

export const githubRequests = (sent: DeliveryMessage[]) =>
  sent.filter((d) => d.platform === "github" && d.action === "pulls.requestReviewers");
export const slackPosts = (sent: DeliveryMessage[], channel = CHANNEL.channelId) =>
  sent.filter((d) => d.platform === "slack" && d.body.channel === channel);
export const postText = (d: DeliveryMessage) => JSON.stringify(d.body);

/** The single element of `items` (fails the test otherwise). */
export function only<T>(items: T[]): T {
  expect(items).toHaveLength(1);
  const [item] = items;
  if (item === undefined) throw new Error("no item");
  return item;
}

const WAITS_H = [0.5, 1, 2, 4];

/**
 * Forty past PRs of this repository, for the forecasts to learn from (`importHistory`): first reviews
 * in 0.5-4 h, merges 3 h after, in the weeks before MONDAY_9.
 */
export function pastReviews(): HistorySample[] {
  return [...Array(40).keys()].map((i) => {
    const at = MONDAY_9 - (50 - i) * 24 * HOUR;
    const wait = (WAITS_H[i % 4] as number) * HOUR;
    return {
      key: `${REPO}#${1000 + i}`,
      requestedAtMs: at,
      facts: {
        repo: REPO,
        author: i % 2 ? "carol" : "octocat",
        lines: 20 + 37 * i,
        openReviews: i % 3,
        requests30d: i % 5,
        hoursUntilWorking: 0,
        workingHoursLeft: 8 - (i % 8),
        gapAfterWindowH: 16,
        urgent: false,
      },
      firstReviewAtMs: at + wait,
      mergedAtMs: at + wait + 3 * HOUR,
    };
  });
}

/** A push to `branch` of REPO touching `files` (the Review Manager keeps them as the branch's changed files). */
export function repoPush(branch: string, files: string[], atMs: number, defaultBranch = "main"): DomainEvent {
  return {
    kind: "repo.pushed",
    repo: { id: 1, fullName: REPO },
    installationId: null,
    sender: "octocat",
    at: new Date(atMs).toISOString(),
    ref: `refs/heads/${branch}`,
    branch,
    defaultBranch,
    before: "0".repeat(40),
    after: "a".repeat(40),
    deleted: false,
    files: { added: files, modified: [], removed: [] },
  };
}

/** Stores `policy` as the tenant's review policy `id`, version 1 (active unless `activate: false`). */
export async function storePolicy(
  tenant: string,
  id: string,
  policy: unknown,
  options: { activate?: boolean; description?: string } = {},
): Promise<void> {
  const created = await settings(env, tenant).createPolicy({
    id,
    description: options.description ?? null,
    policy,
    by: "test",
    source: "api",
    activate: options.activate ?? true,
  });
  if (!created.ok) throw new Error(created.error.message);
}
