/**
 * A review tenant for the storm, concurrency and restart tests: bob, carol and the lead lena on
 * Slack, one repository linked to a channel, the standing Review Manager on a controlled clock with
 * its outbound queue recorded (test/agents/review-manager/support.ts), and helpers to build GitHub deliveries and
 * Slack button clicks for that repository.
 */
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { ReviewerRecord, TrackedPr } from "../../src/agents/review-manager/model/model";
import { encodeAction } from "../../src/chat/actions";
import type { ChannelRef } from "../../src/chat/platform";
import type { DeliveryMessage } from "../../src/delivery/types";
import { settings } from "../../src/settings/stub";
import { type Harness, reviewManager, TEAM } from "../agents/review-manager/support";
import blockActions from "../fixtures/slack/block_actions.json";
import { exampleOf, type Payload, setPath } from "../helpers/payloads";
import { bytesOf, githubSignature, nowSeconds, post, slackSignature } from "./support";

export const WORKSPACE = "T0FOREMAN";

export interface ReviewTenant extends Harness {
  tenant: string;
  repo: string;
  channel: ChannelRef;
}

export async function reviewTenant(tenant: string, repo: string, slaHours?: number): Promise<ReviewTenant> {
  const channel: ChannelRef = {
    platform: "slack",
    workspaceId: WORKSPACE,
    channelId: `C${tenant.toUpperCase().replace(/[^A-Z0-9]/g, "")}`,
  };
  const s = settings(env, tenant);
  for (const m of TEAM) {
    const added = await s.addMember(
      { user: { platform: "slack", id: m.id, name: m.login }, github: m.login, tz: "UTC", lead: m.lead },
      "test",
    );
    expect(added.ok).toBe(true);
  }
  expect((await s.link("github", repo, channel, "test")).ok).toBe(true);
  if (slaHours !== undefined) expect((await s.setSla({ hours: slaHours, repo }, "test")).ok).toBe(true);
  // Messages to people go out as they happen here (batching is test/agents/context-optimizer's).
  expect((await s.setTeamNotify({ mode: "immediate" }, "test")).ok).toBe(true);
  const h = await reviewManager(tenant);
  return { ...h, tenant, repo, channel };
}

/** `pull_request.<action>` (octokit example) for `repo`#`number`, by octocat, no reviewers requested. */
export function prPayload(repo: string, number: number, action = "opened"): Payload {
  const payload = exampleOf("pull_request", action);
  setPath(payload, "repository.full_name", repo);
  setPath(payload, "number", number);
  const pr = payload.pull_request as Payload;
  Object.assign(pr, {
    number,
    draft: false,
    state: "open",
    merged: false,
    requested_reviewers: [],
    requested_teams: [],
    user: { ...(pr.user as Payload), login: "octocat" },
    html_url: `https://github.com/${repo}/pull/${number}`,
  });
  return payload;
}

/** A signed GitHub delivery request. */
export async function githubDelivery(
  payload: unknown,
  delivery: string,
  event = "pull_request",
): Promise<Request> {
  const body = bytesOf(JSON.stringify(payload));
  return post("/api/webhooks/github", body, {
    "content-type": "application/json",
    "x-github-event": event,
    "x-github-delivery": delivery,
    "x-hub-signature-256": await githubSignature(body),
  });
}

export interface Click {
  userId: string;
  userName: string;
  triggerId: string;
  responseUrl: string;
}

/** A signed Slack `block_actions` request: the review card's Start review on `repo#number`. */
export async function claimClick(t: ReviewTenant, number: number, click: Click): Promise<Request> {
  const payload = structuredClone(blockActions) as Payload;
  const actionId = encodeAction("review.claim", `${t.repo}#${number}`);
  Object.assign(payload, {
    user: { id: click.userId, username: click.userName, name: click.userName, team_id: WORKSPACE },
    team: { id: WORKSPACE, domain: "foreman" },
    channel: { id: t.channel.channelId, name: "reviews" },
    container: { type: "message", message_ts: "1700000000.000100", channel_id: t.channel.channelId },
    trigger_id: click.triggerId,
    response_url: click.responseUrl,
    actions: [{ ...(blockActions.actions[0] as Payload), action_id: actionId, value: actionId }],
  });
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const ts = String(nowSeconds());
  return post("/slack/events", body, {
    "content-type": "application/x-www-form-urlencoded",
    "x-slack-request-timestamp": ts,
    "x-slack-signature": await slackSignature(body, ts),
  });
}

export async function tracked(
  t: ReviewTenant,
  number: number,
): Promise<{ pr: TrackedPr; reviewers: ReviewerRecord[] }> {
  const state = await t.agent.pullRequest({ repo: t.repo, number });
  if (!state.ok || !state.value) throw new Error(`${t.repo}#${number} is not tracked`);
  return state.value;
}

/** Messages whose delivery key occurs more than once. */
export function repeatedKeys(sent: DeliveryMessage[]): string[] {
  const seen = new Map<string, number>();
  for (const d of sent) seen.set(d.key, (seen.get(d.key) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([k]) => k);
}
