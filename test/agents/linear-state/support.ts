/**
 * Helpers of the linear-state tests: a running agent in its own tenant whose outbound deliveries
 * are recorded (not consumed by the real queue), domain events built from the octokit examples and
 * the Linear fixtures, and the delivery consumer run one delivery at a time against the fake API.
 */
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { coordinator } from "../../../src/agents/coordinator/stub";
import { agentNamespace } from "../../../src/agents/registry";
import type { DeliveryMessage } from "../../../src/delivery/types";
import type { Env } from "../../../src/env";
import type { DomainEvent, ParseOutcome } from "../../../src/events/types";
import { parseGitHubEvent } from "../../../src/integrations/github/events";
import { parseLinearEvent } from "../../../src/integrations/linear/events";
import { unwrap } from "../../../src/platform/errors";
import { settings } from "../../../src/settings/stub";
import { recordingQueue, runQueue } from "../../delivery/support";
import issueCreate from "../../fixtures/linear/issue-create.json";
import issueUpdateState from "../../fixtures/linear/issue-update-state.json";
import { meta } from "../../helpers/agents";
import { type FakeApi, fakeApi, type RecordedRequest } from "../../helpers/fake-api";
import { exampleOf, type Payload } from "../../helpers/payloads";
import { stickySeam } from "../../helpers/seams";
import { waitFor } from "../../helpers/wait";

export const REPO = "acme/widgets";
export const CHANNEL = { platform: "slack", workspaceId: "T0ACME", channelId: "C0ENG" } as const;

export interface Harness {
  tenant: string;
  agentId: string;
  /** Deliveries the agent queued, in order. */
  sent: DeliveryMessage[];
  api: FakeApi;
  /** Publishes `event`; the agent works on several messages at once (maxConcurrentTasks 4). */
  publish(event: DomainEvent): Promise<void>;
  /** Waits until the agent finished every message so far. */
  settle(): Promise<void>;
  /**
   * Events that happen one after the other: each is handled before the next is published (events
   * published together may be handled in any order, and outcomes that depend on it are undecided).
   */
  inTurn(...events: DomainEvent[]): Promise<void>;
}

/** A running linear-state agent in `tenant` (Linear teams `teams` linked to CHANNEL). */
export async function harness(
  tenant: string,
  config: Record<string, unknown> = {},
  teams: string[] = ["ENG"],
): Promise<Harness> {
  const c = coordinator(env, tenant);
  const wf = unwrap(await c.createWorkflow(tenant, { name: "linear" }, meta));
  const { agentId } = unwrap(
    await c.spawnAgent(tenant, { type: "linear-state", workflowId: wf.workflowId, config }, meta),
  );
  for (const team of teams) unwrap(await settings(env, tenant).link("linear", team, CHANNEL, "test"));
  const { queue, sent } = recordingQueue();
  await stickySeam(agentNamespace(env, "linear-state").getByName(agentId), agentId, (instance) => {
    const agent = instance as { env: Env };
    agent.env = { ...agent.env, OUTBOUND: queue };
  });
  let published = 0;
  const publish = async (event: DomainEvent) => {
    const name = event.kind.startsWith("linear.") ? event.kind : `github.${event.kind}`;
    const data = event as unknown as Record<string, unknown>;
    unwrap(await c.publish({ name, data, correlationId: "test-correlation", eventId: `evt-${++published}` }));
  };
  const settle = async () => {
    await waitFor(async () => {
      const health = unwrap(await c.agentHealth(agentId));
      expect(health.tasksDone + health.tasksFailed).toBe(published);
      expect(health.tasksFailed).toBe(0);
    });
  };
  return {
    tenant,
    agentId,
    sent,
    api: fakeApi(tenant),
    publish,
    settle,
    async inTurn(...events) {
      for (const event of events) {
        await publish(event);
        await settle();
      }
    },
  };
}

let clock = Date.parse("2026-11-21T09:00:00Z");
/** A strictly increasing `updated_at`, so events are never stale unless a test wants them to be. */
export function tick(): string {
  clock += 1000;
  return new Date(clock).toISOString().replace(".000Z", "Z");
}

