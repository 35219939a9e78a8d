/**
 * Neutral reply markup (src/chat/markup.ts) -> Discord markdown and plain text.
 *
 * `**bold**` and code are kept, live mentions `<@…>` / channels `<#…>` and links `[label](url)` are
 * written by Foreman. Every other character, Foreman's own or from outside, goes through
 * `escapeDiscord`, Discord's one escaper: a backslash before each markdown character
 * (`` \ * _ ~ ` | < > [ ] ( ) @ ``), before the `:` of `://` (no bare link), and before a line's leading
 * `#`, `-`, `+` or `1.` (no heading, subtext or list). Discord shows escaped characters without the
 * backslash, so a person reads the text as written; no mention (`<@…>`, `<#…>`, `<@&…>`), masked
 * link, spoiler or formatting comes from it. `allowed_mentions` stays empty except for Foreman's own
 * user mentions (./render.ts).
 */
import { codeOr, type MarkupRenderer, parseMarkup, renderMarkup } from "../markup";

/** Discord's one escaper: `text` shown as written, with no markdown, mention or link from it. */
export function escapeDiscord(text: string): string {
  return text
    .replace(/[\\*_~`|<>[\]()@]/g, "\\$&")
    .replace(/:\/\//g, "\\://")
    .replace(/(^|[\r\n])([ \t]*)(#|-|\+|\d+\.)/g, (_m, start: string, space: string, lead: string) =>
      lead.endsWith(".") ? `${start}${space}${lead.slice(0, -1)}\\.` : `${start}${space}\\${lead}`,
    );
}

const MARKDOWN: MarkupRenderer = {
  text: escapeDiscord,
  bold: "**",
  user: (id) => `<@${id}>`,
  channel: (id) => `<#${id}>`,
  link: (url, label) => (label ? `[${escapeDiscord(label)}](${url})` : url),
  // Backslashes do not escape inside code: content that would end it is shown as escaped text.
  code: codeOr(escapeDiscord, (content) => content),
};

/** Neutral markup -> Discord markdown. */
export function toDiscord(text: string): string {
  return renderMarkup(text, MARKDOWN);
}

/** User ids Foreman itself mentions in `text` (neutral markup): the only ones allowed to be pinged. */
export function mentionedUserIds(text: string): string[] {
  const ids = new Set<string>();
  for (const token of parseMarkup(text)) {
    if (token.kind === "user" && /^\d{17,20}$/.test(token.id)) ids.add(token.id);
  }
  return [...ids];
}
