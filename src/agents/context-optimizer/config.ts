/** Config keys of the Context Optimizer (beyond the base agent config). */
import { z } from "zod";

export const contextOptimizerConfigShape = {
  /** Context items kept per workflow. */
  maxContextItems: z.number().int().min(1).max(1000).default(50),
};
