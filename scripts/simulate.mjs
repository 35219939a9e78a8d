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
/** Bundles `sim/<entry>.ts` for Node and imports it (the bundle is removed once loaded). */
export async function loadSimEntry(entry) {
  const outfile = join(root, "node_modules", ".cache", "foreman-sim", `${entry}-${process.pid}.mjs`);
  await build({
    entryPoints: [join(root, "sim", `${entry}.ts`)],
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

export function loadSimulator() {
  return loadSimEntry("cli");
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
