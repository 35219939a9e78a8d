// Slack Block Kit and Discord messages drawn as a person would see them, from the delivery bodies the
// Outbox keeps (GET /api/outbox, dead letters). A faithful, safe HTML rendering: every string is
// inserted as text; mrkdwn / Markdown (bold, italic, strike, code, links, mentions) becomes DOM nodes
// built here, never HTML parsed from the payload; links only for http(s) URLs (dom.js `safeLink`).
// Anything it does not know (a block type, an element) is named, not dropped silently.
import { el, safeLink } from "./dom.js";

const str = (v) => (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v));
const list = (v) => (Array.isArray(v) ? v : []);
const obj = (v) => (v && typeof v === "object" && !Array.isArray(v) ? v : {});

/** A few of the emoji shortcodes Foreman writes (others stay as written). */
const EMOJI = {
  information_source: "ℹ️",
  white_check_mark: "✅",
  warning: "⚠️",
  x: "❌",
  hourglass: "⌛",
  hourglass_flowing_sand: "⏳",
  eyes: "👀",
  rotating_light: "🚨",
  bell: "🔔",
  tada: "🎉",
  memo: "📝",
  calendar: "📅",
  clock3: "🕒",
  zzz: "💤",
  fire: "🔥",
  red_circle: "🔴",
  large_green_circle: "🟢",
  large_yellow_circle: "🟡",
  bust_in_silhouette: "👤",
  speech_balloon: "💬",
  link: "🔗",
  arrow_right: "➡️",
  heavy_check_mark: "✔️",
};

function emojiText(s) {
  return s.replace(/:([a-z0-9_+-]+):/g, (m, name) => (Object.hasOwn(EMOJI, name) ? EMOJI[name] : m));
}

function unescapeSlack(s) {
  return s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

// ------------------------------------------------------------------ Slack mrkdwn

// Bold, italic and strike only between non-word characters, as Slack reads them (`snake_case` stays).
const SLACK_TOKEN =
  /```([\s\S]+?)```|<([^<>\n]+)>|`([^`\n]+)`|(?<!\w)\*([^*\n]+)\*(?!\w)|(?<!\w)_([^_\n]+)_(?!\w)|(?<!\w)~([^~\n]+)~(?!\w)/g;

/** Slack mrkdwn as a fragment of text nodes and elements. */
export function slackMrkdwn(source) {
  const s = str(source);
  const out = document.createDocumentFragment();
  let last = 0;
  for (const m of s.matchAll(SLACK_TOKEN)) {
    if (m.index > last) out.append(emojiText(unescapeSlack(s.slice(last, m.index))));
    if (m[1] !== undefined) out.append(el("pre", { class: "chat-pre" }, [unescapeSlack(m[1])]));
    else if (m[2] !== undefined) out.append(slackAngle(m[2]));
    else if (m[3] !== undefined) out.append(el("code", {}, [unescapeSlack(m[3])]));
    else if (m[4] !== undefined) out.append(el("strong", {}, [slackMrkdwn(m[4])]));
    else if (m[5] !== undefined) out.append(el("em", {}, [slackMrkdwn(m[5])]));
    else out.append(el("s", {}, [slackMrkdwn(m[6])]));
    last = m.index + m[0].length;
  }
  if (last < s.length) out.append(emojiText(unescapeSlack(s.slice(last))));
  return out;
}

/** `<…>`: a user or channel mention, a special mention, or a link with an optional label. */
function slackAngle(inner) {
  const bar = inner.indexOf("|");
  const target = bar < 0 ? inner : inner.slice(0, bar);
  const label = bar < 0 ? undefined : inner.slice(bar + 1);
  if (target.startsWith("@"))
    return el("span", { class: "mention" }, [`@${unescapeSlack(label ?? target.slice(1))}`]);
  if (target.startsWith("#"))
    return el("span", { class: "mention" }, [`#${unescapeSlack(label ?? target.slice(1))}`]);
  if (target.startsWith("!")) {
    const name = target.slice(1).split("^")[0] ?? "";
    return el("span", { class: "mention" }, [`@${unescapeSlack(label ?? name)}`]);
  }
  const url = unescapeSlack(target);
  return safeLink(url, unescapeSlack(label ?? url));
}

function slackText(t) {
  const o = obj(t);
  if (o.type === "mrkdwn") return slackMrkdwn(o.text);
  return document.createTextNode(emojiText(str(o.text)));
}

