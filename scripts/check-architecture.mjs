#!/usr/bin/env node
/**
 * The dependency rules of docs/architecture.md (`.dependency-cruiser.cjs`), enforced with
 * dependency-cruiser in `npm test` and `npm run lint`.
 *
 * dependency-cruiser reads TypeScript through the TypeScript compiler API, which TypeScript 7 (this
 * project's) does not offer yet. So the sources are first transpiled one file at a time with esbuild
 * (no bundling; type-only imports vanish, which is what the rules count: value imports) into a
 * temporary folder that mirrors `src/`, and dependency-cruiser checks that copy. A violation names
 * the rule, the importing file and the import, and the exit code is 1.
 *
 *   node scripts/check-architecture.mjs [--src <folder>]   (default: the project's src/)
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const at = process.argv.indexOf("--src");
const src = at > 0 && process.argv[at + 1] ? resolve(process.argv[at + 1]) : join(root, "src");
const files = readdirSync(src, { recursive: true, withFileTypes: true })
  .filter((d) => d.isFile() && d.name.endsWith(".ts"))
  .map((d) => join(d.parentPath, d.name));

const work = mkdtempSync(join(tmpdir(), "foreman-architecture-"));
try {
  await build({
    entryPoints: files,
    outdir: join(work, "src"),
    outbase: src,
    bundle: false,
    format: "esm",
    platform: "neutral",
    logLevel: "error",
  });
  const cli = join(root, "node_modules", "dependency-cruiser", "bin", "dependency-cruiser.mjs");
  const result = spawnSync(
    process.execPath,
    [cli, "--config", join(root, ".dependency-cruiser.cjs"), "--output-type", "err-long", "src"],
    { cwd: work, encoding: "utf8" },
  );
  const out = `${result.stdout}${result.stderr}`.replace(/\.js\b/g, ".ts").trim();
  if (result.status !== 0) {
    console.error(out);
    console.error(`\narchitecture: dependency rules broken (see docs/architecture.md, "Layers")`);
    process.exit(1);
  }
  console.log(
    `architecture: ${files.length} files of ${relative(root, src) || src}/ follow the dependency rules`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
