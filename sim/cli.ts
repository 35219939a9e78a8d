/**
 * `npm run simulate -- [--scenario <name|file.json>] [--seed N | --seeds A-B|A,B,…] [--weeks N]
 * [--strategies a,b,c] [--policy file.json …] [--json] [--out DIR]`. Node-specific parts (files,
 * SQLite) come in through `Io` (scripts/simulate.mjs), so this stays plain TypeScript. Exit codes: 0
 * done, 2 bad arguments, scenario or policy file, 1 an internal failure.
 */
import { parsePolicy } from "../src/domain/policy";
import { writeReport } from "./report";
import { parseScenario, type Scenario, ScenarioError, unknownFields } from "./scenario";
import { policyText, seedsTable, summariseSeeds } from "./seeds";
import {
  FOREMAN_STRATEGIES,
  fileRulesNote,
  type PolicyInput,
  STRATEGIES,
  type StrategyName,
  simulate,
} from "./simulate";

export interface Io {
  readText(path: string): string | null;
  writeText(path: string, text: string): void;
  /** Path of a built-in scenario by name. */
  builtin(name: string): string;
  builtinNames(): string[];
  openSql(): SqlStorage;
  stdout(text: string): void;
  stderr(text: string): void;
}

export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** A policy file that cannot be used: the message names the file and the field. */
export class PolicyFileError extends Error {
  override readonly name = "PolicyFileError";
}

export interface CliOptions {
  scenario: string;
  seed: number | null;
  /** `--seeds`: one run per seed, and the medians over them (null: one run). */
  seeds: number[] | null;
  weeks: number | null;
  strategies: StrategyName[];
  /** `--policy` files, in the order given. */
  policies: string[];
  json: boolean;
  out: string | null;
}

const USAGE =
  "usage: npm run simulate -- [--scenario <name|file.json>] [--seed N | --seeds A-B|A,B,…] [--weeks N] [--strategies a,b,c] [--policy file.json …] [--json] [--out DIR]";
const MAX_SEEDS = 100;

/** `--seeds A-B` or `--seeds A,B,…` (1 to 100 seeds). */
export function parseSeeds(v: string, flag = "--seeds"): number[] {
  const range = /^(\d+)-(\d+)$/.exec(v);
  const list = range
    ? Array.from(
        { length: Math.max(0, Number(range[2]) - Number(range[1]) + 1) },
        (_, i) => Number(range[1]) + i,
      )
    : /^\d+(,\d+)*$/.test(v)
      ? v.split(",").map(Number)
      : [];
  if (list.length === 0 || list.length > MAX_SEEDS || list.some((s) => s > 2 ** 31 - 1))
    throw new UsageError(`${flag} must be A-B or A,B,… (1 to ${MAX_SEEDS} seeds), got "${v}"`);
  return list;
}

