/**
 * How a person (and the platform) reads a rendered Slack or Discord message, for the tests that
 * check outside text stays inert: the text a person reads, and every live element the platform
 * would act on (mentions, channel references, special mentions, links, formatting markers, quotes,
 * headings, lists). Written from the platforms' rules, independently of the renderers.
 */

import type { DiscordMessage } from "../../src/chat/discord/types";
import type { Block, TextObject } from "../../src/chat/slack/blocks";

export interface Read {
  /** What a person reads, every text of the message joined by new lines. */
  text: string;
  /** Live elements, e.g. `user:U0BOB`, `link:https://…`, `fmt:*`, `quote`, `code`. */
  live: string[];
}

/** Slack's look-alikes read as the characters they stand for; soft hyphens are invisible. */
const SLACK_FOLD: Record<string, string> = {
  "\u2217": "*",
  "\u02CD": "_",
  "\u223C": "~",
  "\u02CB": "`",
  "\uFE61": "\uFF0A",
  "\u2E0F": "\uFF3F",
  "\u2223": "|",
  "\u00AD": "",
};

/** The same text as a person reads it on Slack (look-alikes and their originals are the same). */
export function foldSlack(text: string): string {
  return [...text].map((c) => SLACK_FOLD[c] ?? (c === "\uFF40" ? "`" : c)).join("");
}

const ENTITIES: [string, string][] = [
  ["&amp;", "&"],
  ["&lt;", "<"],
  ["&gt;", ">"],
];

/**
 * Code at `i` (both platforms use backtick fences): `code` and its content, or an unpaired fence
 * (a formatting marker); null when no fence starts there.
 */
function codeAt(m: string, i: number): { live: string; content: string; next: number } | null {
  const fence = m.startsWith("```", i) ? "```" : m[i] === "`" ? "`" : null;
  if (!fence) return null;
  const end = m.indexOf(fence, i + fence.length);
  if (end < 0) return { live: `fmt:${fence}`, content: "", next: i + fence.length };
  return { live: "code", content: m.slice(i + fence.length, end), next: end + fence.length };
}

/** Reads Slack mrkdwn. */
export function readMrkdwn(m: string): Read {
  const live: string[] = [];
  let text = "";
  for (const line of m.split(/\r\n|\r|\n/)) {
    if (/^[ \t]*(&gt;|>|\uFF1E)/.test(line)) live.push("quote");
  }
  let i = 0;
  const entity = (at: number) => ENTITIES.find(([e]) => m.startsWith(e, at));
  const decode = (s: string) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  while (i < m.length) {
    const c = m[i] ?? "";
    const code = codeAt(m, i);
    if (code) {
      live.push(code.live);
      text += decode(code.content);
      i = code.next;
      continue;
    }
    if (c === "<") {
      const end = m.indexOf(">", i + 1);
      const inner = m.slice(i + 1, end < 0 ? m.length : end);
      i = end < 0 ? m.length : end + 1;
      const bar = inner.indexOf("|");
      const target = bar < 0 ? inner : inner.slice(0, bar);
      const label = bar < 0 ? "" : inner.slice(bar + 1);
      if (inner.startsWith("@")) live.push(`user:${target.slice(1)}`);
      else if (inner.startsWith("#")) live.push(`channel:${target.slice(1)}`);
      else if (inner.startsWith("!")) live.push(`special:${target}`);
      else live.push(`link:${decode(target)}`);
      text += label ? decode(label) : target;
      continue;
    }
    if (c === "&") {
      const e = entity(i);
      if (e) {
        text += e[1];
        i += e[0].length;
      } else {
        live.push("raw:&");
        i += 1;
      }
      continue;
    }
    if ("*~\uFF0A\uFF3F\uFF40".includes(c)) {
      live.push(`fmt:${c}`);
      i += 1;
      continue;
    }
    if (c === "_") {
      const intraword = /[A-Za-z0-9]/.test(m[i - 1] ?? "") && /[A-Za-z0-9]/.test(m[i + 1] ?? "");
      if (intraword) text += "_";
      else live.push("fmt:_");
      i += 1;
      continue;
    }
    text += c;
    i += 1;
  }
  return { text: foldSlack(text), live };
}

