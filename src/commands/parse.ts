/**
 * Text -> typed command, for `/foreman …` as Slack sends it. Pure; never throws.
 * Also the validation step shared with the Discord mapping (`buildCommand`).
 */
import {
  type ArgSpec,
  argUsage,
  bareCommand,
  COMMAND_PREFIX,
  type CommandSpec,
  findCommand,
  groupCommands,
  groupUsage,
  kindDef,
  OVERVIEW_USAGE,
  TOP_WORDS,
} from "./grammar";
import { type Command, commandSchema, type ParseResult } from "./types";

export interface Token {
  value: string;
  start: number;
  end: number;
  /** The token began with a quote: never a flag, never a keyword. */
  quoted: boolean;
}

/** Where a raw value came from in the text, so a fix can be suggested in place. */
export interface RawValue {
  raw: string;
  span?: { start: number; end: number; prefix: string };
}

const QUOTES = new Set(['"', "\u201c", "\u201d", "\u201e"]);
const SPACE = /\s/;

export function tokenize(text: string): { ok: true; tokens: Token[] } | { ok: false; error: string } {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    if (SPACE.test(text[i] ?? "")) {
      i++;
      continue;
    }
    const start = i;
    let value = "";
    let open = -1;
    while (i < text.length && (open >= 0 || !SPACE.test(text[i] ?? ""))) {
      const ch = text[i] ?? "";
      if (open >= 0 && ch === "\\" && QUOTES.has(text[i + 1] ?? "")) {
        value += text[i + 1];
        i += 2;
      } else if (QUOTES.has(ch)) {
        open = open >= 0 ? -1 : i;
        i++;
      } else {
        value += ch;
        i++;
      }
    }
    if (open >= 0)
      return {
        ok: false,
        error: `Unterminated quote in ${text.slice(open, open + 24).trim()}…: close it with "`,
      };
    tokens.push({ value, start, end: i, quoted: QUOTES.has(text[start] ?? "") });
  }
  return { ok: true, tokens };
}

export function parseCommand(text: string): ParseResult {
  try {
    return parseText(typeof text === "string" ? text : "");
  } catch {
    return fail("Could not read that command", OVERVIEW_USAGE);
  }
}

function parseText(text: string): ParseResult {
  const t = tokenize(text);
  if (!t.ok) return fail(t.error, OVERVIEW_USAGE);
  let tokens = t.tokens;
  if (tokens[0]?.value.toLowerCase() === COMMAND_PREFIX && !tokens[0].quoted) tokens = tokens.slice(1);
  const [first, second] = tokens;
  if (!first) return { ok: true, command: { name: "help" } };
  const word = first.value.toLowerCase();
  const subs = groupCommands(word).map((c) => c.path[1] ?? "");
  if (subs.length === 0) {
    const spec = findCommand([word]);
    return spec ? parseArgs(text, spec, tokens.slice(1)) : unknownCommand(text, first);
  }
  if (!second || flagOf(second)) {
    if (second && flagOf(second)?.name === "help")
      return { ok: true, command: { name: "help", topic: word } };
    const bare = bareCommand(word);
    if (bare) return parseArgs(text, bare, tokens.slice(1));
    return fail(`"${word}" needs a subcommand: ${subs.join(", ")}`, groupUsage(word));
  }
  const spec = findCommand([word, second.value.toLowerCase()]);
  if (spec) return parseArgs(text, spec, tokens.slice(2));
  const guess = closest(second.value, subs);
  return fail(
    `Unknown ${word} subcommand "${second.value}": use ${subs.join(", ")}`,
    groupUsage(word),
    guess && fix(text, second, guess),
  );
}

function unknownCommand(text: string, first: Token): ParseResult {
  const guess = closest(first.value, TOP_WORDS);
  let suggestion = guess && fix(text, first, guess);
  if (!guess) {
    const groups = TOP_WORDS.filter((w) =>
      groupCommands(w).some((c) => c.path[1] === first.value.toLowerCase()),
    );
    if (groups.length === 1) suggestion = fix(text, first, `${groups[0]} ${first.value.toLowerCase()}`);
  }
  return fail(`Unknown command "${first.value}"`, OVERVIEW_USAGE, suggestion);
}

