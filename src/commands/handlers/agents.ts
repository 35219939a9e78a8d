/** `agent spawn|list|pause|resume|terminate`: the tenant's Coordinator, answered with agent cards. */

import { isStandingType, STANDING_CONFIG, STANDING_WORKFLOW } from "../../agents/coordinator/standing";
import { forgetStandingAgents } from "../../agents/coordinator/standing-cache";
import type { AgentSnapshot } from "../../agents/model";
import { literal } from "../../chat/markup";
import { type Reply, reply } from "../../chat/reply";
import { capped, plural } from "../../chat/text";
import type { CommandContext } from "../context";
import type { CommandOf } from "../types";
import { agentButtons, agentCard, agentLine, MAX_BUTTONS } from "./cards";
import { code } from "./format";
import { callMeta, need, tenantCoordinator } from "./shared";
import { noWorkflow } from "./workflows";

const noAgent = (id: string) =>
  `No agent ${literal(id)} in this workspace. \`/foreman agent list\` shows them.`;

export async function agentSpawn(command: CommandOf<"agent.spawn">, ctx: CommandContext): Promise<Reply> {
  const coordinator = tenantCoordinator(ctx);
  const workflow = command.workflowId
    ? null
    : need(await coordinator.standingWorkflow(ctx.tenant, callMeta(ctx)));
  const workflowId = command.workflowId ?? workflow?.workflowId ?? "";
  // In the standing workflow, standing types get the standing config (review-manager: one at a time).
  const type = command.agentType;
  const config = workflow && isStandingType(type) ? STANDING_CONFIG[type] : undefined;
  const agent = need(
    await coordinator.spawnAgent(
      ctx.tenant,
      { type, workflowId, ...(config ? { config } : {}) },
      callMeta(ctx),
    ),
    noWorkflow(workflowId),
  );
  forgetStandingAgents(ctx.env, ctx.tenant);
  const where = workflow ? `the default workflow "${STANDING_WORKFLOW}"` : `workflow ${code(workflowId)}`;
  const text = `Spawned ${agent.type} ${code(agent.agentId)} in ${where}: **${agent.status}**.`;
  return reply(text, { ...agentCard(agent, text), tone: "success" });
}

export async function agentList(_command: CommandOf<"agent.list">, ctx: CommandContext): Promise<Reply> {
  return agentListReply(need(await tenantCoordinator(ctx).listAgents()));
}

export function agentListReply(agents: AgentSnapshot[]): Reply {
  const live = agents.filter((a) => a.status !== "terminated");
  const ended = agents.length - live.length;
  if (live.length === 0) {
    const none = ended ? `No live agents (${plural(ended, "terminated agent")}).` : "No agents yet.";
    return reply(none, {
      title: "Agents",
      sections: [{ text: none, lines: ["Start one: `/foreman agent spawn review-manager`"] }],
    });
  }
  const counts = (["running", "paused", "spawned"] as const)
    .map((s) => [s, live.filter((a) => a.status === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(", ");
  const summary = `${plural(live.length, "agent")}: ${counts}${ended ? ` (and ${ended} terminated)` : ""}`;
  return reply(summary, {
    title: "Agents",
    sections: [{ text: summary, lines: capped(live.map(agentLine), 20) }],
    buttons: live.flatMap((a) => agentButtons(a, "list")).slice(0, MAX_BUTTONS),
  });
}

type AgentVerb = "pause" | "resume" | "terminate";
const DONE: Record<AgentVerb, string> = { pause: "Paused", resume: "Resumed", terminate: "Terminated" };

async function transition(agentId: string, action: AgentVerb, ctx: CommandContext): Promise<Reply> {
  const agent = need(
    await tenantCoordinator(ctx).transitionAgent(agentId, action, callMeta(ctx)),
    noAgent(agentId),
  );
  forgetStandingAgents(ctx.env, ctx.tenant);
  const text = `${DONE[action]} ${agent.type} ${code(agent.agentId)}: now **${agent.status}**.`;
  return reply(text, { ...agentCard(agent, text), tone: "success" });
}

export const agentPause = (c: CommandOf<"agent.pause">, ctx: CommandContext) =>
  transition(c.agentId, "pause", ctx);
export const agentResume = (c: CommandOf<"agent.resume">, ctx: CommandContext) =>
  transition(c.agentId, "resume", ctx);
export const agentTerminate = (c: CommandOf<"agent.terminate">, ctx: CommandContext) =>
  transition(c.agentId, "terminate", ctx);