export interface PrPatch {
  number?: number;
  branch?: string;
  title?: string;
  body?: string;
  draft?: boolean;
  merged?: boolean;
  updatedAt?: string;
}

/** A `pull_request` delivery (octokit example of `action`) for REPO, patched, as a domain event. */
export function prEvent(action: string, patch: PrPatch = {}): DomainEvent {
  const base = action === "edited" ? "opened" : action === "synchronized" ? "synchronize" : action;
  const payload: Payload = exampleOf("pull_request", base);
  payload.action = action === "synchronized" ? "synchronize" : action;
  if (action === "edited") payload.changes = { body: { from: "" } };
  const repo = payload.repository as Payload;
  repo.full_name = REPO;
  const pr = payload.pull_request as Payload;
  const number = patch.number ?? 42;
  Object.assign(pr, {
    number,
    html_url: `https://github.com/${REPO}/pull/${number}`,
    title: patch.title ?? "Fix the flaky retry test",
    body: patch.body ?? "",
    updated_at: patch.updatedAt ?? tick(),
  });
  (pr.head as Payload).ref = patch.branch ?? "main-fix";
  if (patch.draft !== undefined) pr.draft = patch.draft;
  if (action === "closed") {
    pr.merged = patch.merged ?? false;
    pr.merged_at = patch.merged ? pr.updated_at : null;
  }
  return only(parseGitHubEvent("pull_request", payload, crypto.randomUUID(), new Date().toISOString()));
}

/** A Linear issue webhook from the fixtures, with another identifier / state / time if given. */
export function issueEvent(
  fixture: "create" | "update-state",
  patch: { identifier?: string; state?: { id: string; name: string; type: string }; updatedAt?: string } = {},
): DomainEvent {
  const payload = structuredClone(fixture === "create" ? issueCreate : issueUpdateState) as Payload;
  const data = payload.data as Payload;
  if (patch.identifier) {
    data.identifier = patch.identifier;
    data.number = Number(patch.identifier.split("-")[1]);
  }
  if (patch.state) Object.assign(data, { stateId: patch.state.id, state: { ...patch.state, color: "#000" } });
  data.updatedAt = patch.updatedAt ?? new Date(clock).toISOString();
  return only(parseLinearEvent(payload, crypto.randomUUID(), new Date().toISOString()));
}

function only(outcome: ParseOutcome): DomainEvent {
  if (outcome.status !== "event" || !outcome.events[0]) throw new Error(JSON.stringify(outcome));
  return outcome.events[0];
}

/** Runs each delivery through the consumer (one at a time: scripted answers go in order). */
export async function consume(
  h: Harness,
  messages: DeliveryMessage[],
  tokens = true,
): Promise<RecordedRequest[]> {
  const testEnv = h.api.env(env, { tokens });
  const before = (await h.api.requests()).length;
  for (const body of messages) await runQueue(testEnv, [{ body }]);
  return (await h.api.requests()).slice(before);
}

/** The answer of IssueStateLookup: the issue in `current`, its team having `states`. */
export function lookupAnswer(
  issue: string,
  current: { id: string; name: string; type: string },
  states: Array<{ id: string; name: string; type: string }>,
) {
  const team = issue.split("-")[0];
  return {
    body: {
      data: {
        issue: {
          id: `uuid-${issue}`,
          identifier: issue,
          state: current,
          team: { key: team, states: { nodes: states } },
        },
      },
    },
  };
}

export const STATES = {
  progress: { id: "st-progress", name: "In Progress", type: "started" },
  review: { id: "st-review", name: "In Review", type: "started" },
  done: { id: "st-done", name: "Done", type: "completed" },
};

/** The GraphQL operation name and variables of a recorded Linear request. */
export function gqlOf(req: RecordedRequest | undefined): { op: string; variables: unknown } {
  const json = req?.json as { query?: string; variables?: unknown } | undefined;
  const op = /^(?:query|mutation)\s+(\w+)/.exec(json?.query ?? "")?.[1] ?? "";
  return { op, variables: json?.variables };
}
