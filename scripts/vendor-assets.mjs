#!/usr/bin/env node
/**
 * Copies the dashboard's third-party browser files from node_modules into public/vendor/ (git-ignored),
 * so the Worker's static assets serve them: uPlot's IIFE build and stylesheet. Run by wrangler's
 * custom build (`[build] command` in wrangler.toml) before `wrangler dev` and `wrangler deploy`.
 * Copies only when the content differs, so a re-run (wrangler dev re-runs the build on changes) does
 * not touch the files. Exits non-zero, naming the file, when a source is missing.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const OUT = join(ROOT, "public", "vendor");

export const FILES = [
  ["node_modules/uplot/dist/uPlot.iife.min.js", "uPlot.iife.min.js"],
  ["node_modules/uplot/dist/uPlot.min.css", "uPlot.min.css"],
];

function same(a, b) {
  return existsSync(b) && readFileSync(a).equals(readFileSync(b));
}

export function vendorAssets(root = ROOT, out = OUT) {
  mkdirSync(out, { recursive: true });
  const copied = [];
  for (const [from, name] of FILES) {
    const source = join(root, from);
    if (!existsSync(source)) throw new Error(`${from} is missing: run npm install (or npm ci) first`);
    const target = join(out, name);
    if (same(source, target)) continue;
    copyFileSync(source, target);
    copied.push(relative(root, target));
  }
  return copied;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    const copied = vendorAssets();
    console.log(copied.length ? `vendor-assets: copied ${copied.join(", ")}` : "vendor-assets: up to date");
  } catch (err) {
    console.error(`vendor-assets: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  }
}
