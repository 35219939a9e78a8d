/**
 * The agent lifecycle, as pure functions:
 *
 *   spawned -> running <-> paused
 *      \          |          /
 *       `---> terminated <--'
 */
import type { AgentAction, AgentStatus } from "./model";

const TARGET: Record<AgentAction, AgentStatus> = {
  start: "running",
  pause: "paused",
  resume: "running",
  terminate: "terminated",
};

/** Which action may leave which state. `resume` also starts a spawned agent. */
const ALLOWED: Record<AgentStatus, readonly AgentAction[]> = {
  spawned: ["start", "resume", "terminate"],
  running: ["pause", "terminate"],
  paused: ["resume", "terminate"],
  terminated: [],
};

export type TransitionResult =
  | { ok: true; from: AgentStatus; to: AgentStatus }
  | { ok: false; message: string };

export function targetOf(action: AgentAction): AgentStatus {
  return TARGET[action];
}

export function transition(from: AgentStatus, action: AgentAction): TransitionResult {
  const to = TARGET[action];
  if (ALLOWED[from].includes(action)) return { ok: true, from, to };
  const why =
    from === "terminated"
      ? "a terminated agent cannot change state"
      : from === to
        ? `the agent is already ${from}`
        : `allowed from ${from}: ${ALLOWED[from].join(", ") || "none"}`;
  return { ok: false, message: `Illegal transition ${from} -> ${to} (${action}): ${why}` };
}

/** Whether an agent in this state accepts new messages into its inbox. */
export function acceptsMessages(status: AgentStatus): boolean {
  return status !== "terminated";
}

/** Whether an agent in this state processes its inbox and runs its schedules. */
export function isActive(status: AgentStatus): boolean {
  return status === "running";
}
