/**
 * The neutral reply markup (./reply.ts) and how text from outside stays inert in it. Pure.
 *
 * Replies mix Foreman's own words with text that comes from outside: PR titles, branch, repository
 * and workflow names, Linear issue titles and states, display names, echoed command input. A PR
 * titled `[Approve now](https://evil.example) <@U0VICTIM1>` must show exactly that, as text, on every
 * platform. So the markup has three kinds of text:
 *
 * - `literal(s)`: outside text. Shown exactly as written; every renderer escapes it with its
 *   platform's one escaper, so no link, mention, channel reference or formatting can come from it.
 * - `userRef(id)`, `channelRef(id)`, `link(label, url)`: the only live mentions, channel references
 *   and links. They are marked, so the same characters in any other text are plain text.
 * - Everything else is Foreman's own text, in which only `**bold**` and `` `code` `` (or a ```
 *   block) are markup; the renderers escape the rest with the same escaper as outside text. Text
 *   from outside that a builder forgot to wrap can therefore at worst turn bold or code, never link
 *   or ping.
 *
 * Literal text and live elements are delimited by four private-use characters (U+E000–U+E003).
 * They never reach a chat (the renderers consume them; `unmarked` removes them), and `literal`
 * drops them from outside text, so outside text cannot forge them.
 */

import type { Reply, ReplySection } from "./reply";

const OPEN = "\uE000";
const CLOSE = "\uE001";
const LIVE = "\uE002";
const END = "\uE003";
const MARKERS = /[\uE000-\uE003]/g;
const ID = /^[A-Za-z0-9]{1,64}$/;
const encoder = new TextEncoder();

/** Outside text: shown exactly as written (minus the four marker characters), never read as markup. */
export function literal(text: string): string {
  const inner = text.replace(MARKERS, "");
  return inner === "" ? "" : `${OPEN}${inner}${CLOSE}`;
}

/**
 * `text` as inline code, shown exactly as written (renderers show text that holds a backtick or a
 * line break as plain escaped text instead: code cannot contain it).
 */
export function code(text: string): string {
  return `\`${literal(text)}\``;
}

/** A live user mention (`<@U0BOB>` on Slack, `<@123…>` on Discord); a malformed id is shown as text. */
export function userRef(id: string): string {
  return ID.test(id) ? `${LIVE}<@${id}>${END}` : literal(`@${id}`);
}

/**
 * `reply` with the live mentions of the users in `quiet` (id -> name) shown as their name in bold:
 * they are named in the message without being notified by it (someone told directly, or the
 * author of what the message is about).
 */
export function withoutPings(reply: Reply, quiet: ReadonlyMap<string, string>): Reply {
  if (quiet.size === 0) return reply;
  const plain = (text: string): string =>
    text.replace(/\uE002<@([A-Za-z0-9]{1,64})>\uE003/g, (whole, id: string) => {
      const name = quiet.get(id);
      return name === undefined ? whole : `**${literal(name)}**`;
    });
  const opt = (text: string | undefined) => (text === undefined ? undefined : plain(text));
  const section = (s: ReplySection): ReplySection => {
    const out: ReplySection = { ...s };
    if (s.title !== undefined) out.title = plain(s.title);
    if (s.text !== undefined) out.text = plain(s.text);
    if (s.lines) out.lines = s.lines.map(plain);
    if (s.fields) out.fields = s.fields.map((f) => ({ ...f, label: plain(f.label), value: plain(f.value) }));
    return out;
  };
  const out: Reply = { ...reply, text: plain(reply.text), sections: reply.sections.map(section) };
  const title = opt(reply.title);
  if (title !== undefined) out.title = title;
  const footer = opt(reply.footer);
  if (footer !== undefined) out.footer = footer;
  return out;
}

/** A live channel reference (`<#C0GENERAL>`); a malformed id is shown as text. */
export function channelRef(id: string): string {
  return ID.test(id) ? `${LIVE}<#${id}>${END}` : literal(`#${id}`);
}

/**
 * A live link with `label` (neutral markup: Foreman's words and literal text; mentions and links
 * in it are flattened to text). Null when `url` is not an absolute http(s) URL.
 */
export function link(label: string, url: string): string | null {
  const safe = safeUrl(url);
  if (safe === null) return null;
  const flat = label.replace(/[\uE002\uE003]/g, "");
  return `${LIVE}[${flat}](${safe})${END}`;
}

/**
 * An http(s) URL with every character that could end or confuse link markup on either platform
 * percent-encoded (`()[]<>|"` and white space); null for anything else.
 */
