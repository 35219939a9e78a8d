/**
 * A review policy in the simulator (`--policy file.json`): the policy view the tenant's settings would
 * answer, and how many PRs each rule decided. The deciding itself is the Review Manager's own code.
 */

import type { PrPolicyStore } from "../../src/agents/review-manager/policy-store";
import type { ChannelRef } from "../../src/chat/platform";
import type { Policy } from "../../src/domain/policy";
import { channelsNamed, MIGRATED_POLICY, type PolicyView } from "../../src/settings/policies";
import type { World } from "../world";

/** Every simulated PR's base branch (what a `base` rule matches). */
export const SIM_BASE = "main";

/** A review policy for the strategy: its id (a file's base name) and the policy itself. */
export interface NamedPolicy {
  id: string;
  policy: Policy;
}

/**
 * How many PRs each rule of the policy decided (a PR counts once, for the rule of its first
 * decision), in the policy's order; rules that decided nothing are listed with 0.
 */
export function prsByRule(
  view: PolicyView | null,
  world: World,
  idOf: (repo: string, number: number) => number | undefined,
  policies: PrPolicyStore,
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const rule of (view?.active.policy ?? MIGRATED_POLICY).rules) counts[rule.name] = 0;
  for (let number = 1; ; number++) {
    const pr = world.pr(number);
    if (!pr) break;
    const id = idOf(pr.trace.repo, number);
    const decided = id === undefined ? null : (policies.decision(id, 1) ?? policies.decision(id));
    if (decided) counts[decided.rule] = (counts[decided.rule] ?? 0) + 1;
  }
  return counts;
}

/**
 * The policy as the tenant's settings would answer it: active, version 1, no experiment; each channel
 * a rule names is taken as linked to Foreman (Slack ones in the simulated workspace).
 */
export function policyViewOf({ id, policy }: NamedPolicy, slackWorkspace: string): PolicyView {
  const channels: Record<string, ChannelRef> = {};
  for (const named of channelsNamed([policy])) {
    const [platform, channelId = ""] = named.split(":");
    channels[named] =
      platform === "discord"
        ? { platform: "discord", workspaceId: "GSIM", channelId }
        : { platform: "slack", workspaceId: slackWorkspace, channelId };
  }
  return { active: { policyId: id, version: 1, policy }, experiment: null, channels };
}
