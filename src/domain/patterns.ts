/**
 * Review patterns (docs/policies.md, "Patterns and opportunities"): a small library of rules a tenant
 * can add to a policy and then measure, and the opportunities for them found in the recorded figures —
 * a label or a top-level path whose reviews are far slower, or breach far more often, than the
 * tenant's. Pure.
 */
import { z } from "zod";
import type { PolicySummary } from "./experiment";
import { type Policy, type PolicyRule, PolicySchema } from "./policy";

const logins = z.array(z.string().min(1).max(100)).min(1).max(20);

/** Each pattern's parameters (all optional but those a pattern cannot do without). */
export const PatternParamsSchema = z.strictObject({
  labels: z.array(z.string().min(1).max(100)).min(1).max(10).optional(),
  paths: z.array(z.string().min(1).max(300)).min(1).max(10).optional(),
  slaHours: z.number().positive().max(336).optional(),
  newcomers: logins.optional(),
  mentors: logins.optional(),
  minLines: z.number().int().min(1).optional(),
});
export type PatternParams = z.infer<typeof PatternParamsSchema>;

export interface Pattern {
  id: string;
  title: string;
  /** What it does and where the idea comes from. */
  description: string;
  /** The rule it adds, from its parameters (null: a parameter it needs is missing, with why). */
  rule(params: PatternParams): PolicyRule | { missing: string };
}

export const PATTERNS: readonly Pattern[] = [
  {
    id: "hotfix-fast-lane",
    title: "Hotfix fast lane",
    description:
      "PRs labelled hotfix or urgent get a 2-hour SLA and whoever can start soonest (least-busy-now).",
    rule: (p) => ({
      name: "hotfix-fast-lane",
      match: { labels: p.labels ?? ["hotfix", "urgent"] },
      decide: { slaHours: p.slaHours ?? 2, strategy: "least-busy-now" },
    }),
  },
  {
    id: "migrations-two-reviewers",
    title: "Two reviewers for migrations",
    description: "Changes under migrations/** (or the paths given) are reviewed by two people.",
    rule: (p) => ({
      name: "migrations-two-reviewers",
      match: { paths: p.paths ?? ["migrations/**", "**/migrations/**"] },
      decide: { reviewers: 2, ...(p.slaHours ? { slaHours: p.slaHours } : {}) },
    }),
  },
  {
    id: "follow-the-sun",
    title: "Follow the sun",
    description:
      "For teams across zones: every PR goes to whoever is at work soonest with the fewest open reviews.",
    rule: (p) => ({
      name: "follow-the-sun",
      ...(p.labels || p.paths
        ? { match: { ...(p.labels ? { labels: p.labels } : {}), ...(p.paths ? { paths: p.paths } : {}) } }
        : {}),
      decide: { strategy: "least-busy-now" },
    }),
  },
  {
    id: "pair-newcomer",
    title: "Pair a newer reviewer with an experienced one",
    description: "PRs by the newcomers given always ask one of the mentors given, as well as the usual pick.",
    rule: (p) =>
      p.newcomers && p.mentors
        ? {
            name: "pair-newcomer",
            match: { authors: p.newcomers },
            decide: { required: p.mentors.slice(0, 1), reviewers: 1 },
          }
        : { missing: "newcomers and mentors (GitHub logins) are needed" },
  },
  {
    id: "large-pr-two-reviewers",
    title: "Two reviewers for large PRs",
    description: "PRs of 400+ changed lines (or minLines) are reviewed by two people.",
    rule: (p) => ({
      name: "large-pr-two-reviewers",
      match: { minLines: p.minLines ?? 400 },
      decide: { reviewers: 2 },
    }),
  },
];

export const patternById = (id: string) => PATTERNS.find((p) => p.id === id) ?? null;

/**
 * `policy` with the pattern's rule added before its default (the last rule), replacing a rule of the
 * same name. Throws a RangeError naming what is missing; the result is validated like any policy.
 */
export function applyPattern(policy: Policy, patternId: string, params: PatternParams = {}): Policy {
  const pattern = patternById(patternId);
  if (!pattern) throw new RangeError(`no pattern "${patternId}" (${PATTERNS.map((p) => p.id).join(", ")})`);
  const rule = pattern.rule(params);
  if ("missing" in rule) throw new RangeError(`${patternId}: ${rule.missing}`);
  if (policy.rules.at(-1)?.name === rule.name) {
    throw new RangeError(`the policy's default rule is called "${rule.name}": rename it to add ${patternId}`);
  }
  const rest = policy.rules.filter((r) => r.name !== rule.name);
  const fallback = rest.at(-1);
  const rules = fallback ? [...rest.slice(0, -1), rule, fallback] : [rule];
  return PolicySchema.parse({ rules });
}

/** A group of decided PRs the opportunities are looked for in. */
export interface GroupFigures {
  kind: "label" | "path";
  /** The label, or the top-level path (`migrations/`). */
  value: string;
  summary: PolicySummary;
}

export interface Opportunity {
  /** Stable, so it is suggested once: `label:hotfix:slow`. */
  key: string;
  kind: "label" | "path";
  value: string;
  pattern: string;
  /** The evidence, one sentence with the figures. */
  evidence: string;
}

/** Fewer PRs than this in a group say nothing. */
export const MIN_GROUP_PRS = 8;
/** "Far slower": the group's median time to first review at least this multiple of the tenant's. */
export const SLOW_RATIO = 2;
/** "Far more breaches": the group's breach rate at least this many points above the tenant's. */
export const BREACH_POINTS = 0.2;

const h = (x: number) => `${x.toFixed(1)} h`;
const pct = (x: number) => `${Math.round(x * 100)}%`;

/** The groups that do far worse than the tenant overall, with the pattern that would help. */
export function findOpportunities(overall: PolicySummary, groups: readonly GroupFigures[]): Opportunity[] {
  const out: Opportunity[] = [];
  const base = overall.firstReviewWorking.median ?? overall.firstReview.median;
  for (const g of groups) {
    if (g.summary.prs < MIN_GROUP_PRS) continue;
    const median =
      overall.firstReviewWorking.median !== null
        ? g.summary.firstReviewWorking.median
        : g.summary.firstReview.median;
    const what = g.kind === "label" ? `PRs labelled ${g.value}` : `PRs touching ${g.value}`;
    const pattern = g.kind === "label" ? "hotfix-fast-lane" : "migrations-two-reviewers";
    if (base !== null && base > 0 && median !== null && median >= SLOW_RATIO * base) {
      out.push({
        key: `${g.kind}:${g.value}:slow`,
        kind: g.kind,
        value: g.value,
        pattern: g.kind === "label" ? "hotfix-fast-lane" : "follow-the-sun",
        evidence: `${what} wait ${h(median)} for a first review (median of ${g.summary.prs}), ${(median / base).toFixed(1)}x the team's ${h(base)}.`,
      });
    }
    const rate = g.summary.breachRate ?? 0;
    const overallRate = overall.breachRate ?? 0;
    // In basis points, so 3 of 10 against 1 of 10 is exactly 20 points (not 0.19999…).
    if (Math.round((rate - overallRate) * 10_000) >= Math.round(BREACH_POINTS * 10_000)) {
      out.push({
        key: `${g.kind}:${g.value}:breaches`,
        kind: g.kind,
        value: g.value,
        pattern,
        evidence: `${what} miss their SLA ${pct(rate)} of the time (${g.summary.prs} PRs), against ${pct(overallRate)} for the team.`,
      });
    }
  }
  return out;
}