function flagOf(token: Token): { name: string; value?: string } | undefined {
  if (token.quoted) return undefined;
  const m = /^(?:--|\u2014|\u2013)([a-z][\w-]*)(?:=([\s\S]*))?$/i.exec(token.value);
  if (!m) return undefined;
  return m[2] === undefined
    ? { name: (m[1] ?? "").toLowerCase() }
    : { name: (m[1] ?? "").toLowerCase(), value: m[2] };
}

function parseArgs(text: string, spec: CommandSpec, tokens: readonly Token[]): ParseResult {
  const raws = new Map<ArgSpec, RawValue>();
  const positionals: Token[] = [];
  const flags = spec.args.filter((a) => a.flag);
  const at = (t: Token, prefix = "") => ({ start: t.start, end: t.end, prefix });
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    const flag = flagOf(token);
    if (!flag) {
      positionals.push(token);
      continue;
    }
    if (flag.name === "help") return { ok: true, command: { name: "help", topic: spec.path.join(" ") } };
    const arg = flags.find((a) => a.name === flag.name);
    if (!arg) {
      const names = flags.map((a) => a.name);
      const guess = closest(flag.name, names);
      const what = names.length
        ? `options are ${names.map((n) => `--${n}`).join(", ")}`
        : "it takes no options";
      const suggestion =
        guess && fix(text, token, flag.value === undefined ? `--${guess}` : `--${guess}=${flag.value}`);
      return fail(
        `Unknown option --${flag.name} for ${spec.path.join(" ")}: ${what}`,
        spec.usage,
        suggestion,
      );
    }
    if (raws.has(arg)) return fail(`--${arg.name} is given more than once`, spec.usage);
    if (flag.value !== undefined || arg.kind === "flag") {
      raws.set(arg, { raw: flag.value ?? "true", span: at(token, `--${arg.name}=`) });
      continue;
    }
    const next = tokens[i + 1];
    if (!next || flagOf(next)) return fail(`--${arg.name} needs a value: ${argUsage(arg)}`, spec.usage);
    raws.set(arg, { raw: next.value, span: at(next) });
    i++;
  }

  const slots = spec.args.filter((a) => !a.flag);
  let p = 0;
  for (const [s, slot] of slots.entries()) {
    let token = positionals[p];
    if (!token) break;
    const fits = kindDef(slot.kind).looksLike;
    const later = slots.slice(s + 1).some((l) => kindDef(l.kind).looksLike?.(token?.value ?? "") !== false);
    if (!slot.required && fits && !fits(token.value) && later) continue;
    // A required value left out (`me hours 09:00-17:00`): say it is missing, not that the next is wrong.
    const short = positionals.length - p < slots.slice(s).filter((l) => l.required).length;
    if (slot.required && fits && !fits(token.value) && later && short)
      return fail(`Missing ${argUsage(slot)}: ${slot.description}`, spec.usage);
    const marker = slot.marker?.toLowerCase();
    if (marker && !token.quoted && token.value.toLowerCase() === marker) {
      token = positionals[++p];
      if (!token) return fail(`"${slot.marker}" needs a value: ${argUsage(slot)}`, spec.usage);
    }
    if (slot.rest !== undefined) {
      const rest = positionals.slice(p);
      const last = rest[rest.length - 1] ?? token;
      raws.set(slot, {
        raw: rest.map((r) => r.value).join(slot.rest),
        span: { start: token.start, end: last.end, prefix: "" },
      });
      p = positionals.length;
    } else {
      const glued = marker?.endsWith(":") && token.value.toLowerCase().startsWith(marker) ? marker : "";
      raws.set(slot, {
        raw: token.value.slice(glued.length),
        span: at(token, token.value.slice(0, glued.length)),
      });
      p++;
    }
  }
  const extra = positionals[p];
  if (extra) return unexpected(text, spec, raws, positionals.slice(p));
  const missing = spec.args.find((a) => a.required && !raws.has(a));
  if (missing) return fail(`Missing ${argUsage(missing)}: ${missing.description}`, spec.usage);
  return buildCommand(spec, raws, text);
}

