/**
 * Linear issue keys (`ENG-123`) in a PR's branch, title and body.
 *
 * - Team keys are 1-7 letters or digits starting with a letter; numbers have no leading zero.
 * - Branches match case-insensitively (`feature/eng-123-fix`); titles and bodies need upper case.
 * - Magic words before a key (or a list of keys) say how it relates: closing words (`Fixes`,
 *   `Closes`, `Resolves`, `Completes` and their forms) or referencing words (`Part of`, `Ref`,
 *   `Refs`, `References`, `Related to`, `Contributes to`, `Towards`).
 * - Without a magic word, a key in the branch or title closes (Linear links the PR and completes
 *   the issue on merge); a bare key in the body only references.
 * - Code blocks, inline code and HTML comments (PR-template placeholders) in the body are skipped.
 * - Common non-issue tokens (`UTF-8`, `SHA-256`, `ISO-8601`, `CVE-2024`...) are ignored unless
 *   `knownTeamKeys` lists their prefix; given `knownTeamKeys`, only those teams' keys are kept.
 */

export type IssueKeySource = "branch" | "title" | "body";
export type IssueKeyRelation = "closes" | "references";

export interface IssueKeyRef {
  /** Upper-cased `TEAM-123`. */
  key: string;
  teamKey: string;
  number: number;
  relation: IssueKeyRelation;
  /** Where the key was seen, in branch, title, body order. */
  sources: IssueKeySource[];
}

export interface IssueKeyInput {
  branch?: string | null;
  title?: string | null;
  body?: string | null;
}

export interface IssueKeyOptions {
  /** Keep only keys of these teams (case-insensitive); also lifts the false-positive filter. */
  knownTeamKeys?: readonly string[];
}

/** Prefixes that look like team keys but usually are not (standards, hashes, branch words). */
export const NOT_TEAM_KEYS: ReadonlySet<string> = new Set([
  "UTF",
  "SHA",
  "MD",
  "ISO",
  "RFC",
  "CVE",
  "CWE",
  "GHSA",
  "HTTP",
  "TLS",
  "SSL",
  "AES",
  "RSA",
  "ECMA",
  "ES",
  "PEP",
  "JSR",
  "FIPS",
  "PKCS",
  "BASE",
  "GPT",
  "COVID",
  "SEV",
  "PR",
  "WIP",
  "RELEASE",
  "HOTFIX",
  "BUGFIX",
  "FEATURE",
  "FEAT",
  "FIX",
  "CHORE",
  "REVERT",
  "V",
]);

const KEY = `[A-Za-z][A-Za-z0-9]{0,6}-[1-9][0-9]{0,8}`;
/** After a key in prose: not a letter or digit, and not a version (`TLS-1.3`). */
const KEY_END = String.raw`(?![A-Za-z0-9]|\.[0-9])`;
const CLOSING = `(?:close[sd]?|closing|fix(?:e[sd])?|fixing|resolve[sd]?|resolving|complete[sd]?|completing)`;
const REFERENCING = String.raw`(?:part\s+of|refs?|references|related\s+to|contributes\s+to|towards?)`;
const SEP = String.raw`(?:\s*[,&]\s*|\s+and\s+|\s+)`;
/** A magic word, an optional colon, then one or more keys. */
const MAGIC = new RegExp(
  String.raw`(?<![A-Za-z0-9])(${CLOSING}|${REFERENCING})\s*:?\s+((?:${KEY})(?:${SEP}(?:${KEY}))*)${KEY_END}`,
  "gi",
);
const BARE = new RegExp(`(?<![A-Za-z0-9])(${KEY})${KEY_END}`, "g");
/** In branches a key ends at `-`, `/`, `_` or the end (`zod-4.1.0` is a version, not a key). */
const BRANCH_KEY = new RegExp(`(?<![A-Za-z0-9])(${KEY})(?=$|[-/_])`, "gi");
const CLOSING_WORD = new RegExp(`^${CLOSING}$`, "i");

