/** The Context Optimizer agent type: its class (its behaviour arrives with its own issue). */
export { ContextOptimizerAgent } from "./agent";
export { contextOptimizerConfigShape } from "./config";
