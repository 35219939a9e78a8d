import { describe, expect, it } from "vitest";
import { transition } from "../../../src/agents/lifecycle";
import { AGENT_ACTIONS, AGENT_STATUSES, type AgentAction, type AgentStatus } from "../../../src/agents/model";

const legal: Array<[AgentStatus, AgentAction, AgentStatus]> = [
  ["spawned", "start", "running"],
  ["spawned", "resume", "running"],
  ["spawned", "terminate", "terminated"],
  ["running", "pause", "paused"],
  ["running", "terminate", "terminated"],
  ["paused", "resume", "running"],
  ["paused", "terminate", "terminated"],
];

describe("agent lifecycle", () => {
  it.each(legal)("%s --%s--> %s is legal", (from, action, to) => {
    expect(transition(from, action)).toEqual({ ok: true, from, to });
  });

  const illegal = AGENT_STATUSES.flatMap((from) =>
    AGENT_ACTIONS.filter((action) => !legal.some(([f, a]) => f === from && a === action)).map(
      (action) => [from, action] as const,
    ),
  );

  it.each(illegal)("%s --%s--> is refused with a message naming both states", (from, action) => {
    const result = transition(from, action);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toContain(from);
    const target = { start: "running", pause: "paused", resume: "running", terminate: "terminated" }[action];
    expect(result.message).toContain(`${from} -> ${target}`);
  });

  it("covers every state/action pair", () => {
    expect(legal.length + illegal.length).toBe(AGENT_STATUSES.length * AGENT_ACTIONS.length);
  });
});