export function safeUrl(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return null;
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return null;
  // A URL with user info (`https://user@host`) is refused: its href does not start with its origin.
  if (!parsed.href.startsWith(parsed.origin)) return null;
  const rest = parsed.href.slice(parsed.origin.length);
  const encoded = rest.replace(/[()[\]<>|"`\\\s\uE000-\uE003]/g, (c) =>
    [...encoder.encode(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join(""),
  );
  return `${parsed.origin}${encoded}`;
}

/** `text` without markers: the neutral markup as written (for logs and tests, never for a chat). */
export function unmarked(text: string): string {
  return text.replace(MARKERS, "");
}

/**
 * The markup of a text. `text`, code content and link labels hold Foreman's words and outside text
 * alike, as written: every renderer escapes both with its one escaper.
 */
export type Token =
  | { kind: "text"; text: string }
  | { kind: "bold" }
  | { kind: "code"; block: boolean; content: string }
  | { kind: "user"; id: string }
  | { kind: "channel"; id: string }
  | { kind: "link"; url: string; label: string };

type Live = Extract<Token, { kind: "user" | "channel" | "link" }>;

/** Where parsing is in the outside runs and live elements of a skeleton. */
interface Cursor {
  outside: string[];
  live: Live[];
  o: number;
  l: number;
}

/** Parses neutral markup into tokens; every renderer starts here. Never throws. */
export function parseMarkup(text: string): Token[] {
  const { skeleton, outside, live } = split(text);
  const at: Cursor = { outside, live, o: 0, l: 0 };
  const tokens: Token[] = [];
  const pushText = (s: string) => {
    if (s === "") return;
    const last = tokens[tokens.length - 1];
    if (last?.kind === "text") last.text += expand(s, at);
    else tokens.push({ kind: "text", text: expand(s, at) });
  };
  let last = 0;
  for (const m of skeleton.matchAll(/```[\s\S]*?```|`[^`\n]+`|\*\*|\uE002/g)) {
    const start = m.index ?? 0;
    pushText(skeleton.slice(last, start));
    last = start + m[0].length;
    const token = m[0];
    if (token === "**") tokens.push({ kind: "bold" });
    else if (token === LIVE) tokens.push(live[at.l++] ?? { kind: "text", text: "" });
    else {
      const block = token.startsWith("```");
      const inner = block ? token.slice(3, -3) : token.slice(1, -1);
      tokens.push({ kind: "code", block, content: expand(inner, at) });
    }
  }
  pushText(skeleton.slice(last));
  return tokens;
}

/**
 * The text of a skeleton slice: each OPEN placeholder is the next outside run; a live element here
 * (inside code) is only its text.
 */
function expand(skeleton: string, at: Cursor): string {
  return skeleton.replace(/[\uE000\uE002]/g, (c) => {
    if (c === OPEN) return at.outside[at.o++] ?? "";
    const element = at.live[at.l++];
    return element ? renderToken(element, PLAIN) : "";
  });
}

/**
 * The text with each outside run replaced by an OPEN placeholder and each live element by a LIVE
 * one, and the runs and elements in order. Unpaired markers are dropped; an unterminated outside
 * run lasts to the end (it stays inert).
 */
function split(text: string): { skeleton: string; outside: string[]; live: Live[] } {
  const outside: string[] = [];
  const live: Live[] = [];
  let skeleton = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? "";
    if (c === OPEN || c === LIVE) {
      const close = text.indexOf(c === OPEN ? CLOSE : END, i + 1);
      const end = close < 0 ? text.length : close;
      const inner = text.slice(i + 1, end);
      i = end + 1;
      if (c === OPEN) {
        outside.push(inner.replace(MARKERS, ""));
        skeleton += OPEN;
        continue;
      }
      const element = liveElement(inner);
      if (element) {
        live.push(element);
        skeleton += LIVE;
        continue;
      }
      // Not one of ours (cut short, or malformed): what it says is shown as text.
      const parts = split(inner);
      outside.push(...parts.outside);
      skeleton += parts.skeleton.replaceAll(LIVE, "");
      continue;
    }
    if (c !== CLOSE && c !== END) skeleton += c;
    i += 1;
  }
  return { skeleton, outside, live };
}

function liveElement(inner: string): Live | null {
  const mention = /^<([@#])([A-Za-z0-9]{1,64})>$/.exec(inner);
  if (mention) return { kind: mention[1] === "@" ? "user" : "channel", id: mention[2] ?? "" };
  const cut = inner.lastIndexOf("](");
  if (!inner.startsWith("[") || cut < 0 || !inner.endsWith(")")) return null;
  const url = inner.slice(cut + 2, -1);
  if (!/^https?:\/\/[^\s()<>|\uE000-\uE003]+$/.test(url)) return null;
  const label = split(inner.slice(1, cut));
  return { kind: "link", url, label: expand(label.skeleton, { ...label, o: 0, l: 0 }) };
}

/** What one platform writes for each token (texts come as written, unescaped). */
export interface MarkupRenderer {
  /** Any text that is not markup, Foreman's and outside alike: the platform's escaper. */
  text: (text: string) => string;
  bold: string;
  user: (id: string) => string;
  channel: (id: string) => string;
  link: (url: string, label: string) => string;
  code: (content: string, block: boolean) => string;
}

function renderToken(token: Token, r: MarkupRenderer): string {
  switch (token.kind) {
    case "text":
      return r.text(token.text);
    case "bold":
      return r.bold;
    case "user":
      return r.user(token.id);
    case "channel":
      return r.channel(token.id);
    case "link":
      return r.link(token.url, token.label);
    case "code":
      return r.code(token.content, token.block);
  }
}

/** Neutral markup rendered by one platform's renderer. */
export function renderMarkup(text: string, r: MarkupRenderer): string {
  return parseMarkup(text)
    .map((token) => renderToken(token, r))
    .join("");
}

const fenced = (content: string, block: boolean) => (block ? `\`\`\`${content}\`\`\`` : `\`${content}\``);

/**
 * Whether `content` cannot be shown as code: it would end the code (a backtick, or a fence in a
 * block; a line break in inline code), or it is blank. Renderers then show it as escaped text.
 */
function breaksCode(content: string, block: boolean): boolean {
  return (block ? content.includes("```") : /[`\r\n]/.test(content)) || content.trim() === "";
}

/** Markup removed, nothing escaped. */
const PLAIN: MarkupRenderer = {
  text: (text) => text,
  bold: "",
  user: (id) => `<@${id}>`,
  channel: (id) => `<#${id}>`,
  link: (url, label) => (label ? `${label} (${url})` : url),
  code: fenced,
};

/**
 * Text for places that show characters as they are, with no formatting at all (Slack headers and
 * buttons, Discord footers and buttons): markup removed, nothing escaped (nothing there is read).
 */
export function plainText(text: string): string {
  return renderMarkup(text, PLAIN);
}

/** `content` as code on Slack and Discord (same fences), or escaped text when it cannot be code. */
export function codeOr(asText: (text: string) => string, inCode: (text: string) => string) {
  return (content: string, block: boolean) =>
    breaksCode(content, block) ? asText(content) : fenced(inCode(content), block);
}

/** How one platform renders the two kinds of text a Reply has. */
export interface TextRendering {
  /** Text shown with formatting (sections, lines, fields…). */
  markup: (text: string) => string;
  /** Text shown as is (Slack headers and buttons; Discord footers and buttons). */
  plain: (text: string) => string;
  /** The title: plain on Slack (a header), markup on Discord (an embed title). */
  title: (text: string) => string;
  /** The footer: markup on Slack (a context block), plain on Discord (an embed footer). */
  footer: (text: string) => string;
}

/**
 * Every text of `reply` rendered for one platform: the first step of each renderer, so escaping
 * cannot be forgotten for one field. Structure (sections, buttons, tone, flags) is unchanged.
 */
export function renderTexts(reply: Reply, r: TextRendering): Reply {
  const out: Reply = {
    ...reply,
    text: r.markup(reply.text),
    sections: reply.sections.map((s) => {
      const section: ReplySection = {};
      if (s.title !== undefined) section.title = r.markup(s.title);
      if (s.text !== undefined) section.text = r.markup(s.text);
      if (s.lines) section.lines = s.lines.map(r.markup);
      if (s.fields)
        section.fields = s.fields.map((f) => ({ label: r.markup(f.label), value: r.markup(f.value) }));
      return section;
    }),
    buttons: reply.buttons.map((b) => {
      const button = { ...b, label: r.plain(b.label) };
      if (b.confirm !== undefined) button.confirm = r.markup(b.confirm);
      return button;
    }),
  };
  if (reply.title !== undefined) out.title = r.title(reply.title);
  if (reply.footer !== undefined) out.footer = r.footer(reply.footer);
  if (reply.select !== undefined) {
    out.select = {
      ...reply.select,
      placeholder: r.plain(reply.select.placeholder),
      options: reply.select.options.map((o) => ({ ...o, label: r.plain(o.label) })),
    };
  }
  return out;
}
