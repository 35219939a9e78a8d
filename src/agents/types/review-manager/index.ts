/** The Review Manager agent type: reviewer assignment and review SLAs (see docs/review-manager.md). */
export { ReviewManagerAgent } from "./agent";
export type { ActInput, ActResult, ReviewButton } from "./buttons";
export { reviewManagerConfigShape } from "./config";
export type { AssignNowOutcome, AssignNowResult } from "./manual";