/** A message's button: with a URL, a link (http(s) only); else drawn, not live (pressing it would not reach the chat). */
function chatButton(label, url, style) {
  const cls = style ? `chat-btn chat-btn-${style}` : "chat-btn";
  if (typeof url === "string") {
    const link = safeLink(url, label);
    if (link instanceof Element) link.setAttribute("class", cls);
    return link;
  }
  return el("span", { class: cls, role: "img", "aria-label": `Button: ${label}` }, [label]);
}

function slackElement(e) {
  const o = obj(e);
  if (o.type === "button") {
    const style = o.style === "primary" || o.style === "danger" ? o.style : "";
    return chatButton(str(obj(o.text).text), o.url, style);
  }
  if (o.type === "static_select" || o.type === "overflow" || o.type === "users_select") {
    const label = str(obj(o.placeholder).text) || "Choose…";
    return el("span", { class: "chat-btn chat-select" }, [`${label} ▾`]);
  }
  if (o.type === "image") return el("span", { class: "chat-muted" }, [`[image: ${str(o.alt_text)}]`]);
  if (o.type === "mrkdwn" || o.type === "plain_text") return el("span", {}, [slackText(o)]);
  return el("span", { class: "chat-muted" }, [`[${str(o.type) || "element"}]`]);
}

function slackBlock(b) {
  const o = obj(b);
  switch (o.type) {
    case "header":
      return el("div", { class: "chat-header" }, [emojiText(str(obj(o.text).text))]);
    case "section": {
      const node = el("div", { class: "chat-section" });
      const main = el("div", { class: "chat-section-main" });
      if (o.text) main.append(el("div", { class: "chat-text" }, [slackText(o.text)]));
      const fields = list(o.fields);
      if (fields.length) {
        main.append(
          el(
            "div",
            { class: "chat-fields" },
            fields.map((f) => el("div", { class: "chat-field" }, [slackText(f)])),
          ),
        );
      }
      node.append(main);
      if (o.accessory) node.append(el("div", { class: "chat-accessory" }, [slackElement(o.accessory)]));
      return node;
    }
    case "context":
      return el(
        "div",
        { class: "chat-context" },
        list(o.elements).map((e) => slackElement(e)),
      );
    case "actions":
      return el(
        "div",
        { class: "chat-actions" },
        list(o.elements).map((e) => slackElement(e)),
      );
    case "divider":
      return el("hr", { class: "chat-divider" });
    case "image":
      return el("p", { class: "chat-muted" }, [`[image: ${str(o.alt_text)}]`]);
    default:
      return el("p", { class: "chat-muted" }, [`[${str(o.type) || "unknown"} block]`]);
  }
}

/** A Slack message body (`text`, `blocks`) as a card. */
export function slackMessage(body) {
  const b = obj(body);
  const blocks = list(b.blocks);
  const node = el("div", { class: "chat-msg chat-slack" });
  if (blocks.length === 0) node.append(el("div", { class: "chat-text" }, [slackMrkdwn(b.text)]));
  for (const block of blocks) node.append(slackBlock(block));
  return node;
}

// ------------------------------------------------------------------ Discord Markdown

