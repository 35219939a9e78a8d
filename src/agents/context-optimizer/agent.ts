/** The Context Optimizer agent type: a Durable Object on the shared BaseAgent. */
import { BaseAgent } from "../framework/base-agent";

export class ContextOptimizerAgent extends BaseAgent {
  readonly agentType = "context-optimizer" as const;
}
