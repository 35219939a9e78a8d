/** The metrics rollup of a tenant (or `_system`): counters, latency histograms, alert incidents. */
import type { Env } from "../env";
import { type Remote, remote } from "../platform/rpc";
import type { Metrics } from "./metrics-do";

export function metrics(env: Env, scope: string): Remote<Metrics> {
  return remote<Metrics>(env.METRICS_ROLLUP.getByName(scope));
}
