/** The Pattern Bridge agent type: experiments' decisions and pattern opportunities (docs/policies.md). */
import type { Env } from "../../env";
import { unwrap } from "../../platform/errors";
import { type Remote, remote } from "../../platform/rpc";
import { coordinator } from "../coordinator/stub";
import type { PatternBridgeAgent } from "./agent";

export { PatternBridgeAgent } from "./agent";
export { patternBridgeConfigShape } from "./config";

export function patternBridgeAgent(env: Env, agentId: string): Remote<PatternBridgeAgent> {
  return remote<PatternBridgeAgent>(env.PATTERN_BRIDGE.getByName(agentId));
}

/** The tenant's live Pattern Bridge (the standing one), found without spawning; null when none. */
export async function findPatternBridge(
  env: Env,
  tenant: string,
): Promise<Remote<PatternBridgeAgent> | null> {
  const pick = unwrap(await coordinator(env, tenant).liveAgent("pattern-bridge"));
  return pick ? patternBridgeAgent(env, pick.agentId) : null;
}
