/**
 * `npm run evaluate` as a user runs it: one JSON object with the metrics of the forecasts (first
 * review, and merge under `merge`) against the repository-median baseline, the same bytes on a second
 * run; `--seeds` gives each seed's metrics and their medians; bad arguments exit 2.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { dirname, resolve } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

/** The metrics each target reports (first review and merge). */
const METRIC_KEYS = [
  "mae",
  "baselineMae",
  "maeImprovementPct",
  "pinball80",
  "baselinePinball80",
  "coverage80",
];

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const npmEvaluate = (...args) =>
  spawnSync("npm", ["run", "evaluate", "--", ...args], { cwd: root, encoding: "utf8" });

describe("npm run evaluate", () => {
  it("prints the metrics as one JSON object, the same bytes every time", () => {
    const first = npmEvaluate("--scenario", "default", "--json");
    assert.equal(first.status, 0, first.stderr);
    assert.equal(first.stdout.trim().split("\n").length, 1);
    const report = JSON.parse(first.stdout);
    assert.equal(report.scenario, "default");
    assert.equal(report.strategy, "foreman");
    assert.ok(report.train > 0 && report.test > 0);
    assert.equal(report.train, Math.floor((report.prs - report.unreviewed) * 0.7));
    const m = report.metrics;
    for (const key of METRIC_KEYS) {
      assert.equal(typeof m[key], "number", key);
    }
    assert.ok("breachAuc" in m);
    assert.ok(m.breachAuc === null || (m.breachAuc >= 0 && m.breachAuc <= 1));
    assert.ok(m.coverage80 >= 0 && m.coverage80 <= 1);
    assert.deepEqual(Object.keys(report.goals), ["maeImprovement20", "coverage75to85", "auc075"]);
    assert.equal(report.model.coef.length, report.model.features.length);
    assert.ok(["reviewer", "author"].includes(report.model.clock));
    const merge = report.merge;
    assert.ok(merge.train > 0 && merge.test > 0);
    for (const key of METRIC_KEYS) assert.equal(typeof merge.metrics[key], "number", `merge ${key}`);
    assert.deepEqual(Object.keys(merge.goals), ["maeImprovement20", "coverage75to85"]);
    const second = npmEvaluate("--scenario", "default", "--json");
    assert.equal(second.stdout, first.stdout);
  });

  it("takes --seeds: each seed's metrics and the medians over them", () => {
    const run = npmEvaluate("--scenario", "startup", "--seeds", "1-2", "--json");
    assert.equal(run.status, 0, run.stderr);
    const s = JSON.parse(run.stdout);
    assert.deepEqual(s.seeds, [1, 2]);
    assert.equal(s.runs.length, 2);
    const values = s.runs.map((r) => r.metrics.maeImprovementPct).sort((a, b) => a - b);
    assert.ok(Math.abs(s.median.metrics.maeImprovementPct - (values[0] + values[1]) / 2) < 0.01);
    assert.equal(typeof s.median.merge.metrics.coverage80, "number");
    const table = npmEvaluate("--scenario", "startup", "--seeds", "1,2");
    assert.equal(table.status, 0, table.stderr);
    assert.match(table.stdout, /\| median \|/);
  });

  it("takes --seed, and refuses bad arguments with exit code 2", () => {
    const run = npmEvaluate("--scenario", "startup", "--seed", "9", "--json");
    assert.equal(run.status, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).seed, 9);
    for (const args of [["--seed", "x"], ["--scenario", "nope"], ["--frobnicate"], ["--seeds", "3-1"]]) {
      const r = npmEvaluate(...args);
      assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.equal(r.stdout, "");
    }
  });
});
