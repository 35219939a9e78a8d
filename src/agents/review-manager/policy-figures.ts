/**
 * The figures behind the policy API (docs/policies.md): each version's and rule's effectiveness with
 * the before/after of a change, the groups opportunities are looked for in, and the replay of
 * recorded PRs through other policies. Pure functions over the Review Manager's recorded decisions.
 */
import { type PolicySample, type PolicySummary, summarise } from "../../domain/experiment";
import type { GroupFigures } from "../../domain/patterns";
import { decidePolicy, type Policy, type PolicyPr } from "../../domain/policy";
import type { DecidedSample, ReplayRow } from "./policy-rows";

export interface Effectiveness {
  policyId: string;
  versions: {
    version: number;
    summary: PolicySummary;
    rules: { rule: string; summary: PolicySummary }[];
    /** Before/after: this version's figures minus the previous version's (null: either unknown). */
    vsPrevious: VersionChange | null;
  }[];
}

/** The change from one version to the next: medians in hours, rates as fractions. */
export interface VersionChange {
  firstReviewMedian: number | null;
  firstReviewWorkingMedian: number | null;
  mergeMedian: number | null;
  breachRate: number | null;
  rubberStampRate: number | null;
  reopenRate: number | null;
}

const minus = (a: number | null, b: number | null) =>
  a === null || b === null ? null : Math.round((a - b) * 10_000) / 10_000;

function changeOf(after: PolicySummary, before: PolicySummary): VersionChange {
  return {
    firstReviewMedian: minus(after.firstReview.median, before.firstReview.median),
    firstReviewWorkingMedian: minus(after.firstReviewWorking.median, before.firstReviewWorking.median),
    mergeMedian: minus(after.merge.median, before.merge.median),
    breachRate: minus(after.breachRate, before.breachRate),
    rubberStampRate: minus(after.rubberStampRate, before.rubberStampRate),
    reopenRate: minus(after.reopenRate, before.reopenRate),
  };
}

/** Per version (oldest first) and rule: the figures, and each version against the one before. */
export function effectivenessOf(policyId: string, decided: readonly DecidedSample[]): Effectiveness {
  const versions = [...new Set(decided.map((d) => d.record.version))].sort((a, b) => a - b);
  const figures = versions.map((version) => {
    const of = decided.filter((d) => d.record.version === version);
    const rules = [...new Set(of.map((d) => d.record.rule))].sort();
    return {
      version,
      summary: summarise(of.map((d) => d.sample)),
      rules: rules.map((rule) => ({
        rule,
        summary: summarise(of.filter((d) => d.record.rule === rule).map((d) => d.sample)),
      })),
    };
  });
  return {
    policyId,
    versions: figures.map((f, i) => {
      const before = figures[i - 1];
      return { ...f, vsPrevious: before ? changeOf(f.summary, before.summary) : null };
    }),
  };
}

/** At most this many label and path groups are summarised for opportunities. */
const MAX_GROUPS = 50;

/** The PRs overall, and grouped by label and by top-level changed path (the largest groups). */
export function opportunityGroups(
  rows: readonly { sample: PolicySample; labels: string[]; files: string[] }[],
): { overall: PolicySummary; groups: GroupFigures[] } {
  const byKey = new Map<string, { kind: "label" | "path"; value: string; samples: PolicySample[] }>();
  const add = (kind: "label" | "path", value: string, sample: PolicySample) => {
    const key = `${kind}:${value}`;
    const group = byKey.get(key) ?? { kind, value, samples: [] };
    group.samples.push(sample);
    byKey.set(key, group);
  };
  for (const r of rows) {
    for (const label of new Set(r.labels.map((l) => l.toLowerCase()))) add("label", label, r.sample);
    const tops = new Set(r.files.map((f) => (f.includes("/") ? `${f.split("/")[0]}/` : f)));
    for (const top of tops) add("path", top, r.sample);
  }
  const groups = [...byKey.values()]
    .sort((a, b) => b.samples.length - a.samples.length)
    .slice(0, MAX_GROUPS)
    .map((g) => ({ kind: g.kind, value: g.value, summary: summarise(g.samples) }));
  return { overall: summarise(rows.map((r) => r.sample)), groups };
}

/**
 * What each policy would have decided for the recorded PRs (`defaults`: what a rule leaves out, as
 * today's settings say it): per policy the PRs each rule takes, the reviewers and SLA hours asked and
 * the outcomes those PRs really had; and the PRs the policies decide differently.
 */
export function replayOf(
  rows: readonly ReplayRow[],
  policies: readonly { label: string; policy: Policy }[],
  defaults: (pr: PolicyPr) => { reviewers: number; slaHours: number },
  sinceMs: number,
): ReplayResult {
  const decided = policies.map(({ label, policy }) => {
    const picks = rows.map((row) => {
      const rule = decidePolicy(policy, row.pr).rule;
      const fallback = defaults(row.pr);
      return {
        rule: rule.name,
        reviewers: rule.decide.reviewers ?? fallback.reviewers,
        slaHours: rule.decide.slaHours ?? fallback.slaHours,
        sample: row.sample,
      };
    });
    const rules = [...new Set(picks.map((p) => p.rule))];
    return {
      picks,
      summary: {
        label,
        reviewersAsked: picks.reduce((n, p) => n + p.reviewers, 0),
        slaHoursMedian: picks.length ? medianOf(picks.map((p) => p.slaHours)) : null,
        rules: rules.map((rule) => {
          const of = picks.filter((p) => p.rule === rule);
          return {
            rule,
            prs: of.length,
            reviewers: of[0]?.reviewers ?? 0,
            slaHours: of[0]?.slaHours ?? 0,
            outcomes: summarise(of.map((p) => p.sample)),
          };
        }),
      },
    };
  });
  const [first, ...others] = decided;
  const differ = first
    ? rows.filter((_, i) =>
        others.some((o) => {
          const a = first.picks[i];
          const b = o.picks[i];
          return a?.reviewers !== b?.reviewers || a?.slaHours !== b?.slaHours || a?.rule !== b?.rule;
        }),
      )
    : [];
  return {
    prs: rows.length,
    sinceMs,
    policies: decided.map((d) => d.summary),
    differ: {
      prs: differ.length,
      examples: differ.slice(0, 10).map((r) => r.ref),
      outcomes: summarise(differ.map((r) => r.sample)),
    },
  };
}

const medianOf = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? null;
};

export interface ReplayResult {
  prs: number;
  sinceMs: number;
  policies: {
    label: string;
    reviewersAsked: number;
    slaHoursMedian: number | null;
    rules: { rule: string; prs: number; reviewers: number; slaHours: number; outcomes: PolicySummary }[];
  }[];
  /** PRs the policies decide differently (rule, reviewers or SLA), and the outcomes they had. */
  differ: { prs: number; examples: string[]; outcomes: PolicySummary };
}
