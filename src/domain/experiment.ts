/**
 * Policy experiments, pure (docs/policies.md, "Experiments"): a control review policy against a variant one on
 * live pull requests, each PR allocated to one arm for good by a hash of the experiment and the PR.
 *
 * - **Allocation** (`armOf`): the first 13 hex digits of FNV-1a 64 of `experimentId:prKey`, mixed by
 *   MurmurHash3's finaliser, as a fraction in [0, 1); the variant when it is below `variantShare`. No state: the same PR lands in the
 *   same arm on every call, in every isolate.
 * - **Outcomes** (`PolicySample`): a PR's hours to first review (wall clock and working), in review and
 *   to merge (null until reached), and whether its SLA was breached, it was rubber-stamped, or it was a
 *   large PR approved without a comment. `summarise` gives the medians, P75s and rates a policy version
 *   or rule is judged by.
 * - **Analysis** (`analyse`, ./experiment-analysis.ts): the difference of the arms' medians of the primary metric with a
 *   percentile-bootstrap 95% CI, a two-sided Mann–Whitney p-value (a permutation test on the pooled
 *   ranks), guardrail checks and a decision.
 *   Lower hours are better for every metric. Deterministic: the only randomness is a PRNG seeded from the
 *   seed and the metric (no `Math.random`, no clock).
 */
import { quantile } from "simple-statistics";
import { z } from "zod";
import { fnv1a64 } from "../platform/ids";

// ------------------------------------------------------------------------------------ the spec

/** Metrics an experiment can be decided on: hours, lower is better. */
export const PRIMARY_METRICS = [
  "firstReviewHours",
  "firstReviewWorkingHours",
  "inReviewHours",
  "mergeHours",
] as const;
export type PrimaryMetric = (typeof PRIMARY_METRICS)[number];

/** Rates a variant must not raise by more than a guardrail's `maxIncrease`. */
export const GUARDRAIL_METRICS = ["rubberStampRate", "breachRate", "noCommentLargeRate"] as const;
export type GuardrailMetric = (typeof GUARDRAIL_METRICS)[number];

const PolicyRefSchema = z.strictObject({
  policyId: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[a-z0-9][a-z0-9-]*$/, "lower-case letters, digits and hyphens"),
  /** A saved version of the policy; absent: its current version. */
  version: z.number().int().positive().optional(),
});

const GuardrailSchema = z.strictObject({
  metric: z.enum(GUARDRAIL_METRICS),
  /** The absolute increase of the variant's rate over the control's that counts as harm (0.1 = 10 points). */
  maxIncrease: z.number().min(0).max(1),
});

/** The guardrails an experiment has unless it names its own. */
export const DEFAULT_GUARDRAILS = [
  { metric: "rubberStampRate", maxIncrease: 0.1 },
  { metric: "breachRate", maxIncrease: 0.1 },
] as const satisfies readonly z.input<typeof GuardrailSchema>[];

const sameRef = (a: z.infer<typeof PolicyRefSchema>, b: z.infer<typeof PolicyRefSchema>): boolean =>
  a.policyId === b.policyId && a.version === b.version;

const SPEC_SHAPE = {
  name: z.string().min(1).max(100),
  control: PolicyRefSchema,
  variant: PolicyRefSchema,
  /** The share of PRs given the variant policy. */
  allocation: z
    .strictObject({ variantShare: z.number().gt(0).lt(1).default(0.5) })
    .default({ variantShare: 0.5 }),
  primaryMetric: z.enum(PRIMARY_METRICS).default("firstReviewWorkingHours"),
  guardrails: z
    .array(GuardrailSchema)
    .max(5)
    .default(() => DEFAULT_GUARDRAILS.map((g) => ({ ...g }))),
  /** PRs per arm with the primary metric reached before the experiment may be decided. */
  minSample: z.number().int().min(5).max(10_000).default(30),
  /** Days after which the experiment is decided with whatever it has. */
  maxDays: z.number().int().min(1).max(180).default(28),
  /** The significance level of the p-value. */
  alpha: z.number().gt(0).lt(0.5).default(0.05),
};

const DIFFERENT_ARMS = {
  message: "the variant must differ from the control (another policy or another version)",
  path: ["variant"],
};

/** An experiment as it is stored and analysed; defaults filled in by parsing. */
export const ExperimentSpecSchema = z
  .strictObject(SPEC_SHAPE)
  .refine((s) => !sameRef(s.control, s.variant), DIFFERENT_ARMS);

/** An experiment as the API starts it: the spec and, optionally, its id (`exp-…` otherwise). */
export const ExperimentStartSchema = z
  .strictObject({
    ...SPEC_SHAPE,
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/)
      .optional(),
  })
  .refine((s) => !sameRef(s.control, s.variant), DIFFERENT_ARMS);

export type ExperimentSpec = z.infer<typeof ExperimentSpecSchema>;
export type ExperimentSpecInput = z.input<typeof ExperimentSpecSchema>;

// ------------------------------------------------------------------------------- allocation

export type Arm = "control" | "variant";

/** 13 hex digits: 52 bits, exact in a double. */
const HASH_DIGITS = 13;
const HASH_RANGE = 16 ** HASH_DIGITS;

const MASK_64 = (1n << 64n) - 1n;

