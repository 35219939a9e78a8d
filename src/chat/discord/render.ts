/**
 * Reply -> Discord message: content, embeds, button rows, allowed mentions. Every text is first
 * rendered by ./markdown.ts (`renderTexts`: outside text escaped, Foreman's own markup kept); the
 * layout below only places finished text. Every Discord limit is respected by truncating (with
 * "…and N more") rather than failing: a message that breaks a limit is rejected as a whole.
 */

import { plainText, renderTexts, safeUrl, type TextRendering } from "../markup";
import type { Reply, ReplyButton, ReplySelect, Tone } from "../reply";
import { mentionedUserIds, toDiscord } from "./escape";
import type {
  DiscordActionRow,
  DiscordButton,
  DiscordEmbed,
  DiscordEmbedField,
  DiscordLinkButton,
  DiscordMessage,
  DiscordStringSelect,
} from "./types";
import { EPHEMERAL } from "./types";

export const LIMITS = {
  content: 2000,
  embeds: 10,
  embedTotal: 6000,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  rows: 5,
  buttonsPerRow: 5,
  label: 80,
  customId: 100,
  mentionUsers: 100,
  selectOptions: 25,
  optionLabel: 100,
  placeholder: 150,
  url: 512,
} as const;

/** Buttons whose action needs confirmation carry this prefix; the click asks first (interactions.ts). */
export const CONFIRM_PREFIX = "?";

const COLORS: Record<Tone, number> = {
  info: 0x5865f2,
  success: 0x57f287,
  warning: 0xfee75c,
  error: 0xed4245,
};

/** Room kept in the 6,000-character budget for the "…and N more" note. */
const NOTE_RESERVE = 64;
const BLANK = "\u200b";
/** A long entry is cut to fit the remaining budget only if at least this much room is left. */
const MIN_PARTIAL = 100;

type Entry = { kind: "line"; text: string } | { kind: "field"; field: DiscordEmbedField };

/** Embed footers and button labels show text as is; the rest (title included) is markdown. */
const DISCORD_TEXT: TextRendering = {
  markup: toDiscord,
  plain: plainText,
  title: toDiscord,
  footer: plainText,
};

export function renderDiscord(source: Reply): DiscordMessage {
  const reply = renderTexts(source, DISCORD_TEXT);
  const select = reply.select && reply.select.options.length > 0 ? selectRow(reply.select) : null;
  const { rows, dropped } = renderButtons(reply.buttons, select ? LIMITS.rows - 1 : LIMITS.rows);
  if (select) rows.push(select);
  const hasEmbed = reply.title !== undefined || reply.sections.length > 0 || reply.footer !== undefined;
  const notes = dropped > 0 ? [`…and ${dropped} more ${dropped === 1 ? "action" : "actions"}`] : [];
  let content: string | undefined;
  let embeds: DiscordEmbed[] = [];
  if (hasEmbed) {
    embeds = renderEmbeds(reply, notes);
    if (reply.title === undefined) content = truncate(reply.text, LIMITS.content);
  } else {
    const text = [reply.text, ...notes].filter((t) => t !== "").join("\n");
    content = truncate(text === "" ? BLANK : text, LIMITS.content);
  }
  const message: DiscordMessage = {
    embeds,
    components: rows,
    allowed_mentions: {
      parse: [],
      users: content === undefined ? [] : mentionedUserIds(source.text).slice(0, LIMITS.mentionUsers),
    },
  };
  if (content !== undefined) message.content = content;
  if (reply.ephemeral) message.flags = EPHEMERAL;
  return message;
}

/** Cuts to at most `max` characters (UTF-16 units, which Discord never under-counts), ending in "…". */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 1));
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

function entriesOf(reply: Reply): Entry[] {
  const entries: Entry[] = [];
  const skipText = reply.title === undefined ? reply.text : undefined;
  // A titled reply without sections: its text is the embed's description (it is not the content).
  if (reply.title !== undefined && reply.sections.length === 0 && reply.text !== "") {
    for (const text of reply.text.split("\n")) entries.push({ kind: "line", text });
  }
  for (const section of reply.sections) {
    const lines: string[] = [];
    if (section.title) lines.push(`**${section.title}**`);
    if (section.text && section.text !== skipText) lines.push(...section.text.split("\n"));
    lines.push(...(section.lines ?? []));
    if (entries.length > 0 && lines.length > 0) lines[0] = `\n${lines[0]}`;
    for (const text of lines) entries.push({ kind: "line", text });
    for (const f of section.fields ?? []) {
      const name = truncate(f.label.trim() || BLANK, LIMITS.fieldName);
      const value = truncate(f.value.trim() || BLANK, LIMITS.fieldValue);
      entries.push({ kind: "field", field: { name, value, inline: value.length <= 60 } });
    }
  }
  return entries;
}

