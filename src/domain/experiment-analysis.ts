/**
 * An experiment's analysis, pure (docs/policies.md, "Experiments"): the arms' figures on the primary
 * metric, the effect with a percentile-bootstrap 95% CI, the Mann–Whitney p-value by permutation, the
 * guardrails, the decision and one sentence saying it. The spec, allocation and samples are in
 * ./experiment.ts.
 */
import { median, permutationTest, quantile } from "simple-statistics";
import { fnv1a64 } from "../platform/ids";
import {
  type ExperimentSpec,
  type GuardrailMetric,
  type PolicySample,
  type PolicySummary,
  type PrimaryMetric,
  round,
  STAGE_OF,
  summarise,
  valuesOf,
} from "./experiment";
import { DAY_MS } from "./time";

// --------------------------------------------------------------------------------- analysis

/** Resamples of the bootstrap CI and permutations of the p-value. */
export const RESAMPLES = 2000;

/** mulberry32: a tiny seeded PRNG with values in [0, 1) (simple-statistics has no seeded source). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function resample(values: readonly number[], random: () => number): number[] {
  const out = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[Math.floor(random() * values.length)] ?? 0;
  return out;
}

/** Percentile-bootstrap 95% CI of median(variant) − median(control). */
function bootstrapCi(
  control: readonly number[],
  variant: readonly number[],
  random: () => number,
): [number, number] {
  const diffs = new Array<number>(RESAMPLES);
  for (let b = 0; b < RESAMPLES; b++) {
    diffs[b] = median(resample(variant, random)) - median(resample(control, random));
  }
  const [low = 0, high = 0] = quantile(diffs, [0.025, 0.975]);
  return [low, high];
}

/**
 * Two-sided p-value of simple-statistics' permutation test. Its statistic is the difference of the
 * means, and it returns the share of the `RESAMPLES` permutations at least as extreme, which can be 0;
 * one is added to both counts ((extreme + 1) / (k + 1)) so a p-value is never 0.
 */
/**
 * Two-sided p-value of the Mann–Whitney U test, by permutation: simple-statistics' `permutationTest`
 * on the pooled ranks (ties share their average rank), so it compares the arms' ranks — like the
 * medians the effect reports — and one slow outlier cannot hide a shift (its test on raw hours would
 * compare means). The +1 correction keeps it above 0.
 */
function permutationP(control: readonly number[], variant: readonly number[], random: () => number): number {
  const ranks = pooledRanks([...control, ...variant]);
  const share = permutationTest(
    ranks.slice(control.length),
    ranks.slice(0, control.length),
    "two_side",
    RESAMPLES,
    random,
  );
  return (Math.round(share * RESAMPLES) + 1) / (RESAMPLES + 1);
}

/** 1-based ranks of `values` in their order, ties getting the average of the ranks they span. */
function pooledRanks(values: readonly number[]): number[] {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  const ranks = new Array<number>(values.length).fill(0);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]?.v === order[start]?.v) end++;
    const rank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) ranks[order[k]?.i ?? 0] = rank;
    start = end + 1;
  }
  return ranks;
}

/** An arm's figures on the primary metric. */
export interface ArmFigures {
  /** PRs with the primary metric reached. */
  n: number;
  /** PRs in the arm. */
  prs: number;
  median: number | null;
  p75: number | null;
}

/** One guardrail: the arms' rates and the variant's increase (null while a rate is unknown). */
export interface GuardrailCheck {
  metric: GuardrailMetric;
  control: number | null;
  variant: number | null;
  increase: number | null;
  breached: boolean;
}

export type ExperimentDecision = "continue" | "stop-harm" | "variant-wins" | "control-wins" | "no-difference";

export interface ExperimentEffect {
  /** Variant median − control median, in hours: negative, the variant is faster. */
  difference: number | null;
  /** The difference over the control's median. */
  relative: number | null;
  /** Bootstrap 95% CI of the difference. */
  ci95: [number, number] | null;
}

export interface ExperimentAnalysis {
  arms: { control: ArmFigures; variant: ArmFigures };
  metric: PrimaryMetric;
  effect: ExperimentEffect;
  /** Two-sided permutation p-value; null while an arm has no value. */
  pValue: number | null;
  guardrails: GuardrailCheck[];
  decision: ExperimentDecision;
  /** One plain sentence with the figures. */
  reason: string;
}

