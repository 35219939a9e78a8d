/** Config keys of the Pattern Bridge (beyond the base agent config). */
import { z } from "zod";

export const patternBridgeConfigShape = {
  /** Patterns it watches for. */
  patterns: z.array(z.string().min(1).max(200)).max(100).default([]),
};
