/** Config keys of the Pattern Bridge (beyond the base agent config). */
import { z } from "zod";

export const patternBridgeConfigShape = {
  /** Built-in pattern ids it may suggest (src/domain/patterns.ts); empty: all of them. */
  patterns: z.array(z.string().min(1).max(200)).max(100).default([]),
  /** How often the running experiment is looked at (a decision is told once it is reached). */
  experimentCheckMinutes: z.number().int().min(5).max(1_440).default(60),
  /**
   * Promote a winning variant without waiting for a click (off by default: a human decides). The
   * leads are told it was promoted, and the audit of the policy's versions says so.
   */
  autoPromote: z.boolean().default(false),
  /** Look for opportunities in the recorded figures (daily), and suggest patterns to the leads. */
  opportunities: z.boolean().default(true),
  /** How far back opportunities are looked for. */
  opportunityDays: z.number().int().min(7).max(180).default(56),
};
