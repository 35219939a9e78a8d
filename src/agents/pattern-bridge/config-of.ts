/** The Pattern Bridge's stored config with its defaults filled in (agents spawned before a key existed). */
import { z } from "zod";
import type { AgentConfig } from "../model";
import { patternBridgeConfigShape } from "./config";

const schema = z.looseObject(patternBridgeConfigShape);
export type PatternBridgeConfig = z.infer<typeof schema>;

export function patternBridgeConfigOf(config: AgentConfig): PatternBridgeConfig {
  return schema.parse(config);
}
