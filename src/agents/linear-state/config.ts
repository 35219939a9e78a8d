/** Config keys of the linear-state agent (merged into the base config in src/agents/registry.ts). */
import { z } from "zod";

const StateName = z.string().trim().min(1).max(100);

export const linearStateConfigShape = {
  /** Move closing-linked issues with their PRs; false: only link PRs to issues, never move. */
  syncPrStates: z.boolean().default(true),
  /** The team's state for issues whose closing PR is ready for review (matched by name, any case). */
  inReviewState: StateName.default("In Review"),
  /** The team's state for issues whose closing PR merged. */
  doneState: StateName.default("Done"),
  /** How a PR is shown on its issues: a link attachment, or a comment. */
  linkAs: z.enum(["attachment", "comment"]).default("attachment"),
  /** Post "ENG-123 moved to In Review — PR acme/widgets#42" to the team's linked channels. */
  notifyStateChanges: z.boolean().default(true),
};

export const LinearStateConfig = z.object(linearStateConfigShape);
export type LinearStateConfig = z.infer<typeof LinearStateConfig>;
