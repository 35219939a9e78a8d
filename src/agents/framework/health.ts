/** An agent's health as its RPC reports it, and the inbox message a `message` schedule becomes. Pure. */
import type { AgentHealth, AgentMessage } from "../model";
import type { AgentState } from "./agent-store";
import type { ScheduledTask } from "./scheduler";

/** An agent counts as unhealthy for this long after a failed task. */
const UNHEALTHY_AFTER_ERROR_MS = 5 * 60_000;

export function healthOf(
  agent: AgentState,
  now: number,
  counts: Pick<AgentHealth, "inboxDepth" | "runningTasks" | "scheduledTasks">,
): AgentHealth {
  const recentError =
    agent.lastError !== null && now - Date.parse(agent.lastError.at) < UNHEALTHY_AFTER_ERROR_MS;
  return {
    agentId: agent.agentId,
    type: agent.type,
    status: agent.status,
    healthy: agent.status !== "terminated" && !recentError,
    lastActivityAt: agent.lastActivityAt,
    tasksDone: agent.tasksDone,
    tasksFailed: agent.tasksFailed,
    lastError: agent.lastError,
    ...counts,
  };
}

/** The message a `message` task delivers to the agent's own inbox (`{type, payload, correlationId}`). */
export function scheduledMessage(task: ScheduledTask, agentId: string, now: number): AgentMessage {
  return {
    messageId: `msg_${task.id}_${task.at}`,
    from: "scheduler",
    to: agentId,
    type: String(task.payload.type ?? ""),
    payload: (task.payload.payload ?? {}) as Record<string, unknown>,
    correlationId: String(task.payload.correlationId ?? crypto.randomUUID()),
    sentAt: new Date(now).toISOString(),
  };
}
