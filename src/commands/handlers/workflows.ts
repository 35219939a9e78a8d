/** `workflow create|list|terminate`: the tenant's Coordinator, answered with workflow cards. */

import { forgetStandingAgents } from "../../agents/coordinator/standing-cache";
import type { Workflow } from "../../agents/model";
import { literal } from "../../chat/markup";
import { type Reply, reply } from "../../chat/reply";
import { capped, plural } from "../../chat/text";
import type { CommandContext } from "../context";
import type { CommandOf } from "../types";
import { MAX_BUTTONS, workflowButtons, workflowCard, workflowLine } from "./cards";
import { code, who } from "./format";
import { callMeta, need, tenantCoordinator } from "./shared";

export const noWorkflow = (id: string) =>
  `No workflow ${literal(id)} in this workspace. \`/foreman workflow list\` shows them.`;

export async function workflowCreate(
  command: CommandOf<"workflow.create">,
  ctx: CommandContext,
): Promise<Reply> {
  const workflow = need(
    await tenantCoordinator(ctx).createWorkflow(
      ctx.tenant,
      {
        name: command.workflowName,
        priority: command.priority ?? "medium",
        description: `Created in chat by ${callMeta(ctx).actor}`,
        context: { tags: ["chat"] },
      },
      callMeta(ctx),
    ),
  );
  const text = `Workflow **${literal(workflow.name)}** created: ${code(workflow.workflowId)}`;
  const card = workflowCard(workflow, [], text);
  return reply(text, {
    ...card,
    ephemeral: false,
    tone: "success",
    footer: `Created by ${who(ctx.actor, ctx.place)}. Add agents: \`/foreman agent spawn <type> --workflow ${literal(workflow.workflowId)}\``,
  });
}

export async function workflowList(
  _command: CommandOf<"workflow.list">,
  ctx: CommandContext,
): Promise<Reply> {
  const workflows = need(await tenantCoordinator(ctx).listWorkflows({ status: "active" }));
  return workflowListReply(workflows);
}

export function workflowListReply(workflows: Workflow[]): Reply {
  if (workflows.length === 0) {
    const none = "No active workflows.";
    return reply(none, {
      title: "Workflows",
      sections: [
        { text: none, lines: ['Create one: `/foreman workflow create "release train" --priority high`'] },
      ],
    });
  }
  const summary = `${plural(workflows.length, "active workflow")}`;
  return reply(summary, {
    title: "Workflows",
    sections: [{ text: summary, lines: capped(workflows.map(workflowLine), 20) }],
    buttons: workflows.flatMap((w) => workflowButtons(w, w.agents.length, "list")).slice(0, MAX_BUTTONS),
    footer: "One workflow in detail: `/foreman status <workflow-id>`",
  });
}

export async function workflowTerminate(
  command: CommandOf<"workflow.terminate">,
  ctx: CommandContext,
): Promise<Reply> {
  const coordinator = tenantCoordinator(ctx);
  const workflow = need(
    await coordinator.terminateWorkflow(command.workflowId, callMeta(ctx)),
    noWorkflow(command.workflowId),
  );
  forgetStandingAgents(ctx.env, ctx.tenant);
  const agents = need(await coordinator.listAgents({ workflowId: workflow.workflowId }));
  const text = `Workflow **${literal(workflow.name)}** (${code(workflow.workflowId)}) terminated by ${who(ctx.actor, ctx.place)}, with ${plural(agents.length, "agent")}.`;
  return reply(text, { ...workflowCard(workflow, agents, text), ephemeral: false, tone: "success" });
}
