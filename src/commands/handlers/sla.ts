/** `sla set|show`: review SLA rules in TenantSettings (scoped by repository and/or label). */

import { type Reply, reply } from "../../chat/reply";
import type { SlaRule } from "../../domain/sla";
import type { CommandContext } from "../context";
import type { CommandOf } from "../types";
import { actorKey, code } from "./format";
import { need, tenantSettings } from "./shared";

export const RESOLUTION =
  "The most specific rule applies: repository and label, then label, then repository, then all pull requests; with several matching labels the strictest.";

export function scopeOf(rule: Pick<SlaRule, "repo" | "label">): string {
  if (rule.repo && rule.label) return `Pull requests in ${code(rule.repo)} labelled ${code(rule.label)}`;
  if (rule.repo) return `Pull requests in ${code(rule.repo)}`;
  if (rule.label) return `Pull requests labelled ${code(rule.label)}`;
  return "All pull requests";
}

/** What the Review Manager does with an SLA (src/agents/review-manager, docs/review-manager.md). */
export const STEPS =
  "The clock runs in each reviewer's working hours: a reminder at half the SLA, a breach notice in the linked channels at the SLA, and the review is reassigned at twice the SLA.";

const hours = (h: number) => `**${Number.isInteger(h) ? h : h.toFixed(2).replace(/0+$/, "")} h**`;

export const ruleLine = (rule: SlaRule) =>
  `${scopeOf(rule)}: ${hours(rule.hours)}${rule.isDefault ? " (default)" : ""}`;

export async function slaSet(command: CommandOf<"sla.set">, ctx: CommandContext): Promise<Reply> {
  const input = {
    hours: command.hours,
    ...(command.repo ? { repo: command.repo } : {}),
    ...(command.label ? { label: command.label } : {}),
  };
  const store = tenantSettings(ctx);
  const { rule, previous } = need(await store.setSla(input, actorKey(ctx.actor)));
  const was = previous ? ` (was ${previous.hours} h)` : "";
  const scope = scopeOf(rule);
  const text = `Review SLA for ${scope[0]?.toLowerCase()}${scope.slice(1)}: ${hours(rule.hours)}${was}.`;
  return reply(text, { tone: "success", ...(await rulesBody(ctx, text)) });
}

export async function slaShow(_command: CommandOf<"sla.show">, ctx: CommandContext): Promise<Reply> {
  const rules = await tenantSettings(ctx).slaRules();
  const text = rules.length === 1 ? ruleLine(rules[0] as SlaRule) : `${rules.length} review SLA rules.`;
  return reply(text, await rulesBody(ctx));
}

async function rulesBody(ctx: CommandContext, text?: string) {
  const store = tenantSettings(ctx);
  const [rules, links] = await Promise.all([store.slaRules(), store.links()]);
  const linked = new Set(links.filter((l) => l.kind === "github").map((l) => l.target));
  const unlinked = [...new Set(rules.flatMap((r) => (r.repo && !linked.has(r.repo) ? [r.repo] : [])))];
  return {
    title: "Review SLA",
    sections: [
      ...(text ? [{ text }] : []),
      {
        title: "Rules",
        lines: [
          ...rules.map(ruleLine),
          ...unlinked.map(
            (r) =>
              `Note: ${code(r)} is not linked to any channel yet (${code(`/foreman link github ${r}`)}).`,
          ),
        ],
      },
    ],
    footer: `${RESOLUTION} ${STEPS} Change one: \`/foreman sla set <hours> [--repo <owner/repo>] [--label <name>]\`.`,
  };
}