export function parseArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = {
    scenario: "default",
    seed: null,
    seeds: null,
    weeks: null,
    strategies: [...STRATEGIES],
    policies: [],
    json: false,
    out: null,
  };
  let strategiesGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] =
      arg.startsWith("--") && arg.includes("=")
        ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
        : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === "") throw new UsageError(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    const integer = (min: number, max: number): number => {
      const v = value();
      if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max)
        throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got "${v}"`);
      return Number(v);
    };
    switch (flag) {
      case "--scenario":
        options.scenario = value();
        break;
      case "--seed":
        options.seed = integer(0, 2 ** 31 - 1);
        break;
      case "--seeds":
        options.seeds = parseSeeds(value());
        break;
      case "--policy":
        options.policies.push(value());
        break;
      case "--weeks":
        options.weeks = integer(1, 104);
        break;
      case "--strategies": {
        const names = value()
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean);
        const unknown = names.filter((n) => !(STRATEGIES as readonly string[]).includes(n));
        if (unknown.length || names.length === 0)
          throw new UsageError(
            `unknown strategy ${unknown.map((u) => `"${u}"`).join(", ") || "(none given)"}: use ${STRATEGIES.join(", ")}`,
          );
        options.strategies = [...new Set(names)] as StrategyName[];
        strategiesGiven = true;
        break;
      }
      case "--json":
        options.json = true;
        break;
      case "--out":
        options.out = value();
        break;
      case "--help":
      case "-h":
        throw new UsageError(USAGE);
      default:
        throw new UsageError(`unknown argument "${arg}"\n${USAGE}`);
    }
  }
  if (options.seed !== null && options.seeds !== null)
    throw new UsageError(`--seed and --seeds do not go together\n${USAGE}`);
  if (options.seeds !== null && options.out !== null)
    throw new UsageError("--out writes the report of one run: use --seed N with it, not --seeds");
  if (options.policies.length > 0) {
    // Policies are Foreman's: GitHub's baseline as always, and Foreman once per policy.
    if (!strategiesGiven) options.strategies = ["github-round-robin", "github-load-balance", "foreman"];
    else if (!options.strategies.some((s) => FOREMAN_STRATEGIES.includes(s)))
      throw new UsageError(
        `--policy needs a Foreman strategy (${FOREMAN_STRATEGIES.join(", ")}) in --strategies`,
      );
  }
  return options;
}

/** A policy's id in the simulator: its file's base name without `.json` (`sim/policies/a.json` → `a`). */
export function policyIdOf(path: string): string {
  const base = path.split(/[\\/]/).pop() ?? path;
  return base.replace(/\.json$/i, "") || "policy";
}

/** `rules.0.decide.reviewers` → `rules[0].decide.reviewers`, as scenario errors name fields. */
const fieldName = (field: string): string => field.replace(/\.(\d+)(?=\.|$)/g, "[$1]");

/**
 * Reads and checks each `--policy` file (JSON: the policy itself, `{ "rules": [...] }`) with
 * Foreman's own `parsePolicy`; a bad one is a PolicyFileError naming the file and each bad field.
 */
export function loadPolicies(paths: readonly string[], io: Pick<Io, "readText">): PolicyInput[] {
  const loaded: PolicyInput[] = [];
  for (const path of paths) {
    const text = io.readText(path);
    if (text === null) throw new UsageError(`cannot read policy file ${path}`);
    let input: unknown;
    try {
      input = JSON.parse(text);
    } catch (err) {
      throw new PolicyFileError(`${path} is not valid JSON: ${(err as Error).message}`);
    }
    const parsed = parsePolicy(input);
    if (!parsed.ok) {
      throw new PolicyFileError(
        parsed.issues
          .map((i) => `${path}: ${i.field ? `${fieldName(i.field)}: ` : ""}${i.message}`)
          .join("\n"),
      );
    }
    const id = policyIdOf(path);
    const twin = loaded.find((p) => p.id === id);
    if (twin)
      throw new UsageError(
        `two policies are named "${id}" (${twin.file} and ${path}): each policy is named by its file's base name`,
      );
    loaded.push({ id, file: path, policy: parsed.policy });
  }
  return loaded;
}

export function loadScenario(options: Pick<CliOptions, "scenario" | "seed" | "weeks">, io: Io): Scenario {
  const isFile = options.scenario.endsWith(".json") || options.scenario.includes("/");
  if (!isFile && !io.builtinNames().includes(options.scenario)) {
    throw new UsageError(
      `unknown scenario "${options.scenario}": use one of ${io.builtinNames().join(", ")} or a .json file`,
    );
  }
  const path = isFile ? options.scenario : io.builtin(options.scenario);
  const text = io.readText(path);
  if (text === null) throw new UsageError(`cannot read scenario file ${path}`);
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (err) {
    throw new ScenarioError(`${path} is not valid JSON: ${(err as Error).message}`);
  }
  const scenario = parseScenario(input, path);
  for (const field of unknownFields(input)) io.stderr(`note: ${path}: unknown field "${field}" ignored\n`);
  return {
    ...scenario,
    seed: options.seed ?? scenario.seed,
    weeks: options.weeks ?? scenario.weeks,
  };
}

