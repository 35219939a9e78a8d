#!/usr/bin/env node
/**
 * Regenerates manifests/discord-commands.json from the command grammar (src/commands/discord.ts).
 * The source is TypeScript with extensionless imports, so it is bundled in memory with esbuild
 * (installed with wrangler) and imported from a data: URL. Usage: npm run manifests [-- --check]
 * With --check nothing is written; the exit code is 1 when the committed file is stale.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const entry = fileURLToPath(new URL("../src/commands/discord.ts", import.meta.url));
const target = fileURLToPath(new URL("../manifests/discord-commands.json", import.meta.url));
const biome = fileURLToPath(new URL("../node_modules/@biomejs/biome/bin/biome", import.meta.url));

const bundle = await build({
  entryPoints: [entry],
  bundle: true,
  write: false,
  format: "esm",
  platform: "neutral",
  mainFields: ["module", "main"],
  logLevel: "warning",
});
const code = bundle.outputFiles[0].text;
const mod = await import(`data:text/javascript;base64,${Buffer.from(code).toString("base64")}`);
const definitions = mod.discordCommandDefinitions();

const current = existsSync(target) ? JSON.parse(readFileSync(target, "utf8")) : undefined;
const fresh = JSON.stringify(definitions);
if (process.argv.includes("--check")) {
  if (JSON.stringify(current) !== fresh) {
    console.error("manifests/discord-commands.json is stale: run npm run manifests");
    process.exit(1);
  }
  console.log("manifests/discord-commands.json is up to date");
  process.exit(0);
}

writeFileSync(target, `${JSON.stringify(definitions, null, 2)}\n`);
// Keep the committed file in the repository's formatting (biome checks manifests/**).
execFileSync(process.execPath, [biome, "format", "--write", target], { cwd: root, stdio: "ignore" });
const count = (options) =>
  options.reduce((n, o) => n + (o.type === 1 ? 1 : o.type === 2 ? count(o.options ?? []) : 0), 0);
const subcommands = definitions.reduce((n, d) => n + count(d.options ?? []), 0);
console.log(
  `Wrote manifests/discord-commands.json: ${definitions.length} command(s), ${subcommands} subcommands`,
);