const DISCORD_TOKEN =
  /\\([\\`*_~[\]()<>#|-])|```(?:[a-z]*\n)?([\s\S]+?)```|\*\*([\s\S]+?)\*\*|__([\s\S]+?)__|~~([\s\S]+?)~~|\*([^*\n]+)\*|_([^_\n]+)_|`([^`\n]+)`|\[([^\]\n]+)\]\(<?(https?:\/\/[^\s)>]+)>?\)|<(@[!&]?|#)(\d+)>|<(https?:\/\/[^\s>]+)>/g;

/** Discord Markdown as a fragment of text nodes and elements. */
export function discordMarkdown(source) {
  const s = str(source);
  const out = document.createDocumentFragment();
  let last = 0;
  for (const m of s.matchAll(DISCORD_TOKEN)) {
    if (m.index > last) out.append(s.slice(last, m.index));
    if (m[1] !== undefined) out.append(m[1]);
    else if (m[2] !== undefined) out.append(el("pre", { class: "chat-pre" }, [m[2]]));
    else if (m[3] !== undefined) out.append(el("strong", {}, [discordMarkdown(m[3])]));
    else if (m[4] !== undefined) out.append(el("u", {}, [discordMarkdown(m[4])]));
    else if (m[5] !== undefined) out.append(el("s", {}, [discordMarkdown(m[5])]));
    else if (m[6] !== undefined) out.append(el("em", {}, [discordMarkdown(m[6])]));
    else if (m[7] !== undefined) out.append(el("em", {}, [discordMarkdown(m[7])]));
    else if (m[8] !== undefined) out.append(el("code", {}, [m[8]]));
    else if (m[9] !== undefined) out.append(safeLink(m[10], m[9]));
    else if (m[11] !== undefined) out.append(el("span", { class: "mention" }, [`${m[11][0]}${m[12]}`]));
    else out.append(safeLink(m[13], m[13]));
    last = m.index + m[0].length;
  }
  if (last < s.length) out.append(s.slice(last));
  return out;
}

/** An embed colour as one of a few classes (no inline styles under the CSP). */
function colourClass(color) {
  if (typeof color !== "number" || !Number.isFinite(color)) return "chat-embed-grey";
  const r = (color >> 16) & 255;
  const g = (color >> 8) & 255;
  const b = color & 255;
  if (r > 180 && g < 120) return "chat-embed-red";
  if (r > 180 && g > 140 && b < 120) return "chat-embed-yellow";
  if (g > r && g > b) return "chat-embed-green";
  if (b > r && b >= g) return "chat-embed-blue";
  return "chat-embed-grey";
}

function discordEmbed(e) {
  const o = obj(e);
  const node = el("div", { class: `chat-embed ${colourClass(o.color)}` });
  const author = str(obj(o.author).name);
  if (author) node.append(el("div", { class: "chat-embed-author" }, [author]));
  const title = str(o.title);
  if (title) {
    node.append(
      el("div", { class: "chat-embed-title" }, [typeof o.url === "string" ? safeLink(o.url, title) : title]),
    );
  }
  if (o.description) node.append(el("div", { class: "chat-text" }, [discordMarkdown(o.description)]));
  const fields = list(o.fields);
  if (fields.length) {
    node.append(
      el(
        "div",
        { class: "chat-embed-fields" },
        fields.map((f) =>
          el("div", { class: obj(f).inline ? "chat-field chat-field-inline" : "chat-field" }, [
            el("div", { class: "chat-field-name" }, [discordMarkdown(obj(f).name)]),
            el("div", {}, [discordMarkdown(obj(f).value)]),
          ]),
        ),
      ),
    );
  }
  const footer = str(obj(o.footer).text);
  if (footer) node.append(el("div", { class: "chat-context" }, [discordMarkdown(footer)]));
  return node;
}

function discordComponent(c) {
  const o = obj(c);
  if (o.type === 1) return el("div", { class: "chat-actions" }, list(o.components).map(discordComponent));
  if (o.type === 2) {
    // Discord button styles: 1 primary, 3 success, 4 danger, 5 link.
    const style = o.style === 1 || o.style === 3 ? "primary" : o.style === 4 ? "danger" : "";
    return chatButton(str(o.label), o.url, style);
  }
  if (o.type === 3)
    return el("span", { class: "chat-btn chat-select" }, [`${str(o.placeholder) || "Choose…"} ▾`]);
  return el("span", { class: "chat-muted" }, [`[component ${str(o.type)}]`]);
}

/** A Discord message body (`content`, `embeds`, `components`) as a card. */
export function discordMessage(body) {
  const b = obj(body);
  const node = el("div", { class: "chat-msg chat-discord" });
  if (b.content) node.append(el("div", { class: "chat-text" }, [discordMarkdown(b.content)]));
  for (const e of list(b.embeds)) node.append(discordEmbed(e));
  for (const c of list(b.components)) node.append(discordComponent(c));
  return node;
}

/** Whether a delivery body has anything to draw (a chat message rather than an API call). */
export function isDrawable(platform, body) {
  const b = obj(body);
  if (platform === "slack") return Array.isArray(b.blocks) || typeof b.text === "string";
  if (platform === "discord") return Array.isArray(b.embeds) || typeof b.content === "string";
  return false;
}

/** A delivery body drawn for its platform, or null for platforms that are not chat. */
export function renderDelivery(platform, body) {
  if (!isDrawable(platform, body)) return null;
  return platform === "slack" ? slackMessage(body) : discordMessage(body);
}
