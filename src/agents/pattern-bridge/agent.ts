/** The Pattern Bridge agent type: a Durable Object on the shared BaseAgent. */
import { BaseAgent } from "../framework/base-agent";

export class PatternBridgeAgent extends BaseAgent {
  readonly agentType = "pattern-bridge" as const;
}