export interface ExperimentInput {
  spec: ExperimentSpec;
  control: readonly PolicySample[];
  variant: readonly PolicySample[];
  startedAtMs: number;
  nowMs: number;
  /** Seeds the bootstrap and the permutations; default the experiment's name. */
  seed?: string;
}

/** The PRs behind a guardrail's rate: large PRs for `noCommentLargeRate`, every PR otherwise. */
const guardrailBase = (s: PolicySummary, metric: GuardrailMetric): number =>
  metric === "noCommentLargeRate" ? s.largePrs : s.prs;

function checkGuardrails(
  spec: ExperimentSpec,
  control: PolicySummary,
  variant: PolicySummary,
): GuardrailCheck[] {
  return spec.guardrails.map(({ metric, maxIncrease }) => {
    const c = control[metric];
    const v = variant[metric];
    const increase = c === null || v === null ? null : round(v - c, 4);
    const enough =
      guardrailBase(control, metric) * 2 >= spec.minSample &&
      guardrailBase(variant, metric) * 2 >= spec.minSample;
    return {
      metric,
      control: c,
      variant: v,
      increase,
      breached: enough && increase !== null && increase > maxIncrease,
    };
  });
}

function effectOf(
  control: readonly number[],
  variant: readonly number[],
  random: () => number,
): ExperimentEffect & { pValue: number | null } {
  if (control.length === 0 || variant.length === 0)
    return { difference: null, relative: null, ci95: null, pValue: null };
  const controlMedian = median(control);
  const difference = median(variant) - controlMedian;
  const [low, high] = bootstrapCi(control, variant, random);
  return {
    difference: round(difference, 4),
    relative: controlMedian === 0 ? null : round(difference / controlMedian, 3),
    ci95: [round(low, 4), round(high, 4)],
    pValue: round(permutationP(control, variant, random), 4),
  };
}

// ----------------------------------------------------------------------------------- wording

const METRIC_WORDS: Record<PrimaryMetric, string> = {
  firstReviewHours: "time to first review",
  firstReviewWorkingHours: "working time to first review",
  inReviewHours: "time in review",
  mergeHours: "time to merge",
};

const GUARDRAIL_WORDS: Record<GuardrailMetric, string> = {
  rubberStampRate: "rubber-stamp rate",
  breachRate: "SLA breach rate",
  noCommentLargeRate: "rate of large PRs approved without a comment",
};

/** Hours as people read them: `2.0 h`, `12 min`, `40 s` (a short experiment in a demo has seconds). */
export function duration(hours: number): string {
  const a = Math.abs(hours);
  if (a >= 1) return `${a.toFixed(1)} h`;
  if (a * 60 >= 1) return `${Math.round(a * 60)} min`;
  return `${Math.round(a * 3600)} s`;
}
/** `−2.0 h`: a duration with a typographic minus. */
const signed = (hours: number): string => `${hours < 0 ? "−" : ""}${duration(hours)}`;
const percent = (r: number): string => `${Number((r * 100).toFixed(1))}%`;
const points = (r: number): string => `${Number((r * 100).toFixed(1))} points`;
const pText = (p: number): string => (p < 0.001 ? "p < 0.001" : `p = ${Number(p.toPrecision(2))}`);

function figuresText(a: Omit<ExperimentAnalysis, "reason">): string {
  const { difference, ci95 } = a.effect;
  const n = `n = ${a.arms.control.n} control / ${a.arms.variant.n} variant`;
  if (difference === null || ci95 === null || a.pValue === null) return n;
  return `95% CI ${signed(ci95[0])} to ${signed(ci95[1])}, ${pText(a.pValue)}, ${n}`;
}

function comparison(difference: number): string {
  if (difference === 0) return "the same as the control's";
  return `${duration(difference)} ${difference < 0 ? "shorter" : "longer"}`;
}

function harmReason(checks: readonly GuardrailCheck[], spec: ExperimentSpec): string {
  const parts = checks.flatMap((g, i) => {
    if (!g.breached) return [];
    const allowed = spec.guardrails[i]?.maxIncrease ?? 0;
    return `the variant's ${GUARDRAIL_WORDS[g.metric]} is ${percent(g.variant ?? 0)} against ${percent(g.control ?? 0)} for the control (+${points(g.increase ?? 0)}, more than the allowed +${points(allowed)})`;
  });
  return `Stopped for harm: ${parts.join(", and ")}.`;
}

