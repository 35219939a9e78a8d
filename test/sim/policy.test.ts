/**
 * `npm run simulate -- --policy a.json --policy b.json`: Foreman's Review Manager once per review
 * policy (`foreman[a]`, `foreman[b]`) beside GitHub's baseline, on the same trace. The policy is
 * decided by Foreman's own code (the simulator only puts it in the view): the rule for large PRs
 * decides exactly the trace's PRs of 400 lines or more and asks more reviewers; the migrated default
 * as a policy file changes nothing; a bad file is refused naming the file and the field.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type Io, main } from "../../sim/cli";
import oneReviewer from "../../sim/policies/one-reviewer.json";
import twoReviewersLarge from "../../sim/policies/two-reviewers-large.json";
import { parseScenario } from "../../sim/scenario";
import defaultScenario from "../../sim/scenarios/default.json";
import type { SimulationReport } from "../../sim/simulate";
import { peopleOf } from "../../sim/team";
import { traceOf } from "../../sim/trace";
import { MIGRATED_POLICY } from "../../src/settings/policies";

const ONE = "sim/policies/one-reviewer.json";
const TWO = "sim/policies/two-reviewers-large.json";
const FILES: Record<string, unknown> = {
  "sim/scenarios/default.json": defaultScenario,
  [ONE]: oneReviewer,
  [TWO]: twoReviewersLarge,
  // Today's behaviour written as a policy file: the default a tenant is migrated to.
  "policies/same-as-today.json": MIGRATED_POLICY,
};
const WEEKS = 2;

interface CliRun {
  code: number;
  out: string;
  err: string;
  written: string[];
}

/**
 * `main` as `npm run simulate` runs it, on files held here and one Durable Object's SQLite: each
 * database the simulator opens starts empty (the tables an earlier strategy made are dropped; the
 * object's own are left alone).
 */
function cli(argv: string[], files: Record<string, unknown> = {}, name = "sim-policy"): Promise<CliRun> {
  return runInDurableObject(env.OUTBOX.getByName(name), (_instance, state) => {
    const sql = state.storage.sql;
    const tables = () =>
      sql
        .exec<{ name: string }>(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
        )
        .toArray()
        .map((r) => r.name);
    const own = new Set(tables());
    const run: CliRun = { code: -1, out: "", err: "", written: [] };
    const all = { ...FILES, ...files };
    const io: Io = {
      readText: (path) => {
        const file = all[path];
        return file === undefined ? null : typeof file === "string" ? file : JSON.stringify(file);
      },
      writeText: (path) => {
        run.written.push(path);
      },
      builtin: (scenario) => `sim/scenarios/${scenario}.json`,
      builtinNames: () => ["default"],
      openSql: () => {
        for (const table of tables()) if (!own.has(table)) sql.exec(`DROP TABLE "${table}"`);
        return sql;
      },
      stdout: (text) => {
        run.out += text;
      },
      stderr: (text) => {
        run.err += text;
      },
    };
    run.code = main(argv, io);
    return run;
  });
}

