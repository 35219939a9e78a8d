#!/usr/bin/env node
/**
 * `npm run evaluate`: bundles sim/evaluate.ts with esbuild, as scripts/simulate.mjs bundles the
 * simulator, and runs it on Node with the same Node-only parts (files, SQLite). docs/predictions.md.
 */
import { rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { nodeIo } from "./simulate.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** The bundle of this process (runs side by side do not share one). */
const outfile = join(root, "node_modules", ".cache", "foreman-sim", `evaluate-${process.pid}.mjs`);

export async function loadEvaluator() {
  await build({
    entryPoints: [join(root, "sim", "evaluate.ts")],
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

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.removeAllListeners("warning");
  process.on("warning", (w) => {
    if (w.name !== "ExperimentalWarning") process.stderr.write(`${w.name}: ${w.message}\n`);
  });
  const { main } = await loadEvaluator();
  process.exitCode = main(process.argv.slice(2), nodeIo());
}
