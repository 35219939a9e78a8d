/**
 * Review policies as code (issue 16, first step; docs/policies.md): a policy is an ordered list of
 * rules; a rule matches a pull request by repository, changed paths (globs, picomatch), labels, author,
 * size, base branch and draft, and decides who reviews it (a pool, how many, the strategy, required
 * people), its SLA, the channel and labels to add.
 *
 * **Rules combine by first match**: the first rule that matches decides the PR alone, and the policy
 * must end with a rule that matches everything (its default). Like CODEOWNERS' ordering made explicit,
 * and unlike Mergify's "every matching rule applies": one PR, one deciding rule, so what a rule did can
 * be measured (every PR counts for exactly one rule of one version) and an explanation names one rule.
 * Pure: validated with zod, matching is a function of the PR's facts.
 */
import picomatch from "picomatch";
import { z } from "zod";

const globs = z.array(z.string().min(1).max(300)).min(1).max(50);
const names = z.array(z.string().min(1).max(100)).min(1).max(100);

export const PolicyMatchSchema = z
  .strictObject({
    /** `owner/repo` globs, any case (`acme/*`). */
    repos: globs.optional(),
    /** Changed-path globs: the rule matches when any changed file matches any of them. */
    paths: globs.optional(),
    /** Any of these labels (any case). */
    labels: names.optional(),
    /** Any of these authors (GitHub logins, any case). */
    authors: names.optional(),
    /** Base branch globs (`main`, `release/*`). */
    base: globs.optional(),
    /** Lines changed (additions + deletions), inclusive bounds. */
    minLines: z.number().int().min(0).optional(),
    maxLines: z.number().int().min(0).optional(),
    /** Files changed, inclusive bounds. */
    minFiles: z.number().int().min(0).optional(),
    maxFiles: z.number().int().min(0).optional(),
    /** Only drafts (true) or only PRs ready for review (false). */
    draft: z.boolean().optional(),
  })
  .refine((m) => m.minLines === undefined || m.maxLines === undefined || m.minLines <= m.maxLines, {
    message: "minLines is more than maxLines",
    path: ["minLines"],
  })
  .refine((m) => m.minFiles === undefined || m.maxFiles === undefined || m.minFiles <= m.maxFiles, {
    message: "minFiles is more than maxFiles",
    path: ["minFiles"],
  });

export const POLICY_STRATEGIES = ["round-robin", "load-balance", "least-busy-now"] as const;

export const PolicyDecisionSchema = z.strictObject({
  /** Who may be asked: GitHub logins, and/or the CODEOWNERS of the matched paths. */
  pool: z
    .strictObject({ logins: names.optional(), codeowners: z.boolean().optional() })
    .refine((p) => p.logins !== undefined || p.codeowners === true, "name logins or codeowners: true")
    .optional(),
  /** How many reviewers (people already requested count). */
  reviewers: z.number().int().min(1).max(10).optional(),
  strategy: z.enum(POLICY_STRATEGIES).optional(),
  /** People always asked, on top of the pool's picks. */
  required: names.optional(),
  /** The review SLA in working hours. */
  slaHours: z
    .number()
    .positive()
    .max(24 * 14)
    .optional(),
  /**
   * The reminder and escalation chain, as fractions of the SLA: the reminder (default 0.5, before the
   * breach at 1) and the escalation to the leads and a hand-over (default 2, after it).
   */
  slaSteps: z
    .strictObject({
      reminder: z.number().min(0.1).max(1).optional(),
      escalation: z.number().min(1).max(10).optional(),
    })
    .optional(),
  /** A channel to tell (`slack:C0123` or `discord:<snowflake>`). */
  channel: z
    .string()
    .regex(/^(slack|discord):[A-Za-z0-9_-]{1,64}$/, "slack:<channel id> or discord:<channel id>")
    .optional(),
  /** Labels to add to the PR. */
  addLabels: names.optional(),
});

export const PolicyRuleSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "lower-case letters, digits and hyphens, up to 63")
    .describe("the rule's name, unique in the policy"),
  /** Absent or empty: matches every PR (a default rule). */
  match: PolicyMatchSchema.optional(),
  decide: PolicyDecisionSchema,
});

export const PolicySchema = z
  .strictObject({ rules: z.array(PolicyRuleSchema).min(1).max(100) })
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    p.rules.forEach((r, i) => {
      if (seen.has(r.name))
        ctx.addIssue({ code: "custom", path: ["rules", i, "name"], message: `"${r.name}" twice` });
      seen.add(r.name);
    });
    const last = p.rules.at(-1);
    if (last && !isCatchAll(last)) {
      ctx.addIssue({
        code: "custom",
        path: ["rules", p.rules.length - 1, "match"],
        message: "the last rule must match every PR (no match): it is the policy's default",
      });
    }
  });

export type PolicyMatch = z.infer<typeof PolicyMatchSchema>;
export type PolicyDecision = z.infer<typeof PolicyDecisionSchema>;
export type PolicyRule = z.infer<typeof PolicyRuleSchema>;
export type Policy = z.infer<typeof PolicySchema>;

const isCatchAll = (r: PolicyRule) => r.match === undefined || Object.keys(r.match).length === 0;

/** What a rule is matched against: a pull request as Foreman sees it (or as a dry run gives it). */
export interface PolicyPr {
  repo: string;
  author: string;
  labels: readonly string[];
  /** Changed paths; absent when unknown (a `paths` rule then does not match, and says why). */
  files?: readonly string[];
  additions: number;
  deletions: number;
  draft: boolean;
  base: string;
}

