/** The Pattern Bridge agent type: its class (its behaviour arrives with its own issue). */
export { PatternBridgeAgent } from "./agent";
export { patternBridgeConfigShape } from "./config";
