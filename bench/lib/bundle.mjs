/**
 * The deploy bundle and what it is made of: `wrangler deploy --dry-run --outdir <dir> --metafile`
 * (the build `npm start` and a deploy run, `[alias]` stubs and `[build]` command included, plus
 * esbuild's metafile), its size raw and gzip, and the bytes each npm package and each folder of
 * src/ put into it.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { buildWorker } from "../../scripts/start-server.mjs";

/**
 * scripts/start-server.mjs `buildWorker` with `--metafile`: resolves to
 * `{ bundle, metafile, buildMs }` (the entry module and esbuild's metafile, both in `outdir`).
 */
export async function buildWithMetafile({ root, outdir, config = "wrangler.toml", env = "" }) {
  const metafile = join(resolve(root, outdir), "bundle-meta.json");
  const started = Date.now();
  const bundle = await buildWorker({ root, config, env, outdir, extraArgs: ["--metafile", metafile] });
  if (!existsSync(metafile)) throw new Error(`wrangler deploy --dry-run wrote no metafile at ${metafile}`);
  return { bundle, metafile, buildMs: Date.now() - started };
}

/**
 * Who an input of the metafile belongs to: `node_modules/<pkg>` (the innermost node_modules, so a
 * package's nested copy of another counts for that other), `src/<folder>`, or the input itself
 * (`package.json`, esbuild's `node-built-in-modules:*` shims).
 */
export function ownerOf(input) {
  const parts = input.split("/");
  const nm = parts.lastIndexOf("node_modules");
  if (nm >= 0 && parts[nm + 1]) {
    const scoped = parts[nm + 1].startsWith("@") && parts[nm + 2];
    return { group: "package", name: scoped ? `${parts[nm + 1]}/${parts[nm + 2]}` : parts[nm + 1] };
  }
  if (parts[0] === "src") return { group: "src", name: parts.length > 2 ? `src/${parts[1]}/` : "src/" };
  if (input.startsWith("node-built-in-modules:")) return { group: "other", name: "node built-in shims" };
  return { group: "other", name: input };
}

/**
 * Splits the (unminified) bundle at esbuild's `// <input path>` comments, so each owner's code can be
 * gzipped on its own: an estimate of what it weighs compressed (gzip sizes do not add up). The key
 * "src/" holds all of src/ together.
 */
function codeByOwner(code, inputs) {
  const known = new Set(inputs);
  const chunks = new Map();
  let owner = null;
  let group = null;
  let start = 0;
  const add = (key, text) => chunks.set(key, `${chunks.get(key) ?? ""}${text}`);
  const flush = (end) => {
    if (owner) add(owner, code.slice(start, end));
    if (group === "src") add("src/", code.slice(start, end));
  };
  const re = /^\/\/ (\S+)$/gm;
  for (let m = re.exec(code); m; m = re.exec(code)) {
    if (!known.has(m[1])) continue;
    flush(m.index);
    ({ name: owner, group } = ownerOf(m[1]));
    start = m.index;
  }
  flush(code.length);
  return chunks;
}

/**
 * Size of the bundle (raw and gzip, the whole upload: every module wrangler wrote except source
 * maps) and each owner's bytes in it, from esbuild's metafile (`bytesInOutput`).
 */
export function bundleReport({ root, bundle, metafile }) {
  const meta = JSON.parse(readFileSync(metafile, "utf8"));
  const key = Object.keys(meta.outputs).find((k) => resolve(root, k) === resolve(bundle));
  if (!key) throw new Error(`the metafile has no output ${bundle}`);
  const output = meta.outputs[key];
  const code = readFileSync(bundle);
  const owners = new Map();
  let attributed = 0;
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const { group, name } = ownerOf(input);
    const o = owners.get(name) ?? { name, group, bytes: 0, files: 0 };
    o.bytes += bytesInOutput;
    o.files += 1;
    owners.set(name, o);
    attributed += bytesInOutput;
  }
  const gz = codeByOwner(code.toString("utf8"), Object.keys(output.inputs));
  const share = (n) => Math.round((n / code.length) * 1000) / 10;
  const rows = [...owners.values()]
    .map((o) => ({
      ...o,
      sharePct: share(o.bytes),
      gzipAloneBytes: gz.has(o.name) ? gzipSync(gz.get(o.name)).length : null,
    }))
    .sort((a, b) => b.bytes - a.bytes);
  const sum = (group) => rows.filter((r) => r.group === group).reduce((n, r) => n + r.bytes, 0);
  const packages = rows.filter((r) => r.group === "package");
  const other = Object.keys(meta.outputs).filter((k) => k !== key && !k.endsWith(".map"));
  return {
    file: basename(bundle),
    bytes: code.length,
    gzipBytes: gzipSync(code).length,
    sourceMapBytes: existsSync(`${bundle}.map`) ? statSync(`${bundle}.map`).size : null,
    otherModules: other.map((k) => ({ file: k, bytes: meta.outputs[k].bytes })),
    inputs: Object.keys(output.inputs).length,
    packagesCount: packages.length,
    srcBytes: sum("src"),
    srcSharePct: share(sum("src")),
    srcGzipAloneBytes: gz.has("src/") ? gzipSync(gz.get("src/")).length : null,
    packagesBytes: sum("package"),
    packagesSharePct: share(sum("package")),
    glueBytes: code.length - attributed,
    byOwner: rows,
  };
}
