/**
 * CODEOWNERS (GitHub's format): each line a pattern and its owners; for a file, the **last** matching
 * line decides. A rule's `pool: {codeowners: true}` asks the owners of the PR's matched paths
 * (docs/policies.md). Owners that are people (`@login`) are kept; teams (`@org/team`) and e-mail
 * addresses are not logins Foreman can rank, and are skipped. Pure; globs by picomatch.
 *
 * Patterns follow gitignore: a leading `/` anchors at the root, a pattern with no other `/` matches at
 * any depth, a trailing `/` (or a plain name, which may be a directory) matches everything under it,
 * `*` stays within a path segment (`docs/*` is not `docs/a/b.md`) and `**` crosses them.
 */
import picomatch from "picomatch";

export interface CodeownersRule {
  pattern: string;
  /** GitHub logins, lower-case, without `@`. */
  owners: string[];
  line: number;
}

/** The places GitHub reads CODEOWNERS from, in its order. */
export const CODEOWNERS_PATHS = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"] as const;

const LOGIN = /^@([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))$/;

/** The rules of a CODEOWNERS file (comments, blank lines and lines without people skipped). */
export function parseCodeowners(text: string): CodeownersRule[] {
  const rules: CodeownersRule[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/(^|\s)#.*$/, "").trim();
    if (!line) return;
    const [pattern, ...rest] = line.split(/\s+/);
    if (!pattern) return;
    const owners = rest.flatMap((o) => {
      const m = LOGIN.exec(o);
      return m?.[1] ? [m[1].toLowerCase()] : [];
    });
    // A line with no owner (or only teams) still matters: it takes its files away from earlier lines.
    rules.push({ pattern, owners, line: i + 1 });
  });
  return rules;
}

/** The picomatch globs a CODEOWNERS pattern stands for. */
export function globsOf(pattern: string): string[] {
  const anchored = pattern.startsWith("/");
  let p = anchored ? pattern.slice(1) : pattern;
  const dir = p.endsWith("/");
  if (dir) p = p.slice(0, -1);
  const prefix = anchored || p.includes("/") ? "" : "**/";
  const base = `${prefix}${p}`;
  // A directory, or a plain name that may be one, covers everything beneath it; a glob in the last
  // segment (`docs/*`, `*.sql`) matches only what it names.
  const last = p.split("/").at(-1) ?? "";
  if (dir) return [`${base}/**`];
  return /[*?[]/.test(last) ? [base] : [base, `${base}/**`];
}

const cache = new Map<string, (path: string) => boolean>();
function matcher(pattern: string): (path: string) => boolean {
  let m = cache.get(pattern);
  if (!m) {
    m = picomatch(globsOf(pattern), { dot: true });
    if (cache.size > 2_000) cache.clear();
    cache.set(pattern, m);
  }
  return m;
}

/** The owners of `files` (each file's last matching rule), in order of first appearance. */
export function ownersOf(rules: readonly CodeownersRule[], files: readonly string[]): string[] {
  const owners = new Set<string>();
  for (const file of files) {
    for (let i = rules.length - 1; i >= 0; i--) {
      const rule = rules[i] as CodeownersRule;
      if (matcher(rule.pattern)(file)) {
        for (const o of rule.owners) owners.add(o);
        break;
      }
    }
  }
  return [...owners];
}
