/**
 * What one step of Review Manager work needs. `TenantView` is read from the tenant's settings before
 * the step (the only await); `Work` holds the synchronous parts (store, outbox, scheduler, clock),
 * so the check-then-write of a step never interleaves with another task.
 */

import type { ChannelRef } from "../../chat/platform";
import type { PrRef } from "../../domain/pr-refs";
import type { Env } from "../../env";
import type { MemberAvailability } from "../../settings/model";
import type { PolicyView } from "../../settings/policies";
import { settings } from "../../settings/stub";
import type { Scheduler } from "../framework/scheduler";
import type { AuthorNotices } from "./author";
import type { ReviewManagerConfig } from "./config";
import type { Effect } from "./effects";
import type { ForecastStore } from "./forecast-store";
import type { CardStore } from "./live-cards";
import { type People, peopleOf } from "./model/candidates";
import type { LinearIssueLine } from "./model/linear";
import type { SlaStep } from "./model/model";
import type { PrPolicyStore } from "./policy-store";
import type { ReviewStore } from "./store";

export interface TenantView {
  /** Every member with their out-of-office state at the step's time. */
  team: MemberAvailability[];
  people: People;
  /** Channels the repository is linked to. */
  channels: ChannelRef[];
  /** Working hours of the SLA rule that applies to the PR (`slaFor(repo, labels)`). */
  slaHours: number;
  /** Linear issues the PR links, for its cards (looked up apart from the settings; absent: none). */
  linear?: LinearIssueLine[];
  /** The review policy in force (policy.ts); absent: the migrated default (today's settings). */
  policy?: PolicyView;
  /** The PR's changed files as GitHub lists them, read before the step when a policy needs them. */
  files?: string[];
  /** The repository's CODEOWNERS at the PR's base, read before the step when a rule's pool is codeowners. */
  codeowners?: string;
}

export interface Work {
  store: ReviewStore;
  /** The cards posted about each PR, kept up to date (live-cards.ts). */
  cards: CardStore;
  /** Reviews the PR's author is yet to hear about (author.ts). */
  notices: AuthorNotices;
  /** Request facts, outcomes, activity and the fitted models (forecasting.ts). */
  forecasts: ForecastStore;
  /** Each PR's base, changed files and deciding policy (policy.ts). */
  policies: PrPolicyStore;
  scheduler: Scheduler;
  config: ReviewManagerConfig;
  nowMs: number;
  correlationId: string;
  emit: (effect: Effect) => void;
  log: (message: string) => void;
  /** Counts an SLA event in the tenant's metrics (fire-and-forget; src/observability/metrics.ts). */
  metric?: (event: SlaStep) => void;
}

/** A step's Work; `record` keeps each emitted effect (in the agent's delivery ledger). */
export function makeWork(parts: Omit<Work, "emit"> & { record: (effect: Effect) => void }): Work {
  const { record, ...rest } = parts;
  return { ...rest, emit: record };
}

export async function loadView(
  env: Env,
  tenant: string,
  pr: PrRef & { labels: readonly string[] },
  nowMs: number,
): Promise<TenantView> {
  const store = settings(env, tenant);
  const [team, links, rule, policy] = await Promise.all([
    store.availability(new Date(nowMs).toISOString()),
    store.linksForTarget("github", pr.repo),
    store.slaFor(pr.repo, [...pr.labels]),
    store.policyView(pr.repo),
  ]);
  return {
    team,
    people: peopleOf(team.map((a) => a.member)),
    channels: links.map((l) => l.channel),
    slaHours: rule.hours,
    policy,
  };
}
