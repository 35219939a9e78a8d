/**
 * Test seams that outlive an agent's instance. Tests replace an agent's clock (`now`) or its
 * OUTBOUND queue on the live object (runInDurableObject), but workerd may replace that object at
 * any time: after 10 s without requests, on an abort, and now and then under load. The new
 * instance would then run on the real clock and the real queue, and a test would see rows in a
 * different order or effects missing. A seam registered here is applied to the live instance at
 * once and again to every later instance of the same agent, before it handles anything: the
 * agents' alarm bookkeeping (`arm`, which the constructor of an agent with stored state runs inside
 * blockConcurrencyWhile, and every inbox, schedule and lifecycle step runs too) applies them first.
 */
import { runInDurableObject } from "cloudflare:test";
import { BaseAgent } from "../../src/agents/framework/base-agent";

export type Seam = (instance: object) => void;

type Registry = Map<string, Seam[]>;
type Patched = { arm(this: AgentLike): Promise<void> };
type AgentLike = { store: { get(): { agentId: string } | null } };

const REGISTRY = Symbol.for("foreman.test.stickySeams");
const global = globalThis as unknown as Record<symbol, Registry | undefined>;
// One registry for every test file (helper modules may be evaluated again per file).
const registry: Registry = global[REGISTRY] ?? new Map();
global[REGISTRY] = registry;

const proto = BaseAgent.prototype as unknown as Patched & Record<symbol, boolean>;
if (!proto[REGISTRY]) {
  const arm = proto.arm;
  proto.arm = function (this: AgentLike) {
    const agentId = this.store.get()?.agentId;
    for (const seam of (agentId && registry.get(agentId)) || []) seam(this);
    return arm.call(this);
  };
  proto[REGISTRY] = true;
}

/**
 * Applies `seam` to the agent's live instance now and to every later one; the returned function
 * removes it (the instance keeps what was applied until it is replaced).
 */
export async function stickySeam(stub: DurableObjectStub, agentId: string, seam: Seam): Promise<() => void> {
  registry.set(agentId, [...(registry.get(agentId) ?? []), seam]);
  await runInDurableObject(stub, (instance) => seam(instance));
  return () => {
    const left = (registry.get(agentId) ?? []).filter((s) => s !== seam);
    if (left.length > 0) registry.set(agentId, left);
    else registry.delete(agentId);
  };
}

/** Removes every seam of the agent: its next instance runs on the real clock and env. */
export function clearSeams(agentId: string): void {
  registry.delete(agentId);
}
