/** What an assignment algorithm decides: how candidates rank (two ascending keys) and why one was picked. */
import type { ReviewCandidate } from "./assignment";

export interface AlgorithmRule {
  /** Sort keys, ascending: the first decides, the second breaks ties (then the login). */
  keys(c: ReviewCandidate): [number, number];
  /** Why this candidate was picked, for the card. */
  reason(c: ReviewCandidate, capacity: number, nowMs: number): string;
}
