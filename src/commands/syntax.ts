/**
 * Command lines shown in replies, in the syntax of the platform that shows them. Handlers write a
 * hint the way it is typed in Slack (`/foreman team add @you github:your-login --lead`); a Discord
 * slash command takes named options, so on Discord the same hint reads
 * `/foreman team add user:@you github:your-login lead:True`. The conversion follows the grammar
 * (./grammar.ts), so every hint, usage line and example converts the same way. Pure.
 *
 * Only command lines in backticks are converted (that is how replies show them); one that does not
 * follow the grammar is left as it is.
 */

import type { ChatPlatform } from "../chat/platform";
import type { Reply, ReplySection } from "../chat/reply";
import {
  type ArgSpec,
  bareCommand,
  COMMAND_PREFIX,
  type CommandSpec,
  findCommand,
  groupCommands,
  kindDef,
} from "./grammar";

const CLOSING: Readonly<Record<string, string>> = { "[": "]", "<": ">", '"': '"' };

/** Words of a command line; `[--tz <IANA zone>]`, `<IANA zone>` and `"release train"` are one each. */
function tokens(text: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i] ?? "")) {
      i++;
      continue;
    }
    const start = i;
    const close = CLOSING[text[i] ?? ""];
    if (close) {
      const end = text.indexOf(close, i + 1);
      if (end < 0) return null;
      i = end + 1;
    }
    while (i < text.length && !/\s/.test(text[i] ?? "")) i++;
    out.push(text.slice(start, i));
  }
  return out;
}

const isFlag = (token: string) => /^--[a-z]/.test(token);
const unquote = (value: string) => value.replace(/^"(.*)"$/s, "$1");

/**
 * One Discord option for a value: `name:value`. An optional placeholder of a usage line (`[topic]`,
 * `[IANA zone]`) becomes `name:<placeholder>`; a value outside the preset choices goes to the free-text option.
 */
function option(arg: ArgSpec, value: string, bracketed = false): string {
  const kind = kindDef(arg.kind);
  if (bracketed && value === arg.placeholder && !value.includes("|")) return `${arg.name}:<${value}>`;
  const custom = kind.choices && !kind.choices.includes(value) && !value.includes("|");
  if (arg.discordAlt && custom) return `${arg.discordAlt.name}:${value}`;
  return `${arg.name}:${unquote(value)}`;
}

/** The words inside `[…]`: a flag or marker with its (possibly spaced) value, else one value. */
function groupWords(group: string, markers: readonly string[]): string[] | null {
  const inner = tokens(group.slice(1, -1));
  if (!inner || inner.length <= 1) return inner;
  const [first = "", ...rest] = inner;
  if (isFlag(first) || markers.includes(first.toLowerCase())) return [first, rest.join(" ")];
  return [inner.join(" ")];
}

/** The arguments of one command line as Discord options, or null when they do not fit the grammar. */
function convertArgs(spec: CommandSpec, items: readonly string[]): string[] | null {
  const flags = spec.args.filter((a) => a.flag);
  const slots = spec.args.filter((a) => !a.flag);
  const markers = slots.flatMap((a) => (a.marker && !a.marker.endsWith(":") ? [a.marker.toLowerCase()] : []));
  let next = 0;
  const walk = (list: readonly string[], bracketed = false): string[] | null => {
    const out: string[] = [];
    for (let i = 0; i < list.length; i++) {
      const item = list[i] ?? "";
      if (item.startsWith("[") && item.endsWith("]")) {
        const inner = groupWords(item, markers);
        const converted = inner && walk(inner, true);
        if (!converted) return null;
        out.push(`[${converted.join(" ")}]`);
        continue;
      }
      if (isFlag(item)) {
        const arg = flags.find((a) => a.name === item.slice(2));
        if (!arg) return null;
        if (arg.kind === "flag") {
          out.push(`${arg.name}:True`);
          continue;
        }
        const value = list[i + 1];
        if (value === undefined || isFlag(value)) return null;
        out.push(option(arg, value));
        i++;
        continue;
      }
      let value = item;
      let slot = slots[next];
      while (slot) {
        const marker = slot.marker?.toLowerCase();
        const looksLike = kindDef(slot.kind).looksLike;
        const later = slots.slice(next + 1).some((l) => kindDef(l.kind).looksLike?.(value) !== false);
        if (slot.required || !looksLike || looksLike(value) || !later || value.toLowerCase() === marker)
          break;
        slot = slots[++next];
      }
      if (!slot) return null;
      const marker = slot.marker?.toLowerCase();
      if (marker && value.toLowerCase() === marker) {
        const given = list[++i];
        if (given === undefined) return null;
        value = given;
      } else if (marker?.endsWith(":") && value.toLowerCase().startsWith(marker)) {
        value = value.slice(marker.length);
      }
      out.push(option(slot, value, bracketed && list.length === 1));
      next++;
    }
    return out;
  };
  return walk(items);
}

/** `/foreman …` as typed in Slack -> as typed in Discord; unchanged when it does not parse. */
export function discordCommandLine(line: string): string {
  const all = tokens(line.trim());
  if (!all || all[0] !== COMMAND_PREFIX || !all[1]) return line;
  const word = all[1].toLowerCase();
  const grouped = groupCommands(word).length > 0;
  // The group's word alone (`/foreman me`) is its bare command: Discord needs the subcommand.
  const bare = grouped && all[2] === undefined ? bareCommand(word) : undefined;
  const path = bare ? [...bare.path] : grouped ? [word, (all[2] ?? "").toLowerCase()] : [word];
  const spec = bare ?? findCommand(path);
  if (!spec) return line;
  const args = bare ? [] : convertArgs(spec, all.slice(1 + path.length));
  return args ? [COMMAND_PREFIX, ...path, ...args].join(" ") : line;
}

const COMMAND_IN_BACKTICKS = /`(\/foreman(?:\s[^`]*)?)`/g;

/** Every backticked command line of a text, for Discord. */
export function discordText(text: string): string {
  return text.replace(COMMAND_IN_BACKTICKS, (_, line: string) => `\`${discordCommandLine(line)}\``);
}

/** A reply with its command lines in the syntax of `platform` (Slack's is the one handlers write). */
export function forPlatform(reply: Reply, platform: ChatPlatform): Reply {
  if (platform !== "discord") return reply;
  const t = (s: string | undefined) => (s === undefined ? undefined : discordText(s));
  const section = (s: ReplySection): ReplySection => ({
    ...s,
    ...(s.title !== undefined ? { title: discordText(s.title) } : {}),
    ...(s.text !== undefined ? { text: discordText(s.text) } : {}),
    ...(s.lines ? { lines: s.lines.map(discordText) } : {}),
    ...(s.fields ? { fields: s.fields.map((f) => ({ ...f, value: discordText(f.value) })) } : {}),
  });
  const footer = t(reply.footer);
  return {
    ...reply,
    text: discordText(reply.text),
    sections: reply.sections.map(section),
    ...(footer !== undefined ? { footer } : {}),
  };
}
