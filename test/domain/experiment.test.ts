/**
 * Policy experiments (src/domain/experiment.ts): stable hash allocation, the spec's defaults and
 * refinement, per-policy summaries, and the analysis' decisions (wins, no difference, continue, harm),
 * deterministic for a seed.
 */
import { describe, expect, it } from "vitest";
import {
  armOf,
  type ExperimentSpec,
  type ExperimentSpecInput,
  ExperimentSpecSchema,
  type PolicySample,
  summarise,
} from "../../src/domain/experiment";
import { analyse } from "../../src/domain/experiment-analysis";
import { DAY_MS } from "../../src/domain/time";
import { policySample } from "../helpers/policy-sample";

const START = Date.UTC(2026, 0, 5);

/** A deterministic stream in [0, 1) for test data (an LCG). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4_294_967_296;
  };
}

/** `n` PRs whose working time to first review is exponential with mean `meanHours`. */
function arm(n: number, meanHours: number, seed: number, extra: Partial<PolicySample> = {}): PolicySample[] {
  const random = lcg(seed);
  return Array.from({ length: n }, () =>
    policySample({ firstReviewWorkingHours: -meanHours * Math.log(1 - random()), ...extra }),
  );
}

function spec(input: Partial<ExperimentSpecInput> = {}): ExperimentSpec {
  return ExperimentSpecSchema.parse({
    name: "pairing-pool",
    control: { policyId: "default", version: 3 },
    variant: { policyId: "pairing" },
    ...input,
  });
}

describe("allocation", () => {
  it("gives a PR the same arm on every call", () => {
    for (const key of ["acme/api#1", "acme/api#2", "acme/web#77"]) {
      const first = armOf("exp_1", key, 0.5);
      for (let i = 0; i < 5; i++) expect(armOf("exp_1", key, 0.5)).toBe(first);
    }
  });

  it("splits PRs roughly by the variant's share", () => {
    const keys = Array.from({ length: 2000 }, (_, i) => `acme/api#${i + 1}`);
    const half = keys.filter((k) => armOf("exp_1", k, 0.5) === "variant").length / keys.length;
    expect(half).toBeGreaterThan(0.45);
    expect(half).toBeLessThan(0.55);
    const fifth = keys.filter((k) => armOf("exp_2", k, 0.2) === "variant").length / keys.length;
    expect(fifth).toBeGreaterThan(0.16);
    expect(fifth).toBeLessThan(0.24);
  });

  it("mixes consecutive PRs: every run of 24 numbers has both arms", () => {
    for (const id of ["exp-0fbb24fad8", "exp-92173fa77e", "exp_1", "exp-test"]) {
      for (const start of [1, 100, 9100, 123_456]) {
        const arms = Array.from({ length: 24 }, (_, i) =>
          armOf(id, `codertocat/hello-world#${start + i}`, 0.5),
        );
        const variants = arms.filter((a) => a === "variant").length;
        expect(variants, `${id} from #${start}`).toBeGreaterThanOrEqual(5);
        expect(variants, `${id} from #${start}`).toBeLessThanOrEqual(19);
      }
    }
  });

  it("keeps a PR in the variant when the share grows", () => {
    const keys = Array.from({ length: 200 }, (_, i) => `acme/api#${i}`);
    for (const k of keys.filter((key) => armOf("exp_3", key, 0.3) === "variant"))
      expect(armOf("exp_3", k, 0.6)).toBe("variant");
  });
});

describe("the experiment spec", () => {
  it("fills in the defaults", () => {
    const s = spec();
    expect(s.allocation).toEqual({ variantShare: 0.5 });
    expect(s.primaryMetric).toBe("firstReviewWorkingHours");
    expect(s.guardrails).toEqual([
      { metric: "rubberStampRate", maxIncrease: 0.1 },
      { metric: "breachRate", maxIncrease: 0.1 },
    ]);
    expect(s.minSample).toBe(30);
    expect(s.maxDays).toBe(28);
    expect(s.alpha).toBe(0.05);
    expect(spec({ allocation: {} }).allocation).toEqual({ variantShare: 0.5 });
  });

  it("rejects a variant equal to the control, on the variant's path", () => {
    const same = ExperimentSpecSchema.safeParse({
      name: "x",
      control: { policyId: "default", version: 2 },
      variant: { policyId: "default", version: 2 },
    });
    expect(same.success).toBe(false);
    expect(same.error?.issues[0]?.path).toEqual(["variant"]);
    expect(same.error?.issues[0]?.message).toMatch(/differ/);
    const versions = ExperimentSpecSchema.safeParse({
      name: "x",
      control: { policyId: "default", version: 2 },
      variant: { policyId: "default", version: 3 },
    });
    expect(versions.success).toBe(true);
  });

  it("rejects bad fields and unknown keys", () => {
    const bad = (input: Partial<ExperimentSpecInput> & Record<string, unknown>) =>
      ExperimentSpecSchema.safeParse({
        name: "x",
        control: { policyId: "a" },
        variant: { policyId: "b" },
        ...input,
      }).success;
    expect(bad({})).toBe(true);
    expect(bad({ name: "" })).toBe(false);
    expect(bad({ control: { policyId: "Bad_Id" } })).toBe(false);
    expect(bad({ allocation: { variantShare: 1 } })).toBe(false);
    expect(bad({ minSample: 4 })).toBe(false);
    expect(bad({ maxDays: 181 })).toBe(false);
    expect(bad({ alpha: 0.5 })).toBe(false);
    expect(
      bad({ guardrails: Array.from({ length: 6 }, () => ({ metric: "breachRate", maxIncrease: 0.1 })) }),
    ).toBe(false);
    expect(bad({ extra: true })).toBe(false);
  });
});

