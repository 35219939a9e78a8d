/** A PR's outcome under a policy (src/domain/experiment.ts), nothing reached unless `extra` says so. */
import type { PolicySample } from "../../src/domain/experiment";

export const policySample = (extra: Partial<PolicySample> = {}): PolicySample => ({
  firstReviewHours: null,
  firstReviewWorkingHours: null,
  inReviewHours: null,
  mergeHours: null,
  breached: false,
  rubberStamp: false,
  noCommentLarge: false,
  large: false,
  ...extra,
});