/**
 * MurmurHash3's 64-bit finaliser: every input bit reaches every output bit. FNV-1a alone leaves its
 * high bits nearly unchanged between keys that differ only at the end (`…#9100`, `…#9101`), so a run
 * of consecutive PRs would land in one arm.
 */
function fmix64(h: bigint): bigint {
  let k = h;
  k ^= k >> 33n;
  k = (k * 0xff51afd7ed558ccdn) & MASK_64;
  k ^= k >> 33n;
  k = (k * 0xc4ceb9fe1a85ec53n) & MASK_64;
  k ^= k >> 33n;
  return k;
}

/** The hash of `key` as a fraction in [0, 1): FNV-1a 64, finalised, its top 52 bits. */
function hashFraction(key: string): number {
  const mixed = fmix64(BigInt(`0x${fnv1a64(key)}`))
    .toString(16)
    .padStart(16, "0");
  return Number.parseInt(mixed.slice(0, HASH_DIGITS), 16) / HASH_RANGE;
}

/** The arm of a PR (`prKey`, e.g. `acme/api#42`) in an experiment: the same inputs give the same arm forever. */
export function armOf(experimentId: string, prKey: string, variantShare: number): Arm {
  return hashFraction(`${experimentId}:${prKey}`) < variantShare ? "variant" : "control";
}

// ---------------------------------------------------------------------------------- samples

/** One PR's outcome under a policy. Hours are null until the stage is reached. */
export interface PolicySample {
  firstReviewHours: number | null;
  firstReviewWorkingHours: number | null;
  inReviewHours: number | null;
  mergeHours: number | null;
  /** Its review SLA was breached. */
  breached: boolean;
  /** Its approval was a rubber stamp (src/domain/review-quality.ts). */
  rubberStamp: boolean;
  /** A large PR approved without a comment. */
  noCommentLarge: boolean;
  large: boolean;
  /** Closed, then reopened (a sign the review missed something); absent in older samples: no. */
  reopened?: boolean;
}

/** A stage's figures: how many PRs reached it, and the median and P75 of their hours (null when none). */
export interface StageFigures {
  n: number;
  median: number | null;
  p75: number | null;
}

/** How a policy (a version, a rule, an arm) did on its PRs. */
export interface PolicySummary {
  prs: number;
  /** Large PRs: the denominator of `noCommentLargeRate`. */
  largePrs: number;
  firstReview: StageFigures;
  firstReviewWorking: StageFigures;
  inReview: StageFigures;
  merge: StageFigures;
  /** Fractions of the PRs; null without PRs. */
  breachRate: number | null;
  rubberStampRate: number | null;
  /** A fraction of the large PRs; null without large PRs. */
  noCommentLargeRate: number | null;
  /** Reopened after being closed or merged; a fraction of the PRs, null without PRs. */
  reopenRate: number | null;
}

export const round = (x: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/** The reached (non-null, finite) values of a metric. */
export function valuesOf(samples: readonly PolicySample[], metric: PrimaryMetric): number[] {
  const out: number[] = [];
  for (const s of samples) {
    const v = s[metric];
    if (v !== null && Number.isFinite(v)) out.push(v);
  }
  return out;
}

/** Median and P75 (simple-statistics' quantiles: linear interpolation, R type 7), rounded to 2 decimals. */
function stageFigures(values: readonly number[]): StageFigures {
  if (values.length === 0) return { n: 0, median: null, p75: null };
  const [mid = 0, p75 = 0] = quantile(values, [0.5, 0.75]);
  return { n: values.length, median: round(mid, 2), p75: round(p75, 2) };
}

const rate = (count: number, of: number): number | null => (of === 0 ? null : round(count / of, 4));
const count = (samples: readonly PolicySample[], test: (s: PolicySample) => boolean): number =>
  samples.reduce((n, s) => (test(s) ? n + 1 : n), 0);

/** The figures of a set of PRs: each stage's n, median and P75 hours, and the guardrail rates (4 decimals). */
export function summarise(samples: readonly PolicySample[]): PolicySummary {
  const prs = samples.length;
  const largePrs = count(samples, (s) => s.large);
  return {
    prs,
    largePrs,
    firstReview: stageFigures(valuesOf(samples, "firstReviewHours")),
    firstReviewWorking: stageFigures(valuesOf(samples, "firstReviewWorkingHours")),
    inReview: stageFigures(valuesOf(samples, "inReviewHours")),
    merge: stageFigures(valuesOf(samples, "mergeHours")),
    breachRate: rate(
      count(samples, (s) => s.breached),
      prs,
    ),
    rubberStampRate: rate(
      count(samples, (s) => s.rubberStamp),
      prs,
    ),
    noCommentLargeRate: rate(
      count(samples, (s) => s.large && s.noCommentLarge),
      largePrs,
    ),
    reopenRate: rate(
      count(samples, (s) => s.reopened === true),
      prs,
    ),
  };
}

export const STAGE_OF: Record<PrimaryMetric, "firstReview" | "firstReviewWorking" | "inReview" | "merge"> = {
  firstReviewHours: "firstReview",
  firstReviewWorkingHours: "firstReviewWorking",
  inReviewHours: "inReview",
  mergeHours: "merge",
};
