/**
 * A repository's review policy as a file: `.foreman.yml` on its default branch holds the policy itself
 * (src/domain/policy.ts, docs/policies.md) in YAML. Parsed with the `yaml` package, validated with
 * `PolicySchema`, and every problem is named by field path and by the 1-based line of the file it is
 * on, so an answer can say `.foreman.yml line 7, rules.1.decide.reviewers: …`. Pure; never throws.
 */
import {
  type Document,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Node as YamlNode,
} from "yaml";
import type { z } from "zod";
import { type Policy, PolicySchema } from "./policy";

/** Where a repository keeps its policy, on its default branch. */
export const POLICY_FILE = ".foreman.yml";

/** The largest file read, in UTF-8 bytes. */
export const POLICY_FILE_MAX_BYTES = 64 * 1024;

/** YAML aliases expanded at most this many times (a billion-laughs file stops here). */
const MAX_ALIAS_COUNT = 100;

/** At most this many issues are listed; the rest are counted in one last issue. */
const MAX_ISSUES = 20;

/** One problem with the file: the field path (`rules.1.decide.reviewers`, "" for the file) and line. */
export interface PolicyFileIssue {
  field: string;
  /** 1-based; null when the problem is not on one line (the whole file). */
  line: number | null;
  message: string;
}

export type PolicyFileResult = { ok: true; policy: Policy } | { ok: false; issues: PolicyFileIssue[] };

type PathKey = string | number;
type Parsed = Document.Parsed;

/** The policy in `text` (a `.foreman.yml`), or its problems with field paths and lines. */
export function parsePolicyFile(text: string): PolicyFileResult {
  // A UTF-16 unit is at least one UTF-8 byte, so a long string is too large without encoding it.
  if (
    text.length > POLICY_FILE_MAX_BYTES ||
    new TextEncoder().encode(text).byteLength > POLICY_FILE_MAX_BYTES
  )
    return fail([{ field: "", line: null, message: "the file is larger than 64 KiB" }]);

  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, lineCounter });
  const lineAt = (offset: number) => lineCounter.linePos(offset).line;

  if (doc.errors.length > 0) {
    return fail(
      doc.errors.map((error) => {
        const line = error.linePos?.[0].line ?? lineAt(error.pos[0]);
        // The library's own wording names its API (`parseAllDocuments`): say what to change instead.
        if (error.code === "MULTIPLE_DOCS")
          return { field: "", line, message: "the file holds more than one YAML document: remove the `---`" };
        return {
          field: joinPath(pathAt(doc.contents, error.pos[0])),
          line,
          message: firstLine(error.message),
        };
      }),
    );
  }
  if (doc.contents === null)
    return fail([{ field: "", line: null, message: "the file is empty: it should hold the policy's rules" }]);

  let input: unknown;
  try {
    input = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    // The yaml package throws a ReferenceError when aliases expand too often (resource exhaustion).
    const message =
      err instanceof ReferenceError
        ? `the file expands YAML aliases more than ${MAX_ALIAS_COUNT} times`
        : `the file could not be read as YAML: ${firstLine(err instanceof Error ? err.message : String(err))}`;
    return fail([{ field: "", line: null, message }]);
  }

  const parsed = PolicySchema.safeParse(input);
  if (parsed.success) return { ok: true, policy: parsed.data };
  return fail(parsed.error.issues.flatMap((issue) => issuesOf(doc, issue, lineAt)));
}

/** One line per issue: `.foreman.yml line 7, rules.1.decide.reviewers: Too big: …`. */
export function formatPolicyIssues(issues: readonly PolicyFileIssue[]): string {
  return issues
    .map((i) => {
      const line = i.line === null ? "" : ` line ${i.line}`;
      const field = i.field ? `${line ? "," : ""} ${i.field}` : "";
      return `${POLICY_FILE}${line}${field}: ${i.message}`;
    })
    .join("\n");
}

function fail(issues: PolicyFileIssue[]): PolicyFileResult {
  if (issues.length <= MAX_ISSUES) return { ok: false, issues };
  const rest = issues.length - (MAX_ISSUES - 1);
  return {
    ok: false,
    issues: [
      ...issues.slice(0, MAX_ISSUES - 1),
      { field: "", line: null, message: `and ${rest} more problems` },
    ],
  };
}

/** A zod issue as file issues; an unknown-keys issue becomes one issue per key, at the key. */
function issuesOf(
  doc: Parsed,
  issue: z.core.$ZodIssue,
  lineAt: (offset: number) => number,
): PolicyFileIssue[] {
  const path = issue.path.filter((k): k is PathKey => typeof k === "string" || typeof k === "number");
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => {
      const keyPath = [...path, key];
      return {
        field: joinPath(keyPath),
        line: lineOf(doc, keyPath, lineAt),
        message: `Unrecognized key: "${key}"`,
      };
    });
  }
  return [{ field: joinPath(path), line: lineOf(doc, path, lineAt), message: issue.message }];
}

/**
 * The line of the node at `path`, or of the deepest node on the way to it that exists (a missing
 * field is reported on its parent). A map entry is reported at its key: the line naming the field,
 * also when its value is a block collection starting on the next line.
 */
function lineOf(doc: Parsed, path: PathKey[], lineAt: (offset: number) => number): number | null {
  for (let depth = path.length; depth >= 0; depth--) {
    const at = path.slice(0, depth);
    const last = at.at(-1);
    const parent = depth === 0 ? null : doc.getIn(at.slice(0, -1), true);
    if (isMap(parent) && last !== undefined) {
      const pair = parent.items.find((p) => keyName(p.key) === String(last));
      if (pair && isNode(pair.key) && pair.key.range) return lineAt(pair.key.range[0]);
      continue;
    }
    const node = depth === 0 ? doc.contents : doc.getIn(at, true);
    if (isNode(node) && node.range) return lineAt(node.range[0]);
  }
  return null;
}

/** A map key as the string it becomes in JS (`toJS` turns keys into strings). */
function keyName(key: unknown): string | null {
  if (isScalar(key)) return String(key.value);
  return typeof key === "string" || typeof key === "number" ? String(key) : null;
}

/** The path of the deepest map key or sequence item whose text holds `offset` (for syntax errors). */
function pathAt(root: YamlNode | null, offset: number): PathKey[] {
  const path: PathKey[] = [];
  let node: unknown = root;
  for (let guard = 0; guard < 1000; guard++) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && spans(p.key, offset, p.value));
      const name = pair ? keyName(pair.key) : null;
      if (!pair || name === null) break;
      path.push(name);
      node = pair.value;
    } else if (isSeq(node)) {
      const index = node.items.findIndex((item) => spans(item, offset));
      if (index < 0) break;
      path.push(index);
      node = node.items[index];
    } else break;
  }
  return path;
}

/** Whether `offset` lies between the start of `first` and the end of `last` (or of `first`). */
function spans(first: unknown, offset: number, last?: unknown): boolean {
  if (!isNode(first) || !first.range) return false;
  const end = isNode(last) && last.range ? last.range[1] : first.range[1];
  return first.range[0] <= offset && offset <= end;
}

const joinPath = (path: readonly PathKey[]) => path.map(String).join(".");

/** The first line of a yaml error, without its ` at line 4, column 3:` (the line is reported apart). */
function firstLine(message: string): string {
  const line = message.split("\n", 1)[0] ?? "";
  return line.replace(/ at line \d+, column \d+:?$/, "").trim();
}