type Hit = { key: string; pos: number; relation: IssueKeyRelation; explicit: boolean };

function stripCode(body: string): string {
  return body
    .replace(/```[\s\S]*?(```|$)/g, " ")
    .replace(/~~~[\s\S]*?(~~~|$)/g, " ")
    .replace(/`[^`\n]*`/g, " ")
    .replace(/<!--[\s\S]*?(-->|$)/g, " ");
}

const isUpper = (key: string): boolean => key === key.toUpperCase();

function scanText(text: string, bareRelation: IssueKeyRelation): Hit[] {
  const hits: Hit[] = [];
  for (const m of text.matchAll(MAGIC)) {
    const relation: IssueKeyRelation = CLOSING_WORD.test(m[1] ?? "") ? "closes" : "references";
    const list = m[2] ?? "";
    const listStart = m.index + m[0].length - list.length;
    for (const k of list.matchAll(BARE)) {
      // Magic words take any case, but keys in prose must be upper case.
      const key = k[1] ?? "";
      if (isUpper(key)) hits.push({ key, pos: listStart + k.index, relation, explicit: true });
    }
  }
  for (const m of text.matchAll(BARE)) {
    const key = m[1] ?? "";
    if (isUpper(key)) hits.push({ key, pos: m.index, relation: bareRelation, explicit: false });
  }
  // By position; at one position the explicit hit first.
  return hits.sort((a, b) => a.pos - b.pos || Number(b.explicit) - Number(a.explicit));
}

function scanBranch(branch: string): Hit[] {
  return [...branch.matchAll(BRANCH_KEY)].map((m) => ({
    key: (m[1] ?? "").toUpperCase(),
    pos: m.index,
    relation: "closes" as const,
    explicit: false,
  }));
}

function accepted(teamKey: string, known: ReadonlySet<string> | null): boolean {
  if (known) return known.has(teamKey);
  return !NOT_TEAM_KEYS.has(teamKey);
}

/** All issue keys in `input`, one entry per key, in order of first appearance. */
export function findIssueKeys(input: IssueKeyInput, options: IssueKeyOptions = {}): IssueKeyRef[] {
  const known = options.knownTeamKeys ? new Set(options.knownTeamKeys.map((k) => k.toUpperCase())) : null;
  const scans: [IssueKeySource, Hit[]][] = [
    ["branch", scanBranch(input.branch ?? "")],
    ["title", scanText(input.title ?? "", "closes")],
    ["body", scanText(stripCode(input.body ?? ""), "references")],
  ];
  const found = new Map<string, IssueKeyRef & { explicit: boolean }>();
  for (const [source, hits] of scans) {
    for (const hit of hits) {
      const dash = hit.key.indexOf("-");
      const teamKey = hit.key.slice(0, dash);
      if (!accepted(teamKey, known)) continue;
      const prev = found.get(hit.key);
      if (!prev) {
        found.set(hit.key, {
          key: hit.key,
          teamKey,
          number: Number(hit.key.slice(dash + 1)),
          relation: hit.relation,
          sources: [source],
          explicit: hit.explicit,
        });
        continue;
      }
      if (!prev.sources.includes(source)) prev.sources.push(source);
      // An explicit magic word beats an implicit relation; between equals, closing wins.
      if (hit.explicit && !prev.explicit) {
        prev.relation = hit.relation;
        prev.explicit = true;
      } else if (hit.explicit === prev.explicit && hit.relation === "closes") {
        prev.relation = "closes";
      }
    }
  }
  return [...found.values()].map(({ explicit: _explicit, ...ref }) => ref);
}

/** The keys that a merge of the PR should complete. */
export function closingKeys(refs: readonly IssueKeyRef[]): string[] {
  return refs.filter((r) => r.relation === "closes").map((r) => r.key);
}
