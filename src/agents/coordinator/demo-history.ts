/**
 * The demo tenant's history (demo-history.json, written by `npm run demo-history` from the simulator's
 * default scenario): eight weeks of PRs, placed so the last of them ends at the seed's time, for the
 * Review Manager's forecasts to learn from at once (docs/predictions.md).
 */
import type { HistorySample } from "../review-manager/forecast-store";
import history from "./demo-history.json";

interface Row {
  repo: string;
  number: number;
  requestedAgoMs: number;
  firstReviewAgoMs: number | null;
  mergedAgoMs: number | null;
  facts: HistorySample["facts"];
}

/** The history as training samples ending at `nowMs`. */
export function demoSamples(nowMs: number): HistorySample[] {
  const at = (ago: number | null) => (ago === null ? null : nowMs - ago);
  return (history.rows as Row[]).map((row) => ({
    key: `${row.repo}#${row.number}`,
    requestedAtMs: nowMs - row.requestedAgoMs,
    facts: row.facts,
    firstReviewAtMs: at(row.firstReviewAgoMs),
    mergedAtMs: at(row.mergedAgoMs),
  }));
}
