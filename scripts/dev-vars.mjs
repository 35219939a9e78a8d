/**
 * Local variables for the helper scripts: the environment first, then ./.dev.vars
 * (KEY=VALUE lines, `#` comments, optional `export `, optional quotes).
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";

export function parseDevVars(text) {
  const vars = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m || line.trim().startsWith("#")) continue;
    let value = m[2];
    const quoted = /^(["'])(.*?)\1(?:\s+#.*)?$/.exec(value);
    if (quoted) value = quoted[2];
    else value = value.replace(/\s+#.*$/, "");
    vars[m[1]] = value;
  }
  return vars;
}

let cached;

/** The variable from the environment, else from ./.dev.vars; undefined when empty or absent. */
export function localVar(name) {
  if (cached === undefined) {
    const file = resolve(process.cwd(), ".dev.vars");
    cached = existsSync(file) ? parseDevVars(readFileSync(file, "utf8")) : {};
  }
  const value = process.env[name] || cached[name];
  return value?.trim() ? value.trim() : undefined;
}
