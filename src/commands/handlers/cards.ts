/** Agent and workflow cards and list lines, with their buttons (see ../actions.ts). */
import type { AgentSnapshot, Workflow } from "../../agents/model";
import { type ActionView, encodeAction } from "../../chat/actions";
import { literal } from "../../chat/markup";
import type { ReplyButton, ReplyField, ReplySection } from "../../chat/reply";
import { plural } from "../../chat/text";
import { code } from "./format";

/** Discord allows 5 rows of 5 buttons; Slack 25 elements per actions block. */
export const MAX_BUTTONS = 25;

export function agentButtons(agent: AgentSnapshot, view?: ActionView): ReplyButton[] {
  const id = agent.agentId;
  const suffix = view === "list" ? ` ${id}` : "";
  const buttons: ReplyButton[] = [];
  if (agent.status === "running") {
    buttons.push({ action: encodeAction("agent.pause", id, view), label: `Pause${suffix}` });
  }
  if (agent.status === "paused" || agent.status === "spawned") {
    buttons.push({
      action: encodeAction("agent.resume", id, view),
      label: `Resume${suffix}`,
      style: "primary",
    });
  }
  if (agent.status !== "terminated") {
    buttons.push({
      action: encodeAction("agent.terminate", id, view),
      label: `Terminate${suffix}`,
      style: "danger",
      confirm: `Terminate agent ${id} (${agent.type}) for good? It cannot be restarted.`,
    });
  }
  return buttons;
}

export function agentFields(agent: AgentSnapshot): ReplyField[] {
  return [
    { label: "Agent", value: code(agent.agentId) },
    { label: "Type", value: agent.type },
    { label: "Status", value: `**${agent.status}**` },
    { label: "Workflow", value: code(agent.workflowId) },
  ];
}

export function agentLine(agent: AgentSnapshot): string {
  return `${code(agent.agentId)} ${agent.type} — **${agent.status}**`;
}

/** One agent: what it is, its state, and the buttons that state allows. */
export function agentCard(agent: AgentSnapshot, text: string) {
  return {
    title: `Agent ${agent.type}`,
    sections: [{ text, fields: agentFields(agent) }] satisfies ReplySection[],
    buttons: agentButtons(agent),
  };
}

export function workflowButtons(workflow: Workflow, agents: number, view?: ActionView): ReplyButton[] {
  if (workflow.status !== "active") return [];
  const suffix = view === "list" ? ` ${literal(workflow.name.slice(0, 59))}` : "";
  return [
    {
      action: encodeAction("workflow.terminate", workflow.workflowId, view),
      label: `Terminate${suffix}`,
      style: "danger",
      confirm: `Terminate workflow "${literal(workflow.name)}" (${literal(workflow.workflowId)}) and its ${plural(agents, "agent")}?`,
    },
  ];
}

export function workflowFields(workflow: Workflow): ReplyField[] {
  return [
    { label: "Workflow id", value: code(workflow.workflowId) },
    { label: "Priority", value: workflow.priority },
    { label: "Status", value: `**${workflow.status}**` },
    { label: "Agents", value: String(workflow.agents.length) },
  ];
}

export function workflowLine(workflow: Workflow): string {
  return `**${literal(workflow.name)}** ${code(workflow.workflowId)} — ${workflow.priority}, ${plural(workflow.agents.length, "agent")}`;
}

/** One workflow with its agents: the `status <id>` card, also shown after create and terminate. */
export function workflowCard(workflow: Workflow, agents: AgentSnapshot[], text: string) {
  const lines = agents.length
    ? agents.map(agentLine)
    : ["No agents yet: `/foreman agent spawn <type> --workflow <id>`"];
  return {
    title: literal(workflow.name),
    sections: [
      { text, fields: workflowFields(workflow) },
      { title: "Agents", lines: lines.slice(0, 20) },
    ] satisfies ReplySection[],
    buttons: [
      ...workflowButtons(workflow, agents.filter((a) => a.status !== "terminated").length),
      { action: encodeAction("status.refresh", workflow.workflowId), label: "Refresh" },
    ],
  };
}