function renderEmbeds(reply: Reply, notes: string[]): DiscordEmbed[] {
  const color = COLORS[reply.tone ?? "info"];
  const title = reply.title === undefined ? undefined : truncate(reply.title || BLANK, LIMITS.title);
  const footer = reply.footer === undefined ? "" : truncate(reply.footer, LIMITS.footer - NOTE_RESERVE);
  const budget = LIMITS.embedTotal - (title?.length ?? 0) - footer.length - NOTE_RESERVE;
  const first: DiscordEmbed = title === undefined ? { color } : { title, color };
  const embeds: DiscordEmbed[] = [first];
  const entries = entriesOf(reply);
  let used = 0;
  let placed = 0;
  for (const entry of entries) {
    let current = embeds[embeds.length - 1] ?? first;
    const description = current.description ?? "";
    const fieldCount = current.fields?.length ?? 0;
    const line = entry.kind === "line" ? truncate(entry.text, LIMITS.description) || BLANK : "";
    const full =
      entry.kind === "line"
        ? fieldCount > 0 || description.length + 1 + line.length > LIMITS.description
        : fieldCount >= LIMITS.fields;
    if (full && embeds.length >= LIMITS.embeds) break;
    const separator = entry.kind === "line" && !full && description !== "" ? 1 : 0;
    const fitted = fitEntry(
      entry.kind === "line" ? { kind: "line", text: line } : entry,
      budget - used - separator,
    );
    if (fitted === null) break;
    if (full) {
      current = { color };
      embeds.push(current);
    }
    if (fitted.kind === "line") {
      current.description = current.description ? `${current.description}\n${fitted.text}` : fitted.text;
      used += separator + fitted.text.length;
    } else {
      current.fields = [...(current.fields ?? []), fitted.field];
      used += fitted.field.name.length + fitted.field.value.length;
    }
    placed += 1;
  }
  const rest = entries.length - placed;
  const allNotes = rest > 0 ? [`…and ${rest} more`, ...notes] : notes;
  const footerText = [...allNotes, footer].filter((t) => t !== "").join("\n");
  const last = embeds[embeds.length - 1] ?? first;
  if (footerText !== "") last.footer = { text: footerText };
  if (embeds.length === 1 && !first.title && !first.description && !first.fields && !first.footer) {
    first.description = truncate(reply.text || BLANK, LIMITS.description);
  }
  return embeds;
}

/** The entry as is, cut to `room` characters if it is long and enough room is left, or null. */
function fitEntry(entry: Entry, room: number): Entry | null {
  const size = entry.kind === "line" ? entry.text.length : entry.field.name.length + entry.field.value.length;
  if (size <= room) return entry;
  if (room < MIN_PARTIAL) return null;
  if (entry.kind === "line") return { kind: "line", text: truncate(entry.text, room) };
  const valueRoom = room - entry.field.name.length;
  if (valueRoom < MIN_PARTIAL) return null;
  return { kind: "field", field: { ...entry.field, value: truncate(entry.field.value, valueRoom) } };
}

function renderButtons(
  buttons: readonly ReplyButton[],
  maxRows: number,
): { rows: DiscordActionRow[]; dropped: number } {
  const max = maxRows * LIMITS.buttonsPerRow;
  const seen = new Set<string>();
  const kept: (DiscordButton | DiscordLinkButton)[] = [];
  for (const b of buttons) {
    if (b.url !== undefined) {
      const url = safeUrl(b.url);
      if (url === null || url.length > LIMITS.url || kept.length >= max) continue;
      kept.push({ type: 2, style: 5, label: truncate(b.label.trim() || "…", LIMITS.label), url });
      continue;
    }
    const customId = customIdOf(b);
    if (customId === null || seen.has(customId) || kept.length >= max) continue;
    seen.add(customId);
    const style = b.style === "primary" ? 1 : b.style === "danger" ? 4 : 2;
    kept.push({ type: 2, style, label: truncate(b.label.trim() || "…", LIMITS.label), custom_id: customId });
  }
  const rows: DiscordActionRow[] = [];
  for (let i = 0; i < kept.length; i += LIMITS.buttonsPerRow) {
    rows.push({ type: 1, components: kept.slice(i, i + LIMITS.buttonsPerRow) });
  }
  return { rows, dropped: buttons.length - kept.length };
}

/** The button's custom_id (the action, or the confirm-first form when it fits); null if unusable. */
function customIdOf(button: ReplyButton): string | null {
  const action = button.action;
  if (action.length < 1 || action.length > LIMITS.customId) return null;
  const confirmed = `${CONFIRM_PREFIX}${action}`;
  return button.confirm && confirmed.length <= LIMITS.customId ? confirmed : action;
}

/** The select menu's row: its options as values (at most 25; ids Discord would refuse are left out). */
function selectRow(select: ReplySelect): DiscordActionRow {
  const options = select.options
    .filter((o) => o.action.length >= 1 && o.action.length <= LIMITS.customId)
    .slice(0, LIMITS.selectOptions)
    .map((o) => ({ label: truncate(o.label.trim() || "…", LIMITS.optionLabel), value: o.action }));
  const menu: DiscordStringSelect = {
    type: 3,
    custom_id: select.id.slice(0, LIMITS.customId),
    placeholder: truncate(select.placeholder, LIMITS.placeholder),
    options,
  };
  return { type: 1, components: [menu] };
}
