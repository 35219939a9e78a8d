#!/usr/bin/env node
/**
 * `npm run evaluate`: bundles sim/evaluate.ts with esbuild, as scripts/simulate.mjs bundles the
 * simulator, and runs it on Node with the same Node-only parts (files, SQLite). docs/predictions.md.
 */
import { pathToFileURL } from "node:url";
import { loadSimEntry, nodeIo } from "./simulate.mjs";

export function loadEvaluator() {
  return loadSimEntry("evaluate");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.removeAllListeners("warning");
  process.on("warning", (w) => {
    if (w.name !== "ExperimentalWarning") process.stderr.write(`${w.name}: ${w.message}\n`);
  });
  const { main } = await loadEvaluator();
  process.exitCode = main(process.argv.slice(2), nodeIo());
}
