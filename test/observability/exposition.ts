/** A strict reader of the Prometheus text exposition format 0.0.4, for the tests of its output. */
import { expect } from "vitest";

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
const LABEL = `[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"`;
const VALUE = "(?:[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?|NaN|[-+]Inf)";
const SAMPLE_LINE = new RegExp(`^(${NAME})(?:\\{(${LABEL}(?:,${LABEL})*)?\\})? (${VALUE})(?: -?\\d+)?$`);
const HELP_LINE = new RegExp(`^# HELP (${NAME}) (?:[^\\\\\\n]|\\\\[\\\\n])*$`);
const TYPE_LINE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);

const unescapeValue = (v: string) => v.replace(/\\(["\\n])/g, (_, c: string) => (c === "n" ? "\n" : c));

/**
 * A strict reader of the exposition format: every line is a HELP, a TYPE, or a sample matching the
 * grammar; a family's HELP and TYPE come before its samples, once; histogram samples use the
 * `_bucket` / `_sum` / `_count` suffixes. Throws naming the offending line.
 */
export function parseExposition(text: string): { types: Map<string, string>; samples: Sample[] } {
  expect(text.endsWith("\n")).toBe(true);
  const types = new Map<string, string>();
  const helped = new Set<string>();
  const samples: Sample[] = [];
  const familyOf = (name: string) => {
    for (const suffix of ["_bucket", "_sum", "_count"]) {
      const base = name.slice(0, -suffix.length);
      if (name.endsWith(suffix) && types.get(base) === "histogram") return base;
    }
    return name;
  };
  for (const line of text.slice(0, -1).split("\n")) {
    const help = HELP_LINE.exec(line);
    const type = TYPE_LINE.exec(line);
    if (help?.[1]) {
      if (helped.has(help[1])) throw new Error(`second HELP: ${line}`);
      helped.add(help[1]);
      continue;
    }
    if (type?.[1] && type[2]) {
      if (types.has(type[1])) throw new Error(`second TYPE: ${line}`);
      types.set(type[1], type[2]);
      continue;
    }
    const m = SAMPLE_LINE.exec(line);
    if (!m?.[1] || !m[3]) throw new Error(`not a sample line: ${JSON.stringify(line)}`);
    const family = familyOf(m[1]);
    if (!types.has(family) || !helped.has(family)) throw new Error(`sample before HELP/TYPE: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1] ?? ""] = unescapeValue(pair[2] ?? "");
    }
    const value = m[3] === "+Inf" ? Number.POSITIVE_INFINITY : Number(m[3]);
    samples.push({ name: m[1], labels, value });
  }
  return { types, samples };
}
