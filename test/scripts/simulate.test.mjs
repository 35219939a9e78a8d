/**
 * `npm run simulate` as a user runs it: the JSON of the five strategies, byte-identical on a second
 * run; a bad scenario file exits 2 naming the field; `--out` writes the report and its charts.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const work = mkdtempSync(join(tmpdir(), "foreman-sim-"));
after(() => rmSync(work, { recursive: true, force: true }));

const simulate = (...args) =>
  spawnSync(process.execPath, [join(root, "scripts", "simulate.mjs"), ...args], {
    cwd: work,
    encoding: "utf8",
  });

const METRICS = [
  "ttfrMedianH",
  "ttfrP75H",
  "ttfrMedianWorkingH",
  "mergeMedianH",
  "slaBreaches",
  "breachRate",
  "loadGini",
  "msgsPerPersonDay",
  "focusInterruptions",
  "workHoursMessages",
  "afterHoursPings",
];

const small = {
  name: "ours",
  seed: 3,
  weeks: 2,
  start: "2027-03-01",
  people: [
    {
      login: "alice",
      tz: "Europe/Berlin",
      reviewSpeed: 1.2,
      ooo: [{ from: "2027-03-03", to: "2027-03-04" }],
    },
    { login: "bob", tz: "America/New_York" },
    {
      login: "chen",
      tz: "Asia/Shanghai",
      workingHours: { days: ["mon", "tue", "wed", "thu"], start: "10:00", end: "18:00" },
    },
  ],
  prsPerPersonPerWeek: 4,
  labels: { hotfix: 0.1 },
  sla: { hours: 6, rules: [{ label: "hotfix", hours: 2 }] },
};

describe("npm run simulate", () => {
  it("prints one JSON object for the five strategies, the same bytes every time", () => {
    const first = simulate("--scenario", "default", "--json");
    assert.equal(first.status, 0, first.stderr);
    const report = JSON.parse(first.stdout);
    assert.equal(report.scenario, "default");
    assert.equal(report.people, 12);
    assert.ok(report.prs > 100);
    assert.deepEqual(Object.keys(report.strategies), [
      "github-round-robin",
      "github-load-balance",
      "foreman",
      "foreman+context",
      "foreman+predict",
    ]);
    for (const metrics of Object.values(report.strategies)) {
      for (const key of METRICS) assert.ok(key in metrics, key);
      assert.ok(metrics.merged <= report.prs && metrics.unreviewed <= report.prs);
      const focus = metrics.focusInterruptions;
      const byChannel = Object.values(focus.byChannel).reduce((a, b) => a + b, 0);
      assert.equal(byChannel, focus.total);
      assert.equal(
        focus.perPersonWeek,
        Math.round((focus.total / (report.people * report.weeks)) * 1000) / 1000,
      );
      assert.ok(focus.total <= metrics.workHoursMessages);
    }
    // The built-in team has focus blocks; the Context Optimizer keeps DMs out of them.
    const { foreman, "foreman+context": context } = report.strategies;
    assert.ok(foreman.focusInterruptions.total > 0);
    assert.ok(context.focusInterruptions.byChannel.dm < foreman.focusInterruptions.byChannel.dm);
    const second = simulate("--scenario", "default", "--json");
    assert.equal(second.stdout, first.stdout);
  });

  it("prints only the JSON on stdout through npm run too", () => {
    const run = spawnSync(
      "npm",
      ["run", "simulate", "--", "--scenario", "startup", "--weeks", "1", "--json"],
      {
        cwd: root,
        encoding: "utf8",
      },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).scenario, "startup");
    assert.equal(run.stdout.trim().split("\n").length, 1);
  });

  it("runs a scenario file in the core format, and --out writes report.md with its charts", () => {
    const file = join(work, "ours.json");
    writeFileSync(file, JSON.stringify(small));
    const out = join(work, "out");
    const run = simulate(
      "--scenario",
      file,
      "--strategies",
      "github-load-balance,foreman,foreman+context",
      "--out",
      out,
    );
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /github-load-balance\s+foreman\s+foreman\+context/);
    assert.match(run.stdout, /focus interruptions \(per person-week\)/);
    assert.deepEqual(readdirSync(out).sort(), ["load.svg", "messages.svg", "report.md", "ttfr-cdf.svg"]);
    const md = readFileSync(join(out, "report.md"), "utf8");
    assert.match(md, /!\[Time to first review\]\(ttfr-cdf\.svg\)/);
    for (const svg of ["load.svg", "messages.svg", "ttfr-cdf.svg"]) {
      assert.match(
        readFileSync(join(out, svg), "utf8"),
        /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*<\/svg>\n$/,
      );
    }
    const json = simulate("--scenario", file, "--seed", "4", "--weeks", "1", "--json");
    assert.equal(json.status, 0, json.stderr);
    const report = JSON.parse(json.stdout);
    assert.equal(report.seed, 4);
    assert.equal(report.weeks, 1);
    // No focus blocks in the file: nothing to interrupt.
    for (const metrics of Object.values(report.strategies)) assert.equal(metrics.focusInterruptions.total, 0);
  });

  it("refuses a bad scenario file with exit code 2 and the field named, and bad arguments the same way", () => {
    const file = join(work, "bad.json");
    writeFileSync(
      file,
      JSON.stringify({ ...small, people: [{ ...small.people[0], tz: "Europe/Atlantis" }, small.people[1]] }),
    );
    const bad = simulate("--scenario", file, "--json");
    assert.equal(bad.status, 2);
    assert.equal(bad.stdout, "");
    assert.match(bad.stderr, /people\[0\]\.tz: unknown IANA time zone/);
    writeFileSync(file, "{ not json");
    assert.equal(simulate("--scenario", file).status, 2);
    for (const args of [
      ["--strategies", "github-magic"],
      ["--seed", "-1"],
      ["--scenario", "nope"],
      ["--frobnicate"],
    ]) {
      const r = simulate(...args);
      assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.ok(r.stderr.length > 0);
    }
  });
});