describe("summarise", () => {
  it("gives each stage's n, median and P75 over reached values, and the rates", () => {
    const s = summarise([
      policySample({
        firstReviewHours: 1,
        firstReviewWorkingHours: 1,
        mergeHours: 10,
        large: true,
        noCommentLarge: true,
      }),
      policySample({ firstReviewHours: 2, firstReviewWorkingHours: 1.5, rubberStamp: true, large: true }),
      policySample({ firstReviewHours: 3, breached: true }),
      policySample({ firstReviewHours: 10 }),
    ]);
    expect(s.prs).toBe(4);
    expect(s.largePrs).toBe(2);
    expect(s.firstReview).toEqual({ n: 4, median: 2.5, p75: 4.75 });
    expect(s.firstReviewWorking).toEqual({ n: 2, median: 1.25, p75: 1.38 });
    expect(s.inReview).toEqual({ n: 0, median: null, p75: null });
    expect(s.merge).toEqual({ n: 1, median: 10, p75: 10 });
    expect(s.breachRate).toBe(0.25);
    expect(s.rubberStampRate).toBe(0.25);
    expect(s.noCommentLargeRate).toBe(0.5);
  });

  it("has no rates without PRs, and no large-PR rate without large PRs", () => {
    const empty = summarise([]);
    expect(empty.breachRate).toBeNull();
    expect(empty.noCommentLargeRate).toBeNull();
    expect(summarise([policySample()]).noCommentLargeRate).toBeNull();
  });
});

describe("analyse", () => {
  const at = (days: number) => ({ startedAtMs: START, nowMs: START + days * DAY_MS });

  it("calls a clearly faster variant the winner", () => {
    const out = analyse({ spec: spec(), control: arm(60, 8, 1), variant: arm(60, 2, 2), ...at(10) });
    expect(out.decision).toBe("variant-wins");
    expect(out.arms.control.n).toBe(60);
    expect(out.arms.variant.prs).toBe(60);
    expect(out.effect.difference).toBeLessThan(0);
    expect(out.effect.relative).toBeLessThan(0);
    expect(out.effect.ci95?.[1]).toBeLessThan(0);
    expect(out.pValue).toBeLessThan(0.05);
    expect(out.reason).toMatch(
      /shorter \(95% CI −\d+\.\d h to −\d+\.\d h, p [<=] [\d.]+, n = 60 control \/ 60 variant\)/,
    );
  });

  it("calls a clearly slower variant a loss", () => {
    const out = analyse({ spec: spec(), control: arm(60, 2, 3), variant: arm(60, 8, 4), ...at(10) });
    expect(out.decision).toBe("control-wins");
    expect(out.effect.ci95?.[0]).toBeGreaterThan(0);
  });

  it("finds no difference between identical arms once both reached minSample", () => {
    const values = arm(40, 5, 5);
    const out = analyse({ spec: spec(), control: values, variant: [...values].reverse(), ...at(10) });
    expect(out.decision).toBe("no-difference");
    expect(out.effect.difference).toBe(0);
    expect(out.pValue).toBeGreaterThan(0.5);
    expect(out.reason).toMatch(/^No clear difference/);
  });

  it("continues with too few samples, and decides when the days run out", () => {
    const control = arm(12, 8, 6);
    const variant = arm(9, 2, 7);
    const early = analyse({ spec: spec(), control, variant, ...at(3) });
    expect(early.decision).toBe("continue");
    expect(early.reason).toMatch(/12 control and 9 variant .* of 30 needed in each, on day 4 of 28/);
    const late = analyse({ spec: spec(), control, variant, ...at(28) });
    expect(late.decision).not.toBe("continue");
  });

  it("counts PRs without the primary metric as PRs but not as values", () => {
    const out = analyse({
      spec: spec(),
      control: [...arm(5, 4, 8), policySample(), policySample()],
      variant: arm(5, 4, 9),
      ...at(1),
    });
    expect(out.arms.control).toMatchObject({ n: 5, prs: 7 });
    expect(out.decision).toBe("continue");
  });

  it("stops for harm when the variant rubber-stamps far more", () => {
    const control = arm(30, 8, 10).map((s, i) => ({ ...s, rubberStamp: i < 3 }));
    const variant = arm(30, 2, 11).map((s, i) => ({ ...s, rubberStamp: i < 15 }));
    const out = analyse({ spec: spec(), control, variant, ...at(5) });
    expect(out.decision).toBe("stop-harm");
    expect(out.guardrails[0]).toEqual({
      metric: "rubberStampRate",
      control: 0.1,
      variant: 0.5,
      increase: 0.4,
      breached: true,
    });
    expect(out.guardrails[1]?.breached).toBe(false);
    expect(out.reason).toMatch(/rubber-stamp rate is 50% against 10%/);
  });

  it("does not judge a guardrail before each arm has half of minSample PRs", () => {
    const control = arm(10, 4, 12);
    const variant = arm(10, 4, 13, { rubberStamp: true });
    const out = analyse({ spec: spec(), control, variant, ...at(2) });
    expect(out.guardrails[0]).toMatchObject({ increase: 1, breached: false });
    expect(out.decision).toBe("continue");
  });

  it("is deterministic for a seed", () => {
    const input = { spec: spec(), control: arm(45, 6, 14), variant: arm(45, 5, 15), ...at(9), seed: "s1" };
    expect(analyse(input)).toEqual(analyse(input));
  });
});
