/**
 * `/foreman policy list`, `policy explain owner/repo#n` and `policy promote <experiment>` (docs/policies.md):
 * the tenant's review policies and which is in force, why a PR was (or would be) decided as it was,
 * and promoting an experiment's variant — also the Promote button of a decision. Names, rules and
 * reasons are outside text (`literal`).
 */
import { auditChange } from "../../agents/coordinator/audit";
import { code, literal } from "../../chat/markup";
import { type Reply, reply } from "../../chat/reply";
import { capped } from "../../chat/text";
import { prRef } from "../../domain/pr-refs";
import type { CommandContext } from "../context";
import type { CommandOf } from "../types";
import { actorKey } from "./format";
import { reviewManager } from "./reviews";
import { need, tenantSettings } from "./shared";

export async function policyList(_command: CommandOf<"policy.list">, ctx: CommandContext): Promise<Reply> {
  const store = tenantSettings(ctx);
  const [policies, running] = await Promise.all([store.listPolicies(), store.runningExperiment()]);
  const lines = policies.map((p) => {
    const state = p.activeVersion !== null ? ` — **active** (version ${p.activeVersion})` : "";
    const about = p.description ? `: ${literal(p.description)}` : "";
    return `${code(p.id)} v${p.latestVersion}${state}${about}`;
  });
  const sections = [{ title: "Review policies", lines: capped(lines, 15) }];
  if (running) {
    sections.push({
      title: "Experiment running",
      lines: [
        `${code(running.id)} ${literal(running.spec.name)}: ${code(running.spec.control.policyId)} v${running.controlVersion} against ${code(running.spec.variant.policyId)} v${running.variantVersion}`,
      ],
    });
  }
  const text =
    "A repository's `.foreman.yml` decides its own PRs; else the active policy (or a running experiment).";
  return reply(text, { title: "Policies", sections: [{ text }, ...sections] });
}

export async function policyExplain(
  command: CommandOf<"policy.explain">,
  ctx: CommandContext,
): Promise<Reply> {
  const rm = await reviewManager(ctx);
  if (!rm) return reply("No Review Manager is running, so no PR has been decided.", { tone: "warning" });
  const r = need(await rm.explainPolicy({ ref: command.pr }));
  const d = r.decision;
  const lines = r.verdicts.map(
    (v) => `${v.matched ? "✓" : "✗"} ${code(v.rule)}: ${literal(v.reasons.join("; "))}`,
  );
  const decided = [
    `${d.reviewers} reviewer(s) (from ${literal(r.sources.reviewers)}), chosen by ${d.strategy} (from ${literal(r.sources.strategy)})`,
    `SLA ${d.slaHours} working hours (from ${literal(r.sources.slaHours)})`,
    ...(d.pool ? [`Pool: ${d.pool.map((l) => code(l)).join(", ")}`] : []),
    ...(d.required.length ? [`Always asked: ${d.required.map((l) => code(l)).join(", ")}`] : []),
    ...(d.channel ? [`Also tells ${code(d.channel)}`] : []),
    ...(d.addLabels.length ? [`Adds labels ${d.addLabels.map((l) => code(l)).join(", ")}`] : []),
    ...(r.pr.filesKnown
      ? []
      : ["Changed files not known (no GitHub access and no pushes seen): path rules cannot match"]),
    ...(r.now ? [literal(r.now)] : []),
  ];
  const text = `${code(prRef(command.pr))}: policy ${code(r.policy.id)} v${r.policy.version} (${literal(r.policy.why)}), rule ${code(r.rule)}.`;
  return reply(text, {
    title: "Policy explain",
    sections: [
      { text },
      { title: "Rules, in order", lines: capped(lines, 12) },
      { title: "Decision", lines: decided },
    ],
  });
}

export async function policyPromote(
  command: CommandOf<"policy.promote">,
  ctx: CommandContext,
): Promise<Reply> {
  const store = tenantSettings(ctx);
  const actor = actorKey(ctx.actor);
  const { record, version, early } = need(await store.promoteExperiment(command.experimentId, actor));
  await auditChange(ctx.env, ctx.tenant, {
    actor: `chat:${actor}`,
    action: "policy.promote",
    target: `${record.id} -> ${version.policyId} v${version.version}`,
    correlationId: ctx.correlationId,
  });
  const text =
    `Promoted experiment ${code(record.id)}: the variant is now version ${version.version} of ` +
    `${code(version.policyId)}, the active policy.` +
    (early ? " It was promoted before the experiment reached a decision." : "");
  return reply(text, { tone: "success", title: "Policy promoted" });
}
