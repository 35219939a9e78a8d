/** Helpers for tests that drive agent Durable Objects directly. */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { AgentMessage, AgentType } from "../../src/agents/model";
import { agentNamespace, agentStub } from "../../src/agents/registry";
import { randomId } from "../../src/platform/ids";

export const meta = { correlationId: "test-correlation" };

export type Handler = (message: AgentMessage, signal: AbortSignal) => Promise<void>;

/** A fresh agent object of `type`, initialised (status spawned) with `config`. */
export async function newAgent(type: AgentType, config: Record<string, unknown> = {}, tenant = "t-agents") {
  const agentId = randomId("agt");
  const agent = agentStub(env, type, agentId);
  const stub = agentNamespace(env, type).getByName(agentId);
  const init = await agent.init({ agentId, type, tenant, workflowId: "wf_test" }, config, meta);
  if (!init.ok) throw new Error(init.error.message);
  return { agentId, agent, stub };
}

/** Replaces the agent instance's message handler (until the object restarts). */
export async function setHandler(stub: DurableObjectStub, handler: Handler): Promise<void> {
  await runInDurableObject(stub, (instance) => {
    (instance as unknown as { handleMessage: Handler }).handleMessage = handler;
  });
}

export function message(type: string, payload: Record<string, unknown> = {}, from = "test"): AgentMessage {
  return {
    messageId: randomId("msg"),
    from,
    to: "",
    type,
    payload,
    correlationId: "test-correlation",
    sentAt: new Date().toISOString(),
  };
}

/** A promise with its resolve function exposed. */
export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
