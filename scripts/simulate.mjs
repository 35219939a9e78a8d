#!/usr/bin/env node
/**
 * `npm run simulate`: bundles sim/cli.ts with esbuild (the simulator imports Foreman's TypeScript
 * sources directly) and runs it on Node with the Node-only parts: files and SQLite.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { openSqlStorage } from "./sqlite-storage.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** The bundle of this process (runs side by side do not share one). */
const outfile = join(root, "node_modules", ".cache", "foreman-sim", `cli-${process.pid}.mjs`);

export async function loadSimulator() {
  await build({
    entryPoints: [join(root, "sim", "cli.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    outfile,
    logLevel: "error",
  });
  try {
    return await import(`${pathToFileURL(outfile).href}?t=${Date.now()}`);
  } finally {
    rmSync(outfile, { force: true });
  }
}

export function nodeIo() {
  const scenarios = join(root, "sim", "scenarios");
  return {
    readText(path) {
      try {
        return readFileSync(path, "utf8");
      } catch {
        return null;
      }
    },
    writeText(path, text) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
    },
    builtin: (name) => join(scenarios, `${name}.json`),
    builtinNames: () =>
      readdirSync(scenarios)
        .filter((f) => f.endsWith(".json"))
        .map((f) => f.slice(0, -5))
        .sort(),
    openSql: openSqlStorage,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.removeAllListeners("warning");
  process.on("warning", (w) => {
    if (w.name !== "ExperimentalWarning") process.stderr.write(`${w.name}: ${w.message}\n`);
  });
  const { main } = await loadSimulator();
  process.exitCode = main(process.argv.slice(2), nodeIo());
}
