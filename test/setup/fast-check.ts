/**
 * Property and fuzz tests run the same inputs on every run: fast-check's seed is fixed, so the suite
 * never passes or fails by the luck of the draw. To explore other inputs, run with `FC_SEED=<n>` (or
 * `FC_SEED=random`); a failure prints its seed and path, and the seed reproduces it.
 */
import fc from "fast-check";
import { inject } from "vitest";

const seed = inject("fcSeed");
if (seed !== null) fc.configureGlobal({ seed });