function reasonOf(a: Omit<ExperimentAnalysis, "reason">, spec: ExperimentSpec, days: number): string {
  const words = METRIC_WORDS[a.metric];
  switch (a.decision) {
    case "stop-harm":
      return harmReason(a.guardrails, spec);
    case "continue":
      return `Collecting: ${a.arms.control.n} control and ${a.arms.variant.n} variant PRs have a ${words} so far, of ${spec.minSample} needed in each, on day ${days + 1} of ${spec.maxDays}.`;
    case "variant-wins":
    case "control-wins":
      return `The variant's median ${words} is ${comparison(a.effect.difference ?? 0)} (${figuresText(a)}).`;
    case "no-difference":
      if (a.effect.difference === null)
        return `No difference can be shown after ${days} days: only ${a.arms.control.n} control and ${a.arms.variant.n} variant PRs have a ${words}.`;
      return `No clear difference in median ${words}: the variant's is ${comparison(a.effect.difference)} (${figuresText(a)}).`;
  }
}

// ----------------------------------------------------------------------------------- decision

/**
 * Analyses an experiment: the arms' figures on the primary metric, the effect (variant median − control
 * median, a percentile-bootstrap 95% CI over `RESAMPLES` resamples), a two-sided permutation p-value
 * (Mann–Whitney by permutation: simple-statistics' `permutationTest` on the pooled ranks, `RESAMPLES` permutations), the
 * guardrails, and the decision, by these rules in order:
 *
 * 1. **stop-harm** — a guardrail is breached: the variant's rate minus the control's is more than its
 *    `maxIncrease`, counted only once each arm has at least `minSample / 2` PRs behind that rate (large
 *    PRs for `noCommentLargeRate`).
 * 2. **continue** — an arm has fewer than `minSample` PRs with the primary metric reached, and fewer than
 *    `maxDays` days have passed since `startedAtMs`. No win is called before then (no peeking).
 * 3. **variant-wins** / **control-wins** — p < `alpha` and the CI excludes 0: a negative difference
 *    (the variant is faster; lower hours are better for every metric) wins for the variant, a positive
 *    one for the control.
 * 4. **no-difference** — otherwise (`maxDays` passed, or both arms reached `minSample`).
 *
 * Deterministic: one mulberry32 stream seeded from FNV-1a of `seed:metric` (seed default the spec's
 * name) drives the bootstrap, then the permutations.
 */
export function analyse(input: ExperimentInput): ExperimentAnalysis {
  const { spec } = input;
  const metric = spec.primaryMetric;
  const summaries = { control: summarise(input.control), variant: summarise(input.variant) };
  const arm = (s: PolicySummary, prs: number): ArmFigures => ({ ...s[STAGE_OF[metric]], prs });
  const arms = {
    control: arm(summaries.control, input.control.length),
    variant: arm(summaries.variant, input.variant.length),
  };
  const random = mulberry32(Number.parseInt(fnv1a64(`${input.seed ?? spec.name}:${metric}`).slice(0, 8), 16));
  const { pValue, ...effect } = effectOf(
    valuesOf(input.control, metric),
    valuesOf(input.variant, metric),
    random,
  );
  const guardrails = checkGuardrails(spec, summaries.control, summaries.variant);

  const elapsedMs = Math.max(0, input.nowMs - input.startedAtMs);
  const timeUp = elapsedMs >= spec.maxDays * DAY_MS;
  const enough = arms.control.n >= spec.minSample && arms.variant.n >= spec.minSample;
  const significant =
    pValue !== null &&
    pValue < spec.alpha &&
    effect.ci95 !== null &&
    (effect.ci95[1] < 0 || effect.ci95[0] > 0) &&
    effect.difference !== null &&
    effect.difference !== 0;

  let decision: ExperimentDecision;
  if (guardrails.some((g) => g.breached)) decision = "stop-harm";
  else if (!enough && !timeUp) decision = "continue";
  else if (significant) decision = (effect.difference ?? 0) < 0 ? "variant-wins" : "control-wins";
  else decision = "no-difference";

  const analysis = { arms, metric, effect, pValue, guardrails, decision };
  return { ...analysis, reason: reasonOf(analysis, spec, Math.floor(elapsedMs / DAY_MS)) };
}