describe("simulate --policy", () => {
  it("runs Foreman once per policy beside GitHub's baseline, and the policies decide", async () => {
    const run = await cli(
      [
        "--scenario",
        "default",
        "--weeks",
        String(WEEKS),
        "--policy",
        ONE,
        "--policy",
        TWO,
        "--policy",
        "policies/same-as-today.json",
        "--json",
      ],
      {},
      "sim-policy-compare",
    );
    expect(run.code, run.err).toBe(0);
    expect(run.err).toBe("");
    const report = JSON.parse(run.out) as SimulationReport;
    expect(Object.keys(report.strategies)).toEqual([
      "github-round-robin",
      "github-load-balance",
      "foreman[one-reviewer]",
      "foreman[two-reviewers-large]",
      "foreman[same-as-today]",
    ]);
    const one = report.strategies["foreman[one-reviewer]"];
    const two = report.strategies["foreman[two-reviewers-large]"];
    if (!one || !two) throw new Error("a policy run is missing");

    // The rule for large PRs decided exactly the trace's PRs of 400 lines or more, the default the rest.
    const s = parseScenario(defaultScenario, "default");
    const trace = traceOf({ ...s, weeks: WEEKS }, peopleOf(s));
    expect(report.prs).toBe(trace.length);
    const large = trace.filter((pr) => pr.lines >= 400).length;
    expect(large).toBeGreaterThan(0);
    expect(report.policies?.["foreman[two-reviewers-large]"]).toEqual({
      policy: "two-reviewers-large",
      file: TWO,
      prsByRule: { large, default: trace.length - large },
    });
    expect(report.policies?.["foreman[one-reviewer]"]?.prsByRule).toEqual({ default: trace.length });
    // Neither example looks at changed files: nothing to note.
    expect(report.notes).toEqual([]);

    // Two reviewers for large PRs: more review requests per PR, and every PR still reviewed.
    expect(two.requestsPerPr).toBeGreaterThan(one.requestsPerPr);
    expect(two.unreviewed).toBe(0);
    expect(one.unreviewed).toBe(0);
    // GitHub's baseline is the same as without policies: one request per PR.
    expect(report.strategies["github-load-balance"]?.requestsPerPr).toBe(1);

    // The migrated default written as a file decides as no policy at all: the same run, figure for figure.
    const plain = await cli(
      ["--scenario", "default", "--weeks", String(WEEKS), "--strategies", "foreman", "--json"],
      {},
      "sim-policy-plain",
    );
    expect(plain.code, plain.err).toBe(0);
    const without = JSON.parse(plain.out) as SimulationReport;
    expect(Object.keys(without.strategies)).toEqual(["foreman"]);
    expect(without.policies).toBeUndefined();
    expect(report.strategies["foreman[same-as-today]"]).toEqual(without.strategies.foreman);
  });

  it("lists the runs side by side in the table, with a note for rules on changed files", async () => {
    const paths = {
      rules: [
        { name: "migrations", match: { paths: ["migrations/**"] }, decide: { reviewers: 2 } },
        { name: "default", decide: {} },
      ],
    };
    const run = await cli(
      [
        "--scenario",
        "default",
        "--weeks",
        "1",
        "--strategies",
        "github-load-balance,foreman",
        "--policy",
        ONE,
        "--policy",
        "paths.json",
      ],
      { "paths.json": paths },
      "sim-policy-table",
    );
    expect(run.code, run.err).toBe(0);
    expect(run.out).toMatch(/github-load-balance\s+foreman\[one-reviewer\]\s+foreman\[paths\]/);
    expect(run.out).toMatch(/review requests per PR/);
    expect(run.out).toMatch(/foreman\[paths\]: migrations 0, default \d+/);
    expect(run.out).toMatch(/note: paths\.json: .*no changed-file lists.*migrations \(paths\) never matches/);
    expect(run.out.match(/^note:/gm)).toHaveLength(1);
    expect(run.written.some((p) => p.endsWith("report.md"))).toBe(true);
  });

  it("refuses a bad policy file with exit code 2, naming the file and the field", async () => {
    const refused = async (file: unknown, extra: string[] = []) => {
      const run = await cli(["--policy", ONE, "--policy", "bad.json", ...extra], { "bad.json": file });
      expect(run.code, run.out).toBe(2);
      expect(run.out).toBe("");
      return run.err;
    };
    const good = twoReviewersLarge as { rules: Record<string, unknown>[] };
    const large = good.rules[0] as { decide: Record<string, unknown> };
    expect(
      await refused({ rules: [{ ...large, decide: { ...large.decide, reviewers: 0 } }, good.rules[1]] }),
    ).toMatch(/^bad\.json: rules\[0\]\.decide\.reviewers: /m);
    expect(
      await refused({
        rules: [{ ...large, decide: { ...large.decide, strategy: "fastest" } }, good.rules[1]],
      }),
    ).toMatch(/^bad\.json: rules\[0\]\.decide\.strategy: /m);
    // The last rule must match every PR (it is the default).
    expect(await refused({ rules: [large] })).toMatch(
      /^bad\.json: rules\[0\]\.match: the last rule must match/m,
    );
    expect(await refused("{ not json", ["--json"])).toMatch(/^bad\.json is not valid JSON/);
    // Two files of one base name would be two runs of one name.
    const twin = await cli(["--policy", ONE, "--policy", "other/one-reviewer.json"], {
      "other/one-reviewer.json": oneReviewer,
    });
    expect(twin.code).toBe(2);
    expect(twin.err).toMatch(/two policies are named "one-reviewer"/);
  });
});
