/**
 * Neutral reply markup (src/chat/markup.ts) -> Slack mrkdwn and plain text.
 *
 * `**bold**` -> `*bold*`, code kept, live mentions `<@U…>` / channels `<#C…>` and links
 * `<https://…|label>` written by Foreman. Every other character, Foreman's own or from outside, goes
 * through `escapeSlack`, Slack's one escaper: Slack has no escape character, so
 * - `&`, `<`, `>` become entities: no `<…>` control sequence (mention, `<!here>`, link, date) survives;
 * - the formatting characters `*`, `~`, `` ` `` (and their fullwidth forms, which Slack reads as markers
 *   too) become look-alikes (∗ ∼ ˋ ﹡ ⸏); `_` too, except between two ASCII letters or digits, where
 *   Slack never reads it as a marker (`snake_case` stays exact);
 * - a `>` (or `＞`) that starts a line gets an invisible soft hyphen in front, so it is not a quote
 *   (Slack reads `&gt;` at a line start as a quote).
 * A person reads the same text; no link, mention or formatting comes from it. Mrkdwn objects are
 * also sent `verbatim` (src/chat/slack/blocks.ts), so Slack does not link bare URLs or
 * channel names by itself.
 */
import { codeOr, type MarkupRenderer, plainText, renderMarkup } from "../markup";

const LOOK_ALIKE: Record<string, string> = {
  "*": "\u2217", // ∗ asterisk operator
  _: "\u02CD", // ˍ modifier letter low macron
  "~": "\u223C", // ∼ tilde operator
  "`": "\u02CB", // ˋ modifier letter grave accent
  "\uFF0A": "\uFE61", // fullwidth asterisk -> ﹡ small asterisk
  "\uFF3F": "\u2E0F", // fullwidth low line -> ⸏ paragraphos
  "\uFF40": "\u02CB", // fullwidth grave accent -> ˋ
};
export const SOFT_HYPHEN = "\u00AD";

/** Escapes Slack's three control characters (for URLs and code, where formatting is off). */
export function escapeEntities(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Slack's one escaper: `text` shown as written, with no control sequence or formatting from it. */
export function escapeSlack(text: string): string {
  return escapeEntities(text)
    .replace(/[*~`\uFF0A\uFF3F\uFF40]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, (c) => LOOK_ALIKE[c] ?? c)
    .replace(/(^|[\r\n])([ \t]*)(&gt;|\uFF1E)/g, `$1$2${SOFT_HYPHEN}$3`);
}

const MRKDWN: MarkupRenderer = {
  text: escapeSlack,
  bold: "*",
  user: (id) => `<@${id}>`,
  channel: (id) => `<#${id}>`,
  // The label cannot end the link: `>` is an entity, `|` a look-alike (∣).
  link: (url, label) => {
    const shown = escapeSlack(label).replace(/\|/g, "\u2223");
    return `<${escapeEntities(url)}${shown ? `|${shown}` : ""}>`;
  },
  // Slack has no escape inside code: content that would end it is shown as escaped text.
  code: codeOr(escapeSlack, escapeEntities),
};

/** Texts kept per renderer; past this the oldest go first. */
const MEMO_ENTRIES = 1_000;
/** Longer texts are rendered every time: at most 1,000 texts of up to 1,000 characters are kept. */
const MEMO_CHARS = 1_000;

/**
 * `render` with its answers kept per isolate, by the exact text. Rendering is a pure function of the
 * text, so a kept answer is exactly what rendering would give again; it saves parsing the texts that
 * come back on every request (the help, headers, button labels, fixed phrases).
 */
function memoized(render: (text: string) => string): (text: string) => string {
  const memo = new Map<string, string>();
  return (text) => {
    if (text.length > MEMO_CHARS) return render(text);
    const known = memo.get(text);
    if (known !== undefined) return known;
    const out = render(text);
    memo.set(text, out);
    if (memo.size > MEMO_ENTRIES) memo.delete(memo.keys().next().value ?? text);
    return out;
  };
}

/** Neutral markup -> Slack mrkdwn. */
export const toMrkdwn: (text: string) => string = memoized((text) => renderMarkup(text, MRKDWN));

/** Plain text for `plain_text` objects (headers, buttons): markup removed, nothing escaped. */
export const toPlain: (text: string) => string = memoized(plainText);

/**
 * Shortens mrkdwn to at most `max` characters without cutting through `<…>` markup or an
 * `&amp;`-style entity; ends with "…" when cut.
 */
export function clipMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = Math.max(0, max - 1);
  const open = text.lastIndexOf("<", cut);
  if (open >= 0 && text.indexOf(">", open) >= cut) cut = open;
  const amp = text.lastIndexOf("&", cut);
  if (amp >= 0 && cut - amp < 6 && !text.slice(amp, cut).includes(";")) cut = amp;
  return `${text.slice(0, cut)}…`;
}
