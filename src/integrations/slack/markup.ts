/**
 * Neutral reply markup (src/commands/reply.ts) -> Slack mrkdwn.
 * `**bold**` -> `*bold*`, `[label](https://…)` -> `<https://…|label>`, backtick code kept,
 * `<@U…>` user mentions and `<#C…>` channel references kept; everything else has `&`, `<`, `>`
 * escaped, so user-provided text can neither inject links nor ping `<!channel>`.
 */

const TOKEN = new RegExp(
  [
    "```[\\s\\S]*?```", // code block
    "`[^`\\n]*`", // inline code
    "<@[UW][A-Z0-9]+(?:\\|[^<>|]*)?>", // user mention
    "<#[CGD][A-Z0-9]+(?:\\|[^<>|]*)?>", // channel reference
    "\\[[^\\]\\n]+\\]\\(https?://[^\\s)]+\\)", // link
    "\\*\\*", // bold marker
  ].join("|"),
  "g",
);

const LINK = /^\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)$/;

/** Escapes Slack's three control characters. */
export function escapeText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function escapeUrl(url: string): string {
  return escapeText(url).replace(/\|/g, "%7C");
}

/** Converts neutral markup to Slack mrkdwn, escaping everything that is not markup. */
export function toMrkdwn(text: string): string {
  let out = "";
  let last = 0;
  for (const match of text.matchAll(TOKEN)) {
    const token = match[0];
    const at = match.index ?? 0;
    out += escapeText(text.slice(last, at));
    last = at + token.length;
    if (token === "**") out += "*";
    else if (token.startsWith("`")) out += escapeText(token);
    else if (token.startsWith("<")) out += token;
    else {
      const link = LINK.exec(token);
      out += link ? `<${escapeUrl(link[2] ?? "")}|${escapeText(link[1] ?? "")}>` : escapeText(token);
    }
  }
  return out + escapeText(text.slice(last));
}

/** Plain text for `plain_text` objects and notifications: markup removed, nothing escaped. */
export function toPlain(text: string): string {
  return text
    .replace(/\*\*/g, "")
    .replace(/\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)/g, "$1 ($2)")
    .replace(/<@([UW][A-Z0-9]+)\|([^<>|]+)>/g, "@$2");
}

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
