/**
 * A tenant for the people and notification-metrics tests: three members whose local time is about
 * noon whatever the hour of the run (a fixed-offset zone picked from the UTC hour), working every day
 * 08:00-16:00; a live Context Optimizer (spawned directly, no other agent) whose deliveries are
 * recorded instead of queued; and, when asked, messages routed through it:
 *
 * - Ada (`Ada-L`): a focus block all day every day. A plain review request is held (`focus`, an
 *   interruption avoided); an urgent one reaches her in focus (a focus interruption).
 * - Bob (`bob-k`): immediate; his review request goes out at once.
 * - Cara (`cara-m`): nothing routed.
 */
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { contextOptimizerAgent, type PersonItem } from "../../src/agents/context-optimizer";
import { coordinator } from "../../src/agents/coordinator/stub";
import type { ChatUserRef } from "../../src/chat/platform";
import { reply } from "../../src/chat/reply";
import type { DeliveryMessage } from "../../src/delivery/types";
import { WEEKDAYS } from "../../src/domain/time";
import type { Env } from "../../src/env";
import { settings } from "../../src/settings/stub";
import { recordingQueue } from "../delivery/support";
import { stickySeam } from "../helpers/seams";

export const ADA: ChatUserRef = { platform: "slack", id: "U0ADA", name: "Ada" };
export const BOB: ChatUserRef = { platform: "slack", id: "U0BOB", name: "Bob" };
export const CARA: ChatUserRef = { platform: "discord", id: "123456789012345678", name: "Cara" };
export const REPO = "acme/people";
const meta = { correlationId: "test-people" };

/** A fixed-offset zone where it is about noon now (Etc/GMT-N is UTC+N). */
export function noonZone(nowMs = Date.now()): string {
  const offset = 12 - new Date(nowMs).getUTCHours();
  if (offset === 0) return "Etc/GMT";
  return offset > 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
}

export async function addTeam(tenant: string): Promise<string> {
  const s = settings(env, tenant);
  const tz = noonZone();
  const workingHours = { days: [...WEEKDAYS], start: "08:00", end: "16:00" };
  for (const [user, github] of [
    [ADA, "Ada-L"],
    [BOB, "bob-k"],
    [CARA, "cara-m"],
  ] as const) {
    expect((await s.addMember({ user, github, tz, workingHours }, "test")).ok).toBe(true);
  }
  expect((await s.setNotifyPrefs(ADA, { mode: "immediate" }, "test")).ok).toBe(true);
  const focus = { days: [...WEEKDAYS], start: "00:00", end: "24:00" };
  expect((await s.setNotifyPrefs(ADA, { addFocus: focus }, "test")).ok).toBe(true);
  expect((await s.setNotifyPrefs(BOB, { mode: "immediate" }, "test")).ok).toBe(true);
  return tz;
}

export interface Optimizer {
  agentId: string;
  sent: DeliveryMessage[];
}

/** A running Context Optimizer for the tenant (in a workflow of its own), deliveries recorded. */
export async function spawnOptimizer(tenant: string): Promise<Optimizer> {
  const coord = coordinator(env, tenant);
  const wf = await coord.createWorkflow(tenant, { name: "people" }, meta);
  if (!wf.ok) throw new Error(wf.error.message);
  const spawned = await coord.spawnAgent(
    tenant,
    { type: "context-optimizer", workflowId: wf.value.workflowId },
    meta,
  );
  if (!spawned.ok) throw new Error(spawned.error.message);
  const { agentId } = spawned.value;
  const { queue, sent } = recordingQueue();
  await stickySeam(env.CONTEXT_OPTIMIZER.getByName(agentId), agentId, (instance) => {
    const seams = instance as { env: Env };
    if (seams.env.OUTBOUND !== queue) seams.env = { ...seams.env, OUTBOUND: queue };
  });
  return { agentId, sent };
}

export function item(user: ChatUserRef, login: string, number: number, urgent = false): PersonItem {
  const url = `https://github.com/${REPO}/pull/${number}`;
  return {
    key: `test:people:${user.id}:${number}`,
    user,
    login,
    kind: "review",
    urgent,
    pr: { repo: REPO, number, title: `Change ${number}`, url, lines: 12 },
    reply: reply(`Please review ${REPO}#${number}`),
    atMs: Date.now(),
  };
}

/** Routes Ada's held and urgent items and Bob's immediate one; checks what went out. */
export async function routeMessages(o: Optimizer): Promise<void> {
  const optimizer = contextOptimizerAgent(env, o.agentId);
  const results = [
    await optimizer.route([item(ADA, "Ada-L", 1)], "c"),
    await optimizer.route([item(ADA, "Ada-L", 2, true)], "c"),
    await optimizer.route([item(BOB, "bob-k", 3)], "c"),
  ];
  expect(results.map((r) => (r.ok ? r.value : r.error.message))).toEqual([
    { sent: 0, held: 1, repeat: 0 },
    { sent: 1, held: 0, repeat: 0 },
    { sent: 1, held: 0, repeat: 0 },
  ]);
  expect(o.sent).toHaveLength(2);
}

/** The people counts the routed messages leave, by login. */
export const TODAY = {
  "Ada-L": { sent: 1, held: 1, merged: 0, avoided: 1, focusInterruptions: 1 },
  "bob-k": { sent: 1, held: 0, merged: 0, avoided: 0, focusInterruptions: 0 },
  "cara-m": { sent: 0, held: 0, merged: 0, avoided: 0, focusInterruptions: 0 },
};