function unexpected(
  text: string,
  spec: CommandSpec,
  raws: Map<ArgSpec, RawValue>,
  extra: Token[],
): ParseResult {
  const first = extra[0] as Token;
  const nameArg = spec.args.find((a) => a.kind === "text" && !a.flag);
  const name = nameArg && raws.get(nameArg);
  if (nameArg && name?.span && !text.slice(name.span.start, name.span.end).match(/^["\u201c\u201d\u201e]/)) {
    const words = [name.raw, ...extra.map((t) => t.value)].join(" ");
    const end = (extra[extra.length - 1] as Token).end;
    const between = text.slice(name.span.end, end);
    const suggestion = /(?:^|\s)(?:--|\u2014|\u2013)/.test(between)
      ? undefined
      : fix(text, { start: name.span.start, end }, `"${words}"`);
    return fail(
      `Unexpected "${first.value}": put a ${nameArg.placeholder} with spaces in quotes, e.g. "${words}"`,
      spec.usage,
      suggestion,
    );
  }
  return fail(`Unexpected argument "${first.value}"`, spec.usage);
}

/** Validate raw values against the grammar and the typed command schema. Shared with Discord. */
export function buildCommand(
  spec: CommandSpec,
  raws: ReadonlyMap<ArgSpec, RawValue>,
  text?: string,
): ParseResult {
  const out: Record<string, unknown> = { name: spec.name };
  for (const arg of spec.args) {
    const value = raws.get(arg);
    if (value === undefined) continue;
    const kind = kindDef(arg.kind);
    const parsed = kind.parse.safeParse(value.raw);
    if (!parsed.success) {
      const why = parsed.error.issues[0]?.message ?? "not valid";
      const guess = kind.choices && closest(value.raw, kind.choices);
      const suggestion =
        guess && text !== undefined && value.span && fix(text, value.span, value.span.prefix + guess);
      const error =
        arg.kind === "user" || arg.kind === "self"
          ? why[0]?.toUpperCase() + why.slice(1)
          : `Invalid ${kind.noun} "${value.raw}": ${why}`;
      return fail(error, spec.usage, suggestion || undefined);
    }
    // Undefined: a value that stands for "left out" (`me` for the person running the command).
    if (parsed.data !== undefined) out[arg.key] = parsed.data;
  }
  const command = commandSchema.safeParse(out);
  if (!command.success)
    return fail(`Invalid ${spec.path.join(" ")} command: ${command.error.issues[0]?.message}`, spec.usage);
  return { ok: true, command: command.data satisfies Command };
}

function fail(error: string, usage: string, suggestion?: string): ParseResult {
  return suggestion ? { ok: false, error, usage, suggestion } : { ok: false, error, usage };
}

/** The whole command line with one span replaced, as a "did you mean" suggestion. */
function fix(text: string, span: { start: number; end: number }, replacement: string): string {
  const line = `${text.slice(0, span.start)}${replacement}${text.slice(span.end)}`
    .trim()
    .replace(/\s+/g, " ");
  return line.toLowerCase().startsWith(`${COMMAND_PREFIX} `) ? line : `${COMMAND_PREFIX} ${line}`;
}

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, (prev2[j - 2] ?? 0) + 1);
      row.push(d);
    }
    prev2 = prev;
    prev = row;
  }
  return prev[b.length] ?? 0;
}

/** The nearest candidate within a small edit distance, or the only one the input starts. */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  const word = input.toLowerCase();
  const limit = word.length <= 4 ? 1 : 2;
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    const d = editDistance(word, c.toLowerCase());
    if (d <= limit && d > 0 && (!best || d < best.d)) best = { c, d };
  }
  if (best) return best.c;
  const prefixed = candidates.filter((c) => word.length >= 2 && c.toLowerCase().startsWith(word));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}