/** Reads a Slack message: mrkdwn objects are read, plain_text objects are text as they are. */
export function readSlack(message: { text: string; blocks: Block[] }): Read {
  const texts: string[] = [];
  const live: string[] = [];
  const object = (t: TextObject | undefined) => {
    if (!t) return;
    if (t.type === "plain_text") {
      texts.push(foldSlack(t.text));
      return;
    }
    const read = readMrkdwn(t.text);
    texts.push(read.text);
    live.push(...read.live);
  };
  object({ type: "mrkdwn", text: message.text });
  for (const block of message.blocks) {
    if (block.type === "header") object(block.text);
    if (block.type === "section") {
      object(block.text);
      for (const f of block.fields ?? []) object(f);
    }
    if (block.type === "context") for (const e of block.elements) object(e);
    if (block.type === "actions") {
      for (const b of block.elements) {
        if (b.type === "static_select") {
          object(b.placeholder);
          for (const o of b.options) object(o.text);
          continue;
        }
        object(b.text);
        if (b.confirm)
          for (const t of [b.confirm.title, b.confirm.text, b.confirm.confirm, b.confirm.deny]) object(t);
      }
    }
  }
  return { text: texts.join("\n"), live };
}

/** Reads Discord markdown. */
export function readMarkdown(m: string): Read {
  const live: string[] = [];
  let text = "";
  for (const line of m.split(/\r\n|\r|\n/)) {
    const lead = /^[ \t]*(#|-|\+|>|\d+\.)/.exec(line);
    if (lead) live.push(`block:${lead[1]}`);
  }
  let i = 0;
  while (i < m.length) {
    const c = m[i] ?? "";
    const next = m[i + 1] ?? "";
    if (c === "\\" && next !== "" && !/[0-9A-Za-z\s]/.test(next)) {
      text += next;
      i += 2;
      continue;
    }
    const code = codeAt(m, i);
    if (code) {
      live.push(code.live);
      text += code.content;
      i = code.next;
      continue;
    }
    const mention = /^<(@!?|@&|#|t:|:|\/)([^>]*)>/.exec(m.slice(i));
    if (mention) {
      live.push(`mention:${mention[1]}${mention[2]}`);
      text += mention[0];
      i += mention[0].length;
      continue;
    }
    if (c === "[") {
      const link = /^\[((?:\\.|[^\]\\])*)\]\((https?:\/\/[^\s)]+)\)/.exec(m.slice(i));
      if (link) {
        live.push(`link:${link[2]}`);
        const label = readMarkdown(link[1] ?? "");
        text += label.text;
        live.push(...label.live);
        i += link[0].length;
        continue;
      }
    }
    if (m.startsWith("://", i)) {
      live.push("autolink");
      text += "://";
      i += 3;
      continue;
    }
    if ("*_~|<>[]()@`".includes(c)) {
      live.push(`fmt:${c}`);
      i += 1;
      continue;
    }
    text += c;
    i += 1;
  }
  return { text, live };
}

/** Reads a Discord message: markdown where Discord renders it, footers and buttons as they are. */
export function readDiscord(message: DiscordMessage): Read {
  const texts: string[] = [];
  const live: string[] = [];
  const markdown = (t: string | undefined) => {
    if (t === undefined) return;
    const read = readMarkdown(t);
    texts.push(read.text);
    live.push(...read.live);
  };
  markdown(message.content);
  for (const e of message.embeds) {
    markdown(e.title);
    markdown(e.description);
    for (const f of e.fields ?? []) {
      markdown(f.name);
      markdown(f.value);
    }
    if (e.footer) texts.push(e.footer.text);
  }
  for (const row of message.components) {
    for (const b of row.components) {
      if (b.type === 3) texts.push(b.placeholder ?? "", ...b.options.map((o) => o.label));
      else texts.push(b.label);
    }
  }
  for (const id of message.allowed_mentions.users ?? []) live.push(`ping:${id}`);
  for (const p of message.allowed_mentions.parse) live.push(`ping:${p}`);
  return { text: texts.join("\n"), live };
}

/** The live elements of `read` that `baseline` does not have (as multisets). */
export function extraLive(read: Read, baseline: Read): string[] {
  const left = new Map<string, number>();
  for (const l of baseline.live) left.set(l, (left.get(l) ?? 0) + 1);
  const extra: string[] = [];
  for (const l of read.live) {
    const n = left.get(l) ?? 0;
    if (n > 0) left.set(l, n - 1);
    else extra.push(l);
  }
  return extra;
}
