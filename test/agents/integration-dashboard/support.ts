/**
 * Helpers for the review-metrics tests: the tenant's standing Integration Dashboard (spawned through
 * the Coordinator), GitHub events built from octokit example payloads (test/agents/review-manager/support.ts) with
 * the times and review ids each test needs, and delivery into the agent's inbox.
 */
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { coordinator } from "../../../src/agents/coordinator/stub";
import type { IntegrationDashboardAgent } from "../../../src/agents/integration-dashboard";
import type { DomainEvent } from "../../../src/events/types";
import { randomId } from "../../../src/platform/ids";
import { type Remote, remote } from "../../../src/platform/rpc";
import { waitFor } from "../../helpers/wait";
import {
  eventMessage,
  type PrSpec,
  prEvent,
  reviewRequest,
  reviewSubmitted,
} from "../review-manager/support";

export interface Dashboard {
  agentId: string;
  agent: Remote<IntegrationDashboardAgent>;
  stub: DurableObjectStub;
}

/** The tenant's standing Integration Dashboard (the Coordinator spawns the standing agents). */
export async function dashboard(tenant: string): Promise<Dashboard> {
  const standing = await coordinator(env, tenant).standingAgents(tenant, { correlationId: "test-metrics" });
  if (!standing.ok) throw new Error(standing.error.message);
  const agentId = standing.value["integration-dashboard"];
  const stub = env.INTEGRATION_DASHBOARD.getByName(agentId);
  return { agentId, agent: remote<IntegrationDashboardAgent>(stub), stub };
}

/** Waits until the agent's inbox is empty and nothing runs. */
export async function settled(d: Pick<Dashboard, "agent">): Promise<void> {
  await waitFor(async () => {
    const health = await d.agent.health();
    if (!health.ok) throw new Error(health.error.message);
    expect(health.value).toMatchObject({ inboxDepth: 0, runningTasks: 0 });
  });
}

/** Delivers events (each as its own message, as separate webhook deliveries would be) and waits. */
export async function deliver(d: Dashboard, ...events: DomainEvent[]): Promise<void> {
  for (const event of events) {
    const receipt = await d.agent.receive(eventMessage(event, randomId("msg")));
    if (!receipt.ok) throw new Error(receipt.error.message);
  }
  await settled(d);
}

const iso = (ms: number) => new Date(ms).toISOString();

export const opened = (pr: PrSpec, atMs: number) => prEvent("opened", pr, atMs);

/** `pull_request.closed` at `atMs` (the example payload's own closed_at replaced). */
export function closed(pr: PrSpec, atMs: number, merged: boolean): DomainEvent {
  const event = prEvent("closed", { ...pr, state: "closed", merged }, atMs);
  return { ...event, at: iso(atMs) } as DomainEvent;
}

/** A submitted review with its own review id (the example payload has one id for all). */
export function review(pr: PrSpec, reviewer: string, atMs: number, reviewId: number): DomainEvent {
  return { ...reviewSubmitted(pr, reviewer, atMs, "commented"), reviewId } as DomainEvent;
}

export const requested = (pr: PrSpec, login: string, atMs: number) => reviewRequest(pr, { login }, atMs);
