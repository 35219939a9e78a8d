/** A pull request's review facts (src/domain/review-metrics.ts) for the domain tests: nothing recorded but what is given. */
import type { PrFacts } from "../../src/domain/review-metrics";

export function prFacts(
  partial: Partial<PrFacts> & { number: number },
  base: Partial<PrFacts> = {},
): PrFacts {
  return {
    repo: "acme/api",
    author: "alice",
    ready: [],
    closed: [],
    reviews: [],
    requests: [],
    breaches: [],
    ...base,
    ...partial,
  };
}