const fmt = (x: number | null, unit = "") => (x === null ? "never" : `${x}${unit}`);

export function table(report: ReturnType<typeof simulate>["report"]): string {
  const rows: [string, (m: (typeof report.strategies)[string]) => string][] = [
    ["time to first review, median", (m) => fmt(m.ttfrMedianH, " h")],
    ["time to first review, P75", (m) => fmt(m.ttfrP75H, " h")],
    ["  median in working hours", (m) => fmt(m.ttfrMedianWorkingH, " h")],
    ["time to merge, median", (m) => fmt(m.mergeMedianH, " h")],
    ["SLA breaches", (m) => `${m.slaBreaches} (${(m.breachRate * 100).toFixed(1)} %)`],
    ["load Gini (requests/person)", (m) => String(m.loadGini)],
    ["review requests per PR", (m) => String(m.requestsPerPr)],
    [
      "messages/person-day med/p95/max",
      (m) => `${m.msgsPerPersonDay.median} / ${m.msgsPerPersonDay.p95} / ${m.msgsPerPersonDay.max}`,
    ],
    [
      "focus interruptions (per person-week)",
      (m) => `${m.focusInterruptions.total} (${m.focusInterruptions.perPersonWeek})`,
    ],
    ["messages in working hours", (m) => String(m.workHoursMessages)],
    ["messages after hours", (m) => String(m.afterHoursPings)],
    ["never reviewed", (m) => String(m.unreviewed)],
  ];
  const names = Object.keys(report.strategies);
  const cells = rows.map(([label, f]) => [
    label,
    ...names.map((n) => f(report.strategies[n] as (typeof report.strategies)[string])),
  ]);
  const header = ["", ...names];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)));
  const line = (c: string[]) =>
    c.map((v, i) => (i === 0 ? v.padEnd(widths[i] as number) : v.padStart(widths[i] as number))).join("  ");
  return [
    `${report.scenario}: ${report.people} people, ${report.prs} PRs over ${report.weeks} weeks (seed ${report.seed})`,
    "",
    line(header),
    ...cells.map(line),
    "",
    ...policyText(report.policies ?? {}, report.notes ?? []),
  ].join("\n");
}

export function main(argv: readonly string[], io: Io): number {
  try {
    const options = parseArgs(argv);
    const scenario = loadScenario(options, io);
    const policies = loadPolicies(options.policies, io);
    // The notes are in the table; with --json, stdout is the JSON alone (which carries them too).
    if (options.json)
      for (const p of policies) {
        const note = fileRulesNote(p);
        if (note) io.stderr(`${note}\n`);
      }
    const run = (s: Scenario) =>
      simulate(s, { strategies: options.strategies, openSql: () => io.openSql(), policies });
    if (options.seeds !== null) {
      const summary = summariseSeeds(options.seeds.map((seed) => run({ ...scenario, seed }).report));
      io.stdout(options.json ? `${JSON.stringify(summary)}\n` : seedsTable(summary));
      return 0;
    }
    const { report, details } = run(scenario);
    if (options.json) {
      io.stdout(`${JSON.stringify(report)}\n`);
    } else {
      io.stdout(table(report));
    }
    if (!options.json || options.out) {
      // The scenario's name comes from a file: only a plain folder name is made of it.
      const folder = scenario.name.replace(/[^\w.-]+/g, "-").replace(/^[.-]+/, "") || "scenario";
      const out = options.out ?? `simulation/${folder}`;
      const files = writeReport(out, scenario, report, details, io);
      if (!options.json) io.stdout(`\nReport: ${files.join(", ")}\n`);
      else io.stderr(`report written: ${files.join(", ")}\n`);
    }
    return 0;
  } catch (err) {
    if (err instanceof UsageError || err instanceof ScenarioError || err instanceof PolicyFileError) {
      io.stderr(`${err.message}\n`);
      return 2;
    }
    io.stderr(`simulation failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}
