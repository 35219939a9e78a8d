// The Digests view: every linked channel with its digest schedule (GET /api/digests) and, on demand,
// a preview of the digest it would get now (GET /api/digests/preview), rendered from the neutral
// Reply markup (src/commands/markup.ts) into DOM nodes — never through HTML parsing. Text from outside
// (between U+E000 and U+E001: PR titles, names) is only ever text; mentions and links only where
// Foreman marked them (between U+E002 and U+E003); **bold** and `code` otherwise.
import { api, guarded } from "./api.js";
import { $, el, safeLink, text, when } from "./dom.js";

const MARKED = /\uE000([^\uE001]*)\uE001?|\uE002([^\uE003]*)\uE003?|[\uE001\uE003]/g;
const TOKEN = /\*\*(.+?)\*\*|`([^`]+)`|\uE000|\uE002/g;
const MARKERS = /[\uE000-\uE003]/g;

/** Neutral markup as a fragment of text nodes and elements. */
export function markup(source) {
  const s = typeof source === "string" ? source : text(source);
  const at = { outside: [], live: [], o: 0, l: 0 };
  // Each outside run and each live element becomes one placeholder character, taken in order below.
  const skeleton = s.replace(MARKED, (_m, outside, live) => {
    if (outside !== undefined) {
      at.outside.push(outside.replace(MARKERS, ""));
      return "\uE000";
    }
    if (live !== undefined) {
      at.live.push(live);
      return "\uE002";
    }
    return "";
  });
  return fragment(skeleton, at);
}

function fragment(s, at) {
  const out = document.createDocumentFragment();
  let last = 0;
  for (const m of s.matchAll(TOKEN)) {
    if (m.index > last) out.append(s.slice(last, m.index));
    if (m[1] !== undefined) out.append(el("strong", {}, [fragment(m[1], at)]));
    else if (m[2] !== undefined) out.append(el("code", {}, [plain(m[2], at)]));
    else if (m[0] === "\uE000") out.append(at.outside[at.o++] ?? "");
    else out.append(liveNode(at.live[at.l++] ?? ""));
    last = m.index + m[0].length;
  }
  if (last < s.length) out.append(s.slice(last));
  return out;
}

/** A skeleton slice as plain text (inside code). */
function plain(s, at) {
  return s.replace(/[\uE000\uE002]/g, (c) =>
    c === "\uE000" ? (at.outside[at.o++] ?? "") : (at.live[at.l++] ?? "").replace(MARKERS, ""),
  );
}

/** A mention, channel reference or link Foreman wrote. */
function liveNode(inner) {
  const mention = /^<([@#])([A-Za-z0-9]+)>$/.exec(inner);
  if (mention) return el("span", { class: "mention" }, [`${mention[1]}${mention[2]}`]);
  const link = /^\[([\s\S]*)\]\((https?:\/\/[^\s)]+)\)$/.exec(inner);
  if (link) return safeLink(link[2], link[1].replace(MARKERS, ""));
  return document.createTextNode(inner.replace(MARKERS, ""));
}

function sectionNode(s) {
  const node = el("section", { class: "digest-section" });
  if (s.title) node.append(el("h5", {}, [markup(s.title)]));
  if (s.text) node.append(el("p", {}, [markup(s.text)]));
  if (Array.isArray(s.lines) && s.lines.length) {
    node.append(
      el(
        "ul",
        {},
        s.lines.map((line) => el("li", {}, [markup(line)])),
      ),
    );
  }
  if (Array.isArray(s.fields) && s.fields.length) {
    const dl = el("dl");
    for (const f of s.fields) dl.append(el("dt", {}, [markup(f.label)]), el("dd", {}, [markup(f.value)]));
    node.append(dl);
  }
  return node;
}

function payloadDetails(label, value) {
  let json;
  try {
    json = JSON.stringify(value, null, 2);
  } catch {
    json = String(value);
  }
  return el("details", { class: "payload" }, [el("summary", {}, [label]), el("pre", {}, [json ?? "—"])]);
}

/** The preview of one channel's digest. */
export function previewNode(body) {
  const reply = body?.reply ?? {};
  const tone = typeof reply.tone === "string" ? reply.tone.replace(/[^a-z]/g, "") : "info";
  const node = el("article", { class: `digest tone-${tone}`, "aria-label": "Digest preview" });
  if (!body?.wouldPost) node.append(el("p", { class: "hint" }, ["No digest would be posted now:"]));
  if (reply.title) node.append(el("h4", { class: "digest-title" }, [markup(reply.title)]));
  const sections = Array.isArray(reply.sections) ? reply.sections : [];
  if (sections.length === 0) node.append(el("p", {}, [markup(reply.text)]));
  for (const s of sections) node.append(sectionNode(s));
  const buttons = Array.isArray(reply.buttons) ? reply.buttons : [];
  if (buttons.length) {
    const row = el("div", { class: "digest-buttons" });
    for (const b of buttons)
      row.append(el("button", { type: "button", class: "small", disabled: "" }, [text(b.label)]));
    node.append(row);
  }
  if (reply.footer) node.append(el("p", { class: "hint" }, [markup(reply.footer)]));
  const blocks = Array.isArray(body?.slack?.blocks) ? body.slack.blocks.length : 0;
  const embeds = Array.isArray(body?.discord?.embeds) ? body.discord.embeds.length : 0;
  node.append(
    payloadDetails(`Slack payload (${blocks} blocks)`, body?.slack),
    payloadDetails(`Discord payload (${embeds} embeds)`, body?.discord),
  );
  return node;
}

const DAY_NAMES = { mon: "Mon", tue: "Tue", wed: "Wed", thu: "Thu", fri: "Fri", sat: "Sat", sun: "Sun" };

function scheduleText(ch) {
  const s = ch.schedule;
  if (!s) return "No schedule (/foreman digest schedule HH:MM [zone] [days] in the channel).";
  const days = Array.isArray(s.days) ? s.days.map((d) => DAY_NAMES[d] ?? text(d)).join(", ") : "—";
  const parts = [`${text(s.time)} ${text(s.tz)}, ${days}`];
  if (typeof ch.nextAtMs === "number") parts.push(`next ${when(ch.nextAtMs)}`);
  if (typeof ch.lastPostedSlotMs === "number") parts.push(`last ${when(ch.lastPostedSlotMs)}`);
  return parts.join(" · ");
}

function channelCard(ch) {
  const platform = text(ch.platform);
  const links = Array.isArray(ch.links) ? ch.links : [];
  const repos = links.filter((l) => l.kind === "github").map((l) => text(l.target));
  const teams = links.filter((l) => l.kind === "linear").map((l) => text(l.target));
  const out = el("div", { class: "preview", "aria-live": "polite" });
  out.hidden = true;
  const btn = el(
    "button",
    { type: "button", class: "small", "aria-label": `Preview digest of ${text(ch.channelId)}` },
    ["Preview"],
  );
  btn.addEventListener("click", () => {
    btn.disabled = true;
    const query = new URLSearchParams({
      platform,
      channel: text(ch.channelId),
      workspace: text(ch.workspaceId),
    });
    void guarded(async () => {
      const body = await api("GET", `/api/digests/preview?${query}`);
      out.replaceChildren(previewNode(body));
      out.hidden = false;
    }, out).finally(() => {
      btn.disabled = false;
    });
  });
  return el("li", { class: "channel", "data-channel": `${platform}:${text(ch.channelId)}` }, [
    el("h3", {}, [
      el("span", {}, [`#${text(ch.channelId)}`]),
      el("span", { class: "hint" }, [` ${platform} · ${text(ch.workspaceId)}`]),
    ]),
    el("p", {}, [
      `Repositories: ${repos.length ? repos.join(", ") : "none"}`,
      teams.length ? ` · Linear: ${teams.join(", ")}` : "",
    ]),
    el("p", { class: "schedule" }, [`Digest: ${scheduleText(ch)}`]),
    el("div", { class: "actions" }, [btn]),
    out,
  ]);
}

export async function loadDigests() {
  const body = await api("GET", "/api/digests");
  const channels = Array.isArray(body?.channels) ? body.channels : [];
  $("digests-list").replaceChildren(...channels.map(channelCard));
  $("digests-empty").hidden = channels.length > 0;
}
