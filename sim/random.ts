/**
 * Seeded randomness for the simulator (pure-rand's xoroshiro128+). Two kinds:
 * - `Stream`: a sequence for one process (a person's PR arrivals, their queue checks), drawn in the
 *   same order whatever the strategy, so every strategy sees the same trace and the same habits.
 * - `draw(seed, key)`: one number named by what it decides (`outcome:pr17:r2:1`), so a decision that
 *   only some strategies reach (a reminder acted on, a second round) still gets the same number in
 *   each of them: common random numbers, the standard way to compare alternatives on one trace.
 */
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";
import { probit } from "simple-statistics";

/** FNV-1a over the text, folded into 32 bits: a stable seed per key. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

/** Uniform in [0, 1) from a named key under a seed. */
export function draw(seed: number, key: string): number {
  return uniformFloat64(xoroshiro128plus(hash32(`${seed}|${key}`)));
}

export class Stream {
  private readonly rng: RandomGenerator;
  constructor(seed: number, name: string) {
    this.rng = xoroshiro128plus(hash32(`${seed}|stream|${name}`));
  }
  /** Uniform in [0, 1). */
  next(): number {
    return uniformFloat64(this.rng);
  }
}

/** Exponential with the given mean, from a uniform u in [0, 1). */
export const exponential = (u: number, mean: number): number => -Math.log(1 - u) * mean;

/** Log-normal with the given median and shape sigma, from a uniform u in [0, 1) (inverse CDF). */
export function logNormal(u: number, median: number, sigma: number): number {
  return median * Math.exp(sigma * probit(Math.min(Math.max(u, 1e-12), 1 - 1e-12)));
}