/** One rule's verdict on a PR: matched or not, with each condition's reason. */
export interface RuleVerdict {
  rule: string;
  matched: boolean;
  /** Why, one line per condition ("paths: migrations/001.sql matches migrations/**"). */
  reasons: string[];
}

export interface PolicyOutcome {
  /** The deciding rule (the first that matched) and its index. */
  rule: PolicyRule;
  index: number;
  /** Every rule up to and including the deciding one, in order. */
  verdicts: RuleVerdict[];
  /** For a `paths` rule: the changed files that matched it. */
  matchedPaths: string[];
}

const lower = (s: string) => s.toLowerCase();
const matcherCache = new Map<string, (s: string) => boolean>();
function globMatch(glob: string, value: string, nocase = false): boolean {
  const key = `${nocase ? "i" : "c"}:${glob}`;
  let m = matcherCache.get(key);
  if (!m) {
    m = picomatch(glob, { dot: true, nocase });
    if (matcherCache.size > 5_000) matcherCache.clear();
    matcherCache.set(key, m);
  }
  return m(value);
}

/** Whether `rule` matches `pr`, and why (every condition is checked, so the explanation is whole). */
export function judgeRule(rule: PolicyRule, pr: PolicyPr): RuleVerdict & { matchedPaths: string[] } {
  const m = rule.match ?? {};
  const reasons: string[] = [];
  let matched = true;
  let matchedPaths: string[] = [];
  const check = (ok: boolean, yes: string, no: string) => {
    reasons.push(ok ? yes : no);
    if (!ok) matched = false;
  };
  if (m.repos) {
    const hit = m.repos.find((g) => globMatch(g, pr.repo, true));
    check(
      hit !== undefined,
      `repo ${pr.repo} matches ${hit}`,
      `repo ${pr.repo} matches none of ${m.repos.join(", ")}`,
    );
  }
  if (m.paths) {
    if (!pr.files) check(false, "", "paths: the changed files are not known");
    else {
      matchedPaths = pr.files.filter((f) => m.paths?.some((g) => globMatch(g, f)));
      const shown = matchedPaths.slice(0, 3).join(", ") + (matchedPaths.length > 3 ? ", …" : "");
      check(
        matchedPaths.length > 0,
        `paths: ${shown} match ${m.paths.join(", ")}`,
        `paths: no changed file matches ${m.paths.join(", ")}`,
      );
    }
  }
  if (m.labels) {
    const has = new Set(pr.labels.map(lower));
    const hit = m.labels.find((l) => has.has(lower(l)));
    check(hit !== undefined, `label ${hit}`, `none of the labels ${m.labels.join(", ")}`);
  }
  if (m.authors) {
    const hit = m.authors.some((a) => lower(a) === lower(pr.author));
    check(hit, `author ${pr.author}`, `author ${pr.author} is not one of ${m.authors.join(", ")}`);
  }
  if (m.base) {
    const hit = m.base.find((g) => globMatch(g, pr.base));
    check(
      hit !== undefined,
      `base ${pr.base} matches ${hit}`,
      `base ${pr.base} matches none of ${m.base.join(", ")}`,
    );
  }
  const lines = pr.additions + pr.deletions;
  if (m.minLines !== undefined)
    check(lines >= m.minLines, `${lines} lines ≥ ${m.minLines}`, `${lines} lines < ${m.minLines}`);
  if (m.maxLines !== undefined)
    check(lines <= m.maxLines, `${lines} lines ≤ ${m.maxLines}`, `${lines} lines > ${m.maxLines}`);
  const files = pr.files?.length;
  if (m.minFiles !== undefined || m.maxFiles !== undefined) {
    if (files === undefined) check(false, "", "files: the number of changed files is not known");
    else {
      if (m.minFiles !== undefined)
        check(files >= m.minFiles, `${files} files ≥ ${m.minFiles}`, `${files} files < ${m.minFiles}`);
      if (m.maxFiles !== undefined)
        check(files <= m.maxFiles, `${files} files ≤ ${m.maxFiles}`, `${files} files > ${m.maxFiles}`);
    }
  }
  if (m.draft !== undefined) {
    check(
      pr.draft === m.draft,
      pr.draft ? "a draft" : "ready for review",
      pr.draft ? "a draft" : "not a draft",
    );
  }
  if (reasons.length === 0) reasons.push("matches every PR (the default)");
  return { rule: rule.name, matched, reasons, matchedPaths };
}

/** The rule that decides `pr` under `policy` (first match), with every verdict up to it. */
export function decidePolicy(policy: Policy, pr: PolicyPr): PolicyOutcome {
  const verdicts: RuleVerdict[] = [];
  for (const [index, rule] of policy.rules.entries()) {
    const { matchedPaths, ...verdict } = judgeRule(rule, pr);
    verdicts.push(verdict);
    if (verdict.matched) return { rule, index, verdicts, matchedPaths };
  }
  // A valid policy ends with a catch-all; one that does not (never stored) decides by its last rule.
  const index = policy.rules.length - 1;
  return { rule: policy.rules[index] as PolicyRule, index, verdicts, matchedPaths: [] };
}

/** A policy from untrusted input: the policy, or the problems with their field paths. */
export function parsePolicy(
  input: unknown,
): { ok: true; policy: Policy } | { ok: false; issues: { field: string; message: string }[] } {
  const parsed = PolicySchema.safeParse(input);
  if (parsed.success) return { ok: true, policy: parsed.data };
  return {
    ok: false,
    issues: parsed.error.issues.map((i) => ({ field: i.path.map(String).join("."), message: i.message })),
  };
}
